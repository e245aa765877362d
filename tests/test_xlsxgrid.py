"""xlsxgrid reads what openpyxl reads, but numbers as the decimals in the file; it names the
real problem of files it cannot read, and refuses what is beyond the limits before the work."""

import datetime as dt
import shutil
import zipfile
from decimal import Decimal

import pytest
from lo import convert
from openpyxl import load_workbook
from xlsync.validators.profiles import load_profile

from xlsync.errors import WorkbookError
from xlsync.exchange import export
from xlsync.store import Store
from xlsync.workbook.grid import Uncalculated
from xlsync.workbook.values import excel_number
from xlsync.workbook.xlsxgrid import read_book

PROFILE = load_profile("seed")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@pytest.fixture(scope="module")
def books(tmp_path_factory, seed_docs):
    root = tmp_path_factory.mktemp("xg")
    store = Store(root / "store")
    store.put_many(seed_docs)
    ours = list(export(store, root / "out", PROFILE))
    return ours + convert(ours, root / "lo")


def _same(a, b) -> bool:
    if b == "":  # an empty string cell is an empty cell to a Grid
        return a is None
    if isinstance(a, Decimal) and isinstance(b, int | float) and not isinstance(b, bool):
        return excel_number(a) == excel_number(b)
    return a == b


def test_every_cell_name_table_and_merge_reads_as_openpyxl_reads_it(books):
    for path in books:
        ours = read_book(path)
        theirs = load_workbook(path, data_only=True)
        assert [g.title for g in ours.sheets] == theirs.sheetnames
        for grid, ws in zip(ours.sheets, theirs.worksheets, strict=True):
            assert grid.sheet_state == ws.sheet_state
            for row in ws.iter_rows():
                for c in row:
                    got = grid.cell(c.row, c.column)
                    assert _same(got.value, c.value), (path.name, ws.title, c.coordinate, got.value, c.value)
                    if c.value is not None:
                        assert got.number_format == c.number_format, (ws.title, c.coordinate)
            # (openpyxl turns _xlnm.Print_Titles and the like into print settings)
            assert {k: v.attr_text for k, v in grid.defined_names.items() if not k.startswith("_xlnm.")} == {
                k: v.attr_text for k, v in ws.defined_names.items()}
            assert grid.tables == {t.displayName: t.ref for t in ws.tables.values()}
            assert sorted(grid.merged_cells) == sorted(str(r) for r in ws.merged_cells.ranges)
        assert {k: v for k, v in ours.names.items() if not k.startswith("_xlnm.")} == {
            k: v.attr_text for k, v in theirs.defined_names.items()}


def test_numbers_are_the_decimals_in_the_file(books):
    path = books[0]
    raw = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    numbers = __import__("re").findall(r'<c r="[A-Z]+\d+"(?: s="\d+")?(?: t="n")?>(?:<f>[^<]*</f>)?<v>([^<]*)</v>', raw)
    values = [Decimal(v) for v in numbers]
    got = [v for row in read_book(path).sheets[0].values for v in row if isinstance(v, Decimal)]
    assert values and got == values


# -- hand-made packages for what xlsync and LibreOffice never write ---------------------------
def _package(path, sheet: str, strings: str | None = None, styles: str | None = None,
             workbook_pr: str = "", names: str = "", prefix: str = ""):
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns{":" + prefix if prefix else ""}="{MAIN}"'
    rels = [f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>']
    if strings is not None:
        rels.append(f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>')
    if styles is not None:
        rels.append(f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<{p}workbook {ns} xmlns:r="{REL}">{workbook_pr}<{p}sheets>'
                   f'<{p}sheet name="S" sheetId="1" r:id="rId1"/></{p}sheets>{names}</{p}workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/relationships">' + "".join(rels) + "</Relationships>")
        z.writestr("xl/worksheets/sheet1.xml", f'<{p}worksheet {ns}><{p}sheetData>{sheet}</{p}sheetData></{p}worksheet>')
        if strings is not None:
            z.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{strings}</sst>')
        if styles is not None:
            z.writestr("xl/styles.xml", f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>')
    return path


STYLES = ('<numFmts><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
          '<numFmt numFmtId="165" formatCode="#,##0.00&quot;元&quot;"/></numFmts>'
          '<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="10"/>'
          '</cellXfs>')


def test_cell_types_dates_and_strings(tmp_path):
    sheet = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="b"><v>1</v></c>'
             '<c r="D1" t="e"><v>#DIV/0!</v></c><c r="E1" t="str"><f>A1&amp;"x"</f><v>ax</v></c>'
             '<c r="F1" t="inlineStr"><is><r><t>内</t></r><r><t xml:space="preserve"> 联 </t></r></is></c></row>'
             '<row r="3"><c r="A3" s="1"><v>43831</v></c><c r="B3" s="2"><v>43891.5</v></c>'
             '<c r="C3" s="3"><v>12345678901234.56</v></c><c r="D3" s="4"><v>0.45</v></c>'
             '<c r="E3"><v>1.5E-3</v></c><c r="F3" t="d"><v>2020-03-05T00:00:00</v></c></row>'
             '<row><c><v>7</v></c><c><v>8</v></c></row>')
    strings = ('<si><t>项目名称</t></si><si><r><t>郑州</t></r><r><t>中心</t></r>'
               '<rPh sb="0" eb="1"><t>ジョウ</t></rPh></si>')
    g = read_book(_package(tmp_path / "t.xlsx", sheet, strings, STYLES)).sheets[0]
    assert g.values[0] == ["项目名称", "郑州中心", True, "#DIV/0!", "ax", "内 联 "]
    assert g.values[1] == []
    assert g.values[2] == [dt.datetime(2020, 1, 1), dt.datetime(2020, 3, 1, 12), Decimal("12345678901234.56"),
                           Decimal("0.45"), Decimal("0.0015"), dt.datetime(2020, 3, 5)]
    assert g.values[3] == [Decimal(7), Decimal(8)]  # cells without r follow each other
    assert g["D3"].number_format == "0.00%" and g["C3"].number_format == '#,##0.00"元"'
    assert (1, 5) in g.formulas


def test_prefixed_namespaces_1904_dates_and_uncached_formulas(tmp_path):
    sheet = ('<x:row r="2"><x:c r="B2" s="1"><x:v>0</x:v></x:c><x:c r="C2"><x:f>2000000+260000</x:f></x:c>'
             '<x:c r="D2"><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row>')
    book = read_book(_package(tmp_path / "p.xlsx", sheet, None, STYLES,
                              workbook_pr='<x:workbookPr date1904="1"/>', prefix="x"))
    g = book.sheets[0]
    assert g["B2"].value == dt.datetime(1904, 1, 1)
    assert g["C2"].value == Uncalculated("2000000+260000", "S", "C2")
    assert g["D2"].value == Decimal(2)


def test_sheet_and_workbook_names(tmp_path):
    names = ('<definedNames><definedName name="XS_STORE">\'S\'!$C$5</definedName>'
             '<definedName name="xs_name" localSheetId="0">\'S\'!$B$3</definedName></definedNames>')
    book = read_book(_package(tmp_path / "n.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>', names=names))
    assert book.names == {"XS_STORE": "'S'!$C$5"}
    assert book.sheets[0].defined_names["xs_name"].attr_text == "'S'!$B$3"


@pytest.mark.parametrize("sheet, strings, message", [
    ('<row r="1"><c r="A1" t="s"><v>5</v></c></row>', "<si><t>a</t></si>", "共享字符串"),
    ('<row r="1"><c r="A1"><v>12x</v></c></row>', None, "数值无效"),
    ('<row r="1"><c r="1A"><v>1</v></c></row>', None, "地址无效"),
    ('<row r="1"><c r="A1"><v>1</v></c>', None, "损坏"),
])
def test_damaged_xml_is_called_damaged(tmp_path, sheet, strings, message):
    with pytest.raises(WorkbookError, match=message):
        read_book(_package(tmp_path / "d.xlsx", sheet, strings))


def test_doctype_and_entities_are_refused(tmp_path):
    path = _package(tmp_path / "e.xlsx", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', "<si><t>&lol;</t></si>")
    data = {i.filename: zipfile.ZipFile(path).read(i) for i in zipfile.ZipFile(path).infolist()}
    data["xl/sharedStrings.xml"] = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY lol "lol">]>'
                                    + data["xl/sharedStrings.xml"])
    with zipfile.ZipFile(path, "w") as z:
        for name, raw in data.items():
            z.writestr(name, raw)
    with pytest.raises(WorkbookError, match="DOCTYPE"):
        read_book(path)


# -- files that are not workbooks, or too big ----------------------------------------------
def test_password_protected_workbook_is_called_so(books, tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(books[0], "rb") as src, open(tmp_path / "locked.xlsx", "wb") as out:
        OOXMLFile(src).encrypt("secret", out)
    with pytest.raises(WorkbookError, match="密码保护"):
        read_book(tmp_path / "locked.xlsx")


def test_old_xls_and_ods_are_named(books, tmp_path):
    xls = convert([books[1]], tmp_path / "xls", "xls")[0]
    with pytest.raises(WorkbookError, match=r"\.xls"):
        read_book(xls)
    ods = convert([books[1]], tmp_path / "ods", "ods")[0]
    with pytest.raises(WorkbookError, match=r"\.ods"):
        read_book(ods)


@pytest.mark.parametrize("cut", [0.5, 0.95])
def test_truncated_and_garbage_files_are_called_damaged(books, tmp_path, cut):
    raw = books[1].read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(raw[: int(len(raw) * cut)])
    with pytest.raises(WorkbookError, match="损坏"):
        read_book(tmp_path / "cut.xlsx")
    (tmp_path / "junk.xlsx").write_bytes(b"not a workbook at all")
    with pytest.raises(WorkbookError, match="不是 zip"):
        read_book(tmp_path / "junk.xlsx")


def test_a_member_that_lies_about_its_size_is_called_damaged(books, tmp_path):
    """The declared size bounds what is inflated: a member larger than it says fails its check."""
    path = tmp_path / "liar.xlsx"
    shutil.copy(books[1], path)
    raw = bytearray(path.read_bytes())
    z = zipfile.ZipFile(path)
    info = z.getinfo("xl/worksheets/sheet2.xml")
    z.close()
    # the central directory entry's uncompressed size field (offset 24 in the entry)
    cd = raw.rfind(b"PK\x01\x02", 0, raw.find(b"xl/worksheets/sheet2.xml", raw.find(b"PK\x01\x02")) + 1)
    raw[cd + 24: cd + 28] = (info.file_size // 10).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    with pytest.raises(WorkbookError, match="损坏"):
        read_book(path)


def test_zip_bomb_is_refused_from_its_declared_size(books, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    src = zipfile.ZipFile(books[1])
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for i in src.infolist():
            if i.filename != "xl/worksheets/sheet2.xml":
                z.writestr(i, src.read(i))
        with z.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as fh:
            fh.write(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'.encode())
            chunk = b"<c/>" * (1 << 18)
            for _ in range(1200):  # 1.2 GB of XML, 6 MB on disk
                fh.write(chunk)
            fh.write(b"</row></sheetData></worksheet>")
    with pytest.raises(WorkbookError, match="解压后有 1200.1 MB"):
        read_book(bomb)


def test_limits_on_size_cells_and_text(books, tmp_path, monkeypatch):
    monkeypatch.setenv("XLSYNC_MAX_FILE_MB", "0.01")
    with pytest.raises(WorkbookError, match="文件过大.*XLSYNC_MAX_FILE_MB"):
        read_book(books[0])
    monkeypatch.delenv("XLSYNC_MAX_FILE_MB")
    monkeypatch.setenv("XLSYNC_MAX_CELLS", "200")
    with pytest.raises(WorkbookError, match="单元格区域超过上限 200"):
        read_book(books[0])
    monkeypatch.delenv("XLSYNC_MAX_CELLS")
    sparse = _package(tmp_path / "s.xlsx", '<row r="1"><c r="XFD1"><v>1</v></c></row>'
                      '<row r="1048576"><c r="A1048576"><v>1</v></c></row>')
    with pytest.raises(WorkbookError, match="单元格区域超过上限"):
        read_book(sparse)  # one far cell would make a dense grid of millions
    monkeypatch.setenv("XLSYNC_MAX_CELL_CHARS", "1000")
    with pytest.raises(WorkbookError, match="超过上限 1000") as exc:
        read_book(books[0])  # the hidden metadata holds each project's JSON
    assert exc.value.location.sheet == "_xlsync"
