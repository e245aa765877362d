"""A worksheet as plain data (values, defined names, tables), shaped like the parts of an
openpyxl worksheet the reader uses. The Excel add-in builds these from what Excel sends, so
the add-in and the command line read a workbook with the same code."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string


@dataclass
class _Name:
    attr_text: str


@dataclass
class GridCell:
    value: object
    row: int
    column: int
    number_format: str = "General"

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"


class Grid:
    def __init__(self, title: str, values: list[list], names: dict[str, str] | None = None,
                 tables: dict[str, str] | None = None):
        self.title = title
        self.values = [[None if v == "" else v for v in row] for row in (values or [])]
        # name → "Sheet!$B$3" (sheet-scoped names of this sheet)
        self.defined_names = {k: _Name(v) for k, v in (names or {}).items()}
        self.tables = dict(tables or {})  # name → "A20:D40"
        self.merged_cells: set[str] = set()

    @property
    def max_row(self) -> int:
        return len(self.values)

    def cell(self, row: int, column: int) -> GridCell:
        value = None
        if 1 <= row <= len(self.values) and 1 <= column <= len(self.values[row - 1]):
            value = self.values[row - 1][column - 1]
        return GridCell(value, row, column)

    def __getitem__(self, coord: str) -> GridCell:
        col, row = coordinate_from_string(coord)
        return self.cell(row, column_index_from_string(col))

    def iter_rows(self, min_row: int = 1, values_only: bool = False):
        for r in range(min_row, len(self.values) + 1):
            cells = [self.cell(r, c) for c in range(1, len(self.values[r - 1]) + 1)]
            yield tuple(c.value for c in cells) if values_only else tuple(cells)
