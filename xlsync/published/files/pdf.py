"""PDF files with a text layer into blocks (pdfplumber): tables from their ruling lines, or
from the words' positions on a page that has no ruled table; the words outside tables as
text lines in reading order. A table that starts a page right where the previous page's
table ended (same columns) goes on from it (`continued`), its repeated header row left out.
Lines wrapped inside a cell are joined (no space between Chinese characters). A PDF without
a text layer is named as scanned (no OCR); an encrypted, damaged or empty one is named."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..blocks import FileBlocks, GridCell, GridTable, TextLine
from . import bad

_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_TOL = 2.0  # points: two edges this close are one


def read_pdf(path: str | Path) -> FileBlocks:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    file = str(path)
    try:
        pdf = pdfplumber.open(file)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise _encrypted(file) from exc
    except PdfminerException as exc:
        if isinstance(exc.args[0] if exc.args else None, PDFPasswordIncorrect | PDFEncryptionError):
            raise _encrypted(file) from None
        raise bad.FileUnreadable(bad.DAMAGED, f"PDF 文件已损坏，无法读取: {exc}", file) from None
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on a broken file
        raise bad.FileUnreadable(bad.DAMAGED, f"PDF 文件已损坏，无法读取: {exc}", file) from None
    out = FileBlocks(file, "pdf")
    try:
        with pdf:
            pages = pdf.pages
            if not pages:
                raise bad.FileUnreadable(bad.EMPTY, "PDF 文件没有任何页面", file)
            chars = images = 0
            parts: dict[int, _Part] = {}  # id of a table block → what a part going on from it needs
            for number, page in enumerate(pages, 1):
                chars += len(page.chars)
                images += len(page.images)
                _page(page, number, out, parts)
    except bad.FileUnreadable:
        raise
    except Exception as exc:  # noqa: BLE001
        raise bad.FileUnreadable(bad.DAMAGED, f"PDF 文件已损坏，无法读取: {exc}", file) from None
    if not chars:
        if images:
            raise bad.FileUnreadable(bad.SCANNED, "这是扫描件（PDF 中只有图片，没有文字层），无法读取；"
                                     "本程序不做文字识别 (OCR)：请取得原始的 Word/Excel 文件或带文字的 PDF", file)
        raise bad.FileUnreadable(bad.EMPTY, "PDF 文件中没有文字", file)
    return out


def _encrypted(file: str) -> bad.FileUnreadable:
    return bad.FileUnreadable(bad.ENCRYPTED, "PDF 文件受密码保护（已加密），无法读取：请取得未加密的文件", file)


@dataclass
class _Part:
    """What the reader keeps of a table part for the part that may go on from it."""

    xs: list[float]  # its columns' x edges
    head: list[str]  # the first row of the table's first part (a header a page repeats)
    full: set[int] = field(default_factory=set)  # columns of its last row whose text fills the cell


def _page(page, number: int, out: FileBlocks, parts: dict[int, _Part]) -> None:
    found = page.find_tables()
    ruled = bool(found)
    if not found and page.chars:
        found = [t for t in page.find_tables({"vertical_strategy": "text", "horizontal_strategy": "text"})
                 if len(t.rows) >= 2 and len(t.columns) >= 2]
    boxes = [t.bbox for t in found]

    def outside(w) -> bool:
        cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        return not any(x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1 for x0, top, x1, bottom in boxes)

    words = [w for w in page.extract_words(keep_blank_chars=True, use_text_flow=False) if outside(w)]
    items: list[tuple[float, object]] = [(top, line) for top, line in _lines(words)]
    items.extend((t.bbox[1], t) for t in found)
    items.sort(key=lambda x: x[0])
    first = True
    for _top, item in items:
        if isinstance(item, str):
            out.blocks.append(TextLine(item, f"第 {number} 页"))
            first = False
            continue
        where = f"第 {number} 页 表 {sum(isinstance(b, GridTable) for b in out.blocks) + 1}"
        if not ruled:
            out.notes.append(("warning", "PDF_TABLE_FROM_WORDS",
                              f"第 {number} 页的表格没有表格线，按文字位置划分单元格，请核对"))
        prev = out.blocks[-1] if out.blocks else None
        before = parts.get(id(prev)) if first and isinstance(prev, GridTable) else None
        xs = _xs(item)
        # a table that starts a page where the last page's table ended, on its columns, goes on from it
        goes_on = before is not None and all(any(abs(x - e) <= _TOL for e in before.xs) for x in xs)
        table, full = _grid(item, where, before.xs if goes_on else xs, page)
        part = _Part(before.xs if goes_on else xs, before.head if goes_on else [], full)
        if goes_on and table.rows:
            table.continued = True
            if [c.text for c in table.rows[0]] == before.head:
                table.rows = table.rows[1:]  # the header row the table repeats on each page
            _join_split_cells(prev, before, table, out)
        if not part.head and table.rows:
            part.head = [c.text for c in table.rows[0]]
        parts[id(table)] = part
        out.blocks.append(table)
        first = False


def _join_split_cells(prev: GridTable, before: _Part, table: GridTable, out: FileBlocks) -> None:
    """A cell merged over rows that the page break cuts: its text fills its part on the last
    page and goes on in the first row of this page, in a cell again merged over rows. That
    cell's text is joined to the cell above (said so in a note). A new cell's text in the row
    (a new group starting at the page's top) ends the joining: the cells right of it are new too."""
    if not table.rows or not prev.rows:
        return
    for k, cell in enumerate(table.rows[0]):
        if not cell.text or cell.covered:
            continue
        if cell.rowspan < 2 or cell.col not in before.full:
            break
        owner = _owner(prev, cell.col)
        if owner is None:
            continue
        joined = _join(owner[2].text, cell.text, " ")
        _retext(prev, cell.col, owner[2].text, joined)
        table.rows[0][k] = GridCell(joined, cell.col, 1, cell.colspan, cell.where, covered=True)
        _retext(table, cell.col, cell.text, joined)
        out.notes.append(("warning", "PDF_CELL_OVER_PAGES",
                          f"{owner[2].where} 的合并单元格跨页，下一页 {cell.where} 的文字“{cell.text[:20]}”"
                          "按同一单元格接续读取，请核对"))


def _owner(table: GridTable, col: int):
    """(row, index, cell) of the cell that holds column `col` in the table's last row."""
    for r in range(len(table.rows) - 1, -1, -1):
        for k, c in enumerate(table.rows[r]):
            if c.col == col and not c.covered:
                return r, k, c
            if c.col == col and c.covered:
                break
        else:
            return None
    return None


def _retext(table: GridTable, col: int, old: str, new: str) -> None:
    for row in table.rows:
        for k, c in enumerate(row):
            if c.col == col and c.text == old:
                row[k] = GridCell(new, c.col, c.rowspan, c.colspan, c.where, c.number, c.covered)


def _lines(words) -> list[tuple[float, str]]:
    """Words into lines (same baseline), each line's words joined as printed."""
    lines: list[list] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= 3:
            lines[-1].append(w)
        else:
            lines.append([w])
    out = []
    for ws in lines:
        ws.sort(key=lambda w: w["x0"])
        text = ""
        for w in ws:
            text = _join(text, w["text"], sep=" ") if text else w["text"]
        out.append((ws[0]["top"], text.strip()))
    return [x for x in out if x[1]]


def _join(a: str, b: str, sep: str) -> str:
    """Two pieces of one cell or line: no space between Chinese characters."""
    if not a:
        return b
    if _CJK.match(a[-1:]) or _CJK.match(b[:1]) or a.endswith(("-", "/")):
        return a + b
    return a + sep + b


def _cell_text(text: str | None) -> str:
    if not text:
        return ""
    out = ""
    for line in text.split("\n"):
        out = _join(out, line.strip(), " ")
    return out.strip()


def _edges(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _TOL:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def _xs(table) -> list[float]:
    cells = [c for row in table.rows for c in row.cells if c is not None]
    return _edges([c[0] for c in cells] + [c[2] for c in cells])


def _grid(table, where: str, xs: list[float], page) -> tuple[GridTable, set[int]]:
    """pdfplumber's table into rows of cells with spans from the cells' boxes; columns by the
    x edges `xs` (a table's own, or those of the part it goes on from: a cell merged over rows
    that runs over the page break has no box on the new page, and its column stays empty)."""
    cells = [c for row in table.rows for c in row.cells if c is not None]
    ys = _edges([c[1] for c in cells] + [c[3] for c in cells])
    texts = table.extract()
    placed: dict[int, list[GridCell]] = {}
    covered: list[tuple[int, int, int, str, str]] = []
    for r, row in enumerate(table.rows):
        for k, box in enumerate(row.cells):
            if box is None:
                continue
            c0, c1 = _index(xs, box[0]), _index(xs, box[2])
            r0, r1 = _index(ys, box[1]), _index(ys, box[3])
            text = _cell_text(texts[r][k] if r < len(texts) and k < len(texts[r]) else "")
            at = f"{where} 第 {r0 + 1} 行第 {c0 + 1} 列"
            placed.setdefault(r0, []).append(GridCell(text, c0, max(1, r1 - r0), max(1, c1 - c0), at))
            for below in range(r0 + 1, r1):
                covered.append((below, c0, max(1, c1 - c0), text, f"{where} 第 {below + 1} 行第 {c0 + 1} 列"))
    for below, col, span, text, at in covered:
        placed.setdefault(below, []).append(GridCell(text, col, 1, span, at, covered=True))
    grid = GridTable(where=where)
    for r in sorted(placed):
        grid.rows.append(sorted(placed[r], key=lambda c: c.col))
    return grid, _full(table, cells, xs, page)


def _full(table, cells, xs: list[float], page) -> set[int]:
    """Columns of the table's last row whose text reaches the bottom of its cell (about one
    line of room or less left, as a layout leaves before it breaks the text): text that may
    go on over the page break."""
    bottom = table.bbox[3]
    out = set()
    for box in cells:
        if abs(box[3] - bottom) > _TOL:
            continue
        inside = [ch for ch in page.chars if box[0] <= (ch["x0"] + ch["x1"]) / 2 <= box[2]
                  and box[1] <= (ch["top"] + ch["bottom"]) / 2 <= box[3]]
        if inside:
            low = max(ch["bottom"] for ch in inside)
            size = max(ch["bottom"] - ch["top"] for ch in inside)
            if box[3] - low < 1.6 * size:
                out.add(_index(xs, box[0]))
    return out
