"""Exact money: amounts in 元 as Decimal, parsed from 元/万元/亿 text and full-width digits.

Nothing here goes through a binary float or a rounding decimal context: digits are shifted
for 万/亿, an amount with more than two decimal places of 元, an exponent, an infinity or a
magnitude above the limit (XLSYNC_MAX_AMOUNT, default 10^15 元) is refused with the value.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

from .limits import limits

CENT = Decimal("0.01")
UNIT_SHIFT = {"": 0, "元": 0, "万": 4, "万元": 4, "亿": 8, "亿元": 8}
UNIT_FACTORS = {unit: Decimal(10) ** shift for unit, shift in UNIT_SHIFT.items()}
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９．，－＋％　", "0123456789.,-+% "
)
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_MAX_TEXT = 80  # characters of an amount worth reading; longer text is not an amount
_AMOUNT_RE = re.compile(
    r"^(?:[¥￥]|RMB)? ?([-+]?) ?(\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)(?:\.(\d+))? ?(亿元|万元|亿|万|元)?$"
)
_EXPONENT_RE = re.compile(r"^[-+]? ?[\d,. ]*\d ?[eE] ?[-+]?\d")
_NONFINITE_RE = re.compile(r"^[-+]? ?(inf|infinity|nan|snan|∞)", re.I)


class MoneyError(ValueError):
    """A text or number that is not an exact amount of money."""


def normalize_digits(text: str) -> str:
    """Full-width digits, dot, comma, minus, percent and space to ASCII; strip spaces."""
    return text.translate(_FULLWIDTH).strip()


_MAX: dict[str | None, Decimal] = {}


def max_amount() -> Decimal:
    """The largest amount accepted (XLSYNC_MAX_AMOUNT; looked up once per value it has)."""
    setting = os.environ.get("XLSYNC_MAX_AMOUNT")
    found = _MAX.get(setting)
    if found is None:
        found = _MAX[setting] = limits().max_amount
    return found


def _show(value) -> str:
    text = value if isinstance(value, str) else str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _shift(value: Decimal, places: int) -> Decimal:
    """value × 10^places, exactly (no context, so nothing is rounded)."""
    sign, digits, exp = value.as_tuple()
    return Decimal((sign, digits, exp + places))


def to_cents(value: Decimal, shown=None) -> Decimal:
    """Decimal → two places, only if that loses nothing and it is within the limit."""
    shown = _show(value if shown is None else shown)
    if not value.is_finite():
        raise MoneyError(f"不是有限金额: {shown}")
    limit = max_amount()
    if value.copy_abs() > limit:
        raise MoneyError(f"金额超出上限 {limit:,f} 元: {shown}")
    sign, digits, exp = value.as_tuple()
    sign = sign if any(digits) else 0  # -0 is 0
    if exp < -2:
        cut = -2 - exp
        if any(digits[-cut:]):
            raise MoneyError(f"金额超过两位小数（分）: {shown}")
        digits, exp = digits[:-cut] or (0,), -2
    value = Decimal((sign, digits, exp))
    with _exact() as ctx:
        return value.quantize(CENT, context=ctx)


def _exact():
    from decimal import localcontext

    return localcontext(_exact_context())


@cache
def _exact_context():
    """The context that refuses rounding (built once; localcontext works on a copy)."""
    from decimal import Context, Inexact, Rounded

    return Context(prec=60, traps=[InvalidOperation, Inexact, Rounded])


def parse_amount(text: str | int | Decimal, default_unit: str = "元") -> Decimal:
    """Parse '12210000.00', '1,221万', '30亿', '１２３' or '12 210 000' into 元, exactly."""
    if isinstance(text, bool):
        raise MoneyError(f"不是金额: {text!r}")
    if isinstance(text, int):
        return to_cents(Decimal(text))
    if isinstance(text, Decimal):
        return to_cents(text)
    if isinstance(text, float):
        raise MoneyError(f"金额不能是二进制浮点数: {text!r}（请用文本，例如 \"12210000.00\"）")
    if type(text) is str and len(text) <= 64:  # tables and documents repeat their amounts: each read once
        return _parse_text(text, default_unit, max_amount())
    return _parse_text.__wrapped__(str(text), default_unit, None)


@lru_cache(maxsize=1 << 14)
def _parse_text(raw: str, default_unit: str, _limit: Decimal | None) -> Decimal:
    """parse_amount of a text (`_limit`, the limit in force, is part of the memo's key)."""
    compact = _SPACES.sub(" ", normalize_digits(raw[: _MAX_TEXT * 4]))
    if len(compact) > _MAX_TEXT:
        raise MoneyError(f"无法识别的金额（过长）: {_show(raw)}")
    m = _AMOUNT_RE.match(compact)
    if not m:
        if _EXPONENT_RE.match(compact):
            raise MoneyError(f"金额不能用科学计数法: {_show(raw)}（请写成 12210000.00）")
        if _NONFINITE_RE.match(compact):
            raise MoneyError(f"不是有限金额: {_show(raw)}")
        raise MoneyError(f"无法识别的金额: {_show(raw)}")
    sign, whole, frac, unit = m.groups()
    number = Decimal(f"{sign}{re.sub('[, ]', '', whole)}.{frac or '0'}")
    unit = unit or default_unit
    if unit not in UNIT_SHIFT:
        raise MoneyError(f"未知的金额单位 {unit!r}: {_show(raw)}")
    return to_cents(_shift(number, UNIT_SHIFT[unit]), raw)


def format_amount(value: Decimal) -> str:
    """The canonical decimal string: two places, no separators."""
    return f"{to_cents(value):.2f}"
