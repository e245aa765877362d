"""A project amount label with no cell of its own, the funding sources under it carrying the
amounts: the 资金总额 label stands as the head of the sources' column ('资金总额' |
'其中:财政拨款' | '500' | '其他资金' | ''). The total is the sum of the printed sources — a
reading, never silent: a review item (AMOUNT_SUMMED) names the parts and the blanks. (A total
with a cell of its own left blank stays blank.)"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..money import format_amount
from .notes import Note

if TYPE_CHECKING:
    from .assemble import TableFacts


def sources_total(t: TableFacts, f: dict, file: str, funding: list[dict]) -> Note | None:
    """Fill f['_summed_year_amount'] from the funding rows' year amounts (`funding`: t.funding
    with 资金总额's amounts placed as the year's or the total's); the review item, or None
    when the table prints its amount, has no blank amount label, or no source has an amount."""
    if f.get("year_amount") not in (None, "") or f.get("total_amount") not in (None, ""):
        return None
    heads = t.column_heads  # amount labels with no cell of their own: column heads
    blank = [k for k in ("year_amount", "either_amount") if k in heads and t.fields.get(k, ("",))[0] in (None, "")]
    if not blank or not funding or any(e.get("total_amount") not in (None, "") for e in funding):
        return None
    printed = [e for e in funding if e.get("year_amount") not in (None, "")]
    if not printed:
        return None
    total = format_amount(sum((Decimal(e["year_amount"]) for e in printed), Decimal(0)))
    f["_summed_year_amount"] = total
    empty = [e["source"] for e in funding if e.get("year_amount") in (None, "")]
    line = t.fields[blank[0]][1]
    parts = " + ".join(f"{e['source']} {e['year_amount']}" for e in printed)
    return Note("warning", "AMOUNT_SUMMED", f"“资金总额”没有自己的金额格，是下面各资金来源的列标题：按各来源金额之和 {total} 元读取（{parts}"
                + (f"；{'、'.join(empty)}空白，按 0 计" if empty else "") + "）；请核对", file, line, "year_amount",
                parts + (f" | {'、'.join(empty)}: 空白" if empty else ""))
