"""The plan's checks, each declared once as plain data, and a plain runner for them.

A `PlanCheck` names its check ("CODE:field"), the plan table it runs on
(xlsync.tidy.PLAN_COLUMNS), the columns it reads and a plain predicate over their values (and
over the profile parameters it names): per row, or per non-missing value of one column.
xlsync.validators.schemas builds the pandera checks of `xlsync validate` from these
declarations; `plain_failures` evaluates the same declarations over the plan tables' rows in
plain Python, so `xlsync plan` runs them without importing pandas or pandera. Both give the
same failures (tests/test_plan_checks.py holds them equal on generated plans).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .checkspec import CheckSpec


@dataclass(frozen=True)
class PlanCheck(CheckSpec):
    """A plan check: `predicate(*values of reads, *profile parameters of params)` is true when
    a row passes. With `column` set it is a column check: `reads` is that column alone and a
    missing value (None) passes, as in pandera."""

    reads: tuple[str, ...]
    predicate: Callable[..., object]
    params: tuple[str, ...] = ()

    def bind(self, profile) -> Callable[..., bool]:
        """The predicate with the profile's parameters filled in: a function of `reads`."""
        if not self.params:
            return self.predicate
        extra = tuple(getattr(profile, p) for p in self.params)
        return lambda *values: self.predicate(*values, *extra)


def _percent_agrees(stated, basis, share, cumulative, tolerance) -> bool:
    """A stated percentage is compared with the share (本期占比) or the cumulative share
    (累计占比) its wording names; nothing stated or nothing to compare with passes."""
    computed = share if basis == "share" else cumulative
    return stated is None or computed is None or abs(stated - computed) <= tolerance


PLAN_CHECKS = (  # in the order `xlsync plan` reports their findings
    PlanCheck("PLAN_AMOUNT_UNREADABLE:plan_text", "plan_problems", None,
              "every amount in the plan text is exact money",
              ("problem",), lambda problem: problem is None),
    PlanCheck("PLAN_NOT_QUANTIFIED:plan_text", "plans", None, "the plan names amounts or percentages",
              ("plan_text", "quantified"), lambda plan_text, quantified: not plan_text or quantified > 0),
    PlanCheck("PLAN_TOTAL_MISMATCH:plan", "plans", None, "the periods' amounts add up to the year's amount",
              ("total", "year_amount"), lambda total, year: total is None or year is None or total == year),
    PlanCheck("PLAN_PERCENT_MISMATCH:stated_percent", "plan", None,
              "a stated percentage matches its amount's share or cumulative share (plan_percent_points)",
              ("stated_percent", "percent_basis", "share", "cumulative_share"), _percent_agrees,
              ("plan_percent_points",)),
    PlanCheck("PLAN_PERIOD_OVERLAP:plan", "plan_months", "periods", "no month in two periods",
              ("periods",), lambda n: n <= 1),
    PlanCheck("PLAN_PERIOD_GAP:plan", "plan_months", None, "every month of the plan's span in a period",
              ("periods", "in_span"), lambda n, span: n > 0 or not span),
    PlanCheck("PLAN_OUTSIDE_PROJECT:plan", "plan_months", None, "every period inside the project's dates",
              ("periods", "in_project"), lambda n, inside: n == 0 or inside),
)


def plain_failures(profile, tables: dict[str, list[dict]]) -> dict[str, list[tuple[str, int]]]:
    """(check name, row index) of every failure of the profile's enabled plan checks over the
    plan tables' rows (xlsync.tidy.plan_rows), per table, each once, in row order: what
    xlsync.validators.schemas.failures gives for the pandera schemas of the same rows."""
    out: dict[str, list[tuple[str, int]]] = {}
    for name, rows in tables.items():
        failed = set()
        for spec in PLAN_CHECKS:
            if spec.table != name or not spec.enabled(profile):
                continue
            passes = spec.bind(profile)
            for index, row in enumerate(rows):
                values = [row.get(c) for c in spec.reads]
                if spec.column is not None and values[0] is None:
                    continue
                if not passes(*values):
                    failed.add((spec.name, index))
        out[name] = sorted(failed, key=lambda p: (p[1], p[0]))
    return out
