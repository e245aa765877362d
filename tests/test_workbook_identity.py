"""A workbook speaks only for its own unit and year: the unit and year of its hidden metadata,
its 目录 and every project sheet agree, or nothing is written and the cell is named; a
workbook without metadata creates no project (that is the new-project path)."""

from click.testing import CliRunner
from openpyxl import load_workbook

from xlsync.cli import cli
from xlsync.workbook.book import meta_rows

SHEET = "聘用人员经费"  # a project of unit 095004 in the `workspace` workbook


def _ref(ws, key):
    return ws.defined_names[f"xs_{key}"].attr_text.rsplit("!", 1)[1].replace("$", "")


def _snapshot(store):
    return {p: p.read_bytes() for p in store.root.rglob("*") if p.is_file() and "lock" not in p.name}


def _push(store, book):
    return CliRunner().invoke(cli, ["push", str(book), "--store", str(store.root)])


def test_a_sheet_claiming_another_units_project_with_copied_metadata_is_refused(workspace, seed_docs):
    store, book = workspace
    victim = next(d for d in seed_docs if d.unit_code == "095002")
    before = _snapshot(store)
    wb = load_workbook(book)
    ws = wb[SHEET]
    unit_cell = _ref(ws, "unit_code")
    ws[unit_cell] = "095002"
    ws[_ref(ws, "name")] = victim.name
    ws[_ref(ws, "owner")] = "冒名"
    meta = wb["_xlsync"]
    r = next(r for r in range(6, meta.max_row + 1) if meta.cell(r, 1).value == SHEET)
    for c in range(2, meta.max_column + 1):
        meta.cell(r, c).value = None
    for c, value in enumerate(meta_rows([(SHEET, victim)], "095002", 2020)[-1][1:], 2):
        meta.cell(r, c).value = value  # the victim's id, revision and copy, taken from the store
    wb.save(book)
    res = _push(store, book)
    assert res.exit_code == 2, res.output
    assert f"{SHEET}!{unit_cell}" in res.output and "095002" in res.output and "_xlsync!B2" in res.output
    assert "未做任何修改" in res.output
    assert _snapshot(store) == before
    assert store.get(victim.id) == victim


def test_the_index_sheet_must_name_the_same_unit(workspace):
    store, book = workspace
    before = _snapshot(store)
    wb = load_workbook(book)
    wb["目录"]["C2"] = "095002"
    wb.save(book)
    res = _push(store, book)
    assert res.exit_code == 2 and "目录!C2" in res.output and "095002" in res.output, res.output
    assert _snapshot(store) == before


def test_a_workbook_without_metadata_creates_no_project(workspace):
    store, book = workspace
    before = _snapshot(store)
    wb = load_workbook(book)
    del wb["_xlsync"]
    for ws in wb.worksheets:  # every sheet now says 095002: one unit, but no metadata
        if "xs_unit_code" in ws.defined_names:
            ws[_ref(ws, "unit_code")] = "095002"
    wb["目录"]["C2"] = "095002"
    wb.save(book)
    res = _push(store, book)
    assert res.exit_code == 2, res.output
    assert "没有 xlsync 的隐藏元数据" in res.output and "new-project" in res.output and SHEET in res.output
    assert _snapshot(store) == before
