"""The open workbook through xlwings: read whole (values, defined names, tables) and write
whole ranges back; the helpers every xlwings action shares (xlsync.excel, xlsync.excelnew)."""

from __future__ import annotations

import datetime as _dt
import os
from decimal import Decimal
from pathlib import Path

from .errors import Location, XlsyncError
from .store import Store
from .validators.profiles import BUILTIN, load_profile
from .workbook import layout as L
from .workbook.book import meta_rows
from .workbook.cells import fits_number
from .workbook.grid import Grid
from .workbook.reader import read_sheets
from .workbook.values import read_text


# -- reading ------------------------------------------------------------------------------
def _book_names(book) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """(sheet → {local name → ref}, workbook name → ref)."""
    local: dict[str, dict[str, str]] = {}
    glob: dict[str, str] = {}
    for n in book.names:
        ref = (n.refers_to or "").lstrip("=")
        if "!" in n.name and not n.name.startswith("_xlnm"):
            sheet, short = n.name.rsplit("!", 1)
            local.setdefault(sheet.strip("'").replace("''", "'"), {})[short] = ref
        else:
            glob[n.name] = ref
    return local, glob


def _values(sheet) -> list[list]:
    last = sheet.used_range.last_cell
    return sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value or []


def read_book(book) -> tuple[list[Grid], str | None]:
    local, glob = _book_names(book)
    grids = []
    for sheet in book.sheets:
        tables = {t.name: t.range.address.replace("$", "") for t in sheet.tables}
        grids.append(Grid(sheet.name, _values(sheet), local.get(sheet.name, {}), tables))
    return grids, glob.get("XS_STORE")


def _content(book):
    grids, store_ref = read_book(book)
    return read_sheets(book.name, grids, store_ref), grids


def desktop_store(content):
    """The desktop route's store: the workbook's 存储位置, else $XLSYNC_STORE. (The server
    never asks the workbook: it uses the store `xlsync serve` was given.)"""
    root = content.store_setting or os.environ.get("XLSYNC_STORE")
    if not root:
        raise XlsyncError("没有设置存储位置：请在“目录”表的“存储位置”中填写，或设置环境变量 XLSYNC_STORE")
    store = Store(Path(root))
    store.register_forms()  # the desktop route runs one action per process
    return store


def workbook_rules(grids) -> tuple[str, Location] | None:
    """The rule profile the workbook was written with (the 规则 row of its _lists sheet)."""
    lists = next((g for g in grids if g.title == L.LISTS_SHEET), None)
    for row in lists.iter_rows() if lists else ():
        if row and row[0].value == "规则" and len(row) > 1 and read_text(row[1].value):
            return read_text(row[1].value), Location(sheet=L.LISTS_SHEET, cell=row[1].coordinate)
    return None


def _profile(grids, rules: str | None = None):
    """The rule profile of an action: the one asked for (`xlsync serve --rules`), else the
    workbook's own (a shipped profile only), else $XLSYNC_RULES, else the default."""
    if rules:
        return load_profile(rules)
    setting = workbook_rules(grids)
    if setting:
        name, where = setting
        if name not in BUILTIN:
            raise XlsyncError(f"工作簿的规则设置不是内置规则 ({', '.join(BUILTIN)}): {name!r}", where)
        return load_profile(name)
    return load_profile(os.environ.get("XLSYNC_RULES") or None)


# -- writing ------------------------------------------------------------------------------
def as_text(value: str) -> str:
    """Text as Excel keeps it literally: the leading apostrophe stops Excel from reading a
    formula (=, +, -, @), a number, a date or a percentage into a text cell."""
    return "'" + value if value else value


def _cell(value):
    if isinstance(value, Decimal):
        # Excel keeps 15 significant digits: a longer amount goes in as text, never rounded
        return float(value) if fits_number(value) else as_text(f"{value:f}")
    if isinstance(value, str):
        return as_text(value)
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return _dt.datetime(value.year, value.month, value.day)
    return value


def _write(sheet, coord: str, rows: list[list]) -> None:
    sheet[coord].value = [[_cell(v) for v in row] for row in rows]


def alert(book, text: str, error: bool = False) -> None:
    """An action's result in a message box (desktop) or an Office dialog (server)."""
    try:
        book.app.alert(text, title="xlsync 错误" if error else "xlsync")
    except Exception:  # noqa: BLE001 - desktop engines without alerts still did the work
        pass


# -- shared by the actions -----------------------------------------------------------------
def _write_meta(book, entries, unit_code=None, year=None, first_row: list | None = None) -> None:
    first = next((d for _t, d in entries if d is not None), None)
    rows = meta_rows(entries, unit_code if first is None else first.unit_code, year if first is None else first.year)
    if first_row:  # a 绩效运行监控表 / 绩效自评表 workbook keeps its stage marker
        rows[0] = first_row
    width = max(len(r) for r in rows)
    sheet = book.sheets[L.META_SHEET] if L.META_SHEET in [s.name for s in book.sheets] else None
    if sheet is None:
        sheet = book.sheets.add(L.META_SHEET)
        sheet.visible = False
    else:
        sheet.clear_contents()
    _write(sheet, "A1", [r + [None] * (width - len(r)) for r in rows])


def _readable(content, verb: str):
    if content.errors:
        raise XlsyncError(f"有无法读取的单元格，未{verb}:\n" + "\n".join(str(e) for e in content.errors))
