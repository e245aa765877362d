"""What every document key and list column is on a sheet: its kind (how it is written and
read back) and xlsync's own Chinese label, used where a form file names no label."""

from __future__ import annotations

from dataclasses import dataclass

from ..document import FIELDS, KEY_ZH, LIST_FIELDS, OPTIONAL_FIELDS

# kind of each scalar key (schema_version and id live in the hidden metadata and on 目录)
SCALAR_KINDS: dict[str, str] = {
    "form": "text", "layout": "text", "year": "year", "unit_code": "code", "unit_name": "text",
    "department_code": "code", "department_name": "text", "implementing_unit": "text",
    "name": "text", "project_attribute": "text", "fund_use": "text", "owner": "text",
    "contact": "text", "phone": "code", "start_date": "date", "end_date": "date",
    "total_amount": "money", "year_amount": "money", "prev_total_amount": "money",
    "prev_year_amount": "money", "overview": "text", "basis": "text", "necessity": "text",
    "measures": "text", "plan_text": "text", "remark": "text", "overall_goal": "text",
    "annual_goal": "text",
}
SCALARS = tuple(k for k in FIELDS if k in SCALAR_KINDS)
assert set(FIELDS) == set(SCALAR_KINDS) | set(LIST_FIELDS) | {"schema_version", "id"} \
    | set(OPTIONAL_FIELDS), "a key without a kind"

LABELS: dict[str, str] = KEY_ZH | {  # the printed labels: amounts in 元, the plan's periods
    "total_amount": "项目总金额（元）", "year_amount": "项目本年度金额（元）",
    "prev_total_amount": "上年度项目总金额（元）", "prev_year_amount": "项目上年度金额（元）",
    "plan": "项目实施计划分期", "quarters": "季度支出进度",
    "period.long_term": "长期绩效指标", "period.annual": "年度绩效指标",
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # text | money | month | int | percent | basis | weight | period | computed kinds
    computed: bool = False


def _cols(*spec) -> dict[str, Column]:
    return {k: Column(k, label, kind, kind.startswith("c_")) for k, label, kind in spec}


# the columns each list can show, in their default order
LIST_COLUMNS: dict[str, dict[str, Column]] = {
    "composition": _cols(("item", "经济科目名称", "text"), ("amount", "预算金额（元）", "money")),
    "funding": _cols(("source", "资金来源", "text"), ("total_amount", "资金总额（元）", "money"),
                     ("year_amount", "本年度资金（元）", "money")),
    "extra": _cols(("label", "栏目", "text"), ("value", "内容", "text")),
    "plan": _cols(
        ("start_year", "开始年", "int"), ("start_month", "开始月", "month"), ("end_year", "结束年", "int"),
        ("end_month", "结束月", "month"), ("amount", "金额（元）", "money"),
        ("stated_percent", "写明比例%", "percent"), ("percent_basis", "比例口径", "basis"),
        ("share", "本期占比%", "c_pct"), ("cumulative_amount", "累计金额（元）", "c_money"),
        ("cumulative_share", "累计占比%", "c_pct"), ("check", "核对", "c_text")),
    "quarters": _cols(("quarter", "季度", "c_label"), ("amount", "金额（元）", "c_money"),
                      ("cumulative_amount", "累计金额（元）", "c_money"),
                      ("cumulative_share", "累计占比%", "c_pct"), ("even_share", "均匀支出%", "c_pct")),
    "indicators": _cols(
        ("period", "指标期间", "period"), ("level1", "一级指标", "text"), ("level2", "二级指标", "text"),
        ("name", "三级指标", "text"), ("target", "目标值", "text"), ("note", "备注", "text"),
        ("weight", "分值", "weight")),
}
LISTS = ("funding", "composition", "plan", "indicators", "extra")  # the document's lists
PERIODS = ("long_term", "annual")
PERIOD_ZH = {"long_term": "长期", "annual": "年度"}
BASIS_ZH = {"cumulative": "累计", "share": "本期"}
BASIS_FROM_ZH = {v: k for k, v in BASIS_ZH.items()} | {"cumulative": "cumulative", "share": "share"}
