"""Each file reader gives the grid the file holds: merged cells once with their spans, the
lower parts of a vertical merge as covered cells, empty cells kept, numbers with their exact
digits, several tables and the text between them in order; the kind is read from content."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from published_render import Table, grid, to_docx, to_html, to_text, to_xlsx, to_xlsx_sheets

from xlsync.published.blocks import GridTable, TextLine
from xlsync.published.cells import GRID
from xlsync.published.files import blocks_to_text, read_blocks, sniff
from xlsync.published.files.bad import (
    DAMAGED,
    EMPTY,
    ENCRYPTED,
    OWN_WORKBOOK,
    SCANNED,
    FileUnreadable,
)
from xlsync.published.segment import OUTSIDE

ROWS = [["项目名称", "培训经费", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "培训人次", "≥200人次"],
        ["", "", "合格率", "≥95%"],
        ["", "时效指标", "完成时间", ""],
        ["效益指标", "社会效益指标", "知晓率", "提高\n明显"]]


def block() -> Table:
    return grid(ROWS, across={0}, down={3: {0, 1}, 4: {0}})


LAYOUT = ["项目支出绩效目标申报表", "（2021年度）", block(), "单位：万元",
          grid([["资金来源", "金额"], ["财政拨款", "12.50"], ["其他资金", ""]])]

WANT = [  # (text, col, rowspan, colspan, covered) per row
    [("项目名称", 0, 1, 1, False), ("培训经费", 1, 1, 3, False)],
    [("一级指标", 0, 1, 1, False), ("二级指标", 1, 1, 1, False), ("三级指标", 2, 1, 1, False),
     ("指标值", 3, 1, 1, False)],
    [("产出指标", 0, 3, 1, False), ("数量指标", 1, 2, 1, False), ("培训人次", 2, 1, 1, False),
     ("≥200人次", 3, 1, 1, False)],
    [("产出指标", 0, 1, 1, True), ("数量指标", 1, 1, 1, True), ("合格率", 2, 1, 1, False), ("≥95%", 3, 1, 1, False)],
    [("产出指标", 0, 1, 1, True), ("时效指标", 1, 1, 1, False), ("完成时间", 2, 1, 1, False), ("", 3, 1, 1, False)],
    [("效益指标", 0, 1, 1, False), ("社会效益指标", 1, 1, 1, False), ("知晓率", 2, 1, 1, False),
     ("提高\n明显", 3, 1, 1, False)],
]


def shape(table: GridTable) -> list:
    return [[(c.text, c.col, c.rowspan, c.colspan, c.covered) for c in row] for row in table.rows]


def kinds(blocks) -> list[str]:
    return [type(b).__name__ for b in blocks.blocks]


@pytest.mark.parametrize("kind", ["docx", "xlsx", "html"])
def test_merged_cells_spans_and_empties_come_back_as_the_file_holds_them(tmp_path, kind):
    write = {"docx": to_docx, "xlsx": to_xlsx, "html": to_html}[kind]
    path = write(LAYOUT, tmp_path / f"t.{kind}")
    got = read_blocks(path)
    assert got.kind == kind and sniff(path) == kind
    tables = [b for b in got.blocks if isinstance(b, GridTable)]
    if kind == "xlsx":  # a sheet is one table: its title lines are rows with a cell in column A
        (sheet,) = tables
        tables = [GridTable(sheet.rows[2:8]), GridTable(sheet.rows[9:])]
        assert [c.text for c in sheet.rows[0]] == ["项目支出绩效目标申报表", "", "", ""]
    assert shape(tables[0]) == WANT
    assert [c.text for c in tables[1].rows[2]][:2] == ["其他资金", ""]  # an empty cell stays a cell
    text = blocks_to_text(got)  # running text between two tables is marked as outside both
    assert text.replace(OUTSIDE, "").replace(GRID, "") == to_text(LAYOUT)
    assert (f"\n{OUTSIDE}单位：万元\n" in text) is (kind != "xlsx")  # (a sheet is one table)
    if kind != "xlsx":
        assert kinds(got) == ["TextLine", "TextLine", "GridTable", "TextLine", "GridTable"]


def test_a_name_is_not_the_kind(tmp_path):
    path = to_docx(LAYOUT, tmp_path / "t.docx")
    disguised = shutil.copy(path, tmp_path / "table.txt")
    assert sniff(disguised) == "docx"
    assert shape(read_blocks(disguised).blocks[2]) == WANT


def test_word_cells_with_several_paragraphs_and_a_nested_table(tmp_path):
    import docx

    d = docx.Document()
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "项目概况"
    cell = t.cell(0, 1)
    cell.paragraphs[0].text = "第一段"
    cell.add_paragraph("第二段")
    inner = cell.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "子表甲"
    inner.cell(0, 1).text = "子表乙"
    d.save(tmp_path / "n.docx")
    (table,) = read_blocks(tmp_path / "n.docx").blocks
    assert [c.text for c in table.rows[0]] == ["项目概况", "第一段\n第二段\n子表甲\n子表乙"]


def test_word_table_split_over_pages_with_its_header_row_repeated_is_one_table(tmp_path):
    rows = [["一级指标", "二级指标", "三级指标", "指标值"]] + [["产出指标", "数量指标", f"指标{k}", f"≥{k}"] for k in range(6)]
    path = to_docx([Table(grid(rows).rows, repeat_header=0, split_at=4)], tmp_path / "s.docx")
    got = read_blocks(path)
    first, second = got.blocks
    assert not first.continued and second.continued
    assert [r[2].text for r in first.rows + second.rows] == ["三级指标"] + [f"指标{k}" for k in range(6)]


def test_workbook_numbers_keep_their_digits_and_hidden_parts_are_left_out(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "目标表"
    ws.append(["项目名称", "培训经费", "隐藏列", "年度金额"])
    ws.append(["隐藏行", "x", "", ""])
    ws.append(["预算数", Decimal("12210000.10"), "秘密", Decimal("0.1")])
    ws.append(["完成率", 0.95, "", Decimal("3.14159265358979")])
    ws["B3"].number_format = "#,##0.00"
    ws["B4"].number_format = "0%"
    ws.column_dimensions["C"].hidden = True
    ws.row_dimensions[2].hidden = True
    ws.merge_cells("A5:B6")
    ws["A5"] = "合并"
    hidden = wb.create_sheet("旧表")
    hidden["A1"] = "不读"
    hidden.sheet_state = "hidden"
    second = wb.create_sheet("第二张")
    second["A1"] = "第二个表"
    wb.save(tmp_path / "b.xlsx")
    got = read_blocks(tmp_path / "b.xlsx")
    first, other = got.blocks
    rows = [[(c.text, c.number) for c in r] for r in first.rows]
    assert rows[0] == [("项目名称", None), ("培训经费", None), ("年度金额", None)]
    assert rows[1] == [("预算数", None), ("12210000.10", "12210000.1"), ("0.1", "0.1")]
    assert rows[2] == [("完成率", None), ("95%", "0.95"), ("3.14159265358979", "3.14159265358979")]
    assert shape(first)[3:] == [[("合并", 0, 2, 2, False), ("", 2, 1, 1, False)],
                                [("合并", 0, 1, 2, True), ("", 2, 1, 1, False)]]
    assert first.rows[1][1].where == "目标表!B3" and other.where == "第二张"
    codes = [code for _lv, code, _m in got.notes]
    assert codes == ["CELLS_HIDDEN", "SHEET_HIDDEN"]
    assert "隐藏的行 2" in got.notes[0][2] and "隐藏的列 C" in got.notes[0][2] and "旧表" in got.notes[1][2]


def test_xls_through_libreoffice_keeps_merges_and_numbers(tmp_path):
    from lo import convert

    path = to_xlsx_sheets([("表一", LAYOUT[2:3]), ("表二", LAYOUT[4:])], tmp_path / "b.xlsx")
    (xls,) = convert([path], tmp_path / "xls", "xls", "MS Excel 97")
    assert sniff(xls) == "xls"
    got = read_blocks(xls)
    one, two = got.blocks
    assert shape(one) == WANT
    assert [(c.text, c.number) for c in two.rows[1]] == [("财政拨款", None), ("12.5", "12.5")]


def test_web_page_encodings_as_declared_or_found(tmp_path):
    for encoding, declare, note in (("gbk", True, []), ("utf-8", True, []), ("gb18030", False, ["HTML_CHARSET_GB18030"]),
                                    ("utf-8", False, [])):
        path = to_html(LAYOUT, tmp_path / f"{encoding}{declare}.html", encoding, declare)
        got = read_blocks(path)
        assert shape(got.blocks[2]) == WANT and [c for _l, c, _m in got.notes] == note


def test_web_page_layout_table_holding_the_table_and_the_page_title(tmp_path):
    page = ("<html><head><meta charset='utf-8'><title>关于公开2021年项目绩效目标的通知</title></head><body>"
            "<table><tr><td><p>某某局</p><table border=1><tr><td rowspan=2>产出指标</td><td>数量</td></tr>"
            "<tr><td>质量</td></tr></table></td></tr></table><table><tr><td>另一个表</td></tr></table></body></html>")
    path = tmp_path / "p.htm"
    path.write_text(page, encoding="utf-8")
    got = read_blocks(path)
    assert [b.text for b in got.blocks if isinstance(b, TextLine)] == ["关于公开2021年项目绩效目标的通知", "某某局"]
    inner, other = [b for b in got.blocks if isinstance(b, GridTable)]
    assert shape(inner) == [[("产出指标", 0, 2, 1, False), ("数量", 1, 1, 1, False)],
                            [("产出指标", 0, 1, 1, True), ("质量", 1, 1, 1, False)]]
    assert shape(other) == [[("另一个表", 0, 1, 1, False)]]


# -- bad files -------------------------------------------------------------------------------
def _encrypted_docx(tmp_path: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = to_docx(LAYOUT, tmp_path / "plain.docx")
    out = tmp_path / "locked.docx"
    with open(plain, "rb") as src, open(out, "wb") as dst:
        f = OOXMLFile(src)
        f.encrypt("secret", dst)
    return out


def _scanned_pdf(tmp_path: Path) -> Path:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (600, 300), "white")
    ImageDraw.Draw(img).rectangle((50, 50, 550, 250), outline="black")
    out = tmp_path / "scan.pdf"
    img.save(out)
    return out


def bad_files(tmp_path: Path, docs) -> dict[str, tuple[Path, str]]:
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n1 0 obj <<\n" + b"garbage" * 20)
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    import docx

    blank = tmp_path / "blank.docx"
    docx.Document().save(blank)
    from xlsync.workbook.writer import write_workbook

    write_workbook(docs[:1], tmp_path / "own.xlsx")
    return {"encrypted": (_encrypted_docx(tmp_path), ENCRYPTED), "scanned": (_scanned_pdf(tmp_path), SCANNED),
            "damaged": (damaged, DAMAGED), "empty": (empty, EMPTY), "blank": (blank, EMPTY),
            "own": (tmp_path / "own.xlsx", OWN_WORKBOOK)}


def test_bad_files_are_each_named_with_a_code(tmp_path, seed_docs):
    for name, (path, code) in bad_files(tmp_path, seed_docs).items():
        with pytest.raises(FileUnreadable) as err:
            read_blocks(path)
        assert err.value.code == code, name
        assert err.value.location.file == str(path) and err.value.exit_code == 2
    with pytest.raises(FileUnreadable, match="xlsync push"):
        sniff(tmp_path / "own.xlsx")


# -- PDF (printed from Word by LibreOffice) ------------------------------------------------
@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    from lo import convert

    folder = tmp_path_factory.mktemp("pdf")
    plain = [["指标", "目标值", "备注"], ["培训人次", "≥200人次", "全年"], ["合格率", "≥95%", "抽查"]]
    ruled = to_docx(LAYOUT, folder / "ruled.docx")
    unruled = to_docx(["没有表格线的表", grid(plain)], folder / "unruled.docx", ruled=False)
    one, two = convert([ruled, unruled], folder, "pdf")
    return {"ruled": one, "unruled": two, "plain": plain}


def test_pdf_tables_from_ruling_lines_keep_merges_and_empty_cells(pdfs):
    got = read_blocks(pdfs["ruled"])
    assert got.kind == "pdf" and kinds(got) == ["TextLine", "TextLine", "GridTable", "TextLine", "GridTable"]
    want = [[(t.replace("\n", ""), *rest) for t, *rest in row] for row in WANT]  # wrapped lines joined
    assert shape(got.blocks[2]) == want
    assert [c.text for c in got.blocks[4].rows[2]] == ["其他资金", ""]
    assert not got.notes


def test_pdf_table_without_lines_is_read_from_word_positions_and_said_so(pdfs):
    got = read_blocks(pdfs["unruled"])
    (table,) = [b for b in got.blocks if isinstance(b, GridTable)]
    rows = [[c.text for c in row] for row in table.rows if any(c.text for c in row)]
    assert rows == [["没有表格线的表", "", ""], *pdfs["plain"]]  # the words' columns take the title in too
    assert [code for _lv, code, _m in got.notes] == ["PDF_TABLE_FROM_WORDS"]


def test_an_encrypted_pdf_is_named(tmp_path, pdfs):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(pdfs["ruled"]))
    writer.encrypt("secret")
    locked = tmp_path / "locked.pdf"
    with open(locked, "wb") as fh:
        writer.write(fh)
    with pytest.raises(FileUnreadable) as err:
        read_blocks(locked)
    assert err.value.code == ENCRYPTED and "密码" in err.value.message


def test_xls_hidden_sheets_rows_and_columns_are_left_out_and_named(tmp_path):
    import openpyxl
    from lo import convert

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "目标表"
    for row in (["项目名称", "隐藏列", "培训经费"], ["隐藏行", "x", "y"], ["指标", "", "≥95%"]):
        ws.append(row)
    ws.row_dimensions[2].hidden = True
    ws.column_dimensions["B"].hidden = True
    old = wb.create_sheet("旧表")
    old["A1"] = "不读"
    old.sheet_state = "hidden"
    wb.save(tmp_path / "h.xlsx")
    (xls,) = convert([tmp_path / "h.xlsx"], tmp_path, "xls", "MS Excel 97")
    got = read_blocks(xls)
    (table,) = got.blocks
    assert [[c.text for c in r] for r in table.rows] == [["项目名称", "培训经费"], ["指标", "≥95%"]]
    assert [code for _lv, code, _m in got.notes] == ["CELLS_HIDDEN", "SHEET_HIDDEN"]
    assert "隐藏的行 2" in got.notes[0][2] and "隐藏的列 B" in got.notes[0][2]


def test_blocks_to_text_renders_rows_as_the_text_reader_reads_them():
    from xlsync.published.blocks import FileBlocks, GridCell

    table = GridTable([
        [GridCell("一级指标", 0), GridCell("二级指标", 1), GridCell("指标值", 2), GridCell("", 3)],
        [GridCell("产出\n指标", 0, rowspan=2), GridCell("数量 指标", 1), GridCell("≥200\n人次", 2)],
        [GridCell("产出\n指标", 0, covered=True), GridCell("合格率", 2)],  # column 1: no cell stands in it
        [GridCell("项目名称", 0), GridCell("JGJ/T 320-\n2014 规范", 1, colspan=2), GridCell("x", 3)],
        [],
    ])
    text = blocks_to_text(FileBlocks("f", "docx", [TextLine("（2021年度）"), table]))
    assert [ln.removeprefix(GRID) for ln in text.splitlines()] == [
        "（2021年度）", "一级指标 | 二级指标 | 指标值", "产出指标 | 数量 指标 | ≥200 人次",
                                 " |  | 合格率", "项目名称 | JGJ/T 320- 2014 规范 | x", ""]
