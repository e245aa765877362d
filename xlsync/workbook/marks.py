"""Putting findings into a workbook: a 校验结果 sheet with links, highlighted and commented
cells. A second run first clears the marks of the previous one, so what was fixed is clean."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from ..findings import (
    FINDINGS_HEADERS,
    Finding,
    cell_notes,
    cell_ref,
    findings_table,
    previous_marks,
    project_status,
)
from . import layout as L
from . import style, textfit
from .cells import put_text
from .reader import index_rows
from .writer import restore_charts, save_atomic

AUTHOR = "xlsync"
HEADERS = [*FINDINGS_HEADERS, "原底色"]


def _clear_previous(wb) -> None:
    if L.FINDINGS_SHEET not in wb.sheetnames:
        return
    for sheet, cell, fill in previous_marks(wb[L.FINDINGS_SHEET].iter_rows(min_row=2, values_only=True)):
        if sheet not in wb.sheetnames:
            continue
        c = wb[sheet][cell]
        c.fill = PatternFill("solid", fgColor=fill) if fill else PatternFill(fill_type=None)
        if c.comment is not None and c.comment.author == AUTHOR:
            c.comment = None
    del wb[L.FINDINGS_SHEET]


def write_findings(path: str | Path, findings: list[Finding]) -> None:
    path = Path(path)
    wb = load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
    _clear_previous(wb)
    ws = wb.create_sheet(L.FINDINGS_SHEET, 1 if L.INDEX_SHEET in wb.sheetnames else 0)
    widths = {"A": 5, "B": 6, "C": 24, "D": 46, "E": 9, "F": 20, "G": 18, "H": 34, "I": 14, "J": 14, "K": 8}
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    for j, h in enumerate(HEADERS, 1):
        c = ws.cell(1, j, h)
        c.font, c.fill, c.border = style.LABEL, style.HEADER_FILL, style.BOX
    ws.column_dimensions["K"].hidden = True
    rows = findings_table(findings, set(wb.sheetnames))
    for i, values in enumerate(rows, 2):
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
    first_row = {values[7]: i for i, values in reversed(list(enumerate(rows, 2))) if values[7]}
    for (sheet, cell), (severity, text) in cell_notes(findings).items():
        if sheet not in wb.sheetnames:
            continue
        c = wb[sheet][cell]
        rgb = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type == "solid" else None
        if isinstance(rgb, str):
            put_text(ws.cell(first_row[cell_ref(sheet, cell)], 11), rgb)
        c.fill = style.ERROR_FILL if severity == "error" else style.WARNING_FILL
        c.comment = Comment(text, AUTHOR, width=320, height=120)
    ordered = rows
    if not ordered:
        put_text(ws.cell(2, 4), "未发现问题 (no findings)")
    ws.freeze_panes = "A2"
    style.print_a4(ws, "landscape", "1:1")
    ws.auto_filter.ref = f"A1:J{max(2, len(ordered) + 1)}"
    _update_index(wb, findings)
    restore_charts(wb)
    save_atomic(wb, path)


def _update_index(wb, findings) -> None:
    if L.INDEX_SHEET not in wb.sheetnames:
        return
    ws = wb[L.INDEX_SHEET]
    status = project_status(findings)
    for r, pid in index_rows(ws):
        put_text(ws.cell(r, L.INDEX_STATUS_COL), status.get(pid, "通过"))
