"""Cell values as people type them → exact canonical values, or a message for the cell."""

from __future__ import annotations

import datetime as _dt
import functools
import re
from decimal import MAX_EMAX, MIN_EMIN, ROUND_HALF_UP, Context, Decimal, InvalidOperation

from ..dates import parse_date
from ..money import MoneyError, format_amount, normalize_digits, parse_amount
from .grid import Uncalculated

# a number cell holds a binary double: Excel shows (and keeps when typed) 15 significant digits
_EXCEL = Context(prec=15, rounding=ROUND_HALF_UP, Emax=MAX_EMAX, Emin=MIN_EMIN)
_PERCENT_RE = re.compile(r"^([-+]?\d{1,15}(?:\.\d{1,15})?)\s*(%?)$")


class CellValueError(ValueError):
    pass


class UncalculatedFormula(CellValueError):
    """An input cell holds a formula the file has no calculated value for."""

    def __init__(self, value: Uncalculated):
        super().__init__(
            f"单元格是公式 {value} ，但文件中没有计算结果（文件由程序生成，未在 Excel 中保存过）："
            "请在 Excel 中保存一次后再试；若本意是文本，请在前面加英文单引号 '")
        self.sheet, self.cell = value.sheet, value.cell


def _known(value):
    if isinstance(value, Uncalculated):
        raise UncalculatedFormula(value)
    return value


def excel_number(value: int | float | Decimal) -> Decimal:
    """A number cell's value as the decimal Excel shows: its 15 significant digits (a sum like
    0.1+0.2 is 0.30000000000000004 in the file and 0.3 on screen). Never through float."""
    d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return _EXCEL.plus(d) if d.is_finite() else d


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _filled(read):
    """A typed reader sees only a filled, calculated cell: empty or blank text reads as None."""

    @functools.wraps(read)
    def reader(value, *args, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return read(_known(value), *args, **kwargs)

    return reader


def read_text(value) -> str | None:
    if value is None:
        return None
    _known(value)
    if _is_number(value) and not isinstance(value, int):
        d = excel_number(value)
        value = _plain(d) if d.is_finite() else str(value)
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()[:10]
    text = str(value)
    return text if text.strip() else None


def read_code(value) -> str | None:
    """单位编码: text; a number typed without the text format gets its leading zeros back."""
    if _is_number(value):
        d = excel_number(value)
        if d.is_finite() and 0 <= d < 10**6 and d == d.to_integral_value():
            return f"{int(d):06d}"
    return read_text(value)


@_filled
def read_money(value) -> str | None:
    try:
        if isinstance(value, bool):
            raise MoneyError(f"不是金额: {value!r}")
        if _is_number(value):
            return format_amount(parse_amount(excel_number(value)))
        return format_amount(parse_amount(value))
    except (MoneyError, InvalidOperation) as exc:
        raise CellValueError(f"{exc}（应为 12210000.00 或 1221万）") from None


@_filled
def read_date(value) -> str | None:
    if isinstance(value, Decimal):
        d = excel_number(value)
        ok = d.is_finite() and abs(d) < 10**7 and d == d.to_integral_value()
        value = int(d) if ok else f"{d}"
    try:
        return parse_date(value)
    except ValueError as exc:
        raise CellValueError(str(exc)) from None


@_filled
def read_month(value) -> int | None:
    if _is_number(value):
        value = excel_number(value)
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


@_filled
def read_percent(value, number_format: str = "General") -> str | None:
    """45%, '45%', 45, 0.45 (and 0.45 shown as a percentage) → '45'."""
    if isinstance(value, bool):
        raise CellValueError(f"无法识别的比例 {value!r}（应为 45% 或 45）")
    if _is_number(value):
        d = excel_number(value)
        if not d.is_finite() or abs(d) > 10**6:
            raise CellValueError(f"比例超出范围: {value}")
        if "%" in (number_format or "") or 0 < d < 1:
            d *= 100
    else:
        m = _PERCENT_RE.match(normalize_digits(str(value)).strip())
        if not m:
            raise CellValueError(f"无法识别的比例 {value!r}（应为 45% 或 45）")
        if m.group(2) and _AS_WRITTEN.fullmatch(m.group(1)):
            return m.group(1)  # "45.50%" stays 45.50: the percentage as written
        d = Decimal(m.group(1))
        if not m.group(2) and 0 < d < 1:
            d *= 100
    if d < 0 or d > 1000 or (d and d.adjusted() < -6):
        raise CellValueError(f"比例超出范围: {value!r}")
    return _plain(d)


@_filled
def read_int(value) -> int | None:
    """A year (开始年, 预算年度): a whole number."""
    if _is_number(value):
        value = excel_number(value)
    try:
        number = Decimal(normalize_digits(str(value)).removesuffix("年").strip())
    except InvalidOperation:
        raise CellValueError(f"应为年份（四位数字），得到 {value!r}") from None
    if not number.is_finite() or number != number.to_integral_value() or not 1900 <= number <= 2200:
        raise CellValueError(f"应为年份（四位数字），得到 {value!r}")
    return int(number)


@_filled
def read_weight(value) -> str | None:
    """分值/权重 as written: text stays as typed, a number becomes its shortest decimal."""
    if isinstance(value, bool):
        raise CellValueError(f"分值应为数字，得到 {value!r}")
    if _is_number(value):
        d = excel_number(value)
        if not d.is_finite() or abs(d) > 10**6 or (d and d.adjusted() < -6):
            raise CellValueError(f"分值超出范围: {value}")
        return _plain(d)
    text = normalize_digits(str(value)).strip()
    try:
        Decimal(text)
    except InvalidOperation:
        raise CellValueError(f"分值应为数字，得到 {value!r}") from None
    return text
