"""Values of labelled fields as tables write them: a code written with a name
(`[812]自治区教育厅`, `820001-井研县马踏镇人民政府`), a person with a phone run together, a
project period in any written form (`2019-2021`, `202001-202012`, `2023.07-2024.01`,
`2021年1月-12月`, `2022年`)."""

from __future__ import annotations

import calendar
import datetime as _dt
import re

from .money import normalize_digits

_CODE_PREFIX = re.compile(r"^\s*[\[【(（〔]\s*(\d{2,12})\s*[\]】)）〕]\s*(.+?)\s*$", re.S)
_CODE_DASH = re.compile(r"^\s*(\d{2,12})\s*[-－—–_]\s*(\D.*?)\s*$", re.S)
_CODE_SUFFIX = re.compile(r"^\s*(.+?)\s*[\[【(（〔]\s*(\d{3,12})\s*[\]】)）〕]\s*$", re.S)
_PHONE_TAIL = re.compile(r"^(.*?)[\s:：,，/]*((?:\+?86[- ]?)?(?:1\d{10}|0\d{2,3}-?\d{7,8}|\d{7,8}|1\d{2}\*{4,}\d{2,4}))\s*$")


def split_code(value: str | None) -> tuple[str | None, str | None]:
    """(code, name) of a value that may carry a code: `[812]自治区教育厅` → ('812', '自治区教育厅')."""
    if not value:
        return None, value
    for rx, code_first in ((_CODE_PREFIX, True), (_CODE_DASH, True), (_CODE_SUFFIX, False)):
        m = rx.match(value)
        if m:
            code, name = (m.group(1), m.group(2)) if code_first else (m.group(2), m.group(1))
            return code, name.strip() or None
    if re.fullmatch(r"\d{2,12}", value.strip()):
        return value.strip(), None
    return None, value.strip()


def split_person_phone(value: str | None) -> tuple[str | None, str | None]:
    """'郭铁梅18932106863' → ('郭铁梅', '18932106863')."""
    if not value:
        return None, None
    m = _PHONE_TAIL.match(value.strip())
    if m:
        return (m.group(1).strip() or None), m.group(2)
    return value.strip(), None


def _end_of_month(year: int, month: int) -> _dt.date:
    return _dt.date(year, month, calendar.monthrange(year, month)[1])


_YMD = r"(\d{4})\s*[-./年]\s*(\d{1,2})(?:\s*[-./月]\s*(\d{1,2})\s*日?|\s*月份?)?"


def parse_period(value: str | None) -> tuple[str | None, str | None]:
    """A project period → (start ISO date, end ISO date); (None, None) when it names no dates
    (`3年`, `全年`, a blank template `年 月 至 年 月`). A month means its first day for a
    start and its last day for an end; a year its first and last day."""
    if not value:
        return None, None
    t = normalize_digits(value).replace("—", "-").replace("–", "-").replace("－", "-").replace("~", "-")
    t = re.sub(r"\s+", "", t.replace("～", "-"))
    parts = re.split(r"至|到|-(?=\d{4}|\d{1,2}月)|-(?=\d{6}$)", t, maxsplit=1)
    if len(parts) == 1 and re.fullmatch(r"\d{4}-\d{4}", t):
        parts = t.split("-")
    if len(parts) != 2:
        parts = [t, t]
    a, b = parts

    def point(text: str, end: bool, year_hint: int | None) -> _dt.date | None:
        text = text.strip()
        m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})?", text)  # 202001 / 20200101
        if m:
            y, mo, d = int(m.group(1)), int(m.group(2)), m.group(3)
        else:
            m = re.fullmatch(_YMD + r"?", text)
            if m and m.group(2):
                y, mo, d = int(m.group(1)), int(m.group(2)), m.group(3)
            elif re.fullmatch(r"(\d{4})年?(度)?", text):
                y = int(text[:4])
                return _dt.date(y, 12, 31) if end else _dt.date(y, 1, 1)
            elif year_hint and (m := re.fullmatch(r"(\d{1,2})月份?(?:(\d{1,2})日)?", text)):
                y, mo, d = year_hint, int(m.group(1)), m.group(2)
            else:
                return None
        try:
            if d:
                return _dt.date(y, mo, int(d))
            return _end_of_month(y, mo) if end else _dt.date(y, mo, 1)
        except ValueError:
            return None

    start = point(a, False, None)
    end = point(b, True, start.year if start else None)
    if start is None or end is None or end < start:
        return None, None
    return start.isoformat(), end.isoformat()
