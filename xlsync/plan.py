"""Plan percentages: each period's share of 本年度金额, cumulative share, quarterly schedule,
and the checks of a plan against its amounts and the project's dates.

Exact Decimal arithmetic throughout; percentages are rounded half-up to two places only for
display (see `pct`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache

from .document import ProjectDocument
from .findings import Finding, make
from .plantext import parse_plan

HUNDRED = Decimal(100)


def pct(value: Decimal | None) -> str | None:
    """A percentage for display: half-up, two places."""
    return None if value is None else f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP)}"


def yuan(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP)}"


@dataclass(frozen=True)
class PeriodFigures:
    index: int
    start_month: int
    end_month: int
    amount: Decimal | None
    share: Decimal | None  # % of 本年度金额
    cumulative_amount: Decimal | None
    cumulative_share: Decimal | None
    stated_percent: Decimal | None
    percent_basis: str | None

    @property
    def compared(self) -> Decimal | None:
        """The computed figure the stated percentage speaks of."""
        if self.stated_percent is None:
            return None
        return self.share if self.percent_basis == "share" else self.cumulative_share

    def agrees(self, tolerance: Decimal) -> bool | None:
        """Whether the stated percentage agrees with the computed one (None: nothing stated)."""
        computed = self.compared
        return None if computed is None else abs(self.stated_percent - computed) <= tolerance

    @property
    def label(self) -> str:
        if self.start_month == self.end_month:
            return f"{self.start_month}月"
        return f"{self.start_month}-{self.end_month}月"


@dataclass(frozen=True)
class QuarterFigures:
    quarter: int
    amount: Decimal
    cumulative_amount: Decimal
    cumulative_share: Decimal | None


@dataclass(frozen=True)
class PlanFigures:
    year_amount: Decimal | None
    periods: list[PeriodFigures]
    quarters: list[QuarterFigures]
    total: Decimal | None  # sum of the period amounts (None when no period has one)
    total_share: Decimal | None


def _share(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    with localcontext() as ctx:
        ctx.prec = 34
        return part * HUNDRED / whole


def compute(doc: ProjectDocument) -> PlanFigures:
    """The figures of a document's plan."""
    year_amount = doc.money("year_amount")
    periods = []
    running = Decimal(0)
    any_amount = False
    monthly = [Decimal(0)] * 13
    for i, p in enumerate(doc.plan):
        amount = None if p.amount is None else Decimal(p.amount)
        if amount is not None:
            any_amount = True
            running += amount
            months = p.end_month - p.start_month + 1
            with localcontext() as ctx:
                ctx.prec = 34
                for m in range(p.start_month, p.end_month + 1):
                    monthly[m] += amount / months
        cum = running if amount is not None else None
        periods.append(
            PeriodFigures(
                index=i,
                start_month=p.start_month,
                end_month=p.end_month,
                amount=amount,
                share=_share(amount, year_amount),
                cumulative_amount=cum,
                cumulative_share=_share(cum, year_amount),
                stated_percent=None if p.stated_percent is None else Decimal(p.stated_percent),
                percent_basis=p.percent_basis,
            )
        )
    quarters = []
    cum_q = Decimal(0)
    for q in range(1, 5):
        amount = sum(monthly[3 * q - 2 : 3 * q + 1], Decimal(0))
        cum_q += amount
        quarters.append(QuarterFigures(q, amount, cum_q, _share(cum_q, year_amount)))
    total = running if any_amount else None
    return PlanFigures(year_amount, periods, quarters if any_amount else [], total, _share(total, year_amount))


def _project_months(doc: ProjectDocument) -> tuple[int, int]:
    start, end = 1, 12
    if doc.year is None:
        return start, end
    if doc.start_date and int(doc.start_date[:4]) == doc.year:
        start = int(doc.start_date[5:7])
    elif doc.start_date and int(doc.start_date[:4]) > doc.year:
        start = 13
    if doc.end_date and int(doc.end_date[:4]) == doc.year:
        end = int(doc.end_date[5:7])
    elif doc.end_date and int(doc.end_date[:4]) < doc.year:
        end = 0
    return start, end


def _months_text(months: list[int]) -> str:
    runs, start = [], None
    for i, m in enumerate(months):
        if start is None:
            start = m
        if i + 1 == len(months) or months[i + 1] != m + 1:
            runs.append(f"{start}月" if start == m else f"{start}-{m}月")
            start = None
    return "、".join(runs)


def check(doc: ProjectDocument, tolerance: Decimal = Decimal(1), severity=lambda code: "error",
          figures: PlanFigures | None = None) -> list[Finding]:
    """PLAN_* findings for one document (figures: its compute(doc), when already at hand)."""
    out: list[Finding] = []

    def add(code, field, message, found=None, expected=None):
        out.append(make(doc, code, field, message, found, expected, severity(code)))

    if doc.plan_text:
        for problem in _plan_problems(doc.plan_text):
            add("PLAN_AMOUNT_UNREADABLE", "plan_text", problem)
    figures = figures or compute(doc)
    quantified = any(p.amount is not None or p.stated_percent is not None for p in figures.periods)
    if doc.plan_text and not quantified:
        add("PLAN_NOT_QUANTIFIED", "plan_text", "实施计划没有写明各时间段的支出金额或比例，无法核对支出进度")
    year_amount = figures.year_amount
    if figures.total is not None and year_amount is not None and figures.total != year_amount:
        add(
            "PLAN_TOTAL_MISMATCH", "plan",
            f"各时间段金额合计 {yuan(figures.total)} 元，本年度金额 {yuan(year_amount)} 元，相差 {yuan(figures.total - year_amount)} 元",
            yuan(figures.total), yuan(year_amount),
        )
    for p in figures.periods:
        computed = p.compared
        if p.agrees(tolerance) is False:
            what = "本期占比" if p.percent_basis == "share" else "累计占比"
            add(
                "PLAN_PERCENT_MISMATCH", f"plan[{p.index}].stated_percent",
                f"{p.label}写明{what} {p.stated_percent}%，按金额计算为 {pct(computed)}%（允许误差 {tolerance} 个百分点）",
                f"{p.stated_percent}%", f"{pct(computed)}%",
            )
    covered: dict[int, int] = {}
    for p in figures.periods:
        for m in range(p.start_month, p.end_month + 1):
            covered[m] = covered.get(m, 0) + 1
    overlap = sorted(m for m, n in covered.items() if n > 1)

    def period_of(months: list[int], after: bool = False) -> str:
        """The plan row a finding is about: the period holding (or, for a gap, ending just
        before) the first month named, so the finding points at that row."""
        m = months[0]
        for p in figures.periods:
            if (p.end_month == m - 1) if after else (p.start_month <= m <= p.end_month and p.index > 0
                                                     and any(q.start_month <= m <= q.end_month
                                                             for q in figures.periods[:p.index])):
                return f"plan[{p.index}]"
        return "plan[0]" if figures.periods else "plan"

    if overlap:
        add("PLAN_PERIOD_OVERLAP", period_of(overlap), f"{_months_text(overlap)}同时出现在两个时间段中",
            _months_text(overlap))
    if figures.periods:
        p_start, p_end = _project_months(doc)
        first = min(p.start_month for p in figures.periods)
        last = max(max(p.end_month for p in figures.periods), min(p_end, 12))
        gap = [m for m in range(first, last + 1) if m not in covered]
        if gap:
            add("PLAN_PERIOD_GAP", period_of(gap, after=True), f"{_months_text(gap)}没有安排在任何时间段中",
                _months_text(gap))
        outside = sorted(m for m in covered if m < p_start or m > p_end)
        if outside:
            add(
                "PLAN_OUTSIDE_PROJECT", next((f"plan[{p.index}]" for p in figures.periods
                                               if p.start_month <= outside[0] <= p.end_month), "plan"),
                f"{_months_text(outside)}不在项目起止时间（{doc.start_date} 至 {doc.end_date}）之内",
                _months_text(outside), f"{doc.start_date} 至 {doc.end_date}",
            )
    return out


def figures_as_dict(figures: PlanFigures) -> dict:
    """JSON-ready figures: amounts in 元 and percentages as exact-then-rounded strings."""
    return {
        "year_amount": yuan(figures.year_amount),
        "total": yuan(figures.total),
        "total_share": pct(figures.total_share),
        "periods": [
            {
                "start_month": p.start_month, "end_month": p.end_month, "amount": yuan(p.amount),
                "share": pct(p.share), "cumulative_amount": yuan(p.cumulative_amount),
                "cumulative_share": pct(p.cumulative_share),
                "stated_percent": None if p.stated_percent is None else str(p.stated_percent),
                "percent_basis": p.percent_basis, "compared_with": pct(p.compared),
            }
            for p in figures.periods
        ],
        "quarters": [
            {"quarter": q.quarter, "amount": yuan(q.amount), "cumulative_amount": yuan(q.cumulative_amount),
             "cumulative_share": pct(q.cumulative_share)}
            for q in figures.quarters
        ],
    }


def check_with_profile(doc: ProjectDocument, profile, figures: PlanFigures | None = None) -> list[Finding]:
    """The plan findings by the profile: its tolerance and severities, without the checks it
    switches off ([checks] off, by code; see validators/schemas.PLAN_CHECKS)."""
    found = check(doc, profile.plan_percent_points, profile.severity_of, figures)
    off = getattr(profile, "checks_off", frozenset())
    return [f for f in found if f.code not in off] if off else found


@lru_cache(maxsize=4096)
def _plan_problems(text: str) -> tuple[str, ...]:
    """What a plan text's amounts cannot be read as (parsed once per text)."""
    problems: list[str] = []
    parse_plan(text, problems)
    return tuple(problems)
