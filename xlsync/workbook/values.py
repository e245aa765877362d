"""Cell values as people type them → exact canonical values, or a message for the cell."""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal, InvalidOperation

from ..dates import parse_date
from ..money import MoneyError, format_amount, normalize_digits, parse_amount, to_cents


class CellValueError(ValueError):
    pass


def _float_exact(value: float) -> Decimal:
    """A binary float from a cell → the decimal the user typed (shortest round-trip repr)."""
    return Decimal(repr(value))


def read_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()[:10]
    text = str(value)
    return text if text.strip() else None


def read_code(value) -> str | None:
    """单位编码: text; a number typed without the text format gets its leading zeros back."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 0 <= value < 10**6:
            return f"{int(value):06d}"
    return read_text(value)


def read_money(value) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool):
            raise MoneyError(f"不是金额: {value!r}")
        if isinstance(value, float):
            return format_amount(to_cents(_float_exact(value)))
        return format_amount(parse_amount(value))
    except (MoneyError, InvalidOperation) as exc:
        raise CellValueError(f"{exc}（应为 12210000.00 或 1221万）") from None


def read_date(value) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise CellValueError(str(exc)) from None


def read_month(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        text = normalize_digits(str(value)).removesuffix("月")
        number = Decimal(text)
    except InvalidOperation:
        raise CellValueError(f"月份应为 1 到 12 的整数，得到 {value!r}") from None
    if number != number.to_integral_value() or not 1 <= number <= 12:
        raise CellValueError(f"月份应为 1 到 12 的整数，得到 {value!r}")
    return int(number)


_AS_WRITTEN = re.compile(r"\d{1,3}(\.\d+)?|1000")


def _plain(d: Decimal) -> str:
    text = f"{d:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def read_percent(value, number_format: str = "General") -> str | None:
    """45%, '45%', 45, 0.45 (and 0.45 shown as a percentage) → '45'."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            d = _float_exact(float(value)) if isinstance(value, float) else Decimal(value)
            if "%" in (number_format or "") or 0 < d < 1:
                d *= 100
        else:
            text = normalize_digits(str(value))
            if text.endswith("%"):
                written = text[:-1].strip()
                if _AS_WRITTEN.fullmatch(written):
                    return written  # "45.50%" stays 45.50: the percentage as written
                d = Decimal(written)
            else:
                d = Decimal(text)
                if 0 < d < 1:
                    d *= 100
    except InvalidOperation:
        raise CellValueError(f"无法识别的比例 {value!r}（应为 45% 或 45）") from None
    if d < 0 or d > 1000:
        raise CellValueError(f"比例超出范围: {value!r}")
    return _plain(d)


def read_int(value) -> int | None:
    """A year (开始年, 预算年度): a whole number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(normalize_digits(str(value)).removesuffix("年").strip())
    except InvalidOperation:
        raise CellValueError(f"应为年份（四位数字），得到 {value!r}") from None
    if number != number.to_integral_value() or not 1900 <= number <= 2200:
        raise CellValueError(f"应为年份（四位数字），得到 {value!r}")
    return int(number)


def read_weight(value) -> str | None:
    """分值/权重 as written: text stays as typed, a number becomes its shortest decimal."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellValueError(f"分值应为数字，得到 {value!r}")
    if isinstance(value, float):
        return _plain(_float_exact(value))
    if isinstance(value, int | Decimal):
        return _plain(Decimal(value))
    text = normalize_digits(str(value)).strip()
    try:
        Decimal(text)
    except InvalidOperation:
        raise CellValueError(f"分值应为数字，得到 {value!r}") from None
    return text
