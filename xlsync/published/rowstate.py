"""The row stage's state (`xlsync.published.table.TableReader`): what one row of a table leaves
for the rows after it, as a few small objects, each owned by one concern. Nothing of it
outlives the stage: what was read is handed over as plain data (`TableRead`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .notes import Note
from .rows import Role, Tok
from .vocab import Label


@dataclass(slots=True)
class MoneyGroup:
    """The money group being read ('项目资金（万元）' then its amounts and sources): the unit
    its label names, whether its amounts are the year's, whether funding-like labels under it
    are sources, and the kind (total/annual/either) of each amount label of its last row — the
    columns the sources' amounts stand in."""

    unit: str | None = None
    annual: bool = False
    sources: bool = False  # inside a money group: funding-like labels are sources
    kinds: list[str] = field(default_factory=list)  # total/annual/either of the amount labels of the last row

    def open(self, unit: str | None, annual: bool) -> None:
        """A money group's label ('项目资金（万元）', '年度资金'): its unit, else the enclosing
        group's; a group inside a money group (按收入性质分) keeps its frame unless it names the year."""
        nested = self.sources
        self.unit = unit or self.unit
        if annual or not nested:
            self.annual = annual
            self.kinds = []
        self.sources = True

    def close(self) -> None:
        """A label that is no amount ends the group (its row's amount kinds stay)."""
        self.unit, self.annual, self.sources = None, False, False

    def columns(self) -> list[str]:
        """The amount columns a source's amounts stand in: the last row's amount labels, else
        the group's one (the year's, or either)."""
        return self.kinds or ["annual" if self.annual else "either"]

    def column(self, earlier: int) -> str:
        """The column of a source's amount when the source already has `earlier` amounts on
        this row: its amount labels' kinds in order, the last one repeated."""
        kinds = self.columns()
        return kinds[min(earlier, len(kinds) - 1)]


@dataclass(slots=True)
class Columns:
    """The indicator table's columns, from its header row: each column's role (`Role`), the
    period (长期/年度) its rows are read for, and how its rows are cut."""

    period: str = "annual"  # long_term | annual: the period of the rows below (a 年度/长期 label sets it)
    roles: list[Role] | None = None  # list[Role] from the header; None before any header (default columns)
    value_parts: bool = False  # 指标值 beside separate 计量单位 / 指标方向 columns
    cats: int = 2  # how many category (一级/二级) columns the header has
    list_form: bool = False  # one table, many projects (项目名称 | 单位名称 … on each project's first row)
    by_col: dict[int, str] = field(default_factory=dict)  # column → role, where separators give columns
    ncols: int | None = None  # the header's number of columns, for rows read by position
    glued: bool = False  # the rows run together inside each line (no cell separators)
    header_cells: list[str] | None = None  # a header's roles, arriving one cell per line

    def default_roles(self) -> list[Role]:
        """The columns of an indicator table read before (or without) its header row."""
        return [Role("cats", self.period), Role("name", self.period), Role("target", self.period)]


@dataclass(slots=True)
class Waiting:
    """What was read but waits for what follows it: a row of labels for the row of their
    values, a stream's labels for their value cells, short pieces of a label wrapped over lines,
    and a stream's indicator cells, cut into rows when its indicator table ends."""

    row_labels: list[tuple[Label, str | None, Tok]] | None = None  # a row of labels, its values on the next row
    labels: list[tuple[Label, str | None, Tok]] = field(default_factory=list)  # stream: labels awaiting values
    values: list[Tok] = field(default_factory=list)  # stream: values for a run of labels
    fragments: list[Tok] = field(default_factory=list)  # short pieces of a label wrapped over lines
    cells: list[Tok] = field(default_factory=list)  # the cells of a stream's indicator table


@dataclass(slots=True)
class Project:
    """One project's facts as they are read: the table's own, or each further project of a
    list-form table. Copied out as plain `TableFacts` when the table ends."""

    first_line: int
    fields: dict[str, tuple[str | None, int]] = field(default_factory=dict)  # key → (value, line)
    set_by: dict[str, str] = field(default_factory=dict)  # key → the label a field was read under
    units: dict[str, str | None] = field(default_factory=dict)  # money key → unit named with its label/value
    extra: list[tuple[str, str | None, int]] = field(default_factory=list)  # (label, value, line)
    funding: list[dict] = field(default_factory=list)
    tree_sources: list[tuple[dict, bool]] = field(default_factory=list)  # a funding tree's rows: (entry, first level)
    composition: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    prov: dict[str, int] = field(default_factory=dict)  # document key or path → line
    notes: list[Note] = field(default_factory=list)
    truncated: bool = False  # the text stops inside it
    table_unit: str | None = None  # the money unit the table states (its title, a 单位：万元 cell)
    column_heads: set[str] = field(default_factory=set)  # amount labels heading a column of sources


@dataclass(slots=True)
class Place:
    """Where the reading of a table's rows stands: the part of the table it is in, the field a
    continuation line joins, the last line read, and how the grid's cells arrive."""

    section: str | None = None  # None (fields, money, goals) | composition | indicators | footer
    last_key: str | None = None  # the field just set: a loose line below a narrative field continues it
    last_line: int = 0  # the table's last line read
    stream: bool = False  # cells arrive one per line (no rows)
    run_together: bool = False  # text without cell borders: a value belongs to the label just before it
    open_end: bool = False  # the text stops inside a cell (no closing '|')
    comp_unit: str = "元"  # the unit of the 项目构成 amounts, from its header


@dataclass(slots=True)
class Trace:
    """What each line and row was read as, for the hand-over: each line's role (`import-text
    --explain`) and each grid row's lines, section and filled keys (its region: `regions`)."""

    marks: dict[int, str] = field(default_factory=dict)  # line → what it was read as; the first word stays
    rows: list[tuple[int, int, str | None, frozenset[str]]] = field(default_factory=list)  # (lines, section, keys)

    def mark(self, line: int | None, role: str) -> None:
        if line is not None:
            self.marks.setdefault(line, role)
