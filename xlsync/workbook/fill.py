"""The values a project sheet shows for a document, as (top-left cell, rows) blocks, for
writing into an existing sheet (the add-in writes whole ranges, never cell by cell)."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter

from ..document import ProjectDocument
from . import layout as L
from .reader import FIELD_KINDS


def _value(kind: str, value):
    if value is None:
        return None
    if kind == "money":
        return Decimal(value)
    if kind == "date":
        return _dt.date.fromisoformat(value)
    return value


def _shift(coord: str, rows: int = 0, cols: int = 0) -> str:
    col, row = coordinate_from_string(coord)
    return f"{get_column_letter(column_index_from_string(col) + cols)}{row + rows}"


def plan_blocks(doc: ProjectDocument, cells: dict[str, str], plan_rows: int, quarter_rows_n: int = 4):
    """Computed plan columns and the quarterly schedule (the 计算计划 action)."""
    from .writer import _plan_rows, quarter_rows

    blocks = []
    if "plan" in cells:
        rows = [r[L.PLAN_INPUT_COLS:] for r in _plan_rows(doc)]
        rows += [[None] * (len(L.PLAN_HEADERS) - L.PLAN_INPUT_COLS)] * max(0, plan_rows - len(rows))
        if rows:
            blocks.append((_shift(cells["plan"], 1, L.PLAN_INPUT_COLS), rows))
    if "quarters" in cells:
        blocks.append((_shift(cells["quarters"], 1), quarter_rows(doc)[:quarter_rows_n]))
    return blocks


def document_blocks(doc: ProjectDocument, cells: dict[str, str], capacity: dict[str, int]):
    """Every field cell and table body of a project sheet for the document.

    capacity: rows each table has now; shorter lists blank the rest, longer ones write below.
    """
    blocks = []
    for key, kind in FIELD_KINDS.items():
        if key in cells:
            blocks.append((cells[key], [[_value(kind, getattr(doc, key))]]))
    tables = {
        "composition": [[c.item, _value("money", c.amount)] for c in doc.composition],
        "plan": [[p.start_month, p.end_month, _value("money", p.amount),
                  None if p.stated_percent is None else Decimal(p.stated_percent),
                  L.BASIS_ZH.get(p.percent_basis or "")] for p in doc.plan],
        "indicators": [[i.level1, i.level2, i.name, i.target] for i in doc.indicators],
    }
    for key, rows in tables.items():
        if key not in cells:
            continue
        width = {"composition": 2, "plan": L.PLAN_INPUT_COLS, "indicators": 4}[key]
        rows = rows + [[None] * width] * max(0, capacity.get(key, 0) - len(rows))
        if rows:
            blocks.append((_shift(cells[key], 1), rows))
    blocks += plan_blocks(doc, cells, capacity.get("plan", 0))
    return blocks
