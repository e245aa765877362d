"""Workbooks never change, lose or undo a stored value: formulas, long amounts, absurd
numbers, control characters, names with ! and quotes, garbled or foreign metadata, and
batches where one workbook fails. Every case asserts the exact stored values afterwards."""

import re
import shutil
import zipfile

import pytest
from click.testing import CliRunner
from lo import convert
from openpyxl import load_workbook
from xlsync.validators.profiles import load_profile

from xlsync.cli import cli
from xlsync.document import dumps, new_document
from xlsync.errors import WorkbookError
from xlsync.exchange import export, push, sync_books
from xlsync.store import Store
from xlsync.workbook.reader import read_workbook

PROFILE = load_profile("seed")
SHEET = "聘用人员经费"


def _ref(ws, key):
    return ws.defined_names[f"xs_{key}"].attr_text.rsplit("!", 1)[1].replace("$", "")


def _edit(path, sheet, edits):
    wb = load_workbook(path)
    ws = wb[sheet]
    for key, value in edits.items():
        ws[_ref(ws, key)] = value
    wb.save(path)


def _snapshot(store):
    return {p: p.read_bytes() for p in store.root.rglob("*") if p.is_file() and "lock" not in p.name}


def _doc_in(store, name):
    return [d for d in store.documents()[0] if d.name == name][0]


# -- formulas -----------------------------------------------------------------------------
def test_formula_without_cached_value_is_refused_by_cell_and_the_stored_value_stays(workspace):
    store, book = workspace
    before = _snapshot(store)
    _edit(book, SHEET, {"total_amount": "=2000000+260000"})
    res = CliRunner().invoke(cli, ["push", str(book), "--store", str(store.root)])
    ws = load_workbook(book)[SHEET]
    assert res.exit_code == 2
    assert f"{SHEET}!{_ref(ws, 'total_amount')}" in res.output and "请在 Excel 中保存一次" in res.output
    assert "=2000000+260000" in res.output and f"[失败] {book}" in res.output
    assert _snapshot(store) == before
    assert _doc_in(store, SHEET).total_amount == "650000.00"


def test_formula_calculated_by_a_spreadsheet_is_read_as_its_value(workspace, tmp_path):
    store, book = workspace
    _edit(book, SHEET, {"total_amount": "=2000000+260000"})
    saved = convert([book], tmp_path / "lo")[0]  # LibreOffice calculates and keeps the result
    report = push(saved, store, PROFILE)
    assert not report.conflicts
    assert _doc_in(store, SHEET).total_amount == "2260000.00"


def test_formula_in_a_text_cell_is_refused_too(workspace):
    store, book = workspace
    before = _snapshot(store)
    wb = load_workbook(book)
    ws = wb[SHEET]
    top = int(ws.defined_names["xs_indicators"].attr_text.rsplit("$", 1)[1])
    ws.cell(top + 1, 4).value = "=100%"  # a 目标值 written by a program: openpyxl makes it a formula
    wb.save(book)
    errors = read_workbook(book).errors
    assert [(e.location.sheet, e.location.cell) for e in errors] == [(SHEET, f"D{top + 1}")]
    assert "请在 Excel 中保存一次" in errors[0].message and "=100%" in errors[0].message
    with pytest.raises(WorkbookError, match=f"{SHEET}!D{top + 1}"):
        push(book, store, PROFILE)
    assert _snapshot(store) == before


# -- amounts ------------------------------------------------------------------------------
def test_amount_longer_than_excel_keeps_is_written_as_text_and_comes_back_exact(tmp_path, monkeypatch):
    monkeypatch.setenv("XLSYNC_MAX_AMOUNT", "1e21")
    store = Store(tmp_path / "s")
    doc = new_document(year=2020, unit_code="095001", name="大额", total_amount="12345678901234567890.12",
                       year_amount="9999999999999.99", prev_total_amount="123456789012345.67")
    store.put(doc)
    book = export(store, tmp_path / "b.xlsx", PROFILE)[0]
    ws = load_workbook(book)["大额"]
    assert ws[_ref(ws, "total_amount")].data_type == "s"  # Excel cannot round text
    assert ws[_ref(ws, "year_amount")].data_type == "n"
    raw = zipfile.ZipFile(book).read("xl/worksheets/sheet2.xml").decode()
    assert "<v>9999999999999.99</v>" in raw
    for path in (book, convert([book], tmp_path / "lo")[0]):
        fresh = Store(tmp_path / f"fresh-{path.parent.name}")
        shutil.copy(path, tmp_path / "p.xlsx")
        assert push(tmp_path / "p.xlsx", fresh, PROFILE).written
        assert fresh.get(doc.id) == doc


@pytest.mark.parametrize("typed, message", [
    ("1e999999999", "科学计数法"), ("1e-999999999", "科学计数法"), ("99999999999999999999", "上限"),
    ("12.3456789万", "两位小数"), ("inf", "有限"),
])
def test_absurd_amount_typed_in_a_cell_is_refused_with_value_and_cell(workspace, typed, message):
    store, book = workspace
    before = _snapshot(store)
    _edit(book, SHEET, {"year_amount": typed})
    res = CliRunner().invoke(cli, ["push", str(book), "--store", str(store.root)])
    ws = load_workbook(book)[SHEET]
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert message in res.output and typed[:10] in res.output and f"{SHEET}!{_ref(ws, 'year_amount')}" in res.output
    assert _snapshot(store) == before


@pytest.mark.parametrize("number, message", [("1E+999999999", "上限"), ("1E-999999999", "两位小数"),
                                             ("12345.678", "两位小数")])
def test_absurd_number_in_the_file_is_refused_without_overflow(workspace, number, message):
    """Numbers a program wrote into the XML, read as the decimals they are (never a float)."""
    store, book = workspace
    before = _snapshot(store)
    ws = load_workbook(book)[SHEET]
    ref = _ref(ws, "year_amount")
    index = load_workbook(book).sheetnames.index(SHEET) + 1
    part = f"xl/worksheets/sheet{index}.xml"
    files = {i.filename: zipfile.ZipFile(book).read(i) for i in zipfile.ZipFile(book).infolist()}
    xml = files[part].decode()
    xml, n = re.subn(rf'(<c r="{ref}"[^>]*>)<v>[^<]*</v>', rf"\g<1><v>{number}</v>", xml)
    assert n == 1
    files[part] = xml.encode()
    with zipfile.ZipFile(book, "w") as z:
        for name, raw in files.items():
            z.writestr(name, raw)
    with pytest.raises(WorkbookError, match=message):
        push(book, store, PROFILE)
    assert _snapshot(store) == before


def test_sums_made_in_excel_read_as_excel_shows_them(workspace, tmp_path):
    store, book = workspace
    _edit(book, SHEET, {"year_amount": "=0.1+0.2+1319999.7"})
    saved = convert([book], tmp_path / "lo")[0]
    push(saved, store, PROFILE)
    assert _doc_in(store, SHEET).year_amount == "1320000.00"


# -- text that a workbook cannot hold, names with ! and quotes ------------------------------
def test_control_characters_are_removed_reported_and_names_with_bang_work(tmp_path):
    store = Store(tmp_path / "s")
    doc = new_document(
        year=2020, unit_code="095001", unit_name="单位!'甲'", name="项目!A'B\x07", owner="张\x00三",
        overview="第一行\r\n第二行\x1b[0m\ufffe", fund_use="业务类", start_date="2020-01-01",
        indicators=[{"level1": "产出目标", "level2": "数量", "name": "人数\x0b", "target": "=100%\x01"}])
    store.put(doc)
    res = CliRunner().invoke(cli, ["export", "--store", str(store.root), "-o", str(tmp_path / "b.xlsx")])
    assert res.exit_code == 0, res.output
    assert "U+0007" in res.output and "U+0000" in res.output and "owner" in res.output
    book = tmp_path / "b.xlsx"
    wb = load_workbook(book)
    ws = wb[wb.sheetnames[1]]
    assert "\x07" not in ws.title and "'" not in ws.title
    assert ws[_ref(ws, "start_date")].is_date  # the defined name resolves through the ! in the title
    sqrefs = {str(dv.sqref) for dv in ws.data_validations.dataValidation}
    assert _ref(ws, "fund_use") in sqrefs and _ref(ws, "start_date") in sqrefs
    cleaned = {"name": "项目!A'B", "owner": "张三", "overview": "第一行\n第二行[0m"}
    got = read_workbook(book).projects[0].document
    assert {k: getattr(got, k) for k in cleaned} == cleaned
    assert (got.indicators[0].name, got.indicators[0].target) == ("人数", "=100%")
    assert convert([book], tmp_path / "lo")  # LibreOffice opens it
    push(book, store, PROFILE)
    stored = store.get(doc.id)
    assert stored == got and stored.id == doc.id
    assert store.revision_of(doc.id, store.log(doc.id)[0].rev[:8]) == doc  # the original stays in history


# -- metadata -----------------------------------------------------------------------------
def _meta_row(ws_meta, sheet):
    return next(r for r in range(6, ws_meta.max_row + 1) if ws_meta.cell(r, 1).value == sheet)


def test_garbled_metadata_is_reported_and_not_trusted(workspace):
    store, book = workspace
    wb = load_workbook(book)
    meta = wb["_xlsync"]
    r = _meta_row(meta, SHEET)
    meta.cell(r, 4).value = meta.cell(r, 4).value.replace('"owner"', '"ownr"', 1)
    wb.save(book)
    doc = _doc_in(store, SHEET)
    store.put(doc.model_copy(update={"contact": "赵六"}))  # someone changed the store since the export
    res = CliRunner().invoke(cli, ["push", str(book), "--store", str(store.root)])
    assert "隐藏同步信息已损坏" in res.output
    assert res.exit_code == 3  # compared two-way: the older workbook cannot undo the newer contact
    assert _doc_in(store, SHEET).contact == "赵六"


def test_metadata_naming_another_units_project_cannot_rewrite_it(workspace, seed_docs):
    store, book = workspace
    foreign = next(d for d in seed_docs if d.unit_code == "095001")
    before = _snapshot(store)
    wb = load_workbook(book)
    meta = wb["_xlsync"]
    meta.cell(_meta_row(meta, SHEET), 2).value = foreign.id
    wb.save(book)
    _edit(book, SHEET, {"owner": "冒名"})
    res = CliRunner().invoke(cli, ["push", str(book), "--store", str(store.root)])
    assert res.exit_code == 2 and foreign.id in res.output and "另一个单位" in res.output
    assert _snapshot(store) == before
    assert store.get(foreign.id) == foreign


def test_two_sheets_claiming_one_project_are_refused(workspace):
    store, book = workspace
    before = _snapshot(store)
    wb = load_workbook(book)
    meta = wb["_xlsync"]
    other = next(t for t in wb.sheetnames if t not in (SHEET, "目录", "_lists", "_xlsync"))
    meta.cell(_meta_row(meta, other), 2).value = meta.cell(_meta_row(meta, SHEET), 2).value
    wb.save(book)
    with pytest.raises(WorkbookError, match="同一个项目"):
        push(book, store, PROFILE)
    assert _snapshot(store) == before


# -- batches ------------------------------------------------------------------------------
def test_batch_reports_every_workbook_and_goes_on_after_a_failure(tmp_path, seed_docs):
    store = Store(tmp_path / "store")
    store.put_many(seed_docs)
    books = list(export(store, tmp_path / "out", PROFILE))
    good, broken, same = books
    _edit(good, "管委会工作经费", {"owner": "新负责人"})
    broken.write_bytes(broken.read_bytes()[:2000])
    res = CliRunner().invoke(cli, ["push", str(good), str(broken), str(same), "--store", str(store.root)])
    assert res.exit_code == 2
    assert f"  [已写入] {good}" in res.output and f"  [失败] {broken}" in res.output
    assert f"  [未变] {same}" in res.output and "损坏" in res.output and "此工作簿和存储均未改动" in res.output
    assert "合计 3 个工作簿：已写入 1，未变 1，失败 1" in res.output
    assert _doc_in(store, "管委会工作经费").owner == "新负责人"
    outcomes = sync_books([good, broken], store, PROFILE, dry_run=True)
    assert [o.status for o in outcomes] == ["unchanged", "failed"]
    res = CliRunner().invoke(cli, ["pull", str(good), str(broken), "--store", str(store.root), "--format", "json"])
    assert res.exit_code == 2
    assert [b["status"] for b in __import__("json").loads(res.output)] == ["unchanged", "failed"]


def test_nothing_written_is_said_only_when_true(workspace):
    store, book = workspace
    doc = _doc_in(store, SHEET)
    store.put(doc.model_copy(update={"owner": "存储方"}))
    _edit(book, SHEET, {"owner": "工作簿方"})
    res = CliRunner().invoke(cli, ["push", str(book), "--store", str(store.root)])
    assert res.exit_code == 3 and "未做任何修改" in res.output and "[冲突]" in res.output
    assert "已写入" not in res.output
    assert _doc_in(store, SHEET).owner == "存储方"
    res = CliRunner().invoke(cli, ["push", str(book), "--store", str(store.root), "--force"])
    assert res.exit_code == 0 and "未做任何修改" not in res.output and "已更新 1" in res.output
    assert _doc_in(store, SHEET).owner == "工作簿方"


def test_export_skips_a_corrupt_document_of_another_unit(tmp_path, seed_docs):
    store = Store(tmp_path / "store")
    store.put_many(seed_docs)
    victim = next(p for p in store.paths() if p.parent.name == "095001")
    victim.write_text("{ not json", encoding="utf-8")
    res = CliRunner().invoke(cli, ["export", "--store", str(store.root), "--unit", "095002", "-o",
                                   str(tmp_path / "b.xlsx")])
    assert res.exit_code == 0, res.output
    assert sorted(dumps(sp.document) for sp in read_workbook(tmp_path / "b.xlsx").projects) == sorted(
        dumps(d) for d in seed_docs if d.unit_code == "095002")
    res = CliRunner().invoke(cli, ["export", "--store", str(store.root), "--out-dir", str(tmp_path / "all")])
    assert res.exit_code == 2 and str(victim) in res.output and "095001" in res.output
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == ["095002-2020.xlsx", "095004-2020.xlsx"]
    assert victim.read_text(encoding="utf-8") == "{ not json"
