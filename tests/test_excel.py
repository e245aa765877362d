"""The add-in's entry points through xlwings' own remote engine (xw.Book(json=payload)),
and the server route through FastAPI's test client against the real xlwings Server app."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlwings as xw
from openpyxl import load_workbook
from payload import payload_from_xlsx
from xlsync.validators.profiles import load_profile

from xlsync import excel
from xlsync.checking import validate_workbooks
from xlsync.document import dumps
from xlsync.exchange import export, push
from xlsync.store import Store
from xlsync.workbook.reader import read_workbook

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


def test_validate_action_matches_the_cli(unit_book):
    _store, path = unit_book
    book = xw.Book(json=payload_from_xlsx(path))
    findings = excel.validate(book)
    cli_findings, problems = validate_workbooks([path], PROFILE)
    assert problems == []
    key = lambda f: (f.code, f.project_id, f.field, f.location.sheet, f.location.cell)  # noqa: E731
    assert sorted(map(key, findings)) == sorted(map(key, cli_findings))
    assert _actions(book, "addSheet")[0]["args"][1] == "校验结果"
    table = [a for a in _actions(book, "setValues") if a["values"] and a["values"][0][0] == "序号"][0]
    codes = [row[2] for row in table["values"][1:]]
    assert codes.count("TARGET_PLACEHOLDER") == 3
    placeholder = [f for f in findings if f.code == "TARGET_PLACEHOLDER"][0]
    sheet_pos = [s["name"] for s in book.json().get("sheets", [])] or None
    colored = [(a["start_row"], a["start_column"], a["args"]) for a in _actions(book, "setRangeColor")]
    col = ord(placeholder.location.cell[0]) - 65
    row = int(placeholder.location.cell[1:]) - 1
    assert (row, col, ["#FFC7CE"]) in colored or (row, col, "#FFC7CE") in colored, (colored, sheet_pos)
    assert _actions(book, "addNote") and _actions(book, "alert")


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
    assert written[0] == headless


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
    assert any(a["start_row"] == row and a["start_column"] == col and a["values"] == [["新联系人"]]
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


SERVER_SCRIPT = r"""
import json, sys
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from xlsync.server import app
from fastapi.testclient import TestClient
from payload import payload_from_xlsx
client = TestClient(app(store=sys.argv[2], license_key="noncommercial"))
meta = client.get("/xlwings/custom-scripts-meta").json()
res = client.post("/xlwings/custom-scripts-call/xlsync_validate", json=payload_from_xlsx(Path(sys.argv[1])))
funcs = client.get("/xlwings/custom-functions-meta").json()
print(json.dumps({"meta": meta, "status": res.status_code, "actions": res.json()["actions"],
                  "functions": [f["name"] for f in funcs["functions"]]}, ensure_ascii=False))
"""


def test_server_route_through_the_real_xlwings_server_app(unit_book):
    store, path = unit_book
    out = subprocess.run(
        [sys.executable, "-c", SERVER_SCRIPT, str(path), str(store.root), str(Path(__file__).parent)],
        capture_output=True, text=True, timeout=300, env={**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    data = json.loads(out.stdout.strip().splitlines()[-1])
    assert {m["function_name"] for m in data["meta"]} == {"xlsync_validate", "xlsync_plan", "xlsync_push", "xlsync_pull"}
    assert data["status"] == 200
    table = [a for a in data["actions"] if a["func"] == "setValues" and a["values"] and a["values"][0][0] == "序号"][0]
    direct = xw.Book(json=payload_from_xlsx(path))
    excel.validate(direct)
    same = [a for a in direct.json()["actions"] if a["func"] == "setValues" and a["values"] and a["values"][0][0] == "序号"][0]
    assert table["values"] == json.loads(json.dumps(same["values"], ensure_ascii=False))
    assert {"XLSYNC_SHARE", "XLSYNC_TARGET"} <= set(data["functions"])


def test_shipped_macro_workbook_keeps_its_vba_and_ribbon(tmp_path, seed_docs):
    template = Path(__file__).resolve().parent.parent / "workbooks" / "xlsync-template.xlsm"
    vba = zipfile.ZipFile(template).read("xl/vbaProject.bin")
    store = Store(tmp_path / "s")
    store.put_many(seed_docs)
    book = export(store, tmp_path / "u.xlsm", PROFILE, unit="095004")[0]

    def check():
        z = zipfile.ZipFile(book)
        assert z.read("xl/vbaProject.bin") == vba
        assert b"XlsyncValidateRibbon" in z.read("customUI/customUI.xml")
        assert b"ui/extensibility" in z.read("_rels/.rels")
        assert b"macroEnabled" in z.read("[Content_Types].xml")

    check()
    doc = [d for d in store.documents(unit="095004")[0] if d.name == "聘用人员经费"][0]
    store.put(doc.model_copy(update={"owner": "王五"}))
    from xlsync.exchange import pull

    assert pull(book, store, PROFILE).written  # openpyxl load + save of the user's .xlsm
    check()
    assert [sp.document.owner for sp in read_workbook(book).projects if sp.document.id == doc.id] == ["王五"]
    assert sorted(dumps(sp.document) for sp in read_workbook(book).projects if sp.document.id != doc.id) == sorted(
        dumps(d) for d in store.documents(unit="095004")[0] if d.id != doc.id)
