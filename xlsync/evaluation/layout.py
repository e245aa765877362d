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


_SUB_ZH = {"actual": "实际完成值", "reason": "偏差原因", "remedy": "改进措施", "score": "得分", "grade": "达成情况",
           "outlook": "全年预计完成情况", "spent": "执行数", "budget_initial": "年初预算数",
           "budget_full": "全年预算数"}


def result_field_zh(key: str) -> str:
    """'results[0].indicators[1].reason' → '完成情况 第2条指标记录 偏差原因' (what a finance user reads)."""
    import re

    out = ["完成情况"]
    for part in key.split(".")[1:]:
        m = re.fullmatch(r"(\w+)\[(\d+)\]", part)
        if m and m.group(1) == "indicators":
            out.append(f"第{int(m.group(2)) + 1}条指标记录")
        elif m and m.group(1) == "money":
            out.append(f"资金第{int(m.group(2)) + 1}行")
        else:
            out.append({"goal_achieved": "实际完成情况", "total_score": "总分"}.get(part, _SUB_ZH.get(part, part)))
    return " ".join(out)
