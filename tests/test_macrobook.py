"""Macro workbooks (.xlsm) built at write time: xlsync's module and the installed xlwings'
module in a VBA project whose document modules match the sheets, seen by oletools' olevba,
kept by openpyxl round trips and by LibreOffice."""

import importlib.metadata
import re
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner
from lo import convert
from pyopenvba import ExcelFile
from xlsync.validators.profiles import load_profile

from xlsync.cli import cli
from xlsync.exchange import export, pull
from xlsync.store import Store
from xlsync.workbook.macrobook import make_macro_workbook
from xlsync.workbook.reader import read_workbook

PROFILE = load_profile("seed")
MACROS = ["XlsyncValidate", "XlsyncPlan", "XlsyncPush", "XlsyncPull"]


def olevba(path) -> str:
    out = subprocess.run([sys.executable, "-m", "oletools.olevba", "--decode", str(path)],
                         capture_output=True, text=True, timeout=120)
    assert "VBA MACRO" in out.stdout, out.stdout[-2000:] + out.stderr[-2000:]
    return out.stdout


def modules(path) -> list[str]:
    return re.findall(r"^VBA MACRO (\S+)\.(?:bas|cls|vba) ?$", olevba(path), re.M)


def code_names(path) -> tuple[str, list[str]]:
    with zipfile.ZipFile(path) as z:
        book = re.search(r'<workbookPr\b[^>]*codeName="([^"]+)"', z.read("xl/workbook.xml").decode()).group(1)
        sheets = sorted(n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
        return book, [re.search(r'<sheetPr\b[^>]*codeName="([^"]+)"', z.read(n).decode()).group(1) for n in sheets]


def assert_macro_workbook(path) -> None:
    text = olevba(path)
    for name in MACROS:
        assert f"Sub {name}()" in text and f"Sub {name}Ribbon(control As IRibbonControl)" in text
        action = name.removeprefix("Xlsync").lower()
        assert f"RunPython \"import xlsync.excel as x; x.run('{action}')\"" in text
    assert "Sub XlsyncNewProject()" in text and "x.run('new_project', '\" & XlsyncHex(n)" in text
    assert f"'Version: {importlib.metadata.version('xlwings')}" in text  # the installed xlwings
    book, sheets = code_names(path)
    documents = {m for m in modules(path) if m not in ("xlwings", "xlsync", "Dictionary")}
    assert documents == {book, *sheets}  # one document module per sheet: none missing, no ghosts
    with zipfile.ZipFile(path) as z:
        ui = z.read("customUI/customUI.xml").decode()
        assert all(f'onAction="{m}Ribbon"' in ui for m in [*MACROS, "XlsyncNewProject"])
        assert "ui/extensibility" in z.read("_rels/.rels").decode()
        types = z.read("[Content_Types].xml").decode()
        assert "sheet.macroEnabled.main+xml" in types and "vbaProject" in types
        assert "vbaProject" in z.read("xl/_rels/workbook.xml.rels").decode()
    with ExcelFile(path) as wb:
        assert wb.validate() == []


@pytest.fixture
def store(tmp_path, seed_docs):
    s = Store(tmp_path / "store")
    s.put_many(seed_docs)
    return s


def test_template_and_export_write_the_macros(tmp_path, store):
    result = CliRunner().invoke(cli, ["template", "-o", str(tmp_path / "t.xlsm")])
    assert result.exit_code == 0, result.output
    assert_macro_workbook(tmp_path / "t.xlsm")
    result = CliRunner().invoke(cli, ["export", "--store", str(store.root), "--unit", "095004",
                                      "-o", str(tmp_path / "u.xlsm")])
    assert result.exit_code == 0, result.output
    assert_macro_workbook(tmp_path / "u.xlsm")
    assert code_names(tmp_path / "u.xlsm")[1][0] == "xsIndex"
    assert "xsProject1" in modules(tmp_path / "u.xlsm")


def test_openpyxl_round_trips_keep_the_macros_and_leave_no_ghosts(tmp_path, store):
    book = export(store, tmp_path / "u.xlsm", PROFILE, unit="095004")[0]
    before = modules(book)
    doc = [d for d in store.documents(unit="095004")[0] if d.name == "聘用人员经费"][0]
    store.put(doc.model_copy(update={"owner": "王五"}))
    extra = doc.model_copy(update={"id": doc.id[:-12] + "0" * 12, "name": "新增项目"})
    store.put(extra)
    assert pull(book, store, PROFILE).written  # openpyxl load + save: 目录 rebuilt, a new sheet
    assert_macro_workbook(book)
    after = modules(book)
    assert len(after) == len(before) + 1
    assert [sp.document.owner for sp in read_workbook(book).projects if sp.document.id == doc.id] == ["王五"]
    from openpyxl import load_workbook

    from xlsync.checking import validate_workbooks
    from xlsync.workbook.writer import save_atomic

    validate_workbooks([book], PROFILE, write_back=True)  # adds the 校验结果 sheet
    assert_macro_workbook(book)
    assert "xsFindings" in modules(book)
    wb = load_workbook(book, keep_vba=True)
    gone = wb.worksheets[2].sheet_properties.codeName
    del wb[wb.sheetnames[2]]  # a project sheet
    save_atomic(wb, book)
    assert_macro_workbook(book)
    assert gone not in modules(book)


def test_any_writers_xlsx_becomes_a_macro_workbook_libreoffice_keeps(tmp_path, store):
    plain = export(store, tmp_path / "u.xlsx", PROFILE, unit="095002")[0]
    (saved,) = convert([plain], tmp_path / "calc")  # a package written by LibreOffice Calc
    target = saved.with_suffix(".xlsm")
    saved.rename(target)
    make_macro_workbook(target)
    assert_macro_workbook(target)
    make_macro_workbook(target)  # idempotent
    assert_macro_workbook(target)
    (again,) = convert([target], tmp_path / "calc2", "xlsm", "Calc MS Excel 2007 VBA XML")
    assert {"xlsync", "xlwings"} <= set(modules(again))
    assert len(read_workbook(again).projects) == len(read_workbook(plain).projects)
