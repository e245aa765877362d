"""An amount as a table prints it → an amount in 元, or none and a review item: never a number
the table does not show. Plain data in and out (used while reading a table's money region and
when assembling its document)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..money import MoneyError, format_amount, parse_amount


@dataclass(frozen=True)
class AmountNote:
    """What reading an amount had to say (the caller adds the file and line)."""

    level: str
    code: str
    message: str
    field: str | None = None
    source: str | None = None
    proposed: str | None = None


@dataclass(frozen=True)
class Amount:
    """An amount read: `value` in 元 (None when not read), its notes, and the explanation in
    brackets after it ('10万(路灯8万元,线缆2万元)' → '路灯8万元,线缆2万元'), kept as an extra field."""

    value: str | None
    notes: tuple[AmountNote, ...] = ()
    explained: str | None = None


def read_amount(value: str | None, what: str, unit: str | None = None, table_unit: str | None = None,
                form_unit: str | None = None, page_unit: str | None = None, field: str | None = None) -> Amount:
    """The unit is the one written on the amount, on its label or column (`unit`), declared in
    the table (单位：万元, `table_unit`) or by the form file (`form_unit`); one stated only on the
    page above the table (`page_unit`) is used and said so; with no unit stated anywhere the
    amount is left empty and a reading proposed."""
    if value is None:
        return Amount(None)
    notes: list[AmountNote] = []
    text = value.strip()
    explicit = re.search(r"(万元|亿元|亿|万|元)\s*$", text)
    stated = unit or table_unit or form_unit
    bare = not explicit and stated is None and re.search(r"[1-9]", text)  # zero is zero in any unit
    if bare and page_unit:
        stated = page_unit
        notes.append(AmountNote("warning", "MONEY_UNIT_FROM_PAGE", f"{what}“{text}”没有写明单位，按表格上方页面写明的"
                                f"“单位：{stated}”读取；请核对", field, text))
    elif bare:
        proposal = []
        for u in ("万元", "元"):
            try:
                proposal.append(f"按{u}: {format_amount(parse_amount(text, u))} 元")
            except MoneyError:
                pass
        notes.append(AmountNote("warning", "MONEY_UNIT_UNKNOWN", f"{what}“{text}”没有写明金额单位（元或万元），未导入；"
                                "请填写金额，或在表中注明“单位：万元”后重新导入", field, text,
                                "；".join(proposal) or None))
        return Amount(None, tuple(notes))
    try:
        return Amount(format_amount(parse_amount(text, stated or "元")), tuple(notes))
    except MoneyError as exc:
        lead = re.match(r"^\s*([\d,，.]+\s*(?:亿元|万元|亿|万|元)?)\s*[(（【\[](.+?)[)）】\]]\s*$", text)
        if lead and (re.search(r"[万亿元]\s*$", lead.group(1)) or stated):
            # '10万(路灯8万元,线缆2万元)': the amount, and its breakdown kept in extra
            try:
                amount = format_amount(parse_amount(lead.group(1), stated or "元"))
            except MoneyError:
                pass
            else:
                notes.append(AmountNote("info", "AMOUNT_EXPLAINED", f"{what}“{text}”按 {lead.group(1)} 读取，"
                                        "括号内的说明保存在 extra 中"))
                return Amount(amount, tuple(notes), lead.group(2).strip())
        notes.append(AmountNote("warning", "AMOUNT_UNREADABLE", f"{what}“{text[:60]}”不是可以读取的金额，未导入；"
                                f"原文保留在核对项中: {exc}", field, text))
        return Amount(None, tuple(notes))
