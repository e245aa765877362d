"""xlwings entry points: the four buttons of the add-in and its worksheet functions.

Thin: each action reads the whole workbook once (values, defined names, tables), calls the
same library functions as the command line, then writes whole ranges back. With xlwings'
remote engine (xlwings Server, Office.js) the values are those at call time, so everything is
read before anything is written.
"""

from __future__ import annotations

from decimal import Decimal

import xlwings as xw

from .access import check_units
from .document import revision
from .errors import WorkbookError, XlsyncError
from .evaluation.sheetread import stage_meta_row
from .excelbook import (
    _content,
    _profile,
    _readable,
    _write,
    _write_meta,
    alert,
    desktop_store,
    read_book,  # noqa: F401 - the workbook as grids, reached as excel.read_book
)
from .excelnew import name_from_hex
from .excelnew import new_project as run_new
from .exchange import pull_content, push_content
from .findings import MARKS_HEADERS, NO_FINDINGS, plain_rgb, plan_marks
from .plan import pct
from .render import render_sync
from .targets import parse_target
from .validate import validate_documents
from .workbook import layout as L
from .workbook import style
from .workbook.book import NO_ID_YET
from .workbook.fields import LIST_COLUMNS
from .workbook.fill import document_blocks, plan_blocks
from .workbook.grid import Grid
from .workbook.reader import index_rows, sheet_shape
from .workbook.reviewsheet import ReviewRow, compose_review, note, read_review


# -- the four actions ---------------------------------------------------------------------
def validate(book, rules: str | None = None, report=alert) -> list:
    """校验: findings into a 校验结果 sheet, the cells coloured and noted, 目录 status."""
    content, grids = _content(book)
    by_title = {g.title: g for g in grids}
    readable = [p for p in content.projects if p.document]
    findings = validate_documents(
        [p.document for p in readable], _profile(grids, rules),
        provenance={p.document.id: p.provenance for p in readable})
    previous = by_title.get(L.FINDINGS_SHEET)
    marks = plan_marks(findings, by_title, previous.iter_rows(min_row=2, values_only=True) if previous else (),
                       lambda sheet, cell: _template_fill(by_title.get(sheet), cell))
    for sheet, cell, original in marks.clear:
        rng = book.sheets[sheet][cell]
        rng.color = f"#{original}" if original else None
        if rng.note is not None:
            rng.note.delete()
    if previous is not None:
        out = book.sheets[L.FINDINGS_SHEET]
        out.clear_contents()
    else:
        out = book.sheets.add(L.FINDINGS_SHEET, after=book.sheets[0])
    _write(out, "A1", [MARKS_HEADERS] + (marks.rows or [["", "", "", NO_FINDINGS]]))
    for mark in marks.cells:
        rng = book.sheets[mark.sheet][mark.cell]
        rng.color = f"#{mark.color}"
        try:
            rng.add_note(mark.note)
        except (NotImplementedError, AttributeError):
            pass
    for i, r in enumerate(marks.rows, 2):
        if r[7]:
            try:
                out[f"H{i}"].add_hyperlink(f"#{r[7]}", r[7])
            except (NotImplementedError, AttributeError):
                pass
    index = by_title.get(L.INDEX_SHEET)
    for r, pid in index_rows(index) if index else ():
        _write(book.sheets[L.INDEX_SHEET], f"{chr(64 + L.INDEX_STATUS_COL)}{r}", [[marks.status_of(pid)]])
    unreadable = "".join(f"\n{e}" for e in content.errors)
    report(book, marks.summary + (f"\n另有无法读取的单元格（未校验该项目）:{unreadable}" if unreadable else ""),
           error=bool(unreadable))
    return findings


def _template_fill(grid: Grid | None, cell: str) -> str | None:
    """The template's own fill of a cell (table headers, computed plan columns), to put back
    when its mark is cleared: Office.js sends the values of the open workbook, not its fills."""
    from openpyxl.utils.cell import (
        column_index_from_string,
        coordinate_from_string,
        range_boundaries,
    )

    if grid is None:
        return None
    col, row = coordinate_from_string(cell)
    col = column_index_from_string(col)
    for ref in grid.tables.values():
        c0, r0, c1, _r1 = range_boundaries(ref)
        if row == r0 and c0 <= col <= c1:
            return plain_rgb(style.HEADER_FILL.fgColor.rgb)
    try:
        tables = sheet_shape(grid).tables
    except XlsyncError:
        return None
    for t in tables:
        if t.row < row <= (t.end or t.row) and t.col <= col < t.col + len(t.columns):
            key = t.columns[col - t.col]
            if key and LIST_COLUMNS[t.list][key].computed:
                return plain_rgb(style.COMPUTED_FILL.fgColor.rgb)
    return None


def compute_plan(book, rules: str | None = None, report=alert) -> None:
    """计算计划: each period's share and cumulative share, and the quarterly schedule."""
    content, grids = _content(book)
    _readable(content, "计算")
    tolerance = _profile(grids, rules).plan_percent_points
    by_title = {g.title: g for g in grids}
    for sp in content.projects:
        if sp.document is None:
            continue
        for coord, rows in plan_blocks(sp.document, by_title[sp.sheet], tolerance):
            _write(book.sheets[sp.sheet], coord, rows)
    report(book, "已按金额重新计算实施计划的占比、累计占比和季度进度。")


def _show(book, grids_by_title, sheet_title: str, doc, tolerance) -> None:
    for coord, rows in document_blocks(doc, grids_by_title[sheet_title], tolerance):
        _write(book.sheets[sheet_title], coord, rows)


def _show_review(book, by_title, content, docs: dict) -> None:
    """The open review items after a push or pull: the previous 核对 sheet's marks taken off,
    each open item's cell marked (fill and note), the 核对 sheet written anew."""
    previous = by_title.get(L.REVIEW_SHEET)
    if previous is None and not any(d.review for d in docs.values()):
        return
    for sheet, cell, fill in read_review(previous)[1] if previous is not None else ():
        if sheet in by_title:
            rng = book.sheets[sheet][cell]
            rng.color = f"#{fill}" if fill else None
            try:
                if rng.note is not None:
                    rng.note.delete()
            except (NotImplementedError, AttributeError):
                pass
    rows = []
    for sp in content.projects:
        doc = docs.get(sp.sheet)
        for item in doc.review if doc is not None else ():
            loc = sp.provenance.get(item.field)
            cell = loc.cell if loc is not None else None
            rows.append(ReviewRow(sp.sheet, doc, item, cell,
                                  _template_fill(by_title.get(sp.sheet), cell) if cell else None))
            if cell:
                rng = book.sheets[sp.sheet][cell]
                rng.color = f"#{style.REVIEW_COLOR}"
                try:
                    rng.add_note(note(item))
                except (NotImplementedError, AttributeError):
                    pass
    first = next(iter(docs.values()))
    model = compose_review(rows, first.unit_name or first.unit_code, first.year, content.ticked)
    values = [[model.cells.get((r, c), (None, ""))[0] for c in range(1, len(model.widths) + 1)]
              for r in range(1, model.last_row + 1)]
    if previous is not None:
        out = book.sheets[L.REVIEW_SHEET]
        out.clear_contents()
    else:
        out = book.sheets.add(L.REVIEW_SHEET, after=book.sheets[0])
    _write(out, "A1", values)
    for (r, c), target in model.links.items():
        try:
            out[f"{chr(64 + c)}{r}"].add_hyperlink(f"#{target}", str(model.cells[(r, c)][0]))
        except (NotImplementedError, AttributeError):
            pass


def _scope(content, units, user) -> None:
    if units is not None:
        check_units([sp.document for sp in content.projects], units, user or "?")


def push(book, force: bool = False, store=None, units=None, user: str | None = None,
         rules: str | None = None, report=alert):
    """推送: the workbook's projects into the store, merging field by field. store: the
    server's (default: the workbook's 存储位置); units: the ones the user may write."""
    content, grids = _content(book)
    _readable(content, "推送")
    _scope(content, units, user)
    tolerance = _profile(grids, rules).plan_percent_points
    report_, results = push_content(content, store or desktop_store(content), force=force, label=book.name)
    if report_.written:
        by_title = {g.title: g for g in grids}
        stage_row = stage_meta_row(content)  # stage sheets show what was entered: only the base moves
        for sp in content.projects:
            if stage_row is None and revision(sp.document) != revision(results[sp.document.id]):
                _show(book, by_title, sp.sheet, results[sp.document.id], tolerance)
        _write_meta(book, [(sp.sheet, results[sp.document.id]) for sp in content.projects], first_row=stage_row)
        _show_review(book, by_title, content, {sp.sheet: results[sp.document.id] for sp in content.projects})
        _index_ids(book, by_title.get(L.INDEX_SHEET), {sp.sheet: sp.document.id for sp in content.projects if sp.fresh})
    report(book, render_sync(report_))
    return report_


def _index_ids(book, index, new_ids: dict[str, str]) -> None:
    """目录: the ids new projects got on push, in place of 推送后生成."""
    if index is None or not new_ids:
        return
    for r, pid in index_rows(index):
        title = index.cell(r, 7).value
        if pid == NO_ID_YET and title in new_ids:
            _write(book.sheets[L.INDEX_SHEET], f"{chr(64 + L.INDEX_ID_COL)}{r}", [[new_ids[title]]])


def pull(book, force: bool = False, store=None, units=None, user: str | None = None,
         rules: str | None = None, report=alert):
    """拉取: store changes into the open workbook (new projects are reported, not added)."""
    content, grids = _content(book)
    _readable(content, "拉取")
    if getattr(content, "stage", None):
        raise WorkbookError("[STAGE_PULL_CLI] 监控表/自评表工作簿请在命令行拉取：xlsync pull 工作簿 --store 存储"
                            "（或重新导出：xlsync export --stage …）")
    _scope(content, units, user)
    tolerance = _profile(grids, rules).plan_percent_points
    report_, projects = pull_content(content, store or desktop_store(content), force=force)
    if not report_.conflicts:
        by_title = {g.title: g for g in grids}
        for title, doc, _base, changed in projects:
            if title is not None and changed:
                _show(book, by_title, title, doc, tolerance)
        if projects:
            _write_meta(book, [(t, b) for t, _d, b, _c in projects if t is not None])
            _show_review(book, by_title, content, {t: d for t, d, _b, _c in projects if t is not None})
            report_.written = True
    report(book, render_sync(report_))
    return report_


def new_project(book, name: str = "", year=None, store=None, units=None, user: str | None = None,
                rules: str | None = None, report=alert):
    """新增项目 (see xlsync.excelnew)."""
    return run_new(book, name, year, store, units, user, rules, report)


ACTIONS = {"validate": validate, "plan": compute_plan, "push": push, "pull": pull, "new_project": new_project}


def run(action: str, *args: str) -> None:
    """Desktop route: the workbook's macros call RunPython("import xlsync.excel as x; x.run('validate')").
    新增项目 passes the name the user typed as UTF-16 hex (no quoting through VBA)."""
    book = xw.Book.caller()
    try:
        if action == "new_project":
            new_project(book, name_from_hex(args[0]) if args else "")
        else:
            ACTIONS[action](book)
    except XlsyncError as exc:
        alert(book, str(exc), error=True)


# -- worksheet functions ------------------------------------------------------------------
def share(amount, budget):
    """占比 (%): amount / budget × 100, exact, rounded half-up to two places."""
    if amount in (None, "") or budget in (None, "", 0):
        return None
    return float(pct(Decimal(repr(float(amount))) * 100 / Decimal(repr(float(budget)))))


def target_parts(text):
    """目标值 parsed: [operator, number, unit, kind]."""
    t = parse_target(None if text in (None, "") else str(text))
    return [[t.op, None if t.number is None else float(t.number), t.unit, t.kind]]


XLSYNC_SHARE = xw.func(share)
XLSYNC_TARGET = xw.func(target_parts)
