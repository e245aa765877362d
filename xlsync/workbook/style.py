"""Cell styles of the template: Chinese fonts, borders, number formats."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

FONT = "宋体"
BODY = Font(name=FONT, size=11)
LINK = Font(name=FONT, size=11, color="0563C1", underline="single")
LABEL = Font(name=FONT, size=11, bold=True)
TITLE = Font(name="黑体", size=16, bold=True)
SECTION = Font(name="黑体", size=12, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
COMPUTED_FILL = PatternFill("solid", fgColor="E2EFDA")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
MONEY_FMT = "#,##0.00"
PCT_FMT = "0.00"
DATE_FMT = "yyyy-mm-dd"
TEXT_FMT = "@"
COL_WIDTHS = {"A": 18, "B": 18, "C": 30, "D": 16, "E": 12, "F": 12, "G": 16, "H": 12, "I": 10}


def print_a4(ws, orientation: str, title_rows: str) -> None:
    """A4, fit to the page width, header rows repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
