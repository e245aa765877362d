"""The budget year in Excel: a blank workbook for a unit, a year and a form; 新增项目; ids
written back on push; withdrawing (撤回); consolidation without withdrawn projects."""

import shutil

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lo import convert
from openpyxl import load_workbook

from xlsync.cli import cli
from xlsync.exchange import push
from xlsync.newproject import add_project
from xlsync.store import Store
from xlsync.templates import build_template
from xlsync.workbook.reader import read_workbook


def _cell(ws, key: str) -> str:
    """The coordinate of a project sheet's field by its sheet-scoped name xs_<key>."""
    return ws.defined_names[f"xs_{key}"].attr_text.split("!")[1].replace("$", "")


def _fill(ws, name: str, total: str, year_amount: str, indicators: list[tuple[str, str, str, str]]) -> None:
    ws[_cell(ws, "name")] = name
    ws[_cell(ws, "department_name")] = "西安市住房和城乡建设局 610"
    ws[_cell(ws, "implementing_unit")] = "西安市市政设施管理中心"
    ws[_cell(ws, "project_attribute")] = "新增项目"
    ws[_cell(ws, "total_amount")] = float(total)
    ws[_cell(ws, "year_amount")] = float(year_amount)
    ws[_cell(ws, "annual_goal")] = "完成年度养护任务"
    header = ws[_cell(ws, "indicators_2")]  # national: 中长期 first, then 年度
    for i, row in enumerate(indicators, 1):
        for j, value in enumerate(row):
            ws.cell(header.row + i, header.column + j).value = value


INDICATORS = [("产出指标", "数量指标", "养护道路里程", "≥120公里"),
              ("效益指标", "社会效益指标", "道路完好率", "≥95%"),
              ("满意度指标", "服务对象满意度指标", "市民满意度", "≥90%")]


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "610001-2027.xlsx"
    build_template(path, layout="national", year=2027, unit_code="610001", unit_name="西安市市政设施管理中心")
    return path


def test_template_for_a_unit_a_year_and_a_form(tmp_path):
    out = tmp_path / "t.xlsm"
    res = CliRunner().invoke(cli, ["template", "--form", "national", "--year", "2027", "--unit", "610001",
                                   "--unit-name", "西安市某局", "-o", str(out)])
    assert res.exit_code == 0, res.output
    wb = load_workbook(out, keep_vba=True)
    assert wb["目录"]["A1"].value == "西安市某局 2027年 项目支出绩效目标表"
    assert wb["目录"]["C8"].value == "（推送后生成）"
    sheet = wb.worksheets[1]
    assert sheet["A1"].value == "项目支出绩效目标申报表" and sheet["A2"].value == "（2027年度）"
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "表式" not in texts and "national" not in texts  # the layout lives in a hidden name
    doc = read_workbook(out).projects[0].document
    assert (doc.year, doc.unit_code, doc.unit_name, doc.layout) == (2027, "610001", "西安市某局", "national")
    assert [f.source for f in doc.funding] == ["财政拨款", "其他资金"]
    assert read_workbook(out).projects[0].fresh
    bad = CliRunner().invoke(cli, ["template", "--unit", "61 0001", "-o", str(tmp_path / "x.xlsx")])
    assert bad.exit_code == 2 and "[TEMPLATE_INVALID]" in bad.output


def test_new_projects_get_ids_on_push_and_a_second_push_updates_them(book, tmp_path):
    store = Store(tmp_path / "store")
    a = add_project(book, "道路养护工程")
    b = add_project(book, "桥梁检测项目")
    with pytest.raises(Exception, match="已是项目"):
        add_project(book, "道路养护工程")
    wb = load_workbook(book)
    assert [wb["目录"].cell(r, 2).value for r in (8, 9, 10)] == ["（项目名称）", "道路养护工程", "桥梁检测项目"]
    _fill(wb[a.title], "道路养护工程", "3000000", "1200000", INDICATORS)
    _fill(wb[b.title], "桥梁检测项目", "800000", "800000", INDICATORS[:2])
    wb.save(book)

    report = push(book, store, None)
    assert report.written and [c.status for c in report.changes] == ["new", "new"]
    ids = [c.id for c in report.changes]
    assert any("[SHEET_BLANK]" in n for n in report.notes)  # the template's untouched sheet
    docs, _ = store.documents(unit="610001", year=2027)
    assert sorted(d.id for d in docs) == sorted(ids)
    road = store.get(ids[0])
    assert road.name == "道路养护工程" and road.year_amount == "1200000.00" and len(road.indicators) == 3
    assert road.layout == "national" and road.indicators[0].period == "annual"
    content = read_workbook(book)  # the ids are in the workbook now
    assert {sp.sheet: sp.document.id for sp in content.projects if not sp.fresh} == {a.title: ids[0],
                                                                                       b.title: ids[1]}
    assert [sp.sheet for sp in content.projects if sp.fresh] == ["（项目名称）"]  # still blank, still new

    # renamed and pushed again: the same project, no second one
    wb = load_workbook(book)
    wb[a.title][_cell(wb[a.title], "name")] = "道路养护工程（主干道）"
    wb.save(book)
    again = push(book, store, None)
    assert [c.status for c in again.changes] == ["updated", "unchanged"]
    docs, _ = store.documents(unit="610001", year=2027)
    assert len(docs) == 2 and store.get(ids[0]).name == "道路养护工程（主干道）"


def test_a_copied_sheet_becomes_a_new_project_once_renamed(book, tmp_path):
    store = Store(tmp_path / "store")
    new = add_project(book, "道路养护工程")
    wb = load_workbook(book)
    _fill(wb[new.title], "道路养护工程", "3000000", "1200000", INDICATORS)
    wb.save(book)
    first = push(book, store, None).changes[0].id
    wb = load_workbook(book)
    copy = wb.copy_worksheet(wb[new.title])
    copy.title = "副本"
    for name, dn in wb[new.title].defined_names.items():  # Excel copies a sheet's own names
        copy.defined_names[name] = type(dn)(name, attr_text=dn.attr_text.replace(f"'{new.title}'", "副本"))
    wb.save(book)
    same = push(book, store, None)
    assert any("[SHEET_COPIED]" in n and "副本" in n for n in same.notes)
    assert len(store.documents(unit="610001")[0]) == 1
    wb = load_workbook(book)
    wb["副本"][_cell(wb["副本"], "name")] = "道路养护工程（二期）"
    wb.save(book)
    renamed = push(book, store, None)
    assert any("[PROJECT_NEW]" in n and "复制" in n for n in renamed.notes)
    docs = store.documents(unit="610001")[0]
    assert len(docs) == 2 and {d.name for d in docs} == {"道路养护工程", "道路养护工程（二期）"}
    assert store.get(first).name == "道路养护工程"


def test_withdraw_in_the_index_or_by_command_never_by_deleting(book, tmp_path):
    store = Store(tmp_path / "store")
    a, b = add_project(book, "道路养护工程"), add_project(book, "桥梁检测项目")
    wb = load_workbook(book)
    _fill(wb[a.title], "道路养护工程", "3000000", "1200000", INDICATORS)
    _fill(wb[b.title], "桥梁检测项目", "800000", "800000", INDICATORS)
    wb.save(book)
    ids = [c.id for c in push(book, store, None).changes]
    # a deleted sheet withdraws nothing: reported
    gone = tmp_path / "gone.xlsx"
    wb = load_workbook(book)
    del wb[b.title]
    wb.save(gone)
    report = push(gone, store, None)
    assert any("[SHEET_DELETED]" in n and ids[1] in n for n in report.notes)
    assert store.get(ids[1]).status is None
    # 撤回 typed in 目录's 状态 cell
    wb = load_workbook(book)
    index = wb["目录"]
    row = next(r for r in range(8, 12) if index.cell(r, 3).value == ids[1])
    index.cell(row, 6).value = "撤回"
    wb.save(book)
    report = push(book, store, None)
    assert any("[PROJECT_WITHDRAWN]" in n for n in report.notes)
    assert store.get(ids[1]).status == "withdrawn" and store.get(ids[0]).status is None
    assert load_workbook(book)["目录"].cell(row, 6).value == "撤回"
    runner = CliRunner()
    listed = runner.invoke(cli, ["list", "--store", str(store.root), "--format", "json"])
    assert ids[1] not in listed.output and ids[0] in listed.output
    assert ids[1] in runner.invoke(cli, ["list", "--store", str(store.root), "--include-withdrawn"]).output
    # and by command, with history; --undo brings it back
    res = runner.invoke(cli, ["withdraw", ids[0], "--store", str(store.root)])
    assert res.exit_code == 0 and "已撤回" in res.output
    assert store.get(ids[0]).status == "withdrawn" and store.log(ids[0])[-1].action == "withdraw"
    out = tmp_path / "none.xlsx"
    res = runner.invoke(cli, ["export", "--store", str(store.root), "-o", str(out)])
    assert res.exit_code == 2 and not out.exists()  # nothing left to export
    res = runner.invoke(cli, ["withdraw", ids[0], "--undo", "--store", str(store.root)])
    assert res.exit_code == 0 and store.get(ids[0]).status is None
    res = runner.invoke(cli, ["withdraw", "2027-610001-000000000000", "--store", str(store.root)])
    assert res.exit_code == 2 and "没有项目" in res.output


def test_from_nothing_to_a_summary_once_through_libreoffice(book, tmp_path):
    """The done-when path: 2027 workbook for a unit, two projects added by the 新增项目 code,
    filled (one saved by LibreOffice Calc), pushed, ids back, pushed again, one withdrawn,
    consolidated."""
    store = Store(tmp_path / "store")
    a, b = add_project(book, "道路养护工程"), add_project(book, "桥梁检测项目")
    wb = load_workbook(book)
    _fill(wb[a.title], "道路养护工程", "3000000", "1200000", INDICATORS)
    _fill(wb[b.title], "桥梁检测项目", "800000", "800000", INDICATORS)
    wb.save(book)
    saved = convert([book], tmp_path / "lo")[0]  # a user saving it in Calc
    report = push(saved, store, None)
    assert report.written and sorted(c.status for c in report.changes) == ["new", "new"], report.notes
    ids = {c.name: c.id for c in report.changes}
    assert {sp.document.id for sp in read_workbook(saved).projects if not sp.fresh} == set(ids.values())
    assert {store.get(i).layout for i in ids.values()} == {"national"}  # Calc keeps the xs_layout name
    assert [c.status for c in push(saved, store, None).changes] == ["unchanged", "unchanged"]
    assert len(store.documents(unit="610001", year=2027)[0]) == 2
    CliRunner().invoke(cli, ["withdraw", ids["桥梁检测项目"], "--store", str(store.root)])
    summary = tmp_path / "汇总.xlsx"
    res = CliRunner().invoke(cli, ["consolidate", str(store.root), "-o", str(summary), "--json",
                                   str(tmp_path / "s.json")])
    assert res.exit_code == 0, res.output
    import json

    data = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    text = json.dumps(data, ensure_ascii=False)
    assert "道路养护工程" in text and "桥梁检测项目" not in text
    res = CliRunner().invoke(cli, ["consolidate", str(store.root), "--include-withdrawn", "-o", str(summary), "--json",
                                   str(tmp_path / "all.json")])
    assert "桥梁检测项目" in (tmp_path / "all.json").read_text(encoding="utf-8")
    shutil.rmtree(tmp_path / "lo")


def test_the_national_form_says_what_it_requires(book):
    from xlsync.document import new_document
    from xlsync.validate import validate_documents

    new = add_project(book, "道路养护工程")
    wb = load_workbook(book)
    wb[new.title][_cell(wb[new.title], "unit_code")] = None
    wb.save(book)
    res = CliRunner().invoke(cli, ["validate", str(book), "--format", "json"])
    assert res.exit_code == 1
    import json

    found = json.loads(res.output)["findings"]
    missing = {f["field"] for f in found if f["code"] == "FIELD_MISSING" and f["project_name"] == "道路养护工程"}
    assert {"department_name", "implementing_unit", "project_attribute", "start_date", "total_amount",
            "annual_goal", "indicators", "unit_code", "owner", "phone"} <= missing
    where = {f["field"]: f["location"]["cell"] for f in found if f["project_name"] == "道路养护工程"}
    assert where["owner"] == _cell(wb[new.title], "owner")
    # 项目期 as written (not two dates) fills it; a published table without a 负责人 line is not faulted
    doc = new_document(year=2027, name="x", layout="national", unit_name="某局", department_name="某部门",
                       implementing_unit="某单位", project_attribute="新增项目", year_amount="1.00",
                       annual_goal="目标", indicators=[{"level1": "产出指标", "level2": "数量指标", "name": "n",
                                                        "target": "1个"}],
                       extra=[{"label": "项目期", "value": "1年"}])
    assert [f for f in validate_documents([doc]) if f.code == "FIELD_MISSING"] == []


def test_what_the_officer_sees_unknown_totals_and_an_over_planned_chart(tmp_path):
    """目录: an unknown amount is empty and left out of 合计 with a count; the plan chart
    reaches an over-planned project's peak and says so; both as printed by LibreOffice."""
    import re
    import subprocess
    import zipfile

    from xlsync.document import new_document
    from xlsync.workbook.writer import write_workbook

    inds = [{"level1": "产出目标", "level2": "数量", "name": "培训次数", "target": "=2次"}]
    plan = [{"start_month": 1, "end_month": 6, "amount": "900000.00", "stated_percent": None, "percent_basis": None},
            {"start_month": 7, "end_month": 12, "amount": "700000.00", "stated_percent": None,
             "percent_basis": None}]
    long_name = "城市道路桥梁隧道及附属设施日常养护维修与应急抢险保障服务政府购买项目（第二期延续实施部分）"
    over = new_document(year=2020, unit_code="095001", unit_name="某中心", name=long_name,
                        year_amount="1200000.00", indicators=inds, plan=plan)
    unknown = new_document(year=2020, unit_code="095001", unit_name="某中心", name="金额未知", indicators=inds)
    book = write_workbook([over, unknown], tmp_path / "b.xlsx")
    index = load_workbook(book)["目录"]
    total_row = next(r for r in range(8, 20) if str(index.cell(r, 2).value or "").startswith("合计"))
    assert index.cell(total_row, 4).value is None  # no total where every 总金额 is unknown
    assert index.cell(total_row, 5).value.startswith("=SUM(")
    assert "未填金额未计入：总金额 2 个，本年度金额 1 个" in index.cell(total_row, 2).value
    chart = next(n for n in zipfile.ZipFile(book).namelist() if n.startswith("xl/charts/chart"))
    xml = zipfile.ZipFile(book).read(chart).decode()
    assert '<c:max val="140"/>' in xml and "超过100%" in xml
    pdf = convert([book], tmp_path / "pdf", "pdf")[0]
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout)
    assert long_name in text and "超过100%" in text and "0.00" not in text.split("合计")[1][:40]


def test_usage_errors_are_chinese_with_a_code():
    runner = CliRunner()
    cases = [(["list"], "[USAGE_MISSING_OPTION]", "缺少必需的选项 --store"),
             (["lst"], "[USAGE_UNKNOWN_COMMAND]", "没有这个命令 lst（是不是 list？）"),
             (["list", "--stor", "s"], "[USAGE_UNKNOWN_OPTION]", "是不是 --store"),
             (["template", "--year", "abc"], "[USAGE_BAD_VALUE]", "abc 不是整数"),
             (["list", "--store", "s", "--format", "xml"], "[USAGE_BAD_VALUE]", "xml 应为 table, json 之一"),
             (["new-project"], "[USAGE_MISSING_ARGUMENT]", "缺少参数 BOOK"),
             (["export", "--store", "s"], "[TARGET_MISSING]", "请给出 -o")]
    for args, code, text in cases:
        res = runner.invoke(cli, args)
        assert res.exit_code == 2 and code in res.output and text in res.output, (args, res.output)
        assert "Error:" not in res.output and "Usage:" not in res.output


def test_a_project_period_as_written_is_shown_in_its_row_and_reads_back(tmp_path):
    from xlsync.document import new_document
    from xlsync.workbook.writer import write_workbook

    doc = new_document(year=2027, unit_code="610001", unit_name="某局", layout="national", name="养护",
                       extra=[{"label": "项目编号", "value": "A1"}, {"label": "项目期", "value": "1年"},
                              {"label": "项目类别", "value": "其他"}])
    book = write_workbook([doc], tmp_path / "b.xlsx")
    ws = load_workbook(book).worksheets[1]
    assert ws[_cell(ws, "start_date")].value == "1年"
    texts = [c.value for row in ws.iter_rows() for c in row]
    assert texts.count("1年") == 1 and "项目编号" in texts  # not repeated among 其他栏目
    assert read_workbook(book).projects[0].document == doc
    saved = convert([book], tmp_path / "lo")[0]
    assert read_workbook(saved).projects[0].document == doc  # Calc keeps the xs_period name
    # the officer writes real dates over it: the dates are kept, the text is gone
    wb = load_workbook(book)
    ws = wb.worksheets[1]
    ws[_cell(ws, "start_date")] = "2027-01-01"
    wb.save(book)
    got = read_workbook(book).projects[0].document
    assert got.start_date == "2027-01-01" and [e.label for e in got.extra] == ["项目编号", "项目类别"]


def test_pull_leaves_new_sheets_alone(book, tmp_path):
    from xlsync.exchange import pull

    store = Store(tmp_path / "store")
    report = pull(book, store, None)  # only the template's blank sheet: nothing to pull, nothing refused
    assert not report.written and any("[SHEET_NEW]" in n for n in report.notes)
    new = add_project(book, "道路养护工程")
    wb = load_workbook(book)
    _fill(wb[new.title], "道路养护工程", "3000000", "1200000", INDICATORS)
    wb.save(book)
    first = push(book, store, None).changes[0].id
    store.put(store.get(first).model_copy(update={"owner": "王五"}))
    report = pull(book, store, None)
    assert report.written and [c.status for c in report.changes] == ["updated"]
    got = {sp.sheet: sp.document for sp in read_workbook(book).projects}
    assert got[new.title].owner == "王五" and got["（项目名称）"].name == "（项目名称）"

_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(
    lambda t: t.strip() == t and t.strip())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(period=_TEXT, before=st.lists(_TEXT, max_size=2), name=_TEXT)
def test_period_as_written_and_new_names_round_trip(tmp_path, period, before, name):
    """Any 项目期 text that is not a date reads back into its place in extra; any name the
    desktop macro sends as UTF-16 hex comes back as typed."""
    from xlsync.document import new_document
    from xlsync.excelnew import name_from_hex
    from xlsync.workbook.reader import _is_date_text
    from xlsync.workbook.writer import write_workbook

    assert name_from_hex(name.encode("utf-16-be").hex().upper()) == name
    if _is_date_text(period):
        return
    extra = [{"label": f"栏目{i}", "value": v} for i, v in enumerate(before)] + [{"label": "项目期", "value": period}]
    doc = new_document(year=2027, unit_code="610001", unit_name="某局", layout="national", name="养护", extra=extra)
    book = write_workbook([doc], tmp_path / "p.xlsx")
    assert read_workbook(book).projects[0].document == doc


@pytest.mark.disk
def test_new_project_on_a_full_disk_leaves_the_workbook_as_it_was(tmp_path):
    """新增项目 writes the workbook whole or not at all: on a full disk the file keeps its bytes."""
    from disk import fill, free_all, small_disk

    with small_disk(tmp_path / "disk", "2m") as root:
        path = root / "610001-2027.xlsx"
        build_template(path, layout="national", year=2027, unit_code="610001", unit_name="某局")
        before = path.read_bytes()
        fillers = fill(root, leave=4096)
        with pytest.raises(OSError):
            add_project(path, "道路养护工程")
        assert path.read_bytes() == before and sorted(p.name for p in root.iterdir() if p.suffix == ".xlsx") == [
            path.name]
        free_all(fillers)
        add_project(path, "道路养护工程")
        assert [sp.sheet for sp in read_workbook(path).projects] == ["（项目名称）", "道路养护工程"]


def test_new_project_with_a_store_is_created_at_once(book, tmp_path):
    store = tmp_path / "store"
    res = CliRunner().invoke(cli, ["new-project", str(book), "--name", "道路养护工程", "--store", str(store)])
    assert res.exit_code == 0 and "[PROJECT_NEW]" in res.output, res.output
    docs = Store(store).documents(unit="610001", year=2027)[0]
    assert [d.name for d in docs] == ["道路养护工程"] and docs[0].id in res.output
    assert f"xlsync push {book} --store {store}" in res.output
    content = read_workbook(book)
    assert {sp.sheet: sp.document.id for sp in content.projects if not sp.fresh} == {"道路养护工程": docs[0].id}
    report = push(book, Store(store), None)
    assert [c.status for c in report.changes] == ["unchanged"]
    res = CliRunner().invoke(cli, ["new-project", str(book), "--name", "道路养护工程", "--store", str(store)])
    assert res.exit_code == 2 and "已是项目" in res.output
