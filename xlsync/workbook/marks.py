"""Putting findings into a workbook file: the marks `findings.plan_marks` computes (a
校验结果 sheet with links, highlighted and commented cells, 目录 status), applied with
openpyxl. A second run first clears the marks of the previous one, so what was fixed is
clean. The add-in applies the same plan to the open workbook (xlsync.excel)."""

from __future__ import annotations

from pathlib import Path

from ..findings import MARKS_HEADERS, NO_FINDINGS, Finding, Marks, plan_marks
from . import layout as L
from . import style, textfit
from .cells import put_text
from .reader import index_rows
from .writer import restore_charts, save_atomic

AUTHOR = "xlsync"


def _fill(color: str | None):
    from openpyxl.styles import PatternFill

    return PatternFill("solid", fgColor=color) if color else PatternFill(fill_type=None)


def _own_fill(wb, sheet: str, cell: str) -> str | None:
    """A cell's own fill, to put back later; the review mark is not (a push takes it off, and
    while the item is open validate marks the cell REVIEW_PENDING)."""
    c = wb[sheet][cell]
    own = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type == "solid" else None
    return None if str(own or "").upper().endswith(style.REVIEW_COLOR) else own


def write_findings(path: str | Path, findings: list[Finding]) -> None:
    from openpyxl import load_workbook

    path = Path(path)
    wb = load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
    previous = wb[L.FINDINGS_SHEET].iter_rows(min_row=2, values_only=True) if L.FINDINGS_SHEET in wb.sheetnames else ()
    marks = plan_marks(findings, wb.sheetnames, list(previous), lambda s, c: _own_fill(wb, s, c))
    apply_marks(wb, marks)
    restore_charts(wb)
    save_atomic(wb, path)


def apply_marks(wb, marks: Marks) -> None:
    from openpyxl.comments import Comment

    for sheet, cell, fill in marks.clear:
        c = wb[sheet][cell]
        c.fill = _fill(fill)
        if c.comment is not None and c.comment.author == AUTHOR:
            c.comment = None
    if L.FINDINGS_SHEET in wb.sheetnames:
        del wb[L.FINDINGS_SHEET]
    ws = wb.create_sheet(L.FINDINGS_SHEET, 1 if L.INDEX_SHEET in wb.sheetnames else 0)
    widths = {"A": 5, "B": 6, "C": 24, "D": 46, "E": 9, "F": 20, "G": 18, "H": 34, "I": 14, "J": 14, "K": 8}
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    for j, h in enumerate(MARKS_HEADERS, 1):
        c = ws.cell(1, j, h)
        c.font, c.fill, c.border = style.LABEL, style.HEADER_FILL, style.BOX
    ws.column_dimensions["K"].hidden = True
    for i, values in enumerate(marks.rows, 2):
        for j, v in enumerate(values, 1):
            c = ws.cell(i, j)
            if isinstance(v, int):
                c.value = v
            else:
                put_text(c, v)
            c.border = style.BOX
            c.alignment = style.WRAP
        if values[7]:
            ws.cell(i, 8).hyperlink = f"#{values[7]}"
            ws.cell(i, 8).font = style.LINK
        ws.cell(i, 2).fill = style.ERROR_FILL if values[1] == "错误" else style.WARNING_FILL
        ws.row_dimensions[i].height = textfit.row_height(values, list(widths.values()))  # wrapped, whole
    for mark in marks.cells:
        c = wb[mark.sheet][mark.cell]
        c.fill = _fill(mark.color)
        c.comment = Comment(mark.note, AUTHOR, width=320, height=120)
    if not marks.rows:
        put_text(ws.cell(2, 4), NO_FINDINGS)
    ws.freeze_panes = "A2"
    style.print_a4(ws, "landscape", "1:1")
    ws.auto_filter.ref = f"A1:J{max(2, len(marks.rows) + 1)}"
    if L.INDEX_SHEET in wb.sheetnames:
        index = wb[L.INDEX_SHEET]
        for r, pid in index_rows(index):
            put_text(index.cell(r, L.INDEX_STATUS_COL), marks.status_of(pid))
