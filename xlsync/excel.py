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

from .errors import Location, XlsyncError
from .workbook import layout as L
from .workbook.grid import Grid
from .workbook.reader import index_rows


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


def desktop_store(content):
    """The desktop route's store: the workbook's 存储位置, else $XLSYNC_STORE. (The server
    never asks the workbook: it uses the store `xlsync serve` was given.)"""
    from .store import Store

    root = content.store_setting or os.environ.get("XLSYNC_STORE")
    if not root:
        raise XlsyncError("没有设置存储位置：请在“目录”表的“存储位置”中填写，或设置环境变量 XLSYNC_STORE")
    store = Store(Path(root))
    store.register_forms()  # the desktop route runs one action per process
    return store


def workbook_rules(grids) -> tuple[str, Location] | None:
    """The rule profile the workbook was written with (the 规则 row of its _lists sheet)."""
    from .workbook.values import read_text

    lists = next((g for g in grids if g.title == L.LISTS_SHEET), None)
    for row in lists.iter_rows() if lists else ():
        if row and row[0].value == "规则" and len(row) > 1 and read_text(row[1].value):
            return read_text(row[1].value), Location(sheet=L.LISTS_SHEET, cell=row[1].coordinate)
    return None


def _profile(grids, rules: str | None = None):
    """The rule profile of an action: the one asked for (`xlsync serve --rules`), else the
    workbook's own (a shipped profile only), else $XLSYNC_RULES, else the default."""
    from .validators.profiles import BUILTIN, load_profile

    if rules:
        return load_profile(rules)
    setting = workbook_rules(grids)
    if setting:
        name, where = setting
        if name not in BUILTIN:
            raise XlsyncError(f"工作簿的规则设置不是内置规则 ({', '.join(BUILTIN)}): {name!r}", where)
        return load_profile(name)
    return load_profile(os.environ.get("XLSYNC_RULES") or None)


# -- writing ------------------------------------------------------------------------------
def as_text(value: str) -> str:
    """Text as Excel keeps it literally: the leading apostrophe stops Excel from reading a
    formula (=, +, -, @), a number, a date or a percentage into a text cell."""
    return "'" + value if value else value


def _cell(value):
    if isinstance(value, Decimal):
        from .workbook.cells import fits_number

        # Excel keeps 15 significant digits: a longer amount goes in as text, never rounded
        return float(value) if fits_number(value) else as_text(f"{value:f}")
    if isinstance(value, str):
        return as_text(value)
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return _dt.datetime(value.year, value.month, value.day)
    return value


def _write(sheet, coord: str, rows: list[list]) -> None:
    sheet[coord].value = [[_cell(v) for v in row] for row in rows]


def alert(book, text: str, error: bool = False) -> None:
    """An action's result in a message box (desktop) or an Office dialog (server)."""
    try:
        book.app.alert(text, title="xlsync 错误" if error else "xlsync")
    except Exception:  # noqa: BLE001 - desktop engines without alerts still did the work
        pass


# -- the four actions ---------------------------------------------------------------------
def validate(book, rules: str | None = None, report=alert) -> list:
    """校验: findings into a 校验结果 sheet, the cells coloured and noted, 目录 status."""
    from .findings import MARKS_HEADERS, NO_FINDINGS, plan_marks
    from .validate import validate_documents

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

    from .findings import plain_rgb
    from .workbook import style

    if grid is None:
        return None
    from .workbook.fields import LIST_COLUMNS
    from .workbook.reader import sheet_shape

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
    from .workbook.fill import plan_blocks

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
    from .workbook.fill import document_blocks

    for coord, rows in document_blocks(doc, grids_by_title[sheet_title], tolerance):
        _write(book.sheets[sheet_title], coord, rows)


def _show_review(book, by_title, content, docs: dict) -> None:
    """The open review items after a push or pull: the previous 核对 sheet's marks taken off,
    each open item's cell marked (fill and note), the 核对 sheet written anew."""
    from .workbook import style
    from .workbook.reviewsheet import ReviewRow, compose_review, note, read_review

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


def _write_meta(book, entries, unit_code=None, year=None, first_row: list | None = None) -> None:
    from .workbook.book import meta_rows

    first = next((d for _t, d in entries if d is not None), None)
    rows = meta_rows(entries, unit_code if first is None else first.unit_code, year if first is None else first.year)
    if first_row:  # a 绩效运行监控表 / 绩效自评表 workbook keeps its stage marker
        rows[0] = first_row
    width = max(len(r) for r in rows)
    sheet = book.sheets[L.META_SHEET] if L.META_SHEET in [s.name for s in book.sheets] else None
    if sheet is None:
        sheet = book.sheets.add(L.META_SHEET)
        sheet.visible = False
    else:
        sheet.clear_contents()
    _write(sheet, "A1", [r + [None] * (width - len(r)) for r in rows])


def _readable(content, verb: str):
    if content.errors:
        raise XlsyncError(f"有无法读取的单元格，未{verb}:\n" + "\n".join(str(e) for e in content.errors))


def _scope(content, units, user) -> None:
    if units is not None:
        from .access import check_units

        check_units([sp.document for sp in content.projects], units, user or "?")


def push(book, force: bool = False, store=None, units=None, user: str | None = None,
         rules: str | None = None, report=alert):
    """推送: the workbook's projects into the store, merging field by field. store: the
    server's (default: the workbook's 存储位置); units: the ones the user may write."""
    from .exchange import push_content
    from .render import render_sync

    content, grids = _content(book)
    _readable(content, "推送")
    _scope(content, units, user)
    tolerance = _profile(grids, rules).plan_percent_points
    report_, results = push_content(content, store or desktop_store(content), force=force, label=book.name)
    if report_.written:
        by_title = {g.title: g for g in grids}
        from .document import revision
        from .evaluation.sheetread import stage_meta_row

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
    from .workbook.book import NO_ID_YET

    if index is None or not new_ids:
        return
    for r, pid in index_rows(index):
        title = index.cell(r, 7).value
        if pid == NO_ID_YET and title in new_ids:
            _write(book.sheets[L.INDEX_SHEET], f"{chr(64 + L.INDEX_ID_COL)}{r}", [[new_ids[title]]])


def pull(book, force: bool = False, store=None, units=None, user: str | None = None,
         rules: str | None = None, report=alert):
    """拉取: store changes into the open workbook (new projects are reported, not added)."""
    from .exchange import pull_content
    from .render import render_sync

    content, grids = _content(book)
    _readable(content, "拉取")
    if getattr(content, "stage", None):
        from .errors import WorkbookError

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
    from .excelnew import new_project as run_new

    return run_new(book, name, year, store, units, user, rules, report)


ACTIONS = {"validate": validate, "plan": compute_plan, "push": push, "pull": pull, "new_project": new_project}


def run(action: str, *args: str) -> None:
    """Desktop route: the workbook's macros call RunPython("import xlsync.excel as x; x.run('validate')").
    新增项目 passes the name the user typed as UTF-16 hex (no quoting through VBA)."""
    book = xw.Book.caller()
    try:
        if action == "new_project":
            from .excelnew import name_from_hex

            new_project(book, name_from_hex(args[0]) if args else "")
        else:
            ACTIONS[action](book)
    except XlsyncError as exc:
        alert(book, str(exc), error=True)


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
