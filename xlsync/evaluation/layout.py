"""Where things sit on the 绩效运行监控表 / 绩效自评表 sheets (writer and reader share it)."""

from __future__ import annotations

STAGE_MARKER = "xlsync-stage-workbook"  # A1 of the hidden _xlsync sheet of a stage workbook
STAGES = {"monitor": "绩效运行监控表", "evaluate": "绩效自评表"}
STAGE_TITLES = {"monitor": "项目支出绩效运行监控表", "evaluate": "项目支出绩效自评表"}
OUTLOOKS = ("确定能", "有可能", "完全不可能")  # 全年预计完成情况 (monitoring)

# columns (1-based)
COL_LABEL = 3           # money: 资金来源 label (年度资金总额, 其中：…)
COL_INITIAL, COL_FULL, COL_SPENT = 4, 5, 6
COL_POINTS, COL_RATE, COL_MONEY_SCORE = 7, 8, 9
COL_GOAL = 7            # 实际完成情况 (G:J)
COL_L1, COL_L2, COL_NAME, COL_TARGET, COL_ACTUAL = 2, 3, 4, 5, 6
COL_WEIGHT, COL_SCORE, COL_REASON, COL_REMEDY = 7, 8, 9, 10
COL_OUTLOOK = 7         # monitoring: 全年预计完成情况 (G:H)
COL_GRADE, COL_RULE_SCORE, COL_RULE, COL_INDEX = 11, 12, 13, 14
LAST_PRINTED = 10       # the national form is A:J; K:M are xlsync's (达成情况, 按规则得分, 评分依据)

TOTAL_LABEL = "年度资金总额"
SOURCE_PREFIX = "其中："
INDICATOR_HEADER = "一级指标"
TOTAL_ROW_LABEL = "总分"
ENTRY_FILL = "FFF2CC"   # cells to fill in


def spent_label(stage: str, month: int | None) -> str:
    return f"1-{month}月执行数" if stage == "monitor" else "全年执行数"


def actual_label(stage: str, month: int | None) -> str:
    return f"1-{month}月实际完成值" if stage == "monitor" else "实际完成值"


def goal_label(stage: str, month: int | None) -> str:
    return f"1-{month}月实际完成情况" if stage == "monitor" else "实际完成情况"
