"""Gathering records from many sources: one copy per project, conflicts named, units totalled,
last year matched. Holds records (small), never documents.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from ..document import FIELDS
from .records import FindingRow, ProjectRecord, SourceDigest
from .sources import load_document

ZERO = Decimal(0)

STATUS_READY, STATUS_ERRORS, STATUS_MISSING, STATUS_CONFLICT = "就绪", "有错误", "未报送", "有冲突"


@dataclass
class ConflictRow:
    kind: str  # duplicate | stale
    project_id: str
    unit_code: str | None
    project_name: str | None
    field: str
    value_a: str | None  # duplicate: the copy counted; stale: the workbook's value
    source_a: str | None
    value_b: str | None  # duplicate: the other copy; stale: the store's current value
    source_b: str | None
    base: str | None = None  # stale: the value the workbook was exported with

    KIND_ZH = {"duplicate": "重复提交，内容不同", "stale": "工作簿版本落后于存储"}

    @property
    def kind_zh(self) -> str:
        return self.KIND_ZH.get(self.kind, self.kind)


@dataclass
class UnitRow:
    key: str
    unit_code: str | None
    unit_name: str | None
    projects: int = 0
    year_amount: Decimal = ZERO
    prev_year_amount: Decimal | None = None
    errors: int = 0
    warnings: int = 0
    conflicts: int = 0
    quarters: list[Decimal] | None = None  # planned amount per quarter
    planned_projects: int = 0
    status: str = STATUS_READY

    @property
    def change(self) -> Decimal | None:
        if self.prev_year_amount is None or self.status == STATUS_MISSING:
            return None
        return self.year_amount - self.prev_year_amount

    @property
    def change_share(self) -> Decimal | None:
        """The change as a fraction of last year's amount."""
        change = self.change
        if change is None or not self.prev_year_amount:
            return None
        return change / self.prev_year_amount


@dataclass
class YearChange:
    status: str  # continued | new | dropped
    unit_code: str | None
    unit_name: str | None
    project_name: str | None
    prev_year_amount: Decimal | None
    year_amount: Decimal | None
    targets_changed: int
    project_id: str | None
    prev_project_id: str | None

    STATUS_ZH = {"continued": "延续", "new": "新增", "dropped": "取消"}

    @property
    def change(self) -> Decimal | None:
        if self.prev_year_amount is None or self.year_amount is None:
            return None
        return self.year_amount - self.prev_year_amount

    @property
    def change_share(self) -> Decimal | None:
        c = self.change
        return None if c is None or not self.prev_year_amount else c / self.prev_year_amount


@dataclass
class TargetChange:
    status: str  # changed | added | removed
    unit_code: str | None
    unit_name: str | None
    project_name: str | None
    period: str
    level1: str | None
    level2: str | None
    name: str | None
    prev_target: str | None
    target: str | None
    project_id: str | None

    STATUS_ZH = {"changed": "目标值调整", "added": "新增指标", "removed": "删除指标"}


@dataclass
class _Seen:
    rev: str
    file: str
    sheet: str | None


class Collector:
    """Records in the order they arrive; the first copy of a project counts."""

    def __init__(self) -> None:
        self.records: dict[str, ProjectRecord] = {}
        self._seen: dict[str, _Seen] = {}
        self.pending: list[tuple[str, _Seen, _Seen]] = []  # conflicting duplicates to describe
        self.identical: list[tuple[str, str, str]] = []  # (id, copy, first)
        self.conflicts: list[ConflictRow] = []
        self.conflict_ids: set[str] = set()
        self.problems: list[FindingRow] = []
        self.sources = Counter()

    def add(self, d: SourceDigest) -> set[str]:
        """Take a source's records; returns the ids of its records that are first copies."""
        self.sources[d.source.kind] += 1
        self.problems.extend(d.problems)
        accepted = set()
        for r in d.records:
            seen = self._seen.get(r.id)
            where = f"{r.file}" + (f" [{r.sheet}]" if r.sheet else "")
            if seen is None:
                self._seen[r.id] = _Seen(r.rev, r.file, r.sheet)
                self.records[r.id] = r
                accepted.add(r.id)
            elif seen.rev == r.rev:
                self.identical.append((r.id, where, seen.file))
            else:
                self.pending.append((r.id, seen, _Seen(r.rev, r.file, r.sheet)))
                self.conflict_ids.add(r.id)
        return accepted

    def add_stale(self, change, file: str) -> None:
        """A push conflict of --into-store: the workbook is older than the store."""
        self.conflict_ids.add(change.id)
        unit = self.records[change.id].unit_code if change.id in self.records else None
        for c in change.merge.conflicts:
            self.conflicts.append(ConflictRow("stale", change.id, unit, change.name, c.field,
                                              _short(c.ours), file, _short(c.theirs), "存储", _short(c.base)))

    def describe_duplicates(self) -> None:
        """Field by field, for every conflicting duplicate (each source read once more)."""
        cache: dict[tuple[str, str], object] = {}

        def doc(seen: _Seen, doc_id: str):
            key = (seen.file, doc_id)
            if key not in cache:
                cache[key] = load_document(seen.file, doc_id)
            return cache[key]

        for doc_id, first, other in self.pending:
            a, b = doc(first, doc_id), doc(other, doc_id)
            rec = self.records[doc_id]
            src_a = first.file + (f" [{first.sheet}]" if first.sheet else "")
            src_b = other.file + (f" [{other.sheet}]" if other.sheet else "")
            if a is None or b is None:
                self.conflicts.append(ConflictRow("duplicate", doc_id, rec.unit_code, rec.name, "*",
                                                  None, src_a, None, src_b))
                continue
            da, db = a.model_dump(mode="json"), b.model_dump(mode="json")
            for key in FIELDS:
                if da[key] != db[key]:
                    self.conflicts.append(ConflictRow("duplicate", doc_id, rec.unit_code, rec.name, key,
                                                      _short(da[key]), src_a, _short(db[key]), src_b))
        self.pending = []


def _short(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


@dataclass
class Picture:
    """Everything the summary shows, for one budget year."""

    year: int | None
    years_found: list
    records: list[ProjectRecord]
    units: list[UnitRow]
    total: UnitRow
    conflicts: list[ConflictRow]
    problems: list[FindingRow]
    identical: list[tuple[str, str, str]]
    other_years: int
    prev_basis: str  # previous | stated
    year_changes: list[YearChange] = field(default_factory=list)
    target_changes: list[TargetChange] = field(default_factory=list)
    has_previous: bool = False
    sources: dict = field(default_factory=dict)
    conflict_ids: set = field(default_factory=set)

    @property
    def findings(self) -> list[tuple[ProjectRecord | None, FindingRow]]:
        rows = [(r, f) for r in self.records for f in r.findings]
        return rows + [(None, p) for p in self.problems]


def choose_year(records, year: int | None) -> int | None:
    if year is not None:
        return year
    years = [r.year for r in records if r.year is not None]
    return max(years) if years else None


def _prev_index(previous: list[ProjectRecord], year: int | None) -> list[ProjectRecord]:
    """Last year's projects: those of year-1, else the latest year before this one."""
    if year is None:
        return previous
    before = [r.year for r in previous if r.year is not None and r.year < year]
    if not before:
        return [r for r in previous if r.year is None]
    last = year - 1 if (year - 1) in before else max(before)
    return [r for r in previous if r.year == last]


def _indicator_key(i) -> tuple:
    return (i.period, i.level1 or "", i.level2 or "", i.name or "")


def _compare_years(current: list[ProjectRecord], previous: list[ProjectRecord]):
    def key(r):
        return (r.unit_key, r.name or r.title)

    prev_by = {}
    prev_ids = {}
    for r in previous:
        prev_by.setdefault(key(r), r)
        prev_ids.setdefault(r.id, r)
    cur_keys = set()
    changes, targets = [], []
    for r in current:
        # a project carried forward (rollover) names last year's id: linked by it, whatever
        # its name now; else by unit and name
        p = prev_ids.get(r.previous_id) if r.previous_id else None
        k = key(p) if p is not None else key(r)
        cur_keys.add(k)
        p = p or prev_by.get(k)
        if p is None:
            changes.append(YearChange("new", r.unit_code, r.unit_name, r.name, None, r.year_amount, 0, r.id, None))
            continue
        before = {_indicator_key(i): i for i in p.indicators}
        after = {_indicator_key(i): i for i in r.indicators}
        n0 = len(targets)
        for k2, i in after.items():
            old = before.get(k2)
            if old is None:
                targets.append(TargetChange("added", r.unit_code, r.unit_name, r.name, i.period, i.level1,
                                            i.level2, i.name, None, i.target, r.id))
            elif (old.target or "").strip() != (i.target or "").strip():
                targets.append(TargetChange("changed", r.unit_code, r.unit_name, r.name, i.period, i.level1,
                                            i.level2, i.name, old.target, i.target, r.id))
        for k2, old in before.items():
            if k2 not in after:
                targets.append(TargetChange("removed", r.unit_code, r.unit_name, r.name, old.period, old.level1,
                                            old.level2, old.name, old.target, None, r.id))
        changes.append(YearChange("continued", r.unit_code, r.unit_name, r.name, p.year_amount, r.year_amount,
                                  len(targets) - n0, r.id, p.id))
    for k, p in prev_by.items():
        if k not in cur_keys:
            changes.append(YearChange("dropped", p.unit_code, p.unit_name, p.name, p.year_amount, None, 0,
                                      None, p.id))
    order = {"continued": 0, "new": 1, "dropped": 2}
    changes.sort(key=lambda c: (c.unit_code or "", order[c.status], c.project_name or ""))
    return changes, targets


def picture(col: Collector, year: int | None = None, previous: list[ProjectRecord] | None = None,
            expected_units: dict[str, tuple[str | None, str | None]] | None = None) -> Picture:
    """The summary's figures: the chosen year's records, unit rows, total, last year."""
    year = choose_year(col.records.values(), year)
    records = [r for r in col.records.values() if r.year in (year, None)]
    other_years = len(col.records) - len(records)
    records.sort(key=lambda r: (r.unit_code or "~", r.unit_name or "", r.name or r.title, r.id))
    prev = _prev_index(previous, year) if previous is not None else None
    units: dict[str, UnitRow] = {}
    for r in records:
        u = units.setdefault(r.unit_key, UnitRow(r.unit_key, r.unit_code, r.unit_name))
        u.unit_name = u.unit_name or r.unit_name
        u.projects += 1
        u.year_amount += r.year_amount or ZERO
        if prev is None and r.prev_year_amount is not None:
            u.prev_year_amount = (u.prev_year_amount or ZERO) + r.prev_year_amount
        u.errors += r.errors
        u.warnings += r.warnings
        u.conflicts += r.id in col.conflict_ids
        if r.quarters:
            u.planned_projects += 1
            u.quarters = [a + b for a, b in zip(u.quarters or [ZERO] * 4, r.quarters, strict=True)]
    missing: dict[str, UnitRow] = {}
    for r in prev or []:
        u = units.get(r.unit_key) or missing.setdefault(r.unit_key, UnitRow(r.unit_key, r.unit_code, r.unit_name))
        u.prev_year_amount = (u.prev_year_amount or ZERO) + (r.year_amount or ZERO)
    for key, (code, name) in (expected_units or {}).items():
        if key not in units and key not in missing:
            missing[key] = UnitRow(key, code, name)
    for u in missing.values():
        u.status = STATUS_MISSING
    for u in units.values():
        u.status = STATUS_CONFLICT if u.conflicts else STATUS_ERRORS if u.errors else STATUS_READY
    rows = sorted([*units.values(), *missing.values()], key=lambda u: (u.unit_code or "~", u.unit_name or ""))
    total = UnitRow("合计", None, "合计")
    for u in rows:
        total.projects += u.projects
        total.year_amount += u.year_amount
        if u.prev_year_amount is not None:
            total.prev_year_amount = (total.prev_year_amount or ZERO) + u.prev_year_amount
        total.errors += u.errors
        total.warnings += u.warnings
        total.conflicts += u.conflicts
        total.planned_projects += u.planned_projects
        if u.quarters:
            total.quarters = [a + b for a, b in zip(total.quarters or [ZERO] * 4, u.quarters, strict=True)]
    pic = Picture(year, sorted({r.year for r in col.records.values()}, key=lambda y: (y is None, y)),
                  records, rows, total, col.conflicts, col.problems, col.identical, other_years,
                  "previous" if prev is not None else "stated", has_previous=prev is not None,
                  sources=dict(col.sources), conflict_ids=set(col.conflict_ids))
    if prev is not None:
        pic.year_changes, pic.target_changes = _compare_years(records, prev)
    return pic
