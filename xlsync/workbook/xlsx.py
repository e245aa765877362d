"""New unit workbooks, written with xlsxwriter (fast, streaming): each sheet model becomes
cells, merged ranges, sheet-scoped names, Excel tables, dropdowns, conditional formats,
print setup and the plan chart. Existing workbooks are changed with openpyxl (writer.py)."""

from __future__ import annotations

import datetime as _dt
import io
from decimal import Decimal
from pathlib import Path

from ..safefile import replacing
from . import layout as L
from . import textfit
from .book import abs_ref, lists_cells, meta_rows, xml_safe
from .cells import fits_number, quote
from .model import SheetModel
from .style import XlsxFormats


def _px(width: float) -> int:
    return int(width * 7 + 5) if width > 0 else 0


def render(wb, fmts: XlsxFormats, ws, m: SheetModel) -> None:
    """Write one sheet model into an (empty) xlsxwriter worksheet."""
    for c, w in enumerate(m.widths):
        ws.set_column(c, c, w, None, {"hidden": True} if c + 1 in m.hidden_cols else None)
    for r, h in m.heights.items():
        ws.set_row(r - 1, h)
    covered: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in m.merges:
        value, style = m.cells.get((r1, c1), (None, "plain"))
        fmt = fmts[style]
        if isinstance(value, str):
            ws.merge_range(r1 - 1, c1 - 1, r2 - 1, c2 - 1, "", fmt)
            ws.write_string(r1 - 1, c1 - 1, xml_safe(value), fmt)
        else:
            ws.merge_range(r1 - 1, c1 - 1, r2 - 1, c2 - 1, None, fmt)
            _write(ws, r1 - 1, c1 - 1, value, fmt)
        covered.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
    for t in m.tables:
        ws.add_table(t.top - 1, t.left - 1, t.bottom - 1, t.right - 1, {
            "name": t.name, "style": "Table Style Light 9", "autofilter": False,
            "columns": [{"header": h, "header_format": fmts["header"]} for h in t.headers]})
    for (r, c), (value, style) in m.cells.items():
        if (r, c) in covered:
            continue
        fmt = fmts[style]
        if (r, c) in m.links:
            ws.write_url(r - 1, c - 1, "internal:" + m.links[(r, c)], fmt, string=xml_safe(str(value or "")))
        elif (r, c) in m.formulas:
            formula, cached = m.formulas[(r, c)]
            ws.write_formula(r - 1, c - 1, formula, fmt, cached)
        else:
            _write(ws, r - 1, c - 1, value, fmt)
    for v in m.validations:
        ws.data_validation(v.ref[0] - 1, v.ref[1] - 1, v.ref[2] - 1, v.ref[3] - 1, _validation(v))
    for cond in m.conditions:
        ws.conditional_format(cond.ref[0] - 1, cond.ref[1] - 1, cond.ref[2] - 1, cond.ref[3] - 1, {
            "type": "formula", "criteria": cond.formula, "format": fmts.condition(cond.style)})
    for name, (r, c) in m.names.items():
        wb.define_name(f"{quote(m.title)}!{name}", "=" + abs_ref(m.title, r, c))
    for name, (r, c) in m.book_names.items():
        wb.define_name(name, "=" + abs_ref(m.title, r, c))
    for (r, c), note in m.comments.items():
        ws.write_comment(r - 1, c - 1, xml_safe(note), {"author": L.REVIEW_AUTHOR, "x_scale": 2.2, "y_scale": 2})
    for name, text in m.constants.items():
        wb.define_name(f"{quote(m.title)}!{name}", '="' + text.replace('"', '""') + '"')
    if m.chart:
        _chart(wb, ws, m)
    _print_setup(ws, m)


def _write(ws, r: int, c: int, value, fmt) -> None:
    if value is None:
        ws.write_blank(r, c, None, fmt)
    elif isinstance(value, str):
        ws.write_string(r, c, xml_safe(value), fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, Decimal) and not fits_number(value):
        ws.write_string(r, c, f"{value:f}", fmt)  # more digits than Excel keeps: text, never rounded
    elif isinstance(value, Decimal | int | float):
        ws.write_number(r, c, value, fmt)  # a Decimal is written digit for digit
    elif isinstance(value, _dt.date):
        ws.write_datetime(r, c, _dt.datetime(value.year, value.month, value.day), fmt)
    else:
        ws.write_string(r, c, str(value), fmt)


def _validation(v) -> dict:
    if v.kind == "list":
        source = v.source or ""
        opts: dict = {"validate": "list"}
        if source.startswith('"'):
            opts["source"] = source.strip('"').split(",")
        else:
            opts["source"] = source
    elif v.kind == "whole":
        opts = {"validate": "integer", "criteria": "between", "minimum": int(v.low), "maximum": int(v.high)}
    else:
        opts = {"validate": "date", "criteria": ">", "value": _dt.datetime(1899, 12, 30) + _dt.timedelta(int(v.low))}
    if v.message:
        opts["error_message"] = v.message
        if v.title:
            opts["error_title"] = v.title
    else:
        opts["show_error"] = False
    return opts


def _chart(wb, ws, m: SheetModel) -> None:
    ch = m.chart
    chart = wb.add_chart({"type": "line"})
    for col in ch.series_cols:
        chart.add_series({
            "name": [m.title, ch.top - 1, col - 1],
            "categories": [m.title, ch.top, ch.category_col - 1, ch.bottom - 1, ch.category_col - 1],
            "values": [m.title, ch.top, col - 1, ch.bottom - 1, col - 1],
            "marker": {"type": "circle"}})
    over = ch.peak > 100  # over-planned: the axis reaches the peak, the title says so in red
    chart.set_title({"name": ch.title, "name_font": {"size": 10, "color": "#C00000" if over else "#000000"}})
    chart.set_y_axis({"name": "%", "min": 0, "max": ch.y_max, "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    width = sum(_px(m.widths[c - 1]) for c in range(ch.first_col, ch.last_col + 1))
    height = sum(m.heights.get(r, 19) for r in range(ch.top, ch.last_row + 1)) * 4 / 3
    chart.set_size({"width": int(width) - 4, "height": int(height) - 4})
    ws.insert_chart(ch.top - 1, ch.first_col - 1, chart, {"x_offset": 2, "y_offset": 2, "object_position": 1})


def _print_setup(ws, m: SheetModel) -> None:
    ws.set_paper(9)
    if m.orientation == "landscape":
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, m.fit_pages)
    if m.title_rows:
        ws.repeat_rows(0, m.title_rows - 1)
    ws.print_area(0, 0, max(m.last_row, 1) - 1, m.ncols - 1)
    mg = textfit.MARGIN_IN
    ws.set_margins(left=mg["left"], right=mg["right"], top=mg["top"], bottom=mg["bottom"])
    ws.set_header("", {"margin": mg["header"]})
    ws.set_footer("&C第 &P 页，共 &N 页", {"margin": mg["footer"]})
    if m.breaks:
        ws.set_h_pagebreaks([b - 1 for b in m.breaks])
    if m.freeze_row:
        ws.freeze_panes(m.freeze_row - 1, 0)


class Book:
    """A new workbook being written (xlsxwriter), saved atomically by `close`."""

    def __init__(self, path: Path, macro: bool = False):
        import xlsxwriter

        self.path = Path(path)
        self.macro = macro
        self.buffer = io.BytesIO()  # the package is put in place by `close`, whole or not at all
        self.wb = xlsxwriter.Workbook(self.buffer, {"in_memory": True, "strings_to_numbers": False,
                                                    "strings_to_formulas": False, "strings_to_urls": False})
        self.wb.set_properties({"title": "xlsync", "comments": "xlsync workbook",
                                "created": _dt.datetime(2020, 1, 1)})
        self.fmts = XlsxFormats(self.wb)

    def sheet(self, title: str):
        return self.wb.add_worksheet(title)

    def render(self, ws, model: SheetModel) -> None:
        render(self.wb, self.fmts, ws, model)

    def lists(self, profiles: list) -> None:
        ws = self.wb.add_worksheet(L.LISTS_SHEET)
        cells, names = lists_cells(profiles)
        for (r, c), v in cells.items():
            ws.write_string(r - 1, c - 1, v)
        for name, ref in names.items():
            self.wb.define_name(name, "=" + ref)
        ws.hide()

    def meta(self, entries, unit_code, year) -> None:
        ws = self.wb.add_worksheet(L.META_SHEET)
        for i, row in enumerate(meta_rows(entries, unit_code, year)):
            for j, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, int):
                    ws.write_number(i, j, value)
                else:
                    ws.write_string(i, j, xml_safe(str(value)))
        ws.very_hidden()

    def close(self) -> Path:
        self.wb.close()
        # an .xlsm comes out with xlsync's macros and ribbon (see macrobook)
        with replacing(self.path, macro=self.macro) as tmp:
            tmp.write_bytes(self.buffer.getvalue())
        return self.path

    def abort(self) -> None:
        self.buffer = io.BytesIO()  # nothing was written to disk
