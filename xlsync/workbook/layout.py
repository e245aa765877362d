"""Names in a unit workbook: its fixed sheets, and the defined names of cells and tables.
Readers find cells by these names, never by fixed coordinates. Where each field sits on a
project sheet is data: the [workbook] section of its form (forms/*.toml)."""

from __future__ import annotations

FORMAT_VERSION = 2  # 2: project sheets laid out by their form file
META_SHEET = "_xlsync"
LISTS_SHEET = "_lists"
INDEX_SHEET = "目录"
FINDINGS_SHEET = "校验结果"
REVIEW_SHEET = "核对"  # the open review items (xlsync.workbook.reviewsheet)
REVIEW_AUTHOR = "xlsync 核对"  # the author of the notes on cells to review (validate's are "xlsync")
INDEX_ID_COL, INDEX_STATUS_COL = 3, 6  # 项目编号 and 状态 on the 目录 sheet
MARKER = "xlsync-workbook"


def name_for(key: str) -> str:
    """The sheet-scoped defined name of a field cell or table header."""
    return f"xs_{key}"


def table_name(sheet_index: int, what: str) -> str:
    return f"xs{sheet_index:03d}_{what}"
