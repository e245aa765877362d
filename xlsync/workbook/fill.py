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


def _padded(rows: list[list], width: int, capacity: int) -> list[list]:
    return rows + [[None] * width] * max(0, capacity - len(rows))


def plan_blocks(doc: ProjectDocument, cells: dict[str, str], plan_capacity: int, tolerance: Decimal,
                typed: bool = False):
    """The plan table and the quarterly schedule. typed=False: only the computed columns (the
    计算计划 action leaves what the user typed alone)."""
    from ..plan import compute
    from .writer import plan_rows, quarter_rows

    figures = compute(doc)
    blocks = []
    if "plan" in cells:
        first = 0 if typed else L.PLAN_INPUT_COLS
        rows = [r[first:] for r in plan_rows(doc, figures, tolerance)]
        rows = _padded(rows, len(L.PLAN_HEADERS) - first, plan_capacity)
        if rows:
            blocks.append((_shift(cells["plan"], 1, first), rows))
    if "quarters" in cells:
        blocks.append((_shift(cells["quarters"], 1), quarter_rows(figures)))
    return blocks


def document_blocks(doc: ProjectDocument, cells: dict[str, str], capacity: dict[str, int],
                    tolerance: Decimal):
    """Every field cell and table body of a project sheet for the document.

    capacity: rows each table has now; shorter lists blank the rest, longer ones write below.
    """
    blocks = []
    for key, kind in FIELD_KINDS.items():
        if key in cells:
            blocks.append((cells[key], [[_value(kind, getattr(doc, key))]]))
    tables = {
        "composition": [[c.item, _value("money", c.amount)] for c in doc.composition],
        "indicators": [[i.level1, i.level2, i.name, i.target] for i in doc.indicators],
    }
    for key, rows in tables.items():
        rows = _padded(rows, len(rows[0]) if rows else {"composition": 2, "indicators": 4}[key],
                       capacity.get(key, 0))
        if key in cells and rows:
            blocks.append((_shift(cells[key], 1), rows))
    return blocks + plan_blocks(doc, cells, capacity.get("plan", 0), tolerance, typed=True)
