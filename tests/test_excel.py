"""The add-in's entry points through xlwings' own remote engine (xw.Book(json=payload)),
and the server route through FastAPI's test client against the real xlwings Server app."""

import shutil

import pytest
import xlwings as xw
from openpyxl import load_workbook
from payload import payload_from_xlsx
from xlsync.validators.profiles import load_profile

from xlsync import excel
from xlsync.checking import validate_workbooks
from xlsync.exchange import export, push
from xlsync.store import Store

PROFILE = load_profile("seed")


@pytest.fixture
def unit_book(tmp_path, seed_docs):
    store = Store(tmp_path / "store")
    store.put_many(seed_docs)
    book = export(store, tmp_path / "095002-2020.xlsx", PROFILE, unit="095002")[0]
    wb = load_workbook(book)
    wb["目录"]["C5"] = str(store.root)  # the workbook's store setting
    wb.save(book)
    return store, book


def _actions(book, func):
    return [a for a in book.json()["actions"] if a["func"] == func]


def _plain(v):
    """A value as Excel stores it: the apostrophe that keeps text text is not part of it, and
    xlwings sends an empty cell as ""."""
    if v == "":
        return None
    return v[1:] if isinstance(v, str) and v.startswith("'") else v


def _table(book):
    return [a for a in _actions(book, "setValues") if a["values"] and a["values"][0][0] == "'序号"][0]


def test_validate_action_writes_the_same_marks_as_the_cli(unit_book, tmp_path):
    _store, path = unit_book
    twin = tmp_path / "twin.xlsx"
    shutil.copy(path, twin)
    book = xw.Book(json=payload_from_xlsx(path))
    findings = excel.validate(book)
    cli_findings, problems = validate_workbooks([twin], PROFILE, write_back=True)
    assert problems == []
    key = lambda f: (f.code, f.project_id, f.field, f.location.sheet, f.location.cell)  # noqa: E731
    assert sorted(map(key, findings)) == sorted(map(key, cli_findings))
    assert _actions(book, "addSheet")[0]["args"][1] == "校验结果"
    wb = load_workbook(twin)
    on_file = [list(row) for row in wb["校验结果"].iter_rows(values_only=True)]
    in_excel = [[_plain(v) for v in row] for row in _table(book)["values"]]
    assert in_excel == on_file  # the same 校验结果 rows, 原底色 included
    assert [r[2] for r in in_excel[1:]].count("TARGET_PLACEHOLDER") == 3
    sheets = [s["name"] for s in payload_from_xlsx(path)["sheets"]]
    sheets.insert(1, "校验结果")  # positions of the actions after the sheet was added
    colored = {(sheets[a["sheet_position"]], a["start_row"], a["start_column"]): a["args"][0]
               for a in _actions(book, "setRangeColor")}
    for f in findings:
        cell = wb[f.location.sheet][f.location.cell]
        assert colored[(f.location.sheet, cell.row - 1, cell.column - 1)] == "#" + cell.fill.fgColor.rgb[2:]
        assert _actions(book, "addNote")
    status_file = [wb["目录"].cell(r, 6).value for r in range(8, 8 + len(sheets) - 4)]
    status_excel = [_plain(a["values"][0][0]) for a in _actions(book, "setValues")
                    if sheets[a["sheet_position"]] == "目录" and a["start_column"] == 5]
    assert status_excel == status_file and "个错误" in status_file[0]
    assert _actions(book, "alert")


def test_second_validate_puts_back_the_fills_the_first_one_recorded(unit_book):
    _store, path = unit_book
    validate_workbooks([path], PROFILE, write_back=True)  # the first run, on the file
    recorded = {(r[7], r[10]) for r in load_workbook(path)["校验结果"].iter_rows(min_row=2, values_only=True)}
    assert ("'住房公积金管理系统维护费'!A21", "DDEBF7") in recorded  # the plan table's header
    book = xw.Book(json=payload_from_xlsx(path))  # the second, in Excel
    excel.validate(book)
    marked = len({r[0] for r in recorded})
    cleared = [a["args"][0] for a in _actions(book, "setRangeColor")][:marked]
    assert sorted(cleared, key=str) == sorted({r: ("#" + f if f else None) for r, f in recorded}.values(), key=str)


def test_profile_follows_the_workbook_setting(unit_book):
    _store, path = unit_book
    grids = excel.read_book(xw.Book(json=payload_from_xlsx(path)))[0]
    assert excel._profile(grids).name == "seed"
    assert excel._profile(grids, "national").name == "national"
    wb = load_workbook(path)
    wb["_lists"]["B20"] = "/etc/passwd"
    wb.save(path)
    with pytest.raises(Exception, match="_lists!B20|内置规则"):
        excel.validate(xw.Book(json=payload_from_xlsx(path)))


def test_plan_action_writes_the_headless_figures(unit_book):
    _store, path = unit_book
    book = xw.Book(json=payload_from_xlsx(path))
    excel.compute_plan(book)
    ws = load_workbook(path)["服务大厅建设费"]
    top = int(ws.defined_names["xs_plan"].attr_text.rsplit("$", 1)[1])
    headless = [[float(v) if isinstance(v, int | float) or hasattr(v, "as_tuple") else v
                 for v in (ws.cell(r, c).value for c in range(6, 10))] for r in (top + 1, top + 2)]
    assert headless == [[130.19, 1041500.0, 130.19, "不一致"], [32.58, 1302100.0, 162.76, "不一致"]]
    written = [a["values"] for a in _actions(book, "setValues") if (a["start_row"], a["start_column"]) == (top, 5)]
    assert [[_plain(v) for v in row] for row in written[0]] == headless


def test_push_action_gives_the_same_store_as_the_cli(unit_book, tmp_path):
    store, path = unit_book
    wb = load_workbook(path)
    ws = wb["服务大厅建设费"]
    ws[ws.defined_names["xs_owner"].attr_text.split("!")[1].replace("$", "")] = "新负责人"
    wb.save(path)
    twin = tmp_path / "twin"
    shutil.copytree(store.root, twin)
    book = xw.Book(json=payload_from_xlsx(path))
    report = excel.push(book)
    assert report.written and [c.merge.changed for c in report.changes if c.status == "updated"] == [["owner"]]
    assert _actions(book, "setValues")  # the new base revision written to the hidden sheet
    copy = tmp_path / "copy.xlsx"
    shutil.copy(path, copy)
    push(copy, Store(twin), PROFILE)
    assert [p.read_bytes() for p in store.paths()] == [p.read_bytes() for p in Store(twin).paths()]


def test_pull_action_writes_store_changes_into_the_named_cells(unit_book):
    store, path = unit_book
    doc = [d for d in store.documents(unit="095002")[0] if d.name == "服务大厅建设费"][0]
    store.put(doc.model_copy(update={"contact": "新联系人"}))
    book = xw.Book(json=payload_from_xlsx(path))
    report = excel.pull(book)
    assert [c.merge.changed for c in report.changes if c.status == "updated"] == [["contact"]]
    ws = load_workbook(path)["服务大厅建设费"]
    cell = ws.defined_names["xs_contact"].attr_text.split("!")[1].replace("$", "")
    row, col = int(cell[1:]) - 1, ord(cell[0]) - 65
    assert any(a["start_row"] == row and a["start_column"] == col and a["values"] == [["'新联系人"]]
               for a in _actions(book, "setValues"))


def test_targets_with_equals_are_written_as_text(unit_book):
    store, path = unit_book
    doc = [d for d in store.documents(unit="095002")[0] if d.name == "服务大厅建设费"][0]
    store.put(doc.model_copy(update={"indicators": [*doc.indicators[:-1], doc.indicators[-1].model_copy(
        update={"target": "=95%"})]}))
    book = xw.Book(json=payload_from_xlsx(path))
    excel.pull(book)
    values = [v for a in _actions(book, "setValues") for row in (a["values"] or []) for v in row]
    assert "'=95%" in values and "=95%" not in values


def test_worksheet_functions():
    assert excel.share(1030000, 2260000) == 45.58
    assert excel.target_parts("≥95%") == [["≥", 95.0, "%", "quantitative"]]
    assert excel.target_parts("n%")[0][3] == "placeholder"


def test_missing_store_setting_is_a_clear_message(tmp_path, seed_docs, monkeypatch):
    store = Store(tmp_path / "s")
    store.put_many(seed_docs)
    path = export(store, tmp_path / "b.xlsx", PROFILE, unit="095002")[0]
    wb = load_workbook(path)
    wb["目录"]["C5"] = None
    wb.save(path)
    monkeypatch.delenv("XLSYNC_STORE", raising=False)
    with pytest.raises(Exception, match="存储位置"):
        excel.push(xw.Book(json=payload_from_xlsx(path)))


def test_new_project_on_the_desktop_uses_the_workbooks_store(unit_book):
    """The desktop macro's 新增项目 (the name typed comes as UTF-16 hex): a sheet in the open
    workbook and, the workbook naming its store, the project created there under its unit."""
    from xlsync.excelnew import name_from_hex

    store, path = unit_book
    typed = "档案数字化项目𠀀"  # a character beyond the BMP: two UTF-16 units, as VBA's AscW gives them
    hexed = typed.encode("utf-16-be").hex().upper()  # what XlsyncHex builds, 4 digits a UTF-16 unit
    assert name_from_hex(hexed) == typed
    shown = []
    book = xw.Book(json=payload_from_xlsx(path))
    new = excel.new_project(book, typed, report=lambda _b, text, error=False: shown.append((text, error)))
    assert new.registered and new.document.unit_code == "095002" and new.document.year == 2020
    assert store.get(new.document.id).name == typed
    assert _actions(book, "addSheet") and "[PROJECT_NEW]" in shown[-1][0] and not shown[-1][1]
