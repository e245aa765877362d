"""xlwings entry points: the four buttons of the add-in and its worksheet functions.

Thin: each action reads the whole workbook once (values, defined names, tables), calls the
same library functions as the command line, then writes whole ranges back. With xlwings'
remote engine (xlwings Server, Office.js) the values are those at call time, so everything is
read before anything is written.
"""

from __future__ import annotations

import datetime as _dt
import os
from decimal import Decimal
from pathlib import Path

import xlwings as xw

from .errors import XlsyncError
from .findings import (
    FINDINGS_HEADERS,
    cell_notes,
    findings_table,
    parse_cell_ref,
    previous_marks,
    project_status,
)
from .workbook import layout as L
from .workbook.grid import Grid
from .workbook.reader import index_rows

ERROR_COLOR, WARNING_COLOR = "#FFC7CE", "#FFEB9C"


# -- reading ------------------------------------------------------------------------------
def _book_names(book) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """(sheet → {local name → ref}, workbook name → ref)."""
    local: dict[str, dict[str, str]] = {}
    glob: dict[str, str] = {}
    for n in book.names:
        ref = (n.refers_to or "").lstrip("=")
        if "!" in n.name and not n.name.startswith("_xlnm"):
            sheet, short = n.name.rsplit("!", 1)
            local.setdefault(sheet.strip("'").replace("''", "'"), {})[short] = ref
        else:
            glob[n.name] = ref
    return local, glob


def _values(sheet) -> list[list]:
    last = sheet.used_range.last_cell
    return sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value or []


def read_book(book) -> tuple[list[Grid], str | None]:
    local, glob = _book_names(book)
    grids = []
    for sheet in book.sheets:
        tables = {t.name: t.range.address.replace("$", "") for t in sheet.tables}
        grids.append(Grid(sheet.name, _values(sheet), local.get(sheet.name, {}), tables))
    return grids, glob.get("XS_STORE")


def _content(book):
    from .workbook.reader import read_sheets

    grids, store_ref = read_book(book)
    return read_sheets(book.name, grids, store_ref), grids


def _store(content):
    from .store import Store

    root = content.store_setting or os.environ.get("XLSYNC_STORE")
    if not root:
        raise XlsyncError("没有设置存储位置：请在“目录”表的“存储位置”中填写，或设置环境变量 XLSYNC_STORE")
    return Store(Path(root))


def _profile(book):
    from .validators.profiles import load_profile

    return load_profile(os.environ.get("XLSYNC_RULES") or None)


# -- writing ------------------------------------------------------------------------------
def _cell(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value.startswith("="):
        return "'" + value  # a 目标值 like =100% is text, not a formula
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return _dt.datetime(value.year, value.month, value.day)
    return value


def _write(sheet, coord: str, rows: list[list]) -> None:
    sheet[coord].value = [[_cell(v) for v in row] for row in rows]


def _alert(book, text: str, title: str = "xlsync") -> None:
    try:
        book.app.alert(text, title=title)
    except Exception:  # noqa: BLE001 - desktop engines without alerts still did the work
        pass


# -- the four actions ---------------------------------------------------------------------
def validate(book) -> list:
    """校验: findings into a 校验结果 sheet, the cells coloured and noted, 目录 status."""
    from .validate import validate_documents

    content, grids = _content(book)
    by_title = {g.title: g for g in grids}
    findings = validate_documents(
        [p.document for p in content.projects if p.document], _profile(book),
        provenance={p.document.id: p.provenance for p in content.projects if p.document})
    previous = by_title.get(L.FINDINGS_SHEET)
    sheet_names = [s.name for s in book.sheets]
    if previous is not None:
        for sheet, cell, original in previous_marks(previous.iter_rows(min_row=2, values_only=True)):
            if sheet in sheet_names:
                book.sheets[sheet][cell].color = original
                note = book.sheets[sheet][cell].note
                if note is not None:
                    note.delete()
        out = book.sheets[L.FINDINGS_SHEET]
        out.clear_contents()
    else:
        out = book.sheets.add(L.FINDINGS_SHEET, after=book.sheets[0])
    rows = findings_table(findings, set(sheet_names))
    originals = []
    for r in rows:
        ref = parse_cell_ref(r[7])
        originals.append(_computed_fill(by_title.get(ref[0]), ref[1]) if ref else None)
    _write(out, "A1", [[*FINDINGS_HEADERS, "原底色"]] + [r + [o] for r, o in zip(rows, originals, strict=True)]
           if rows else [[*FINDINGS_HEADERS, "原底色"], ["", "", "", "未发现问题 (no findings)"]])
    for (sheet, cell), (severity, text) in cell_notes(findings).items():
        if sheet not in sheet_names:
            continue
        rng = book.sheets[sheet][cell]
        rng.color = ERROR_COLOR if severity == "error" else WARNING_COLOR
        try:
            rng.add_note(text)
        except (NotImplementedError, AttributeError):
            pass
    for i, r in enumerate(rows, 2):
        if r[7]:
            try:
                out[f"H{i}"].add_hyperlink(f"#{r[7]}", r[7])
            except (NotImplementedError, AttributeError):
                pass
    _index_status(book, by_title, project_status(findings))
    errors = sum(f.severity == "error" for f in findings)
    _alert(book, f"校验完成：{errors} 个错误，{len(findings) - errors} 个警告。详见“校验结果”表。")
    return findings


def _computed_fill(grid: Grid | None, cell: str) -> str | None:
    """The template's own fill of a cell, to put back when its mark is cleared."""
    if grid is None:
        return None
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    from .workbook.fields import LIST_COLUMNS
    from .workbook.reader import sheet_shape

    col, row = coordinate_from_string(cell)
    c = column_index_from_string(col)
    try:
        tables = sheet_shape(grid).tables
    except XlsyncError:
        return None
    for t in tables:
        if t.row < row <= (t.end or t.row) and t.col <= c < t.col + len(t.columns):
            key = t.columns[c - t.col]
            if key and LIST_COLUMNS[t.list][key].computed:
                return "#E2EFDA"
    return None


def _index_status(book, by_title, status: dict[str, str]) -> None:
    index = by_title.get(L.INDEX_SHEET)
    if index is None:
        return
    sheet = book.sheets[L.INDEX_SHEET]
    for r, pid in index_rows(index):
        sheet.range((r, L.INDEX_STATUS_COL)).value = status.get(pid, "通过")


def compute_plan(book) -> None:
    """计算计划: each period's share and cumulative share, and the quarterly schedule."""
    from .workbook.fill import plan_blocks

    content, grids = _content(book)
    tolerance = _profile(book).plan_percent_points
    by_title = {g.title: g for g in grids}
    for sp in content.projects:
        if sp.document is None:
            continue
        for coord, rows in plan_blocks(sp.document, by_title[sp.sheet], tolerance):
            _write(book.sheets[sp.sheet], coord, rows)
    _alert(book, "已按金额重新计算实施计划的占比、累计占比和季度进度。")


def _show(book, grids_by_title, sheet_title: str, doc) -> None:
    from .workbook.fill import document_blocks

    tolerance = _profile(book).plan_percent_points
    for coord, rows in document_blocks(doc, grids_by_title[sheet_title], tolerance):
        _write(book.sheets[sheet_title], coord, rows)


def _write_meta(book, entries) -> None:
    from .workbook.book import meta_rows

    first = entries[0][1]
    rows = meta_rows(entries, first.unit_code, first.year)
    width = max(len(r) for r in rows)
    sheet = book.sheets[L.META_SHEET] if L.META_SHEET in [s.name for s in book.sheets] else None
    if sheet is None:
        sheet = book.sheets.add(L.META_SHEET)
        sheet.visible = False
    else:
        sheet.clear_contents()
    _write(sheet, "A1", [r + [None] * (width - len(r)) for r in rows])


def push(book, force: bool = False):
    """推送: the workbook's projects into the store, merging field by field."""
    from .exchange import push_content
    from .render import render_sync

    content, grids = _content(book)
    if content.errors:
        raise XlsyncError("有无法读取的单元格，未推送:\n" + "\n".join(str(e) for e in content.errors))
    report, results = push_content(content, _store(content), force=force, label=book.name)
    if report.written:
        by_title = {g.title: g for g in grids}
        from .document import revision

        for sp in content.projects:
            if revision(sp.document) != revision(results[sp.document.id]):
                _show(book, by_title, sp.sheet, results[sp.document.id])
        _write_meta(book, [(sp.sheet, results[sp.document.id]) for sp in content.projects])
    _alert(book, render_sync(report))
    return report


def pull(book, force: bool = False):
    """拉取: store changes into the open workbook (new projects are reported, not added)."""
    from .exchange import pull_content
    from .render import render_sync

    content, grids = _content(book)
    if content.errors:
        raise XlsyncError("有无法读取的单元格，未拉取:\n" + "\n".join(str(e) for e in content.errors))
    report, projects = pull_content(content, _store(content), force=force)
    if not report.conflicts:
        by_title = {g.title: g for g in grids}
        for title, doc, _base, changed in projects:
            if title is not None and changed:
                _show(book, by_title, title, doc)
        _write_meta(book, [(t, b) for t, _d, b, _c in projects if t is not None])
        report.written = True
    _alert(book, render_sync(report))
    return report


ACTIONS = {"validate": validate, "plan": compute_plan, "push": push, "pull": pull}


def run(action: str) -> None:
    """Desktop route: the workbook's macros call RunPython("import xlsync.excel as x; x.run('validate')")."""
    book = xw.Book.caller()
    try:
        ACTIONS[action](book)
    except XlsyncError as exc:
        _alert(book, str(exc), title="xlsync 错误")


# -- worksheet functions ------------------------------------------------------------------
def share(amount, budget):
    """占比 (%): amount / budget × 100, exact, rounded half-up to two places."""
    from .plan import pct

    if amount in (None, "") or budget in (None, "", 0):
        return None
    return float(pct(Decimal(repr(float(amount))) * 100 / Decimal(repr(float(budget)))))


def target_parts(text):
    """目标值 parsed: [operator, number, unit, kind]."""
    from .targets import parse_target

    t = parse_target(None if text in (None, "") else str(text))
    return [[t.op, None if t.number is None else float(t.number), t.unit, t.kind]]


XLSYNC_SHARE = xw.func(share)
XLSYNC_TARGET = xw.func(target_parts)
