"""What a check is, as `xlsync schema --checks` lists it: its name ("CODE" or "CODE:field"),
the tidy table it runs on, the column it checks and what passes. Plain data: no pandas."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckSpec:
    """One check: its pandera name ("CODE" or "CODE:field"), the tidy table it runs on, the
    column it checks (None: a check over the whole table) and what passes, in English."""

    name: str
    table: str  # projects | indicators | composition | categories | weights | plans | plan | plan_months
    # | plan_problems (the plan tables: xlsync.tidy.plan_tables)
    column: str | None
    passes: str

    @property
    def code(self) -> str:
        return self.name.partition(":")[0]

    def enabled(self, profile) -> bool:
        off = getattr(profile, "checks_off", frozenset())
        return self.name not in off and self.code not in off
