"""The JSON Excel (Office.js) sends to xlwings, built from a real workbook file: every sheet's
values anchored at A1 (dates as serial numbers, blanks as ""), defined names, tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import xlwings as xw
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

EPOCH = dt.datetime(1899, 12, 30)


def _value(v):
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return (v - EPOCH).days
    if isinstance(v, dt.date):
        return (dt.datetime(v.year, v.month, v.day) - EPOCH).days
    if isinstance(v, Decimal):
        return float(v)
    return v


def _addr(ref: str) -> str | None:
    """A name's cell address; None for a constant (xs_layout = "national"), as Office.js sends it."""
    return ref.split("!")[1].replace("$", "") if "!" in ref else None


def payload_from_xlsx(path) -> dict:
    wb = load_workbook(path)
    sheets, names = [], []
    for i, ws in enumerate(wb.worksheets):
        rows = [[_value(c.value) for c in row] for row in ws.iter_rows(min_row=1, min_col=1)]
        tables = []
        for t in ws.tables.values():
            start, end = t.ref.split(":")
            first_col, last_col = "".join(filter(str.isalpha, start)), "".join(filter(str.isalpha, end))
            top, bottom = int("".join(filter(str.isdigit, start))), int("".join(filter(str.isdigit, end)))
            tables.append({
                "name": t.displayName, "range_address": t.ref,
                "header_row_range_address": f"{first_col}{top}:{last_col}{top}",
                "data_body_range_address": f"{first_col}{top + 1}:{last_col}{bottom}",
                "total_row_range_address": None, "show_header": True, "show_totals": False,
                "table_style": "TableStyleLight9", "show_autofilter": True,
            })
        last = f"{get_column_letter(max(len(r) for r in rows) if rows else 1)}{max(len(rows), 1)}"
        sheets.append({"name": ws.title, "values": rows or [[""]], "pictures": [], "tables": tables,
                       "notes": [], "used_range_address": f"A1:{last}",
                       "visibility": "Visible" if ws.sheet_state == "visible" else "Hidden"})
        for name, dn in ws.defined_names.items():
            names.append({"name": name, "sheet_index": i if _addr(dn.attr_text) else None,
                          "address": _addr(dn.attr_text), "type": "Range" if _addr(dn.attr_text) else "String",
                          "book_scope": False, "scope_sheet_index": i, "scope_sheet_name": ws.title,
                          "refers_to": "=" + dn.attr_text})
    titles = [ws.title for ws in wb.worksheets]
    for name, dn in wb.defined_names.items():
        sheet = dn.attr_text.split("!")[0].strip("'")
        names.append({"name": name, "sheet_index": titles.index(sheet) if sheet in titles else None,
                      "address": _addr(dn.attr_text), "book_scope": True, "scope_sheet_index": None,
                      "scope_sheet_name": None, "refers_to": "=" + dn.attr_text})
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
            "names": names, "sheets": sheets}
