"""A worksheet as plain data (values, defined names, tables), shaped like the parts of an
openpyxl worksheet the reader uses. The Excel add-in builds these from what Excel sends and
xlsxgrid from the file's XML, so every route reads a workbook with the same code."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .coords import column_index_from_string, coordinate_from_string, get_column_letter


@dataclass
class _Name:
    attr_text: str


@dataclass(frozen=True)
class Uncalculated:
    """A formula cell whose file holds no calculated value (written by a program, never
    opened in Excel): its value is unknown, not empty."""

    formula: str
    sheet: str
    cell: str

    def __str__(self) -> str:
        return f"={self.formula}" if self.formula else "(公式)"


@dataclass
class GridCell:
    value: object
    row: int
    column: int
    number_format: str = "General"

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"


_REF_RE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")


class MergedCells:
    """Merged ranges ("B3:I3"); `"C3" in merged` tells whether a cell lies in one."""

    def __init__(self, refs=()):
        self._ranges: list[tuple[int, int, int, int]] = []
        self._refs: list[str] = []
        for ref in refs:
            self.add(ref)

    def add(self, ref: str) -> None:
        m = _REF_RE.match(ref.upper())
        if not m:
            return
        c1, r1 = column_index_from_string(m.group(1)), int(m.group(2))
        c2 = column_index_from_string(m.group(3)) if m.group(3) else c1
        r2 = int(m.group(4)) if m.group(4) else r1
        self._ranges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
        self._refs.append(ref)

    def __contains__(self, coord: str) -> bool:
        col, row = coordinate_from_string(coord)
        c = column_index_from_string(col)
        return any(r1 <= row <= r2 and c1 <= c <= c2 for r1, c1, r2, c2 in self._ranges)

    def __iter__(self):
        return iter(self._refs)

    def __len__(self) -> int:
        return len(self._refs)


class Grid:
    def __init__(self, title: str, values: list[list], names: dict[str, str] | None = None,
                 tables: dict[str, str] | None = None, *, formats: dict | None = None,
                 merged=(), state: str = "visible", formulas: set | None = None,
                 clean: bool = False):
        """values: rows of cell values ("" is empty). formats: (row, col) → number format of
        cells that have one; formulas: (row, col) of formula cells; clean: values hold no ""
        (a reader that built them so skips the copy)."""
        self.title = title
        self.values = values if clean else [[None if v == "" else v for v in row] for row in (values or [])]
        # name → "Sheet!$B$3" (sheet-scoped names of this sheet)
        self.defined_names = {k: _Name(v) for k, v in (names or {}).items()}
        self.tables = dict(tables or {})  # name → "A20:D40"
        self.merged_cells = MergedCells(merged)
        self.formats = formats or {}
        self.formulas = formulas or set()
        self.sheet_state = state

    @property
    def max_row(self) -> int:
        return len(self.values)

    @property
    def max_column(self) -> int:
        return max((len(r) for r in self.values), default=0)

    def cell(self, row: int, column: int) -> GridCell:
        value = None
        if 1 <= row <= len(self.values) and 1 <= column <= len(self.values[row - 1]):
            value = self.values[row - 1][column - 1]
        return GridCell(value, row, column, self.formats.get((row, column), "General"))

    def __getitem__(self, coord: str) -> GridCell:
        col, row = coordinate_from_string(coord)
        return self.cell(row, column_index_from_string(col))

    def iter_rows(self, min_row: int = 1, values_only: bool = False):
        for r in range(min_row, len(self.values) + 1):
            if values_only:
                yield tuple(self.values[r - 1])
                continue
            yield tuple(self.cell(r, c) for c in range(1, len(self.values[r - 1]) + 1))
