"""The printed form: workbooks printed through LibreOffice show every text whole, and no page
after the first is less than a quarter used. Read from the PDF with pdftotext's word boxes."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lo import convert
from openpyxl import load_workbook
from samples import national_docs

from xlsync.exchange import export
from xlsync.store import Store
from xlsync.workbook import textfit
from xlsync.workbook.reader import read_workbook
from xlsync.workbook.writer import write_workbook

MARGIN = 0.6 * 72  # top and bottom margins of every sheet (points)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def _pages(pdf: Path) -> list[tuple[float, list[tuple[float, float, float, float, str]]]]:
    """(page height, words (x0, y0, x1, y1, text) above the footer) of each page."""
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext (poppler-utils) is required: `make test` installs it"
    html = subprocess.run([exe, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for chunk in html.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', chunk).group(1))
        words = [(float(a), float(b), float(c), float(d), t.replace("&amp;", "&").replace("&lt;", "<")
                  .replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'"))
                 for a, b, c, d, t in _WORD.findall(chunk)]
        pages.append((height, [w for w in words if w[1] < height - MARGIN]))
    return pages


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _lines_of(pages, value: str) -> int | None:
    """The lines LibreOffice printed a cell's text on (top-aligned, wrapped), or None when
    the whole text is not printed in one cell."""
    target = _norm(value)
    for _h, words in pages:
        for start in words:
            if not start[4] or not target.startswith(_norm(start[4])):
                continue
            got, lines, last, x0 = _norm(start[4]), 1, start, start[0]
            while got != target:
                same = sorted((w for w in words if abs(w[1] - last[1]) < 0.5 and w[0] > last[2] - 0.5),
                              key=lambda w: w[0])
                nxt = same[0] if same and target[len(got):].startswith(_norm(same[0][4])) and _norm(same[0][4]) else None
                if nxt is None:
                    below = sorted((w for w in words if abs(w[0] - x0) < 1.5 and last[1] + 1 < w[1] < last[1] + 40),
                                   key=lambda w: w[1])
                    if not below or not _norm(below[0][4]) or not target[len(got):].startswith(_norm(below[0][4])):
                        break
                    nxt, lines = below[0], lines + 1
                got, last = got + _norm(nxt[4]), nxt
            if got == target:
                return lines
    return None


@pytest.fixture(scope="module")
def printed(tmp_path_factory, seed_docs):
    root = tmp_path_factory.mktemp("print")
    store = Store(root / "store")
    store.put_many(seed_docs)
    books = export(store, root / "seed")
    books += [write_workbook([d], root / "national" / f"{d.id}.xlsx") for d in national_docs()]
    pdfs = convert(books, root / "pdf", "pdf")
    return list(zip(books, pdfs, strict=True))


def test_no_page_after_the_first_is_less_than_a_quarter_used(printed):
    for _book, pdf in printed:
        pages = _pages(pdf)
        for n, (height, words) in enumerate(pages[1:], 2):
            used = (max(w[3] for w in words) - MARGIN) / (height - 2 * MARGIN)
            assert used >= 0.25, f"{pdf.name} page {n}: {used:.0%} used"


def test_no_indicator_header_alone_at_the_bottom_of_a_page(printed):
    for _book, pdf in printed:
        for n, (_h, words) in enumerate(_pages(pdf), 1):
            for w in words:
                if w[4] == "三级指标":
                    assert any(v[1] > w[3] + 1 for v in words), f"{pdf.name} page {n}: a header without rows"


def test_every_text_prints_whole_in_its_row(printed):
    """Each name, narrative, 项目构成 item, indicator and 目标值 is printed in full, on no more
    lines than its row has room for."""
    checked = 0
    for book, pdf in printed:
        pages = _pages(pdf)[1:]  # the project sheets (page 1 is 目录, see test_index_names_print_whole)
        heights = {ws.title: ws.row_dimensions for ws in load_workbook(book).worksheets}
        for sp in read_workbook(book).projects:
            doc = sp.document
            values = {k: getattr(doc, k) for k in ("name", "overview", "basis", "necessity", "measures",
                                                   "plan_text", "remark", "overall_goal", "annual_goal")}
            values |= {f"composition[{i}].item": c.item for i, c in enumerate(doc.composition)}
            for i, ind in enumerate(doc.indicators):
                values |= {f"indicators[{i}].name": ind.name, f"indicators[{i}].target": ind.target}
            for key, value in values.items():
                if not value or not value.strip():
                    continue
                lines = _lines_of(pages, value)
                assert lines is not None, f"{pdf.name} {sp.sheet} {key}: {value!r} not printed whole"
                row = int(re.search(r"\d+$", sp.provenance[key].cell).group())
                room = heights[sp.sheet][row].height
                assert lines * 16 + 2 <= room, f"{pdf.name} {sp.sheet} {key}: {lines} lines in {room} pt"
                checked += 1
    assert checked > 400


def test_row_heights_grow_with_long_text():
    wide = textfit.span_pt([13, 12, 24, 18, 8, 8, 15, 8, 7], 2, 9)  # a narrative across B:I
    short, long = "项目概况", "住房公积金管理业务系统安全测评维护及安全保障技术体系升级" * 12
    assert textfit.wrapped_lines(short, wide) == 1
    per_line = int((wide - 2 * textfit.CELL_PAD_PT) // textfit.FONT_PT)
    assert textfit.wrapped_lines(long, wide) == -(-len(long) // per_line)
    assert textfit.text_height(long, wide) >= textfit.wrapped_lines(long, wide) * 16
    assert textfit.wrapped_lines("第一段\n第二段\n\n第四段", wide) == 4
    # Latin words are not broken: a line of words wraps where a word no longer fits
    assert textfit.wrapped_lines("alpha beta gamma delta", textfit.col_pt(14)) == 2  # "alpha beta" / "gamma delta"
    assert textfit.wrapped_lines("alpha beta gamma delta", textfit.col_pt(10)) == 4
    assert textfit.display_width("花园路abc") == 9


def test_a_long_target_gets_a_tall_row(tmp_path, seed_docs):
    doc = seed_docs[0]
    long_target = "花园路、经开区、郑东新区办事大厅正常运转，" * 6
    inds = [i.model_copy(update={"target": long_target}) if n == 1 else i for n, i in enumerate(doc.indicators)]
    book = write_workbook([doc.model_copy(update={"indicators": inds})], tmp_path / "t.xlsx")
    sp = read_workbook(book).projects[0]
    ws = load_workbook(book)[sp.sheet]
    row = int(re.search(r"\d+$", sp.provenance["indicators[1].target"].cell).group())
    width = textfit.col_pt(ws.column_dimensions["D"].width)
    assert ws.row_dimensions[row].height >= textfit.wrapped_lines(long_target, width) * 16
    assert ws.row_dimensions[row].height > 5 * ws.row_dimensions[row + 1].height


def test_index_names_print_whole(printed):
    """目录 shows every project's name whole (wrapped in its row, never cut)."""
    checked = 0
    for book, pdf in printed:
        index = _pages(pdf)[:1]
        for sp in read_workbook(book).projects:
            if not sp.document.name:
                continue
            assert _lines_of(index, sp.document.name) is not None, f"{pdf.name} 目录: {sp.document.name}"
            checked += 1
    assert checked > 12
