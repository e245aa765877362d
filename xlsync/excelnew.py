"""新增项目 in the open workbook (xlwings: the desktop macro and the task-pane button).

Thin: reads the workbook, calls `xlsync.newproject.new_project` (the same function as the
command line), renders the sheet model it composes through xlwings' API (values, merges,
widths, heights, fills, fonts, number formats, names, tables), and rewrites the hidden
metadata. On the server the project is created in the store at once under the user's unit."""

from __future__ import annotations

import datetime as _dt

from .errors import AccessDenied, WorkbookError, XlsyncError
from .excelbook import _cell, _profile, _readable, _write_meta, alert, desktop_store, read_book
from .forms import NEW_PROJECT
from .newproject import new_project as make
from .newproject import workbook_unit
from .render import render_new_project
from .workbook import style
from .workbook.book import abs_ref, list_names
from .workbook.compose import compose
from .workbook.reader import read_sheets
from .workbook.sheetform import sheet_form_of
from .workbook.writer import RESERVED, blank_rows


def name_from_hex(text: str) -> str:
    """The name the desktop macro's InputBox got, sent as UTF-16 hex (4 digits a unit)."""
    try:
        return bytes.fromhex(text).decode("utf-16-be")
    except (ValueError, UnicodeDecodeError):
        raise XlsyncError("新项目名称无法识别（宏传来的文字不完整）：请重试") from None


def _year(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        raise XlsyncError(f"预算年度应为四位数字，得到 {value!r}") from None
    if not 1900 <= year <= 2200:
        raise XlsyncError(f"预算年度应为四位数字，得到 {value!r}")
    return year


def _runs(m):
    """(style, row, first column, last column) of each run of same-styled cells in a row: one
    xlwings call per run rather than per cell."""
    runs = []
    for (r, c), (_v, key) in sorted(m.cells.items()):
        if runs and runs[-1][0] == key and runs[-1][1][0] == r and runs[-1][1][2] == c - 1:
            runs[-1] = (key, (r, runs[-1][1][1], c))
        else:
            runs.append((key, (r, c, c)))
    return runs


def render_xlwings(book, m, after=None):
    """A sheet model as a new sheet of the open workbook, through xlwings' API."""
    sheet = book.sheets.add(m.title, after=after)
    nrows, ncols = max(m.last_row, 1), m.ncols
    matrix = [[None] * ncols for _ in range(nrows)]
    for (r, c), (value, _key) in m.cells.items():
        if r <= nrows and c <= ncols and value is not None and (r, c) not in m.formulas:
            matrix[r - 1][c - 1] = _cell(value.isoformat() if isinstance(value, _dt.date) else value)
    sheet["A1"].value = matrix
    for (r, c), (formula, _cached) in m.formulas.items():
        sheet.range((r, c)).formula = formula
    for c, w in enumerate(m.widths, 1):
        sheet.range((1, c)).column_width = w
    for r, h in sorted(m.heights.items()):
        sheet.range((r, 1)).row_height = h
    for r1, c1, r2, c2 in m.merges:
        sheet.range((r1, c1), (r2, c2)).merge()
    for key, (r, c1, c2) in _runs(m):
        spec = style.STYLES.get(key, {})
        if spec:
            rng = sheet.range((r, c1), (r, c2))
            if spec.get("fill"):
                rng.color = "#" + spec["fill"]
            if spec.get("bold"):
                rng.font.bold = True
            if spec.get("wrap"):
                rng.wrap_text = True
            if spec.get("num"):
                rng.number_format = spec["num"]
    for t in m.tables:
        try:
            sheet.tables.add(sheet.range((t.top, t.left), (t.bottom, t.right)), name=t.name)
        except (NotImplementedError, AttributeError, TypeError):
            pass
    for name, (r, c) in m.names.items():
        sheet.names.add(name, "=" + abs_ref(m.title, r, c))
    for name, text in m.constants.items():
        sheet.names.add(name, '="' + text.replace('"', '""') + '"')
    return sheet


def new_project(book, name: str = "", year=None, store=None, units=None, user: str | None = None,
                rules: str | None = None, report=None):
    """新增项目: a blank project sheet of the workbook's form, unit and year. store: the
    server's (the project is created there at once, under the user's unit); on the desktop the
    workbook's 存储位置 when it has one, else the next push creates it. A workbook with no
    project yet (a new one in the task pane) takes the user's unit and the year given."""
    report = report or alert
    grids, store_ref = read_book(book)
    try:
        content = read_sheets(book.name, grids, store_ref)
    except WorkbookError:
        content = None  # no project sheet yet
    if content is not None:
        _readable(content, "新增项目")
        unit_code, unit_name, wb_year, layout = workbook_unit(content)
        names = {sp.document.name: sp.sheet for sp in content.projects if sp.document is not None}
        if store is None and content.store_setting:
            store = desktop_store(content)
    else:
        if not units or len(units) != 1:
            raise XlsyncError("工作簿中还没有项目：请先用 xlsync template 生成本单位的工作簿，"
                              "或在本单位已有项目的工作簿中新增项目")
        unit_code, unit_name, wb_year, layout, names = units[0], None, None, NEW_PROJECT, {}
    if units is not None and unit_code not in units:
        raise AccessDenied(f"用户 {user or '?'} 不能为单位 {unit_code} 新增项目（可填报: {', '.join(units) or '无'}）")
    new = make(name, unit_code, unit_name, wb_year or _year(year), layout, names,
               {s.name for s in book.sheets} | RESERVED, store, book.name)
    sf = sheet_form_of(new.document)
    profile = _profile(grids, rules)
    last = content.projects[-1].sheet if content is not None else None
    render_xlwings(book, compose(new.document, sf, new.title, 900 + len(book.sheets), profile.plan_percent_points,
                                 list_names(0), blank_rows(sf)), after=book.sheets[last] if last else None)
    entries = []
    if content is not None:
        for sp in content.projects:
            entries.append((sp.sheet, None if sp.fresh else (sp.base or sp.document)))
    entries.append((new.title, new.document if new.registered else None))
    _write_meta(book, entries, unit_code, new.document.year)
    report(book, render_new_project(new))
    return new
