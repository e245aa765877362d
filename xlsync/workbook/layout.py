"""Where things are on a project sheet. Readers find cells by these defined names, never by
fixed coordinates; the coordinates here are only where the writer first puts them."""

from __future__ import annotations

FORMAT_VERSION = 1
META_SHEET = "_xlsync"
LISTS_SHEET = "_lists"
INDEX_SHEET = "目录"
FINDINGS_SHEET = "校验结果"
INDEX_ID_COL, INDEX_STATUS_COL = 3, 6  # 项目编号 and 状态 on the 目录 sheet
MARKER = "xlsync-workbook"

# (label, key, kind) rows of the facts block: one or two pairs per row
FACT_ROWS = [
    [("项目名称", "name", "text")],
    [("单位编码", "unit_code", "code"), ("资金用途", "fund_use", "text")],
    [("项目负责人", "owner", "text"), ("联系人", "contact", "text")],
    [("联系电话", "phone", "code")],
    [("开始时间", "start_date", "date"), ("结束时间", "end_date", "date")],
    [("项目总金额（元）", "total_amount", "money"), ("项目本年度金额（元）", "year_amount", "money")],
    [("上年度项目总金额（元）", "prev_total_amount", "money"), ("项目上年度金额（元）", "prev_year_amount", "money")],
]
NARRATIVE_ROWS = [
    ("项目概况", "overview"),
    ("立项依据", "basis"),
    ("项目设立的必要性", "necessity"),
    ("项目配套制度措施", "measures"),
    ("项目实施计划", "plan_text"),
]
GOAL_ROWS = [("项目总目标", "overall_goal"), ("年度绩效目标", "annual_goal")]
REMARK = ("备注", "remark")

COMPOSITION_HEADERS = ["经济科目名称", "预算金额（元）"]
PLAN_HEADERS = ["开始月", "结束月", "金额（元）", "写明比例%", "比例口径", "本期占比%", "累计金额（元）", "累计占比%", "核对"]
PLAN_INPUT_COLS = 5  # the first five columns are typed by the user; the rest are computed
QUARTER_HEADERS = ["季度", "金额（元）", "累计金额（元）", "累计占比%", "均匀支出%"]
INDICATOR_HEADERS = ["一级指标", "二级指标", "三级指标", "目标值"]
BASIS_ZH = {"cumulative": "累计", "share": "本期"}
BASIS_FROM_ZH = {v: k for k, v in BASIS_ZH.items()} | {"cumulative": "cumulative", "share": "share"}

ALL_FIELDS = [k for row in FACT_ROWS for _l, k, _t in row] + [k for _l, k in NARRATIVE_ROWS] + [
    REMARK[1]] + [k for _l, k in GOAL_ROWS]


def name_for(key: str) -> str:
    """The sheet-scoped defined name of a field cell or table header."""
    return f"xs_{key}"


def table_name(sheet_index: int, what: str) -> str:
    return f"xs{sheet_index:03d}_{what}"
