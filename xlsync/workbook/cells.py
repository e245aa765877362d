"""Writing values into cells so that they read back exactly."""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal

from ..errors import WorkbookError
from . import style

EXCEL_CELL_CHARS = 32767  # Excel keeps no more characters in one cell
EXCEL_DIGITS = 15  # significant digits a number cell keeps; longer amounts are written as text
# characters XML 1.0 cannot hold, or that are invisible controls (C0 but tab/newline, DEL, C1)
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class ExactNumber(str):
    """A number cell's value as the decimal string to store: openpyxl writes a Decimal through
    float ("%.16g"); a str marked as a number is written as it is."""


def writable_text(value: str) -> str:
    """Text a workbook can hold: line breaks as \\n (XML turns \\r into \\n anyway), control
    characters and non-characters removed."""
    return _UNWRITABLE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def json_escaped(raw_json: str) -> str:
    """JSON text with the characters a cell cannot hold written as \\uXXXX escapes (they can
    only stand inside JSON strings, so the JSON means the same)."""
    return _UNWRITABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", raw_json)


def unwritable_chars(value: str | None) -> list[str]:
    """The characters writable_text removes from value, as U+XXXX (for reports)."""
    if not value:
        return []
    return [f"U+{ord(c):04X}" for c in _UNWRITABLE.findall(value)]


def put_text(cell, value: str | None) -> None:
    """Text stays text: a 目标值 like '=100%' must not become a formula. Control characters
    are removed (exchange.export reports them); longer than Excel allows is refused."""
    _text_value(cell, value)
    if value is not None:
        cell.number_format = style.TEXT_FMT


def _text_value(cell, value: str | None) -> None:
    if value is not None:
        value = writable_text(str(value))
        if len(value) > EXCEL_CELL_CHARS:
            raise WorkbookError(
                f"{cell.parent.title}!{cell.coordinate}: 文字有 {len(value)} 个字符，超过 Excel 单元格上限 "
                f"{EXCEL_CELL_CHARS}，无法写入工作簿")
    cell.value = value
    if value is not None:
        cell.data_type = "s"


def put_money(cell, value: str | None) -> None:
    """An amount as a number cell holding its exact decimal digits; an amount with more
    significant digits than Excel keeps (15) is written as text, so that Excel cannot round it."""
    if value is None:
        cell.value = None
        cell.number_format = style.MONEY_FMT
        return
    if _put_decimal(cell, Decimal(value)):
        cell.number_format = style.MONEY_FMT


def fits_number(d: Decimal) -> bool:
    """Whether a number cell keeps every digit of d (Excel keeps 15 significant digits)."""
    digits = d.as_tuple().digits
    return len(bytes(digits).rstrip(b"\0")) <= EXCEL_DIGITS


def _put_decimal(cell, d: Decimal) -> bool:
    """The exact digits in a number cell (True), or as text when Excel would round them."""
    if not fits_number(d):
        put_text(cell, f"{d:f}")
        return False
    cell.value = 0  # let openpyxl set up a number cell, then hold the exact digits
    cell._value = ExactNumber(f"{d:f}")
    return True


def put_value(cell, value) -> None:
    """A value into an existing cell, keeping its formats: text stays text (never a formula),
    amounts keep their exact digits."""
    if isinstance(value, Decimal):
        _put_decimal(cell, value)
    elif isinstance(value, str):
        _text_value(cell, value)
    else:
        cell.value = value


def put_date(cell, value: str | None) -> None:
    cell.value = None if value is None else _dt.date.fromisoformat(value)
    cell.number_format = style.DATE_FMT


def put_number(cell, value, fmt: str | None = None) -> None:
    cell.value = value
    if fmt:
        cell.number_format = fmt


def put(cell, kind: str, value) -> None:
    if kind == "money":
        put_money(cell, value)
    elif kind == "date":
        put_date(cell, value)
    else:
        put_text(cell, value)


def quote(title: str) -> str:
    """A sheet title as a formula reference names it."""
    return "'" + title.replace("'", "''") + "'"
