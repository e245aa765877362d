"""Reading 项目实施计划 text into periods: months, amounts in 元, stated percentages.

"1-6月份预计支出103万元，支出45%" → 1..6, 1030000.00, 45, cumulative
"1-6月，支出项目金额的80%，共104.15万元" → 1..6, 1041500.00, 80, share
"2020年第一季度，…" → 1..3 with no figures; "2020年4月至11月" → 4..11.
"""

from __future__ import annotations

import re

from .money import MoneyError, format_amount, normalize_digits, parse_amount

_CN_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_DASH = str.maketrans({"－": "-", "—": "-", "–": "-", "~": "-", "～": "-", "―": "-"})

_PERIOD_RE = re.compile(
    r"(?:\d{4}年)?(?<![\d.])(?P<a1>\d{1,2})月份?\s*(?:至|到|-)\s*(?:\d{4}年)?(?P<a2>\d{1,2})月份?"
    r"|(?<![\d.])(?P<b1>\d{1,2})\s*-\s*(?P<b2>\d{1,2})\s*月份?"
    r"|第(?P<q>[一二三四1-4])季度"
    r"|(?P<h>上|下)半年"
    r"|(?:\d{4}年)?(?<![\d.])(?P<m>\d{1,2})月份?(?!\s*\d{1,2}\s*日)"
)
_AMOUNT_RE = re.compile(r"(?<![\d.,])(?<!\d[eE])(?<!\d[eE][-+])((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(亿元|万元|亿|万|元)")
_EXP_AMOUNT_RE = re.compile(r"\d(?:\.\d+)?[eE][-+]?\d+\s*(?:亿元|万元|亿|万|元)")
_PERCENT_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*[%％]")


def normalize(text: str) -> str:
    return normalize_digits(text).translate(_DASH)


def _months(m: re.Match) -> tuple[int, int] | None:
    g = m.groupdict()
    if g["a1"]:
        a, b = int(g["a1"]), int(g["a2"])
    elif g["b1"]:
        a, b = int(g["b1"]), int(g["b2"])
    elif g["q"]:
        q = _CN_QUARTER[g["q"]]
        a, b = 3 * q - 2, 3 * q
    elif g["h"]:
        a, b = (1, 6) if g["h"] == "上" else (7, 12)
    else:
        a = b = int(g["m"])
    if 1 <= a <= b <= 12:
        return a, b
    return None


def parse_plan(text: str | None, problems: list[str] | None = None) -> list[dict]:
    """Periods named in a plan text, in text order, as canonical plan dicts.

    An amount that is not exact money (more than two decimals of 元, beyond the limit) leaves
    that period's amount null; the reason goes to `problems` when given."""
    if not text:
        return []
    norm = normalize(text)
    found = [(m, months) for m in _PERIOD_RE.finditer(norm) if (months := _months(m))]
    periods = []
    for i, (m, (start, end)) in enumerate(found):
        stop = found[i + 1][0].start() if i + 1 < len(found) else len(norm)
        segment = norm[m.end() : stop]
        amount = None
        am = _AMOUNT_RE.search(segment)
        exp = _EXP_AMOUNT_RE.search(segment)
        if exp and (not am or exp.start() < am.start()):
            am = None
            if problems is not None:
                problems.append(f"第 {len(periods) + 1} 个时间段（{start}-{end}月）的金额不能用科学计数法: {exp.group()}")
        if am:
            try:
                amount = format_amount(parse_amount(am.group(1) + am.group(2)))
            except MoneyError as exc:
                if problems is not None:
                    problems.append(f"第 {len(periods) + 1} 个时间段（{start}-{end}月）的金额无法读取: {exc}")
        stated = basis = None
        pm = _PERCENT_RE.search(segment)
        if pm:
            stated = pm.group(1)
            if "." in stated:
                stated = stated.rstrip("0").rstrip(".")
            before = segment[: pm.start()]
            basis = "share" if re.search(r"(的|占|为)\s*$", before) else "cumulative"
        periods.append(
            {
                "start_month": start,
                "end_month": end,
                "amount": amount,
                "stated_percent": stated,
                "percent_basis": basis,
            }
        )
    return periods
