"""One source → the compact records the summary needs (runs in a worker process).

A record keeps a project's facts, quarterly plan, indicators with their parsed targets and
its findings: a few hundred bytes where the document and its workbook took megabytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from ..document import ProjectDocument, revision
from ..errors import Location, XlsyncError
from ..evaluation.rules import scoring_rules
from ..evaluation.scoring import evaluation_of, score_stage
from ..plan import compute
from ..targets import parse_target
from ..validate import validate_documents
from ..validators.profiles import load_profile, profile_for
from .sources import Entry, Source, read_source


class IndicatorRow(NamedTuple):
    period: str
    level1: str | None
    level2: str | None
    name: str | None
    target: str | None
    kind: str
    op: str | None
    number: Decimal | None
    unit: str | None
    direction: str | None
    weight: str | None
    # the year-end self-evaluation (绩效自评), when the project has one
    actual: str | None = None
    score: Decimal | None = None
    status: str | None = None  # met | shortfall | not_applicable | missing | incomparable | …
    reason: str | None = None


class EvaluationRow(NamedTuple):
    """A project's 绩效自评 by the rules: 执行率 (percent), scores, what fell short and why."""

    spent: Decimal | None
    budget: Decimal | None
    rate: Decimal | None
    budget_score: Decimal | None
    total: Decimal | None
    shortfalls: tuple[tuple[str, str | None], ...]  # (三级指标, 偏差原因) below full marks


class FindingRow(NamedTuple):
    severity: str
    code: str
    title: str
    message: str
    field: str | None
    file: str | None
    sheet: str | None
    cell: str | None
    line: int | None


@dataclass(slots=True)
class ProjectRecord:
    id: str
    rev: str
    year: int | None
    unit_code: str | None
    unit_name: str | None
    name: str | None
    title: str
    layout: str | None
    form: str | None
    fund_use: str | None
    project_attribute: str | None
    start_date: str | None
    end_date: str | None
    total_amount: Decimal | None
    year_amount: Decimal | None
    prev_total_amount: Decimal | None
    prev_year_amount: Decimal | None
    plan_total: Decimal | None
    quarters: tuple[Decimal, Decimal, Decimal, Decimal] | None
    indicators: tuple[IndicatorRow, ...]
    findings: tuple[FindingRow, ...]
    file: str
    sheet: str | None
    evaluation: EvaluationRow | None = None
    previous_id: str | None = None  # last year's project this one continues (rollover)

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def review(self) -> int:
        """Open review items (待核对): the REVIEW_PENDING findings."""
        return sum(f.code == "REVIEW_PENDING" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity != "error" for f in self.findings)

    @property
    def unit_key(self) -> str:
        return self.unit_code or f"~{self.unit_name or ''}"


@dataclass
class SourceDigest:
    source: Source
    records: list[ProjectRecord] = field(default_factory=list)
    problems: list[FindingRow] = field(default_factory=list)
    content: object | None = None  # the WorkbookContent, when asked for (--into-store)


def problem_row(exc: XlsyncError) -> FindingRow:
    loc = exc.location or Location()
    return FindingRow("error", "SOURCE_UNREADABLE", "文件无法读取", exc.message, None,
                      loc.file, loc.sheet, loc.cell, loc.line)


def _finding_row(f) -> FindingRow:
    loc = f.location or Location()
    return FindingRow(f.severity, f.code, f.title, f.message, f.field, loc.file, loc.sheet, loc.cell, loc.line)


def _money(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def record_of(entry: Entry, findings=(), with_plan: bool = True, rules: str | None = None) -> ProjectRecord:
    d: ProjectDocument = entry.document
    placeholders = profile_for(d, rules).placeholders
    evaluation, scored = _evaluation(d, rules)
    indicators = []
    for n, i in enumerate(d.indicators):
        t = parse_target(i.target, placeholders)
        s = scored.get(n)
        indicators.append(IndicatorRow(i.period, i.level1, i.level2, i.name, i.target, t.kind, t.op,
                                       t.number, t.unit, t.direction, i.weight,
                                       *((s.actual, s.score, s.status, s.reason) if s else ())))
    plan_total = quarters = None
    if with_plan:
        fig = compute(d)
        plan_total = fig.total
        if fig.quarters:
            quarters = tuple(q.amount for q in fig.quarters)
    return ProjectRecord(
        d.id, revision(d), d.year, d.unit_code, d.unit_name, d.name, d.title, d.layout, d.form,
        d.fund_use, d.project_attribute, d.start_date, d.end_date, _money(d.total_amount),
        _money(d.year_amount), _money(d.prev_total_amount), _money(d.prev_year_amount), plan_total,
        quarters, tuple(indicators), tuple(_finding_row(f) for f in findings), entry.file, entry.sheet,
        evaluation, d.previous_id)


class _Scored(NamedTuple):
    actual: str | None
    score: Decimal | None
    status: str
    reason: str | None


def _evaluation(d: ProjectDocument, rules: str | None) -> tuple[EvaluationRow | None, dict[int, _Scored]]:
    """The document's self-evaluation scored by its profile (xlsync.evaluation), if it has one."""
    stage = evaluation_of(d)
    if stage is None:
        return None, {}
    try:
        s = score_stage(d, stage, scoring_rules(profile_for(d, rules)))
    except XlsyncError:
        return None, {}
    reasons = {r.index: r.reason for r in stage.indicators}
    scored = {i.index: _Scored(i.actual, i.score, i.status, reasons.get(i.index)) for i in s.indicators}
    short = tuple((i.name or "", reasons.get(i.index)) for i in s.indicators
                  if i.status not in ("not_applicable",) and not i.full)
    return EvaluationRow(s.budget.spent, s.budget.budget, s.budget.rate, s.budget.score, s.total, short), scored


def findings_by_id(entries: list[Entry], rules: str | None) -> dict[str, list]:
    """Validation findings of the entries' documents, by project id (each document by its
    form's rules unless `rules` names a profile)."""
    found = validate_documents(
        [e.document for e in entries], load_profile(rules) if rules else None,
        provenance={e.document.id: e.provenance for e in entries},
        sources={e.document.id: Location(e.file, sheet=e.sheet) for e in entries})
    out: dict[str, list] = {}
    for f in found:
        out.setdefault(f.project_id, []).append(f)
    return out


def digest(source: Source, rules: str | None = None, validate: bool = True,
           keep_content: bool = False, include_withdrawn: bool = False) -> SourceDigest:
    """Read one source and reduce it to records (with findings when `validate`). Withdrawn
    projects (撤回) are left out unless `include_withdrawn`."""
    entries, problems, content = read_source(source, keep_content)
    if not include_withdrawn:
        entries = [e for e in entries if e.document.status != "withdrawn"]
    out = SourceDigest(source, problems=[problem_row(p) for p in problems], content=content)
    findings = findings_by_id(entries, rules) if validate and entries else {}
    out.records = [record_of(e, findings.get(e.document.id, ()), validate, rules) for e in entries]
    return out
