"""Cell styles of the sheets: Chinese fonts, borders, number formats.

STYLES holds each style once, as plain data; `openpyxl_style` and `XlsxFormats` turn it into
the objects each library wants, built once (per process for openpyxl, per workbook for
xlsxwriter) and shared by every cell.
"""

from __future__ import annotations

from functools import cache

from .textfit import MARGIN_IN

FONT = "宋体"
MONEY_FMT = "#,##0.00"
PCT_FMT = "0.00"
DATE_FMT = "yyyy-mm-dd"
TEXT_FMT = "@"
COMPUTED = "E2EFDA"

_BOXED = {"border": True, "valign": "top", "wrap": True}
STYLES: dict[str, dict] = {
    "title": {"font": "黑体", "size": 16, "bold": True, "align": "center", "valign": "center", "wrap": True},
    "subtitle": {"align": "center", "valign": "center"},
    "section": {"font": "黑体", "size": 12, "bold": True, "fill": "DDEBF7", "valign": "center"},
    "subsection": {"bold": True, "valign": "center"},
    "label": {"bold": True, "fill": "F2F2F2", "border": True, "align": "center", "valign": "center",
              "wrap": True},
    "header": {"bold": True, "fill": "DDEBF7", "border": True, "align": "center", "valign": "center",
               "wrap": True},
    "text": {**_BOXED, "num": TEXT_FMT},
    "money": {**_BOXED, "num": MONEY_FMT, "shrink": True},
    "date": {**_BOXED, "num": DATE_FMT},
    "number": {**_BOXED, "shrink": True},
    "c_pct": {**_BOXED, "num": PCT_FMT, "fill": COMPUTED, "shrink": True},
    "c_money": {**_BOXED, "num": MONEY_FMT, "fill": COMPUTED, "shrink": True},
    "c_text": {**_BOXED, "fill": COMPUTED},
    "c_label": {**_BOXED, "fill": COMPUTED},
    "link": {"color": "0563C1", "underline": True, "border": True, "valign": "top", "wrap": True},
    "total": {"bold": True, "border": True, "valign": "top", "num": MONEY_FMT, "shrink": True},
    "total_label": {"bold": True, "border": True, "valign": "top", "align": "center", "wrap": True},
    "hidden_repeat": {"color": "FFFFFF"},  # conditional format: a repeated 一级/二级 category
    "plain": {},
    "note": {"color": "595959", "valign": "center"},  # a line of guidance on 目录
}


REVIEW_COLOR = "F8CBAD"  # the fill of a cell whose value the reader guessed (待核对)


def marked(key: str) -> str:
    """The style `key` with the review fill: registered on first use, named `review:<key>`."""
    name = f"review:{key}"
    if name not in STYLES:
        STYLES[name] = {**STYLES[key], "fill": REVIEW_COLOR}
    return name


_OPENPYXL_NAMES = frozenset({"BODY", "LINK", "LABEL", "TITLE", "SECTION", "HEADER_FILL", "LABEL_FILL", "COMPUTED_FILL",
                             "ERROR_FILL", "WARNING_FILL", "THIN", "BOX", "WRAP", "CENTER"})


@cache
def _openpyxl_objects() -> dict[str, object]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    return {
        "BODY": Font(name=FONT, size=11),
        "LINK": Font(name=FONT, size=11, color="0563C1", underline="single"),
        "LABEL": Font(name=FONT, size=11, bold=True),
        "TITLE": Font(name="黑体", size=16, bold=True),
        "SECTION": Font(name="黑体", size=12, bold=True),
        "HEADER_FILL": PatternFill("solid", fgColor="DDEBF7"),
        "LABEL_FILL": PatternFill("solid", fgColor="F2F2F2"),
        "COMPUTED_FILL": PatternFill("solid", fgColor="E2EFDA"),
        "ERROR_FILL": PatternFill("solid", fgColor="FFC7CE"),
        "WARNING_FILL": PatternFill("solid", fgColor="FFEB9C"),
        "THIN": thin,
        "BOX": Border(left=thin, right=thin, top=thin, bottom=thin),
        "WRAP": Alignment(wrap_text=True, vertical="top"),
        "CENTER": Alignment(horizontal="center", vertical="center", wrap_text=True),
    }


def __getattr__(name: str):
    """The openpyxl style objects (BODY, BOX, HEADER_FILL, …), made on first use: openpyxl is
    loaded by the code that writes with it, not by importing this module."""
    if name in _OPENPYXL_NAMES:
        return _openpyxl_objects()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def openpyxl_style(key: str) -> tuple:
    """(font, fill, border, alignment, number_format) of a style, shared objects."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill

    s = STYLES[key]
    font = Font(name=s.get("font", FONT), size=s.get("size", 11), bold=s.get("bold", False),
                color=s.get("color"), underline="single" if s.get("underline") else None)
    fill = PatternFill("solid", fgColor=s["fill"]) if "fill" in s else PatternFill(fill_type=None)
    border = _openpyxl_objects()["BOX"] if s.get("border") else Border()
    align = Alignment(horizontal=s.get("align"), vertical=s.get("valign"),
                      wrap_text=None if s.get("shrink") else s.get("wrap"), shrink_to_fit=s.get("shrink"))
    return font, fill, border, align, s.get("num", "General")


def apply(cell, key: str) -> None:
    cell.font, cell.fill, cell.border, cell.alignment, cell.number_format = openpyxl_style(key)


class XlsxFormats:
    """xlsxwriter formats of one workbook, each made once."""

    def __init__(self, workbook):
        self.workbook = workbook
        self._made: dict[str, object] = {}

    def __getitem__(self, key: str):
        fmt = self._made.get(key)
        if fmt is None:
            fmt = self._made[key] = self.workbook.add_format(xlsx_props(key))
        return fmt

    def condition(self, key: str):
        """The format of a conditional format (a dxf) of the style."""
        fmt = self._made.get("cf:" + key)
        if fmt is None:
            fmt = self._made["cf:" + key] = self.workbook.add_format(xlsx_condition_props(key))
        return fmt


@cache
def _xlsx_props(key: str) -> tuple:
    s = STYLES[key]
    p: dict = {"font_name": s.get("font", FONT), "font_size": s.get("size", 11)}
    if s.get("bold"):
        p["bold"] = True
    if "color" in s:
        p["font_color"] = "#" + s["color"]
    if s.get("underline"):
        p["underline"] = 1
    if "fill" in s:
        p["pattern"], p["bg_color"] = 1, "#" + s["fill"]
    if s.get("border"):
        p["border"], p["border_color"] = 1, "#808080"
    if "align" in s:
        p["align"] = s["align"]
    if "valign" in s:
        p["valign"] = {"center": "vcenter"}.get(s["valign"], s["valign"])
    if s.get("shrink"):  # a number too wide for its column shrinks instead of showing ###
        p["shrink"] = True
    elif s.get("wrap"):
        p["text_wrap"] = True
    if "num" in s:
        p["num_format"] = s["num"]
    return tuple(p.items())


def xlsx_props(key: str) -> dict:
    return dict(_xlsx_props(key))


def xlsx_condition_props(key: str) -> dict:
    """Properties of a conditional format (font colour only: what Calc also applies)."""
    s = STYLES[key]
    return {"font_color": "#" + s["color"]} if "color" in s else {}


def print_a4(ws, orientation: str, title_rows: str, pages_tall: int = 0) -> None:
    """A4, fit to the page width, header rows repeated on every page (openpyxl)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, pages_tall
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    m = ws.page_margins
    m.left, m.right, m.top, m.bottom = (MARGIN_IN[k] for k in ("left", "right", "top", "bottom"))
    m.header, m.footer = MARGIN_IN["header"], MARGIN_IN["footer"]
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
