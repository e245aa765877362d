"""The row-reading stage: one table's grid (`xlsync.published.grid`) read row by row into what
it says, handed over as plain data (`TableRead`: one `TableFacts` per project, each row's
region, each line's role) for `xlsync.published.assemble` to make documents of.

The reading itself is in `xlsync.published.facts` (labelled fields, money, 项目构成, the footer)
and `xlsync.published.indicators` (the indicator table); they are one stage because a row's
region is decided by what the rows before it were read as (a row of labels waits for the row
of its values, a header sets the columns the rows below are read by, a labelled field or a
signature line ends the indicator table). The state carried from row to row is a few small
objects (`xlsync.published.rowstate`), each owned by one concern: `Place` (where the reading
stands), `MoneyGroup`, `Columns` (the indicator header), `Waiting` (labels waiting for their
values, a stream's cells), `Project` (each project's facts), `Trace` (each line's role, each
row's keys) — and `Levels`, the 一级/二级 carried down merged cells; nothing of it outlives
the stage."""

from __future__ import annotations

from ..validators.profiles import BUILTIN, load_profile
from .assemble import TableFacts, TableRead, assemble
from .cells import HOLE, plain_line
from .cutoff import cut_in_first_family
from .explain import explain_lines
from .facts import FactsReader
from .grid import Grid
from .indicators import IndicatorReader, Levels
from .notes import ImportedTable, Note, ReadOptions
from .regions import row_regions
from .rowstate import Columns, MoneyGroup, Place, Project, Trace, Waiting
from .segment import Region
from .truncation import cut_fragment, cut_sentence
from .vocab import Vocab, norm


class TableReader(FactsReader, IndicatorReader):
    """One table's rows read into facts. Its inputs (vocabulary, file, region, options, whether
    it is the text's last table) never change; its state is the objects below, one per concern."""

    def __init__(self, v: Vocab, file: str, region: Region, options: ReadOptions, last_region: bool):
        self.v, self.file, self.region, self.options = v, file, region, options
        self.last_region = last_region
        self.place = Place(last_line=region.start)
        self.project = Project(region.start, table_unit=region.title_unit)  # the table's own facts
        self.money = MoneyGroup()
        self.columns = Columns()
        self.levels = Levels(v)
        self.waiting = Waiting()
        self.projects: list[Project] = []  # further projects of a list-form table
        self.trace = Trace()

    @property
    def current(self) -> Project:
        """The project being read: a list-form table's last one, else the table's own."""
        return self.projects[-1] if self.projects else self.project

    # -- notes --------------------------------------------------------------------------
    def note(self, level: str, code: str, msg: str, line: int | None, field: str | None = None,
             source: str | None = None, proposed: str | None = None) -> None:
        owner = self.current
        owner.notes.append(Note(level, code, msg, self.file, line, field, source, proposed))
        if line is not None and code in ("LINE_UNPLACED", "ROW_UNPLACED"):
            self.mark(line, "未归属（未导入）")

    def mark(self, line: int | None, role: str) -> None:
        """What a line of the table was read as (for `import-text --explain`); the first word stays."""
        self.trace.mark(line, role)

    def next_indicator(self, sub: str) -> str:
        """The path of the indicator about to be appended (its index is settled at the end)."""
        owner = self.current
        return f"indicators[#{len(owner.indicators)}].{sub}"

    def _cut(self, msg: str, line: int) -> None:
        """The text stops inside this table (or the list's last project)."""
        owner = self.current
        owner.truncated = True
        self.note("error", "TABLE_TRUNCATED", msg, line)

    def _cut_fragment(self) -> None:
        """The text ends on a piece of something (`xlsync.published.truncation`)."""
        got = cut_fragment(self.region.lines, self.region.start, self.v)
        if got is not None:
            self._cut(got[1], got[0])

    def _cut_sentence(self) -> None:
        """The text ends in the middle of an indicator's sentence (`xlsync.published.truncation`)."""
        owner = self.current
        got = cut_sentence(owner.indicators, self.place.last_line)
        if got is not None:
            self._cut(got[1], got[0])

    def _cut_first_family(self) -> None:
        """The text ends on a row begun but not finished (a target without its number, a category
        with no indicator under it) with only the first family read: cut off."""
        owner = self.current
        seen = {i.get("level1") for i in owner.indicators} | set(self.levels.seen)
        best = max((load_profile(n) for n in BUILTIN), key=lambda p: len(seen & set(p.level1)))
        at = max((k for k, ln in enumerate(self.region.lines) if ln != HOLE and plain_line(ln)), default=0)
        end = self.region.start + at
        tail = norm(plain_line(self.region.lines[at])) if self.region.lines else ""
        last = owner.indicators[-1] if owner.indicators else {}
        dangling = tail if tail and self.category(tail) and tail not in (last.get("level1"), last.get("level2")) \
            else None
        why = cut_in_first_family(owner.indicators, set(self.levels.seen), tuple(best.required_level1), end, dangling)
        if why:
            self._cut(why, end)

    def category(self, text: str) -> bool:
        """For the row aligner: a cell that is a category name."""
        return self.v.is_category(text) or (self.v.looks_like_category(text) and len(text) <= 12)

    # -- the hand-over ---------------------------------------------------------------------
    def facts(self, grid: Grid | None = None) -> TableRead:
        """Read the table's grid; what was read, as plain data for `xlsync.published.assemble`."""
        self.read(grid)
        return self.hand_over()

    def finish(self, title: dict) -> list[ImportedTable]:
        """The table's documents (`xlsync.published.assemble`), once its rows are read."""
        return assemble(self.hand_over(), title, self.v, self.options)

    def hand_over(self) -> TableRead:
        """The end of the table (what is still waiting, whether the text stops inside it), then
        what was read, copied out as plain data."""
        if self.last_region and self.place.open_end and self.place.section == "indicators":
            self._cut(f"文本在第 {self.place.last_line} 行的单元格中断（没有结束的“|”，文件可能被截断）", self.place.last_line)
        self._end_indicators()
        self._resolve_stream()
        self._flush_labels()
        self._flush_fragments()
        self.levels.finish()
        if self.last_region and not self.project.truncated:
            self._cut_fragment()
        if self.last_region and self.place.section == "indicators" and not self.project.truncated:
            self._cut_sentence()
        if self.last_region and self.place.section == "indicators" and not self.project.truncated:
            self._cut_first_family()
        info = [n for n in self.project.notes if n.level == "info"]
        projects = [self._facts(p, info + p.notes) for p in self.projects] if self.projects \
            else [self._facts(self.project, self.project.notes)]
        return TableRead(self.file, tuple(projects), self.place.last_line, tuple(explain_lines(self.region, self.trace.marks)),
                         frozenset(self.levels.seen), self.region.page_unit, row_regions(self.trace.rows, self.project.prov))

    @staticmethod
    def _facts(t: Project, notes: list[Note]) -> TableFacts:
        """One project's facts, copied out as plain data."""
        return TableFacts(
            first_line=t.first_line, fields=dict(t.fields), units=dict(t.units), extra=tuple(t.extra),
            funding=tuple(dict(e) for e in t.funding), composition=tuple(dict(c) for c in t.composition),
            indicators=tuple(dict(i) for i in t.indicators), prov=dict(t.prov), notes=tuple(notes),
            truncated=t.truncated,
            tree=tuple((next(k for k, f in enumerate(t.funding) if f is e), top) for e, top in t.tree_sources),
            table_unit=t.table_unit, column_heads=frozenset(t.column_heads))
