"""Unit workbooks: a 目录 sheet, one sheet per project laid out by its form, dropdown lists,
and hidden sync metadata (the exported revision and content).

New workbooks are written with xlsxwriter (xlsx.py); existing ones (pull, push refresh) are
changed with openpyxl: cells written in place where the document fits its sheet, the sheet
rebuilt from its model where it does not, the user's other sheets and formatting kept.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from pathlib import Path

from ..document import ProjectDocument, ReviewItem
from ..errors import WorkbookError
from ..review import WHOLE
from ..safefile import replacing
from ..validators.profiles import load_profile
from . import layout as L
from . import style
from .book import (  # noqa: F401 - meta_json, meta_rows, sheet_title: used through this module
    abs_ref,
    compose_index,
    list_names,
    lists_cells,
    lists_profiles,
    meta_json,
    meta_rows,
    sheet_title,
    xml_safe,
)
from .cells import put_value
from .compose import compose
from .coords import column_index_from_string, coordinate_from_string, get_column_letter
from .fill import NotFit, document_blocks
from .model import ChartSpec, SheetModel
from .reader import _read_sheet, sheet_shape
from .reviewsheet import ReviewRow, compose_review, mark, read_review, unmark
from .sheetform import sheet_form_of
from .xlsx import Book
from .xlsxpatch import try_patch

RESERVED = {L.INDEX_SHEET, L.META_SHEET, L.LISTS_SHEET, L.FINDINGS_SHEET, L.REVIEW_SHEET}


def unit_of(doc: ProjectDocument) -> tuple:
    """What makes documents one unit-year workbook: the unit code (else the unit's name)
    and the year."""
    return (doc.unit_code, None if doc.unit_code else (doc.unit_name or doc.department_name), doc.year)


def _profiles(docs, profile) -> tuple[list, dict[str, int]]:
    """The rule profiles the sheets use (one given, else each form's own) and their slots."""
    if profile is not None:
        return [profile], {}
    found: dict[str, object] = {}
    for d in docs:
        name = sheet_form_of(d).form.profile
        if name not in found:
            found[name] = load_profile(name)
    return list(found.values()), {n: i for i, n in enumerate(found)}


def _profile_for(doc, profiles, slots) -> tuple[object, int]:
    if not slots:
        return profiles[0], 0
    slot = slots[sheet_form_of(doc).form.profile]
    return profiles[slot], slot


def write_workbook(docs: list[ProjectDocument], path: str | Path, profile=None, store: str | None = None,
                   blank: bool = False) -> Path:
    """A new unit-year workbook for the documents (all of one unit and year).

    profile: the rule profile of every sheet's dropdowns and plan tolerance; None: each
    document's form names its own. blank: the documents are new projects without ids (a
    template): their sheets offer empty rows to type in and a push gives them ids."""
    path = Path(path)
    if not docs:
        raise WorkbookError("没有可导出的项目", None)
    units = {unit_of(d) for d in docs}
    if len(units) > 1:
        raise WorkbookError(f"一个工作簿只放一个单位一个年度的项目，得到: {sorted(units, key=str)}")
    profiles, slots = _profiles(docs, profile)
    macro = path.suffix.lower() == ".xlsm"
    book = Book(path, macro=macro)
    try:
        index = book.sheet(L.INDEX_SHEET)
        review_ws = book.sheet(L.REVIEW_SHEET) if any(d.review for d in docs) else None
        taken = set(RESERVED)
        entries, review_rows = [], []
        for i, doc in enumerate(sorted(docs, key=lambda d: d.id), 1):
            prof, slot = _profile_for(doc, profiles, slots)
            title = sheet_title(doc.name or doc.title, taken)
            sf = sheet_form_of(doc)
            model = compose(doc, sf, title, i, prof.plan_percent_points, list_names(slot),
                            blank_rows(sf) if blank else None)
            book.render(book.sheet(title), model)
            entries.append((title, doc))
            review_rows.extend(model.review)
        first = docs[0]
        book.render(index, compose_index(entries, first.unit_code, first.unit_name, first.year, store,
                                         fresh={d.id for d in docs} if blank else frozenset()))
        if review_ws is not None:
            book.render(review_ws, compose_review(review_rows, first.unit_name or first.unit_code, first.year))
        book.lists(profiles)
        book.meta([(t, None if blank else d) for t, d in entries], first.unit_code, first.year)
    except BaseException:
        book.abort()
        raise
    book.close()  # an .xlsm comes out with xlsync's macros and ribbon (see macrobook)
    return path


def blank_rows(sf) -> dict[str, int]:
    """The empty rows each table of a blank project sheet offers (the form's [workbook.blank])."""
    rows = sf.form.workbook.get("blank", {}).get("rows", {})
    return {str(k): int(v) for k, v in rows.items()}


def save_atomic(wb, path: Path) -> None:
    """Save next to the target and rename over it: the user's file is never half-written.
    An .xlsm comes out with xlsync's macros and ribbon (see macrobook)."""
    with replacing(path, macro=Path(path).suffix.lower() == ".xlsm") as tmp:
        wb.save(tmp)


# -- openpyxl: rendering a sheet model into an existing workbook ----------------------------
def _put(cell, value) -> None:
    put_value(cell, value)  # text stays text ('=100%' is no formula), amounts keep their digits


def render_openpyxl(wb, ws, m: SheetModel) -> None:
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.pagebreak import Break, RowBreak
    from openpyxl.worksheet.table import Table, TableStyleInfo

    for c, w in enumerate(m.widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = w
        if c in m.hidden_cols:
            ws.column_dimensions[get_column_letter(c)].hidden = True
    for r, h in m.heights.items():
        ws.row_dimensions[r].height = h
    for (r, c), (value, key) in m.cells.items():
        cell = ws.cell(r, c)
        style.apply(cell, key)
        if (r, c) in m.formulas:
            cell.value = m.formulas[(r, c)][0]
        else:
            _put(cell, value)
        if (r, c) in m.links:
            cell.hyperlink = "#" + m.links[(r, c)]
        if (r, c) in m.comments:
            from openpyxl.comments import Comment

            cell.comment = Comment(m.comments[(r, c)], L.REVIEW_AUTHOR, width=360, height=160)
    for r1, c1, r2, c2 in m.merges:
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    for t in m.tables:
        ref = f"{get_column_letter(t.left)}{t.top}:{get_column_letter(t.right)}{t.bottom}"
        table = Table(displayName=t.name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
    for v in m.validations:
        ref = f"{get_column_letter(v.ref[1])}{v.ref[0]}:{get_column_letter(v.ref[3])}{v.ref[2]}"
        if v.kind == "list":
            dv = DataValidation(type="list", formula1=v.source, allow_blank=True)
        elif v.kind == "whole":
            dv = DataValidation(type="whole", operator="between", formula1=v.low, formula2=v.high, allow_blank=True)
        else:
            dv = DataValidation(type="date", operator="greaterThan", formula1=v.low, allow_blank=True)
        dv.showErrorMessage = bool(v.message)
        dv.error, dv.errorTitle = v.message, v.title
        ws.add_data_validation(dv)
        dv.add(ref)
    for cond in m.conditions:
        ref = f"{get_column_letter(cond.ref[1])}{cond.ref[0]}:{get_column_letter(cond.ref[3])}{cond.ref[2]}"
        color = style.STYLES[cond.style].get("color", "FFFFFF")
        ws.conditional_formatting.add(ref, FormulaRule(formula=[cond.formula.lstrip("=")], font=Font(color=color)))
    for name, (r, c) in m.names.items():
        ws.defined_names[name] = DefinedName(name, attr_text=abs_ref(ws.title, r, c))
    for name, (r, c) in m.book_names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=abs_ref(ws.title, r, c))
    for name, text in m.constants.items():
        ws.defined_names[name] = DefinedName(name, attr_text='"' + text.replace('"', '""') + '"')
    if m.chart:
        ch = m.chart
        add_plan_chart(ws, ch.top, ch.bottom, ch.first_col, ch.category_col, ch.series_cols,
                       sum(m.widths[c - 1] for c in range(ch.first_col, ch.last_col + 1)),
                       sum(m.heights.get(r, 19) for r in range(ch.top, ch.last_row + 1)), ch.peak)
    style.print_a4(ws, m.orientation, f"1:{m.title_rows}" if m.title_rows else "", m.fit_pages)
    ws.print_area = f"A1:{get_column_letter(m.ncols)}{max(m.last_row, 1)}"
    ws.row_breaks = RowBreak()
    for b in m.breaks:
        ws.row_breaks.append(Break(id=b - 1))
    ws.freeze_panes = f"A{m.freeze_row}" if m.freeze_row else None


def add_plan_chart(ws, top: int, bottom: int, first_col: int, category_col: int, series_cols: list[int],
                   width_chars: float = 60, height_pt: float = 190, peak: float = 100.0) -> None:
    """The cumulative spending curve against the even-spending line, beside the quarters. The
    value axis reaches the data: an over-planned project (peak over 100%) shows, and says so."""
    from openpyxl.chart import LineChart, Reference

    spec = ChartSpec(top, bottom, first_col, first_col, bottom, category_col, series_cols, peak)
    chart = LineChart()
    chart.title = spec.title
    chart.y_axis.title = "%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = spec.y_max
    chart.width = width_chars * 7 * 2.54 / 96 * 0.98
    chart.height = height_pt / 72 * 2.54 * 0.95
    for col in series_cols:
        chart.add_data(Reference(ws, min_col=col, max_col=col, min_row=top, max_row=bottom), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=category_col, min_row=top + 1, max_row=bottom))
    ws.add_chart(chart, f"{get_column_letter(first_col)}{top}")


def restore_charts(wb) -> None:
    """openpyxl drops charts when it loads a file: put ours back on every project sheet."""
    for ws in wb.worksheets:
        if ws._charts or ws.defined_names.get("xs_quarters") is None:
            continue
        try:
            shape = sheet_shape(ws)
        except WorkbookError:
            continue
        for t in shape.tables_of("quarters"):
            series = [t.col + t.columns.index(k) for k in ("cumulative_share", "even_share") if k in t.columns]
            block = next((b for b in shape.form.blocks if b.list == "quarters" and b.chart), None)
            if not series or t.end is None or block is None:
                continue
            last = max(block.chart, shape.form.ncols)
            width = sum(ws.column_dimensions[get_column_letter(c)].width or 9 for c in range(block.chart, last + 1))
            values = [ws.cell(r, series[0]).value for r in range(t.row + 1, t.end + 1)]
            peak = max([100.0, *(float(v) for v in values if isinstance(v, int | float))])
            add_plan_chart(ws, t.row, t.end, block.chart, t.col, series, width, peak=peak)


# -- changing an existing workbook --------------------------------------------------------
def update_in_place(ws, doc: ProjectDocument, tolerance: Decimal) -> bool:
    """Write a document into an existing project sheet, keeping its formatting. False when it
    does not fit (a list is longer than its table, a key has no cell): the caller then
    rebuilds the sheet."""
    try:
        shape = sheet_shape(ws)
        blocks = document_blocks(doc, ws, tolerance, shape=shape, strict=True)
    except (NotFit, WorkbookError):
        return False
    if sheet_form_of(doc).name != shape.form.name:
        return False
    for coord, rows in blocks:
        col, row = coordinate_from_string(coord)
        c0 = column_index_from_string(col)
        for i, values in enumerate(rows):
            for j, value in enumerate(values):
                cell = ws.cell(row + i, c0 + j)
                if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
                    value = _dt.datetime(value.year, value.month, value.day)
                _put(cell, value)  # the user's styles and number formats stay
    return True


def _ensure_lists(wb, profiles_needed: list) -> dict[str, int]:
    """The _lists sheet holds every needed profile: profile name → slot."""
    from openpyxl.workbook.defined_name import DefinedName

    existing = lists_profiles(wb[L.LISTS_SHEET]) if L.LISTS_SHEET in wb.sheetnames else []
    have = {n: i for i, n in enumerate(existing)}
    if all(p.name in have for p in profiles_needed) and existing:
        return have
    all_profiles = [load_profile(n) for n in existing] + [p for p in profiles_needed if p.name not in have]
    if L.LISTS_SHEET in wb.sheetnames:
        del wb[L.LISTS_SHEET]
    ws = wb.create_sheet(L.LISTS_SHEET)
    ws.sheet_state = "hidden"
    cells, names = lists_cells(all_profiles)
    for (r, c), v in cells.items():
        _put(ws.cell(r, c), v)
    for name, ref in names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    return {p.name: i for i, p in enumerate(all_profiles)}


def update_workbook(path: str | Path, projects: list[tuple[str | None, ProjectDocument, ProjectDocument, bool]],
                    profile=None, content=None) -> None:
    """Change project sheets in an existing workbook, keeping its other sheets.

    projects: (sheet title or None for a new sheet, document to show, base document for the
    hidden metadata, whether the sheet's content changed). The 目录 and metadata are
    rewritten. Saved atomically.
    """
    from openpyxl import load_workbook

    path = Path(path)
    docs = [d for _t, d, _b, _r in projects]
    profiles, slots = _profiles(docs, profile)
    review = any(d.review or b.review for _t, d, b, _r in projects) or getattr(content, "review_sheet", False)
    if not review and try_patch(path, projects, content,
                                lambda d: _profile_for(d, profiles, slots)[0].plan_percent_points):
        return  # only the changed cells were written (review marks need openpyxl: below)
    wb = load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
    used = {int(m.group(1)) for ws in wb.worksheets for t in ws.tables
            if (m := re.match(r"xs(\d{3})_", t))}
    next_index = max(used, default=0) + 1
    taken = set(wb.sheetnames) | RESERVED
    slot_of = _ensure_lists(wb, profiles)
    entries, shown, composed = [], [], {}
    for title, doc, base, rebuild in projects:
        prof, _slot = _profile_for(doc, profiles, slots)
        if title and title in wb.sheetnames:
            if rebuild and not update_in_place(wb[title], doc, prof.plan_percent_points):
                pos = wb.sheetnames.index(title)
                del wb[title]
                ws = wb.create_sheet(title, pos)
                composed[title] = compose(doc, sheet_form_of(doc), title, next_index,
                                          prof.plan_percent_points, list_names(slot_of[prof.name]))
                render_openpyxl(wb, ws, composed[title])
                next_index += 1
        else:
            ws = wb.create_sheet(sheet_title(doc.name or doc.title, taken))
            composed[ws.title] = compose(doc, sheet_form_of(doc), ws.title, next_index,
                                         prof.plan_percent_points, list_names(slot_of[prof.name]))
            render_openpyxl(wb, ws, composed[ws.title])
            next_index += 1
            title = ws.title
        entries.append((title, base))
        shown.append((title, doc))
    first = shown[0][1]
    store = None
    if L.INDEX_SHEET in wb.sheetnames:
        store = wb[L.INDEX_SHEET]["C5"].value
        del wb[L.INDEX_SHEET]
    index = wb.create_sheet(L.INDEX_SHEET, 0)
    render_openpyxl(wb, index, compose_index(shown, first.unit_code, first.unit_name, first.year, store))
    if review:
        refresh_openpyxl(wb, path, shown, composed, first.unit_name or first.unit_code, first.year)
    restore_charts(wb)
    write_meta(wb, entries, first.unit_code, first.year)
    wb.active = 0
    save_atomic(wb, path)


def write_meta(wb, entries: list[tuple[str, ProjectDocument]], unit_code, year) -> None:
    if L.META_SHEET in wb.sheetnames:
        del wb[L.META_SHEET]
    ws = wb.create_sheet(L.META_SHEET)
    ws.sheet_state = "veryHidden"
    for i, row in enumerate(meta_rows(entries, unit_code, year), 1):
        for j, value in enumerate(row, 1):
            _put(ws.cell(i, j), value)


def refresh_openpyxl(wb, path, shown: list[tuple[str, ProjectDocument]], composed: dict[str, SheetModel],
                     unit: str | None, year) -> None:
    """After project sheets were changed with openpyxl: take the previous 核对 sheet's marks
    off the sheets changed in place, mark the open items there, and write the 核对 sheet
    anew (kept, saying nothing is open, when a previous one existed and all were cleared)."""
    had = L.REVIEW_SHEET in wb.sheetnames
    ticks, previous = read_review(wb[L.REVIEW_SHEET]) if had else ({}, [])
    in_place = {t for t, _d in shown if t not in composed}
    for sheet, coord, fill in previous:
        if sheet in in_place and sheet in wb.sheetnames:
            unmark(wb[sheet], coord, fill)
    rows: list[ReviewRow] = []
    for title, doc in shown:
        if title in composed:
            rows.extend(getattr(composed[title], "review", []))
            continue
        if not doc.review:
            continue
        sp = _read_sheet(path, wb[title], {})
        where = {k: loc.cell for k, loc in (sp.provenance.items() if sp else ()) if loc and loc.cell}
        by_cell: dict[str, list[ReviewItem]] = {}
        for item in doc.review:
            coord = where.get(item.field) if item.field != WHOLE else None
            if coord is None:
                rows.append(ReviewRow(title, doc, item, None, None))
            else:
                by_cell.setdefault(coord, []).append(item)
                rows.append(ReviewRow(title, doc, item, coord, None))
        fills = {coord: mark(wb[title], coord, items) for coord, items in by_cell.items()}
        for row in rows:
            if row.sheet == title and row.cell in fills:
                row.fill = fills[row.cell]
    if had:
        del wb[L.REVIEW_SHEET]
    if rows or had:
        at = wb.sheetnames.index(L.INDEX_SHEET) + 1 if L.INDEX_SHEET in wb.sheetnames else 0
        ws = wb.create_sheet(L.REVIEW_SHEET, at)
        render_openpyxl(wb, ws, compose_review(rows, unit, year, ticks))
