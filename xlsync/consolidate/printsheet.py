"""Print-ready tables with xlsxwriter: A4 landscape, fit to width, header rows repeated,
column widths and row heights from the display width of the text (CJK counts double), numbers
as numbers with formats. Rows are written in order (xlsxwriter's constant-memory mode).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

FONT = "宋体"
SIZE = 10
MONEY = "#,##0.00"
PCT = "0.00%"


NARROW = 1.15  # a Latin character: SimSun's is half a CJK one, DejaVu's (LibreOffice's stand-in) wider


def display_width(text) -> float:
    """Columns a text takes: wide and full-width characters count two, others a little over one."""
    if text is None:
        return 0
    text = str(text)
    return len(text) * NARROW if text.isascii() else _wide_width(text)


@lru_cache(maxsize=1 << 16)
def _wide_width(text: str) -> float:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else NARROW for c in text)


@dataclass
class Col:
    header: str
    kind: str = "text"  # text | money | int | pct | num | date | link
    cap: int = 40  # display width before the text wraps
    least: int = 4
    optional: bool = False  # left out when every row is empty


class Formats:
    """The workbook's cell formats, made once."""

    def __init__(self, wb, size: int = SIZE):
        self.size = size
        self.line = round(size * 1.25, 2)  # points per line of CJK text, with the descent
        base = {"font_name": FONT, "font_size": size, "valign": "top"}
        box = {"border": 1, "border_color": "#808080"}

        def f(**kw):
            return wb.add_format({**base, **kw})

        self.title = f(bold=True, font_size=15, font_name="黑体", valign="vcenter")
        self.subtitle = f(font_color="#404040", font_size=SIZE)
        self.note = f(font_color="#404040", font_size=SIZE)
        self.header = f(bold=True, bg_color="#DDEBF7", align="center", valign="vcenter", text_wrap=True, **box)
        self.group = f(bold=True, bg_color="#BDD7EE", align="center", valign="vcenter", **box)
        self.cells: dict[tuple[str, str], object] = {}
        kinds = {"text": {}, "wrap": {"text_wrap": True}, "money": {"num_format": MONEY},
                 "int": {"num_format": "0", "align": "right"}, "pct": {"num_format": PCT},
                 "num": {"num_format": "General"}, "date": {"num_format": "yyyy-mm-dd", "align": "left"},
                 "link": {"font_color": "#0563C1", "underline": 1}, "center": {"align": "center"}}
        styles = {"": {}, "total": {"bold": True, "bg_color": "#F2F2F2"}, "sub": {"bold": True},
                  "bad": {"bg_color": "#FFC7CE", "font_color": "#9C0006"},
                  "warn": {"bg_color": "#FFEB9C", "font_color": "#9C5700"},
                  "good": {"font_color": "#006100", "bg_color": "#C6EFCE"},
                  "missing": {"bg_color": "#D9D9D9"}}
        for k, kv in kinds.items():
            for s, sv in styles.items():
                self.cells[(k, s)] = f(**{**box, **kv, **sv})

    def cell(self, kind: str, style: str = ""):
        return self.cells[(kind, style)]


def _shown(value, kind: str) -> str:
    """The text a cell shows, for measuring."""
    if value is None:
        return ""
    if kind == "link":
        return value[1]
    if kind == "money":
        return f"{value:,.2f}"
    if kind == "pct":
        return f"{value * 100:.2f}%"
    if isinstance(value, Decimal | float):
        return f"{value:f}" if isinstance(value, Decimal) else repr(value)
    return str(value)


def widths(cols: list[Col], rows: list[list]) -> list[float]:
    out = []
    for j, c in enumerate(cols):
        w = max([display_width(part) for part in c.header.split("\n")] +
                [display_width(_shown(r[j], c.kind)) for r in rows] + [c.least])
        out.append(min(w, c.cap))
    return out


def lines(value, kind: str, width: float) -> int:
    if value is None or kind not in ("text", "link"):
        return 1
    text = _shown(value, kind)
    if "\n" not in text:
        return max(1, math.ceil(display_width(text) / max(width, 1)))
    return max(1, sum(math.ceil(display_width(part) / max(width, 1)) or 1 for part in text.split("\n")))


def excel_width(w: float, size: int = SIZE) -> float:
    """Excel's width units (the default font's digit) for a display width of text in `size` points."""
    return round(w * 0.95 * size / SIZE + 1.5, 2)


class PrintSheet:
    """One worksheet: a title, a subtitle, then tables written top to bottom."""

    def __init__(self, wb, fm: Formats, name: str, title: str, subtitle: str | None = None):
        self.wb, self.fm, self.name = wb, fm, name
        self.ws = wb.add_worksheet(name)
        self.ws.set_default_row(fm.line + 1)
        self.row = 0
        self.col_widths: list[float] = []
        self.header_row: int | None = None
        self.ws.set_row(0, 24)
        self.ws.write_string(0, 0, title, fm.title)
        self.row = 1
        if subtitle:
            self.ws.write_string(1, 0, subtitle, fm.subtitle)
            self.row = 2
        self.row += 0
        self._setup(title)

    def _setup(self, title: str) -> None:
        ws = self.ws
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.55, bottom=0.45)
        ws.center_horizontally()
        safe = title.replace("&", "&&")
        ws.set_header(f'&C&"{FONT},Bold"{safe}', {"margin": 0.25})
        ws.set_footer("&C第 &P 页，共 &N 页", {"margin": 0.2})

    @staticmethod
    def kept(cols: list[Col], rows: list[list]) -> list[int]:
        return [j for j, c in enumerate(cols) if not c.optional or any(r[j] is not None for r in rows)]

    def columns(self, cols: list[Col], rows: list[list]) -> tuple[list[Col], list[list], list[int]]:
        """Leave out optional columns that are empty; set the widths."""
        keep = self.kept(cols, rows)
        cols = [cols[j] for j in keep]
        rows = [[r[j] for j in keep] for r in rows]
        w = widths(cols, rows)
        for j, width in enumerate(w):
            ex = excel_width(width, self.fm.size)
            if j < len(self.col_widths):
                self.col_widths[j] = max(self.col_widths[j], ex)
            else:
                self.col_widths.append(ex)
        return cols, rows, w

    def groups(self, spans: list[tuple[int, int, str]]) -> None:
        """A row of group headings over column ranges (first, last, text)."""
        for first, last, text in spans:
            if first == last:
                self.ws.write_string(self.row, first, text, self.fm.group)
            else:
                self.ws.merge_range(self.row, first, self.row, last, text, self.fm.group)
        self.row += 1

    def table(self, cols: list[Col], rows: list[list], styles: list[str] | None = None,
              filter: bool = False, repeat: bool = True, header_rows: int = 1) -> tuple[int, int, list[Col]]:
        """Header and rows; returns (first data row, last data row, the columns kept)."""
        if styles:  # styles name columns by their index before optional ones are left out
            where = {old: new for new, old in enumerate(self.kept(cols, rows))}
            styles = [{where[k]: v for k, v in st.items() if k in where} if isinstance(st, dict) else st
                      for st in styles]
        cols, rows, w = self.columns(cols, rows)
        ws, fm = self.ws, self.fm
        head = self.row
        height = max(len(c.header.split("\n")) for c in cols)
        ws.set_row(head, fm.line * height + 4)  # before the cells: constant-memory mode
        for j, c in enumerate(cols):
            ws.write_string(head, j, c.header, fm.header)
        if repeat and self.header_row is None:
            self.header_row = head
            ws.repeat_rows(head - header_rows + 1, head)
            ws.freeze_panes(head + 1, 0)
        first = head + 1
        for i, r in enumerate(rows):
            rr = first + i
            style = styles[i] if styles else ""
            n = max(lines(v, c.kind, wd) for v, c, wd in zip(r, cols, w, strict=True))
            if n > 1:
                ws.set_row(rr, fm.line * n + 1)
            for j, (v, c) in enumerate(zip(r, cols, strict=True)):
                self.put(rr, j, v, c.kind, style if not isinstance(style, dict) else style.get(j, ""),
                         wrap=lines(v, c.kind, w[j]) > 1)
        last = first + len(rows) - 1
        if filter and rows:
            ws.autofilter(head, 0, last, len(cols) - 1)
        self.row = first + len(rows)
        return first, last, cols

    def put(self, r: int, c: int, value, kind: str, style: str = "", wrap: bool = False) -> None:
        ws, fm = self.ws, self.fm
        if value is None:
            ws.write_blank(r, c, None, fm.cell("text", style))
        elif kind == "money" or kind == "pct" or kind == "num" or kind == "int":
            ws.write_number(r, c, float(value), fm.cell(kind, style))
        elif kind == "date":
            ws.write_datetime(r, c, date.fromisoformat(value), fm.cell("date", style))
        elif kind == "link":
            url, text = value
            if url and len(url) <= 255:
                ws.write_url(r, c, url, fm.cell("link", style), text[:32767])
            else:
                ws.write_string(r, c, text[:32767], fm.cell("text", style))
        elif kind == "formula":
            formula, cached, fmt_kind = value
            shown = "" if cached is None else int(cached) if fmt_kind == "int" else float(cached)
            ws.write_formula(r, c, formula, fm.cell(fmt_kind, style), shown)
        else:
            text = str(value)[:32767]
            ws.write_string(r, c, text, fm.cell("wrap" if wrap or "\n" in text else "text", style))

    def note(self, text: str) -> None:
        self.ws.write_string(self.row, 0, text, self.fm.note)
        self.row += 1

    def skip(self, n: int = 1) -> None:
        self.row += n

    def finish(self) -> None:
        for j, width in enumerate(self.col_widths):
            self.ws.set_column(j, j, width)

    def pixels(self, upto: int | None = None) -> int:
        """The table's width in pixels as xlsxwriter lays out charts."""
        ws = self.col_widths[:upto]
        return sum(int(w * 7 + 0.5) + 5 for w in ws)
