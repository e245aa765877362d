"""Writing values into cells so that they read back exactly."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from . import style


def put_text(cell, value: str | None) -> None:
    """Text stays text: a 目标值 like '=100%' must not become a formula."""
    cell.value = value
    if value is not None:
        cell.data_type = "s"
        cell.number_format = style.TEXT_FMT


def put_money(cell, value: str | None) -> None:
    cell.value = None if value is None else Decimal(value)
    cell.number_format = style.MONEY_FMT


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
