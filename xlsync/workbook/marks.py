"""Putting findings into a workbook: a 校验结果 sheet with links, highlighted and commented
cells. A second run first clears the marks of the previous one, so what was fixed is clean."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import quote_sheetname

from ..findings import Finding, field_zh, sort_key
from . import layout as L
from . import style
from .cells import put_text
from .writer import restore_charts, save_atomic

AUTHOR = "xlsync"
HEADERS = ["序号", "级别", "代码", "问题", "单位编码", "项目", "字段", "位置", "实际", "应为", "原底色"]


def _clear_previous(wb) -> None:
    if L.FINDINGS_SHEET not in wb.sheetnames:
        return
    old = wb[L.FINDINGS_SHEET]
    for row in old.iter_rows(min_row=2, values_only=True):
        if not row or not row[7] or "!" not in str(row[7]):
            continue
        sheet, cell = str(row[7]).rsplit("!", 1)
        sheet = sheet.strip("'").replace("''", "'")
        if sheet not in wb.sheetnames:
            continue
        c = wb[sheet][cell]
        fill = row[10] if len(row) > 10 else None
        c.fill = PatternFill("solid", fgColor=fill) if fill else PatternFill(fill_type=None)
        if c.comment is not None and c.comment.author == AUTHOR:
            c.comment = None
    del wb[L.FINDINGS_SHEET]


def _status(findings: list[Finding]) -> dict[str, str]:
    out: dict[str, list[int]] = {}
    for f in findings:
        e_w = out.setdefault(f.project_id, [0, 0])
        e_w[0 if f.severity == "error" else 1] += 1
    return {pid: ("通过" if not e and not w else f"{e} 个错误, {w} 个警告") for pid, (e, w) in out.items()}


def write_findings(path: str | Path, findings: list[Finding], project_ids: list[str] | None = None) -> None:
    path = Path(path)
    wb = load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
    _clear_previous(wb)
    ws = wb.create_sheet(L.FINDINGS_SHEET, 1 if L.INDEX_SHEET in wb.sheetnames else 0)
    widths = {"A": 6, "B": 6, "C": 22, "D": 60, "E": 10, "F": 30, "G": 22, "H": 30, "I": 16, "J": 16, "K": 8}
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    for j, h in enumerate(HEADERS, 1):
        c = ws.cell(1, j, h)
        c.font, c.fill, c.border = style.LABEL, style.HEADER_FILL, style.BOX
    ws.column_dimensions["K"].hidden = True
    notes: dict[tuple[str, str], list[str]] = {}
    severities: dict[tuple[str, str], str] = {}
    ordered = sorted(findings, key=sort_key)
    for i, f in enumerate(ordered, 2):
        loc = f.location
        where = None
        if loc and loc.sheet and loc.cell and loc.sheet in wb.sheetnames:
            where = f"{quote_sheetname(loc.sheet)}!{loc.cell}"
            key = (loc.sheet, loc.cell)
            notes.setdefault(key, []).append(f"[{f.code}] {f.message}")
            if severities.get(key) != "error":
                severities[key] = f.severity
        values = [i - 1, "错误" if f.severity == "error" else "警告", f.code, f.message, f.unit_code,
                  f.project_name, field_zh(f.field), where, f.found, f.expected]
        for j, v in enumerate(values, 1):
            c = ws.cell(i, j)
            if isinstance(v, int):
                c.value = v
            else:
                put_text(c, v)
            c.border = style.BOX
            c.alignment = style.WRAP
        if where:
            ws.cell(i, 8).hyperlink = f"#{where}"
            ws.cell(i, 8).font = style.LINK
        ws.cell(i, 2).fill = style.ERROR_FILL if f.severity == "error" else style.WARNING_FILL
    for (sheet, cell), messages in notes.items():
        c = wb[sheet][cell]
        rgb = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type == "solid" else None
        first = next(r for r in range(2, len(ordered) + 2) if ws.cell(r, 8).value == f"{quote_sheetname(sheet)}!{cell}")
        if isinstance(rgb, str):
            put_text(ws.cell(first, 11), rgb)
        c.fill = style.ERROR_FILL if severities[(sheet, cell)] == "error" else style.WARNING_FILL
        c.comment = Comment("\n".join(messages), AUTHOR, width=320, height=120)
    if not ordered:
        put_text(ws.cell(2, 4), "未发现问题 (no findings)")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:J{max(2, len(ordered) + 1)}"
    _update_index(wb, findings, project_ids)
    restore_charts(wb)
    save_atomic(wb, path)


def _update_index(wb, findings, project_ids) -> None:
    if L.INDEX_SHEET not in wb.sheetnames:
        return
    ws = wb[L.INDEX_SHEET]
    status = _status(findings)
    header_row = next((r for r in range(1, 20) if ws.cell(r, 3).value == "项目编号"), None)
    if header_row is None:
        return
    r = header_row + 1
    while ws.cell(r, 3).value:
        pid = str(ws.cell(r, 3).value)
        put_text(ws.cell(r, 6), status.get(pid, "通过"))
        r += 1
