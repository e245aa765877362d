"""The regions of a table: which part of the table each row of its grid belongs to — fields,
money (amounts, funding sources), goals, 项目构成, the indicator table, the footer.

A row's region is decided while the table is read (`xlsync.published.facts` and
`xlsync.published.indicators`): where one region ends depends on what the rows before it
were read as (a row of labels waits for the row of its values, a header sets the indicator
columns, a labelled field or a signature line ends the indicator table). The reader hands
the regions over with its facts (`TableRead.regions`), one `RowRegion` per grid row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .facts import GOAL_KEYS, MONEY_KEYS

REGIONS = ("fields", "money", "goals", "composition", "indicators", "footer")


@dataclass(frozen=True)
class RowRegion:
    """A grid row (its first and last line) and its region (one of REGIONS)."""

    first: int
    last: int
    region: str


def region_of(section: str | None, keys: Iterable[str]) -> str:
    """A row's region: the reader's section once the row is read (composition, indicators,
    footer), else by the document keys the row filled (an amount or a funding source: money;
    a goal: goals; others: fields)."""
    if section in ("composition", "indicators", "footer"):
        return section
    keys = set(keys)
    if keys & MONEY_KEYS or any(k.startswith("funding[") for k in keys):
        return "money"
    if keys & set(GOAL_KEYS):
        return "goals"
    return "fields"


def row_regions(rows: Iterable[tuple[int, int, str | None, frozenset[str]]], prov: dict[str, int]
                ) -> tuple[RowRegion, ...]:
    """Each row read as (first line, last line, section after it, keys it filled) → its region;
    a key whose label stands on the row (`prov`: key → line) counts for it too (a row of labels
    whose values are on the row below)."""
    out = []
    for first, last, section, keys in rows:
        on_row = {k for k, line in prov.items() if line is not None and first <= line <= last}
        out.append(RowRegion(first, last, region_of(section, keys | on_row)))
    return tuple(out)
