"""Render a document as a published table in the seed's text style (for property tests)."""

from __future__ import annotations

from decimal import Decimal

ROWS = [
    [("项目名称", "name")],
    [("单位编码", "unit_code"), ("资金用途", "fund_use")],
    [("项目负责人", "owner"), ("联系人", "contact")],
    [("联系电话", "phone")],
    [("开始时间", "start_date"), ("结束时间", "end_date")],
    [("项目总金额", "total_amount"), ("项目本年度金额", "year_amount")],
    [("上年度项目总金额", "prev_total_amount"), ("项目上年度金额", "prev_year_amount")],
]
NARRATIVES = [
    ("项目概况", "overview"), ("立项依据", "basis"), ("项目设立的必要性", "necessity"),
    ("项目配套制度措施", "measures"), ("项目实施计划", "plan_text"),
]


SEED_FRAMEWORK = {
    "投入与目标管理": ["投入管理", "财务管理", "项目管理", "资产管理"],
    "产出目标": ["数量", "质量", "时效", "成本"],
    "效果目标": ["经济效益", "社会效益", "环境效益", "满意度"],
    "影响力目标": ["长效管理", "人力资源", "部门协助", "配套设施", "信息共享", "其它"],
}


def _v(value) -> str:
    return "" if value is None else str(value)


def _para(text) -> str:
    if text is None:
        return ""
    parts = text.split("\n")
    return "".join(f"<p>{p}</p>" for p in parts) if len(parts) > 1 else text


def plan_sentence(period: dict) -> str:
    months = f"{period['start_month']}-{period['end_month']}月份"
    bits = [months]
    if period["amount"] is not None:
        amount = Decimal(period["amount"])
        if amount % 10000 == 0:
            bits.append(f"预计支出{amount / 10000:f}".rstrip("0").rstrip(".") + "万元")
        else:
            bits.append(f"预计支出{amount:f}元")
    if period["stated_percent"] is not None:
        if period["percent_basis"] == "share":
            bits.append(f"支出项目金额的{period['stated_percent']}%")
        else:
            bits.append(f"支出{period['stated_percent']}%")
    return "，".join(bits)


def render(doc, markup: bool = False) -> str:
    b = (lambda s: f"<b>{s}</b>") if markup else (lambda s: s)
    d = doc.model_dump(mode="json")
    out = [f"## {d['unit_name']}支出项目绩效目标表", "", f"({d['year']}年)", ""]
    for row in ROWS:
        cells = [c for label, key in row for c in (b(label), _v(d[key]))]
        out.append("\t".join(cells + [""] * (4 - len(cells))))
    out.append(f"{b('项目详细信息')}\t\t\t")
    for label, key in NARRATIVES:
        out.append(f"{b(label)}\t{_para(d[key])}\t\t")
    out.append(f"{b('项目构成')}\t\t\t")
    out.append(f"{b('经济科目名称')}\t\t{b('预算金额（元）')}\t")
    for c in d["composition"]:
        out.append(f"{c['item']}\t\t{_v(c['amount'])}\t")
    out.append(f"{b('备注')}\t{_v(d['remark'])}\t\t")
    out.append(f"{b('项目绩效目标')}\t\t\t")
    out.append(f"{b('项目总目标')}\t{_para(d['overall_goal'])}\t\t")
    out.append(f"{b('年度绩效目标')}\t{_para(d['annual_goal'])}\t\t")
    out.append("一级指标\t二级指标\t三级指标\t目标值")
    rows = [(i["level1"], i["level2"], i["name"], _v(i["target"])) for i in d["indicators"]]
    for l1, l2s in SEED_FRAMEWORK.items():  # categories without indicators are listed too
        for l2 in l2s:
            if not any(r[:2] == (l1, l2) for r in rows):
                at = max((k + 1 for k, r in enumerate(rows) if r[0] == l1), default=len(rows))
                rows.insert(at, (l1, l2, "", ""))
    prev1 = prev2 = None
    for l1, l2, name, tgt in rows:
        c1 = l1 if l1 != prev1 else ""
        c2 = l2 if (l1, l2) != (prev1, prev2) else ""
        out.append(f"{c1}\t{c2}\t{name}\t{tgt}")
        prev1, prev2 = l1, l2
    out.append("")
    return "\n".join(out)
