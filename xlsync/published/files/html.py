"""Saved web pages (.html/.htm) into blocks: the page's text outside tables as lines (its
<title>, headings, paragraphs: the year, unit and money unit a table's page states), each
<table> as rows of cells with rowspan/colspan restored. A table holding other tables is a
layout table: its cells are read in order as text and tables. The encoding is the one the
page declares (BOM, <meta charset>), else UTF-8, else GB18030 (said so)."""

from __future__ import annotations

import re
from pathlib import Path

from ..blocks import FileBlocks, GridCell, GridTable, TextLine
from . import bad

_META = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
            "utf8": "utf-8", "unicode": "utf-16"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
          "article", "header", "footer", "center", "blockquote", "pre", "hr", "dt", "dd", "caption"}
_SKIP = {"script", "style", "noscript", "template", "head", "select", "option", "button"}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


def decode_html(raw: bytes, file: str) -> tuple[str, list[tuple[str, str, str]]]:
    """The page's text and how it was decoded (notes)."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(bom):
            return raw.decode(codec, errors="replace").removeprefix("\ufeff"), []
    m = _META.search(raw[:8192])
    notes: list[tuple[str, str, str]] = []
    if m:
        declared = m.group(1).decode("ascii").lower()
        codec = _ALIASES.get(declared, declared)
        try:
            return raw.decode(codec), []
        except (LookupError, UnicodeDecodeError):
            notes.append(("warning", "HTML_CHARSET_WRONG", f"网页声明的编码 {declared} 与内容不符，已自动识别编码"))
    try:
        return raw.decode("utf-8"), notes
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        raise bad.FileUnreadable(bad.DAMAGED, "网页的编码无法识别（既不是 UTF-8 也不是 GBK/GB18030）", file) from None
    notes.append(("info", "HTML_CHARSET_GB18030", "网页未声明编码，按 GBK/GB18030 读取"))
    return text, notes


def read_html(path: str | Path) -> FileBlocks:
    import lxml.html
    from lxml import etree

    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise bad.FileUnreadable(bad.DAMAGED, f"无法读取文件: {exc.strerror}", file) from None
    text, notes = decode_html(raw, file)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses a str with an encoding declaration
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise bad.FileUnreadable(bad.DAMAGED, f"网页无法解析: {exc}", file) from None
    out = FileBlocks(file, "html", notes=notes)
    title = root.find(".//title")
    walker = _Walker(out)
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    heading = _clean(title.text_content() or "") if title is not None else ""
    if heading and not any(isinstance(b, TextLine) and b.text == heading for b in out.blocks):
        out.blocks.insert(0, TextLine(heading, "网页标题"))  # the page's title, when the page does not repeat it
    if not out.blocks:
        raise bad.FileUnreadable(bad.EMPTY, "网页中没有文字，也没有表格", file)
    return out


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


class _Walker:
    def __init__(self, out: FileBlocks):
        self.out = out
        self.buf: list[str] = []
        self.tables = 0

    def flush(self) -> None:
        for line in "".join(self.buf).split("\n"):
            line = _clean(line)
            if line:
                self.out.blocks.append(TextLine(line, f"网页第 {len(self.out.blocks) + 1} 段"))
        self.buf = []

    def walk(self, el) -> None:
        tag = _tag(el)
        if tag in _SKIP or not tag:
            return
        if tag == "table":
            self.flush()
            self.table(el)
            return
        block = tag in _BLOCK
        if block:
            self.buf.append("\n")
        if el.text:
            self.buf.append(el.text)
        for child in el:
            self.walk(child)
            if child.tail:
                self.buf.append(child.tail)
        if block:
            self.buf.append("\n")

    def table(self, el) -> None:
        rows = _rows(el)
        if any(cell.xpath(".//table") for tr in rows for cell in _cells(tr)):
            for tr in rows:  # a layout table: its cells read in order
                for cell in _cells(tr):
                    self.walk_cell(cell)
            return
        self.tables += 1
        self.out.blocks.append(_grid(rows, f"网页表格 {self.tables}"))

    def walk_cell(self, cell) -> None:
        if cell.text:
            self.buf.append(cell.text)
        for child in cell:
            self.walk(child)
            if child.tail:
                self.buf.append(child.tail)
        self.flush()


def _rows(table) -> list:
    return table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")


def _cells(tr) -> list:
    return tr.xpath("./td|./th")


def _cell_text(cell) -> str:
    buf: list[str] = []

    def walk(el):
        tag = _tag(el)
        if tag in _SKIP:
            return
        block = tag in _BLOCK
        if block:
            buf.append("\n")
        if el.text:
            buf.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                buf.append(child.tail)
        if block:
            buf.append("\n")

    if cell.text:
        buf.append(cell.text)
    for child in cell:
        walk(child)
        if child.tail:
            buf.append(child.tail)
    return "\n".join(x for x in (_clean(line) for line in "".join(buf).split("\n")) if x)


def _span(cell, name: str) -> int:
    try:
        return max(1, min(int(re.sub(r"\D", "", cell.get(name, "1")) or 1), 1000))
    except ValueError:
        return 1


def _grid(rows, where: str) -> GridTable:
    """Rows of cells with their spans; positions a rowspan from above covers get covered cells."""
    table = GridTable(where=where)
    pending: dict[int, tuple[int, GridCell]] = {}  # col → (rows still covered, the merged cell)
    for r, tr in enumerate(rows):
        cells: list[GridCell] = []
        col = _cover(pending, 0, cells, r, where)
        for td in _cells(tr):
            col = _cover(pending, col, cells, r, where)
            rowspan, colspan = _span(td, "rowspan"), _span(td, "colspan")
            cell = GridCell(_cell_text(td), col, rowspan, colspan, f"{where} 第 {r + 1} 行第 {col + 1} 列")
            cells.append(cell)
            if rowspan > 1:
                pending[col] = (rowspan - 1, cell)
            col += colspan
        for c in sorted(k for k in pending if k >= col):  # covered cells after the row's last cell
            _cover(pending, c, cells, r, where)
        table.rows.append(cells)
    return table


def _cover(pending: dict, col: int, cells: list, r: int, where: str) -> int:
    """Covered cells from column `col` on while a rowspan above covers it; the next free column."""
    while col in pending:
        left, merged = pending[col]
        cells.append(GridCell(merged.text, col, 1, merged.colspan, f"{where} 第 {r + 1} 行第 {col + 1} 列",
                              covered=True))
        if left <= 1:
            del pending[col]
        else:
            pending[col] = (left - 1, merged)
        col += merged.colspan
    return col
