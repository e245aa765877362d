"""A sheet as plain data: what to write where, before any Excel library is involved.

`compose` builds one from a document and its form; `xlsx` (xlsxwriter, new workbooks) and
`writer` (openpyxl, changing existing workbooks) render it. Rows and columns are 1-based.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TableSpec:
    name: str          # the Excel table's name (unique in the workbook)
    top: int           # header row
    left: int
    bottom: int        # last body row
    headers: list[str]
    key: str           # the list it shows (composition, plan, indicators …)
    columns: list[str]  # column keys
    total_row: bool = False
    rows: int = 0      # body rows that hold a list entry (the rest are blank rows to fill)

    @property
    def right(self) -> int:
        return self.left + len(self.headers) - 1


@dataclass
class Validation:
    ref: tuple[int, int, int, int]  # rows and columns it covers
    kind: str                       # list | whole | date
    source: str | None = None       # list: a formula such as =XS_LEVEL1
    low: str | None = None
    high: str | None = None
    message: str | None = None
    title: str | None = None


@dataclass
class Condition:
    ref: tuple[int, int, int, int]
    formula: str                     # for the top-left cell, relative references
    style: str


@dataclass
class ChartSpec:
    """The cumulative spending chart beside the quarterly schedule."""

    top: int                  # the schedule's header row
    bottom: int               # its last row
    first_col: int            # the chart spans these columns …
    last_col: int
    last_row: int             # … and rows top..last_row
    category_col: int         # 季度
    series_cols: list[int]    # 累计占比%, 均匀支出%
    peak: float = 100.0       # the highest cumulative share plotted (over 100: over-planned)

    @property
    def y_max(self) -> int:
        """The value axis reaches the data: 100, or the peak rounded up to the next 10."""
        return 100 if self.peak <= 100 else (int(self.peak) // 10 + 1) * 10

    @property
    def title(self) -> str:
        return "累计支出进度" if self.peak <= 100 else f"累计支出进度（超过100%：{self.peak:g}%，请核对）"


@dataclass
class SheetModel:
    title: str
    widths: list[float]
    orientation: str = "portrait"
    cells: dict[tuple[int, int], tuple[object, str]] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    names: dict[str, tuple[int, int]] = field(default_factory=dict)  # xs_… name → cell
    tables: list[TableSpec] = field(default_factory=list)
    validations: list[Validation] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)
    breakable: dict[int, bool] = field(default_factory=dict)
    breaks: list[int] = field(default_factory=list)
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: dict[tuple[int, int], tuple[str, object]] = field(default_factory=dict)
    chart: ChartSpec | None = None
    book_names: dict[str, tuple[int, int]] = field(default_factory=dict)  # workbook-scope names
    constants: dict[str, str] = field(default_factory=dict)  # sheet-scope names holding a text (xs_layout)
    fit_pages: int = 0  # pages tall the sheet is fitted to (0: as many as it takes)
    title_rows: int = 2
    freeze_row: int | None = 3
    last_row: int = 0
    comments: dict[tuple[int, int], str] = field(default_factory=dict)  # cell notes (review items)
    hidden_cols: list[int] = field(default_factory=list)
    review: list = field(default_factory=list)  # reviewsheet.ReviewRow of the cells marked

    def put(self, r: int, c: int, value, style: str) -> None:
        self.cells[(r, c)] = (value, style)
        self.last_row = max(self.last_row, r)

    def box(self, r1: int, c1: int, r2: int, c2: int, value, style: str) -> None:
        """A value in a (merged) range; every cell of the range gets the style's borders."""
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                self.put(r, c, None, style)
        self.put(r1, c1, value, style)
        if (r1, c1) != (r2, c2):
            self.merges.append((r1, c1, r2, c2))

    @property
    def ncols(self) -> int:
        return len(self.widths)
