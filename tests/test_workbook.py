import datetime as dt
import shutil
import zipfile

import pytest
from click.testing import CliRunner
from lo import convert
from openpyxl import load_workbook
from xlsync.validators.profiles import load_profile

from xlsync.cli import cli
from xlsync.document import dumps
from xlsync.exchange import export, pull, push
from xlsync.store import Store
from xlsync.workbook.reader import read_workbook

PROFILE = load_profile("seed")


@pytest.fixture(scope="module")
def books(tmp_path_factory, seed_docs):
    root = tmp_path_factory.mktemp("books")
    store = Store(root / "store")
    store.put_many(seed_docs)
    paths = export(store, root / "out", PROFILE)
    return store, paths


def _docs_in(paths):
    docs = []
    for p in paths:
        content = read_workbook(p)
        assert content.errors == []
        docs += [sp.document for sp in content.projects]
    return docs


def test_round_trip_store_workbooks_store_is_byte_identical(books, tmp_path, seed_docs):
    store, paths = books
    assert [p.name for p in paths] == ["095001-2020.xlsx", "095002-2020.xlsx", "095004-2020.xlsx"]
    fresh = Store(tmp_path / "fresh")
    for p in paths:
        shutil.copy(p, tmp_path / p.name)
        report = push(tmp_path / p.name, fresh, PROFILE)
        assert report.written and not report.conflicts
    old = {p.relative_to(store.root): p.read_bytes() for p in store.paths()}
    new = {p.relative_to(fresh.root): p.read_bytes() for p in fresh.paths()}
    assert old == new and len(new) == 12


def test_targets_starting_with_equals_stay_text(books):
    _store, paths = books
    wb = load_workbook(paths[0])
    ws = wb["管委会工作经费"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == "=100%"]
    assert cells and all(c.data_type == "s" for c in cells)
    raw = zipfile.ZipFile(paths[0]).read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in raw


def test_workbook_saved_by_libreoffice_imports_to_the_same_documents(books, tmp_path, seed_docs):
    _store, paths = books
    converted = convert(paths, tmp_path / "lo")
    assert sorted(dumps(d) for d in _docs_in(converted)) == sorted(dumps(d) for d in seed_docs)
    fresh = Store(tmp_path / "fresh")
    for p in converted:
        assert push(p, fresh, PROFILE).written
    assert len(fresh.paths()) == 12


def test_layout_names_tables_validation_print(books):
    _store, paths = books
    wb = load_workbook(paths[0])
    assert wb.sheetnames[0] == "目录"
    ws = wb["管委会工作经费"]
    assert {"xs_name", "xs_year_amount", "xs_indicators", "xs_plan"} <= set(ws.defined_names)
    assert any(t.endswith("_indicators") for t in ws.tables)
    assert ws.print_title_rows == "$1:$2" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert {f.lstrip("=") for f in formulas} >= {"XS_LEVEL1"} and any("INDIRECT" in f for f in formulas)
    code = ws[ws.defined_names["xs_unit_code"].attr_text.split("!")[1].replace("$", "")]
    assert code.value == "095001" and code.data_type == "s"
    start = ws[ws.defined_names["xs_start_date"].attr_text.split("!")[1].replace("$", "")]
    assert start.is_date and start.number_format == "yyyy-mm-dd"
    assert wb["_xlsync"].sheet_state == "veryHidden"
    assert ws._charts, "the plan chart"


def test_plan_figures_are_values_in_the_file(books):
    _store, paths = books
    wb = load_workbook(paths[0], data_only=True)
    ws = wb["住房公积金县区管理部发展基金"]
    top = int(ws.defined_names["xs_plan"].attr_text.rsplit("$", 1)[1])
    rows = [[ws.cell(top + i, j).value for j in range(1, 10)] for i in (1, 2, 3)]
    assert [float(r[5]) for r in rows] == [45.58, 29.65, 24.78]
    assert [float(r[7]) for r in rows] == [45.58, 75.22, 100.0]
    assert [r[8] for r in rows] == ["一致", "一致", "一致"]


def _cell(ws, key):
    return ws.defined_names[f"xs_{key}"].attr_text.split("!")[1].replace("$", "")


def _edit(path, sheet, edits):
    wb = load_workbook(path)
    ws = wb[sheet]
    for key, value in edits.items():
        ws[_cell(ws, key) if not key[0].isupper() else key] = value
    wb.save(path)


def test_user_edit_of_one_cell_changes_exactly_that_field(workspace):
    store, book = workspace
    before = {d.id: d for d in store.documents(unit="095004")[0]}
    _edit(book, "聘用人员经费", {"owner": "王五"})
    report = push(book, store, PROFILE)
    changed = [c for c in report.changes if c.status == "updated"]
    assert len(changed) == 1 and changed[0].merge.changed == ["owner"]
    after = store.get(changed[0].id)
    assert after.owner == "王五"
    assert after.model_dump(exclude={"owner"}) == before[changed[0].id].model_dump(exclude={"owner"})
    assert len(store.log(changed[0].id)) == 2


def test_edits_on_both_sides_merge_or_conflict(workspace):
    store, book = workspace
    doc = [d for d in store.documents(unit="095004")[0] if d.name == "聘用人员经费"][0]
    store.put(doc.model_copy(update={"contact": "赵六"}))  # store side changes contact
    _edit(book, "聘用人员经费", {"owner": "王五"})  # workbook side changes owner
    report = push(book, store, PROFILE)
    assert not report.conflicts
    merged = store.get(doc.id)
    assert (merged.owner, merged.contact) == ("王五", "赵六")
    # the workbook now shows the merged document too
    sheet = [sp for sp in read_workbook(book).projects if sp.document.id == doc.id][0]
    assert sheet.document.contact == "赵六"
    # now both sides change the same field
    store.put(merged.model_copy(update={"owner": "存储改"}))
    _edit(book, "聘用人员经费", {"owner": "表格改"})
    rev_before = [e.rev for e in store.log(doc.id)]
    report = push(book, store, PROFILE)
    assert [c.field for c in report.conflicts[0].merge.conflicts] == ["owner"]
    conflict = report.conflicts[0].merge.conflicts[0]
    assert (conflict.base, conflict.ours, conflict.theirs) == ("王五", "表格改", "存储改")
    assert [e.rev for e in store.log(doc.id)] == rev_before  # nothing written
    res = CliRunner().invoke(cli, ["push", str(book), "--store", str(store.root)])
    assert res.exit_code == 3 and "冲突" in res.output and "表格改" in res.output
    forced = push(book, store, PROFILE, force=True)
    assert forced.written and store.get(doc.id).owner == "表格改"
    assert store.revision_of(doc.id, store.log(doc.id)[-2].rev).owner == "存储改"


def test_pull_brings_store_changes_and_keeps_other_sheets(workspace):
    store, book = workspace
    wb = load_workbook(book)
    mine = wb.create_sheet("我的备注")
    mine["A1"] = "自己的工作表"
    wb.save(book)
    doc = [d for d in store.documents(unit="095004")[0] if d.name == "公积金政策宣传费"][0]
    store.put(doc.model_copy(update={"year_amount": "260000.00"}))
    dry = pull(book, store, PROFILE, dry_run=True)
    assert [c.merge.changed for c in dry.changes if c.status == "updated"] == [["year_amount"]]
    assert read_workbook(book).projects  # unchanged by the dry run
    report = pull(book, store, PROFILE)
    assert report.written
    content = read_workbook(book)
    got = [sp.document for sp in content.projects if sp.document.id == doc.id][0]
    assert got.year_amount == "260000.00"
    assert load_workbook(book)["我的备注"]["A1"].value == "自己的工作表"
    assert not push(book, store, PROFILE).conflicts


@pytest.mark.parametrize(
    "typed, expected",
    [("1,221万", "12210000.00"), (12210000, "12210000.00"), (1.221e7, "12210000.00"),
     ("１２２１００００", "12210000.00"), ("12210000", "12210000.00"), (1041500.55, "1041500.55")],
)
def test_amounts_as_people_type_them(workspace, typed, expected):
    store, book = workspace
    _edit(book, "聘用人员经费", {"total_amount": typed})
    doc = [sp.document for sp in read_workbook(book).projects if sp.sheet == "聘用人员经费"][0]
    assert doc.total_amount == expected


@pytest.mark.parametrize(
    "typed, expected",
    [("2020/1/1", "2020-01-01"), ("2020年1月1日", "2020-01-01"), (43831, "2020-01-01"),
     (dt.datetime(2020, 3, 5), "2020-03-05")],
)
def test_dates_as_people_type_them(workspace, typed, expected):
    store, book = workspace
    _edit(book, "聘用人员经费", {"start_date": typed})
    doc = [sp.document for sp in read_workbook(book).projects if sp.sheet == "聘用人员经费"][0]
    assert doc.start_date == expected


@pytest.mark.parametrize("typed, fmt", [(0.45, "General"), (0.45, "0%"), ("45%", "@"), (45, "General")])
def test_percentages_as_people_type_them(workspace, typed, fmt):
    store, book = workspace
    wb = load_workbook(book)
    ws = wb["聘用人员经费"]
    top = int(ws.defined_names["xs_plan"].attr_text.rsplit("$", 1)[1])
    ws.cell(top + 1, 3).value = 100000
    ws.cell(top + 1, 4).value = typed
    ws.cell(top + 1, 4).number_format = fmt
    ws.cell(top + 1, 5).value = "累计"
    wb.save(book)
    doc = [sp.document for sp in read_workbook(book).projects if sp.sheet == "聘用人员经费"][0]
    assert (doc.plan[0].stated_percent, doc.plan[0].percent_basis, doc.plan[0].amount) == ("45", "cumulative", "100000.00")


@pytest.mark.parametrize("key, typed, message", [
    ("total_amount", "一百万", "无法识别的金额"), ("total_amount", 1.005, "两位小数"),
    ("total_amount", "1.221E7", "科学计数法"),
    ("start_date", "2020-02-30", "日期"), ("start_date", "明年", "日期")])
def test_bad_values_are_reported_with_their_cell_and_nothing_is_written(workspace, key, typed, message):
    store, book = workspace
    _edit(book, "聘用人员经费", {key: typed})
    before = {p: p.read_bytes() for p in store.paths()}
    book_bytes = book.read_bytes()
    res = CliRunner().invoke(cli, ["import", str(book), "--store", str(store.root)])
    assert res.exit_code == 2
    ws = load_workbook(book)["聘用人员经费"]
    assert f"聘用人员经费!{_cell(ws, key)}" in res.output and message in res.output
    assert {p: p.read_bytes() for p in store.paths()} == before
    assert book.read_bytes() == book_bytes


def test_lost_metadata_degrades_to_two_way(workspace):
    store, book = workspace
    wb = load_workbook(book)
    del wb["_xlsync"]
    wb.save(book)
    report = push(book, store, PROFILE)
    assert report.notes and "两方比较" in report.notes[0]
    assert not report.conflicts  # nothing differs
    assert read_workbook(book).has_meta  # a successful push puts the metadata back
    wb = load_workbook(book)
    del wb["_xlsync"]
    wb.save(book)
    _edit(book, "聘用人员经费", {"owner": "王五"})
    report = push(book, store, PROFILE)
    assert [c.field for c in report.conflicts[0].merge.conflicts] == ["owner"]


def test_validate_write_back_marks_and_clears(tmp_path, seed_docs):
    store = Store(tmp_path / "store")
    store.put_many(seed_docs)
    book = export(store, tmp_path / "b.xlsx", PROFILE, unit="095002")[0]
    res = CliRunner().invoke(cli, ["validate", str(book), "--write-back"])
    assert res.exit_code == 1
    wb = load_workbook(book)
    ws = wb["校验结果"]
    codes = [r[2] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert codes.count("TARGET_PLACEHOLDER") == 3
    link = [r for r in ws.iter_rows(min_row=2) if r[2].value == "TARGET_PLACEHOLDER"][0][7]
    assert link.hyperlink is not None
    sheet, cell = link.value.rsplit("!", 1)
    target = wb[sheet.strip("'")][cell]
    assert target.value == "n" and target.fill.fgColor.rgb.endswith("FFC7CE") and target.comment
    status = {r[2]: r[5] for r in wb["目录"].iter_rows(min_row=8, values_only=True) if r[2]}
    assert all("错误" in s for s in status.values())
    # fix the placeholder, validate again: its mark is gone, the others stay
    wb[sheet.strip("'")][cell] = "=5"
    wb[sheet.strip("'")][cell].data_type = "s"
    wb.save(book)
    CliRunner().invoke(cli, ["validate", str(book), "--write-back"])
    wb = load_workbook(book)
    fixed = wb[sheet.strip("'")][cell]
    assert fixed.comment is None and fixed.fill.fill_type is None
    codes = [r[2] for r in wb["校验结果"].iter_rows(min_row=2, values_only=True)]
    assert codes.count("TARGET_PLACEHOLDER") == 2


def test_template_is_reproducible(tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for p in (a, b):
        assert CliRunner().invoke(cli, ["template", "-o", str(p)]).exit_code == 0
    za, zb = zipfile.ZipFile(a), zipfile.ZipFile(b)
    assert za.namelist() == zb.namelist()
    for name in za.namelist():
        if name != "docProps/core.xml":
            assert za.read(name) == zb.read(name), name
    content = read_workbook(a)
    assert content.projects[0].document.name == "（项目名称）"


def test_not_a_workbook(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not a zip")
    res = CliRunner().invoke(cli, ["import", str(bad), "--store", str(tmp_path / "s")])
    assert res.exit_code == 2 and str(bad) in res.output


def test_validate_reports_unreadable_cells_and_still_checks_the_rest(workspace):
    _store, book = workspace
    _edit(book, "聘用人员经费", {"year_amount": "很多"})
    res = CliRunner().invoke(cli, ["validate", str(book), "--verbose"])
    assert res.exit_code == 2
    assert "聘用人员经费!" in res.output and "无法识别的金额" in res.output
    assert "煤炭行业发展基金运转费" in res.output  # the other sheets were still checked


def test_unwritable_store_is_a_message_not_a_traceback(tmp_path, seed_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = CliRunner().invoke(cli, ["import-text", str(seed_path), "--store", str(blocker / "store")])
    assert res.exit_code == 2 and "错误" in res.output and "Traceback" not in res.output


def test_pull_keeps_the_users_formatting_when_the_document_fits(workspace):
    from openpyxl.styles import Font

    store, book = workspace
    wb = load_workbook(book)
    ws = wb["聘用人员经费"]
    owner = _cell(ws, "owner")
    ws[owner].font = Font(name="楷体", size=14, color="FF0000")
    ws.column_dimensions["C"].width = 55
    wb.save(book)
    doc = [d for d in store.documents(unit="095004")[0] if d.name == "聘用人员经费"][0]
    fewer = doc.indicators[:-2]
    store.put(doc.model_copy(update={"owner": "王五", "indicators": fewer}))
    assert pull(book, store, PROFILE).written
    ws = load_workbook(book)["聘用人员经费"]
    assert ws[owner].value == "王五" and ws[owner].font.name == "楷体" and ws.column_dimensions["C"].width == 55
    got = [sp.document for sp in read_workbook(book).projects if sp.document.id == doc.id][0]
    assert got.indicators == fewer and got.owner == "王五"
    # more indicators than the table holds: the sheet is rebuilt and still reads back exactly
    more = [*doc.indicators, doc.indicators[0].model_copy(update={"name": "新增指标"})]
    store.put(store.get(doc.id).model_copy(update={"indicators": more}))
    assert pull(book, store, PROFILE).written
    got = [sp.document for sp in read_workbook(book).projects if sp.document.id == doc.id][0]
    assert got.indicators == more
