"""Word documents (.docx) into blocks: body paragraphs as text lines, each table as its rows of
cells with horizontal (gridSpan) and vertical (vMerge) merges, a cell's paragraphs (and those
of a table nested in it) joined by newlines. A table that goes on after a page break as a
second table right after it (nothing but empty paragraphs between) repeating the first one's
header row (a row marked to repeat on each page, tblHeader) is joined to it (`continued`), the repeated row left out."""

from __future__ import annotations

from pathlib import Path

from ..blocks import FileBlocks, GridCell, GridTable, TextLine
from . import bad

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: str | Path) -> FileBlocks:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    file = str(path)
    try:
        document = docx.Document(file)
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise bad.FileUnreadable(bad.DAMAGED, f"Word 文档已损坏，无法打开: {exc}", file) from None
    except Exception as exc:  # noqa: BLE001 - lxml/zip errors of a broken package
        raise bad.FileUnreadable(bad.DAMAGED, f"Word 文档已损坏，无法打开: {exc}", file) from None
    out = FileBlocks(file, "docx")
    previous: tuple[GridTable, list[str]] | None = None  # the last table and its header row
    since_table = 0  # text lines since it
    paragraphs = 0
    for el in _body(document.element.body):
        if el.tag == W + "p":
            paragraphs += 1
            text = _paragraph_text(el)
            if text.strip():
                out.blocks.append(TextLine(text, f"第 {paragraphs} 段"))
                since_table += 1
        elif el.tag == W + "tbl":
            n = sum(isinstance(b, GridTable) for b in out.blocks) + 1
            table, header = _table(el, f"表 {n}")
            if previous is not None and since_table == 0 and header and table.rows \
                    and [c.text for c in table.rows[0]] == previous[1]:
                table.rows = table.rows[1:]
                table.continued = True
            out.blocks.append(table)
            previous = (table, header or (previous[1] if table.continued else []))
            since_table = 0
    if not out.blocks:
        raise bad.FileUnreadable(bad.EMPTY, "Word 文档中没有文字，也没有表格", file)
    return out


def _body(body):
    """The body's paragraphs and tables in order (content controls opened)."""
    for el in body:
        if el.tag == W + "sdt":
            content = el.find(W + "sdtContent")
            if content is not None:
                yield from _body(content)
        elif el.tag in (W + "p", W + "tbl"):
            yield el


def _paragraph_text(p) -> str:
    parts = []
    for el in p.iter(W + "t", W + "tab", W + "br", W + "cr", W + "noBreakHyphen"):
        if el.tag == W + "t":
            parts.append(el.text or "")
        elif el.tag == W + "tab":
            parts.append("\t")
        elif el.tag == W + "noBreakHyphen":
            parts.append("-")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc) -> str:
    lines = []
    for p in tc.iter(W + "p"):  # nested tables' paragraphs too, in reading order
        text = _paragraph_text(p).strip()
        if text:
            lines.append(text)
    return "\n".join(lines)


def _val(el, name: str) -> str | None:
    found = el.find(name)
    return None if found is None else found.get(W + "val")


def _table(tbl, where: str) -> tuple[GridTable, list[str]]:
    """The table's rows of cells and its repeated header row's texts (a tblHeader row) or []."""
    raw: list[list[tuple[int, int, str | None, object]]] = []  # (col, span, vmerge, tc)
    header_rows: list[int] = []
    for r, tr in enumerate(tbl.iterfind(W + "tr")):
        trpr = tr.find(W + "trPr")
        col = 0
        if trpr is not None:
            before = trpr.find(W + "gridBefore")
            if before is not None:
                col = int(before.get(W + "val", "0") or 0)
            if trpr.find(W + "tblHeader") is not None and _val(trpr, W + "tblHeader") not in ("0", "false"):
                header_rows.append(r)
        row = []
        for tc in tr.iterfind(W + "tc"):
            tcpr = tc.find(W + "tcPr")
            span, vmerge = 1, None
            if tcpr is not None:
                span = int(_val(tcpr, W + "gridSpan") or 1)
                vm = tcpr.find(W + "vMerge")
                if vm is not None:
                    vmerge = vm.get(W + "val") or "continue"
            row.append((col, span, vmerge, tc))
            col += span
        raw.append(row)
    table = GridTable(where=where)
    for r, row in enumerate(raw):
        cells = []
        for col, span, vmerge, tc in row:
            at = f"{where} 第 {r + 1} 行第 {col + 1} 列"
            if vmerge == "continue":
                cells.append(GridCell("", col, 1, span, at, covered=True))
                continue
            rowspan = 1
            if vmerge == "restart":
                for below in raw[r + 1:]:
                    if any(c == col and v == "continue" for c, _s, v, _t in below):
                        rowspan += 1
                    else:
                        break
            cells.append(GridCell(_cell_text(tc), col, rowspan, span, at))
        table.rows.append(cells)
    # covered cells carry the merged cell's text for a reader that wants it
    for r, cells in enumerate(table.rows):
        for c in cells:
            if c.rowspan > 1:
                for below in table.rows[r + 1: r + c.rowspan]:
                    for j, b in enumerate(below):
                        if b.covered and b.col == c.col:
                            below[j] = GridCell(c.text, b.col, 1, b.colspan, b.where, covered=True)
    header = [c.text for c in table.rows[header_rows[-1]]] if header_rows else []
    return table, header
