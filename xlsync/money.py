"""Exact money: amounts in 元 as Decimal, parsed from 元/万元/亿 text and full-width digits."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
UNIT_FACTORS = {
    "": Decimal(1),
    "元": Decimal(1),
    "万": Decimal(10) ** 4,
    "万元": Decimal(10) ** 4,
    "亿": Decimal(10) ** 8,
    "亿元": Decimal(10) ** 8,
}
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９．，－＋％", "0123456789.,-+%"
)
_AMOUNT_RE = re.compile(
    r"^\s*([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*(亿元|万元|亿|万|元)?\s*$"
)


class MoneyError(ValueError):
    """A text or number that is not an exact amount of money."""


def normalize_digits(text: str) -> str:
    """Full-width digits, dot, comma, minus and percent to ASCII; strip spaces."""
    return text.translate(_FULLWIDTH).replace("\u3000", " ").strip()


def to_cents(value: Decimal) -> Decimal:
    """Decimal → two places, only if that loses nothing."""
    if not value.is_finite():
        raise MoneyError(f"不是有限金额: {value}")
    try:
        q = value.quantize(CENT)
    except InvalidOperation as exc:
        raise MoneyError(f"金额过大: {value}") from exc
    if q != value:
        raise MoneyError(f"金额超过两位小数（分）: {value}")
    return q


def parse_amount(text: str | int | Decimal, default_unit: str = "元") -> Decimal:
    """Parse '12210000.00', '1,221万', '30亿', '１２３' or '1.221E7' into 元, exactly."""
    if isinstance(text, bool):
        raise MoneyError(f"不是金额: {text!r}")
    if isinstance(text, int):
        return to_cents(Decimal(text))
    if isinstance(text, Decimal):
        return to_cents(text)
    if isinstance(text, float):
        raise MoneyError(f"金额不能是二进制浮点数: {text!r}（请用文本，例如 \"12210000.00\"）")
    m = _AMOUNT_RE.match(normalize_digits(str(text)))
    if not m:
        raise MoneyError(f"无法识别的金额: {text!r}")
    number, unit = m.group(1), m.group(2) or default_unit
    try:
        value = Decimal(number.replace(",", "")) * UNIT_FACTORS[unit]
    except InvalidOperation as exc:  # pragma: no cover - regex admits only numbers
        raise MoneyError(f"无法识别的金额: {text!r}") from exc
    return to_cents(value)


def format_amount(value: Decimal) -> str:
    """The canonical decimal string: two places, no separators."""
    return f"{to_cents(value):.2f}"
