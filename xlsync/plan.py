"""Plan percentages: each period's share of 本年度金额, cumulative share, quarterly schedule, and
what the plan's checks look at (the months each period covers, the problems of the plan text).
The checks themselves are declared once in validators/plan_checks.py over the plan tables
(xlsync.tidy.plan_rows): run as pandera checks by xlsync.validate like every other check, and
in plain Python (no pandas) for `xlsync plan`.

Exact Decimal arithmetic throughout; percentages are rounded half-up to two places only for
display (see `pct`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache

from .document import ProjectDocument
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


def project_months(doc: ProjectDocument) -> tuple[int, int]:
    """The first and last month of the budget year inside the project's dates (13 / 0: none)."""
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


def months_text(months: list[int]) -> str:
    """[1, 2, 11, 12] → "1-2月、11-12月"."""
    runs, start = [], None
    for i, m in enumerate(months):
        if start is None:
            start = m
        if i + 1 == len(months) or months[i + 1] != m + 1:
            runs.append(f"{start}月" if start == m else f"{start}-{m}月")
            start = None
    return "、".join(runs)


def month_rows(doc: ProjectDocument, figures: PlanFigures) -> list[dict]:
    """The months 1-12 of a plan with periods, one dict each: how many periods cover the month,
    whether it lies within the project's dates and within the plan's span (its first period's
    start to its last period's end, or the project's end when later), and the plan row a
    finding about a run of months starting there points at: for an overlap the later of the
    periods holding it, for a gap the period ending just before it, for a month outside the
    project the period holding it."""
    periods = figures.periods
    if not periods:
        return []
    holders: dict[int, list[int]] = {}
    ending: dict[int, int] = {}
    for p in periods:
        ending.setdefault(p.end_month, p.index)
        for m in range(p.start_month, p.end_month + 1):
            holders.setdefault(m, []).append(p.index)
    p_start, p_end = project_months(doc)
    first = min(p.start_month for p in periods)
    last = max(max(p.end_month for p in periods), min(p_end, 12))
    rows = []
    for m in range(1, 13):
        held = holders.get(m, ())
        rows.append({
            "project_id": doc.id, "month": m, "periods": len(held), "in_project": p_start <= m <= p_end,
            "in_span": first <= m <= last, "overlap_row": held[1] if len(held) > 1 else 0,
            "gap_row": ending.get(m - 1, 0), "outside_row": held[0] if held else None,
        })
    return rows


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


@lru_cache(maxsize=4096)
def plan_problems(text: str) -> tuple[str, ...]:
    """What a plan text's amounts cannot be read as (parsed once per text)."""
    problems: list[str] = []
    parse_plan(text, problems)
    return tuple(problems)
