"""Rendering a self-evaluation (facts, money, indicators with results) as published 自评表 text,
in the shapes text comes out of web pages and PDFs: pipe rows, one cell per line closed by ' |',
and cells separated by runs of spaces. Used by tests/test_selfeval_import.py (invented data)."""

from __future__ import annotations

MONEY_HEAD = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
IND_HEAD = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]


def rows(spec: dict) -> list[list[str]]:
    """The table as rows of cells ('' an empty cell; merged 一级/二级 cells printed once)."""
    out = [["项目名称", spec["name"]],
           ["主管部门", spec["department"], "实施单位", spec["unit"]],
           [f"项目资金{spec.get('unit_label', '（万元）')}", *MONEY_HEAD]]
    for m in spec["money"]:
        label = m["label"]
        if m.get("total"):
            out.append([label, m["initial"], m["full"], m["spent"], "10", m["rate"], m["score"]])
        else:
            out.append([label, m["initial"], m["full"], m["spent"], "—", m["rate"], "—"])
    out.append(["年度总体目标", "预期目标", "实际完成情况"])
    out.append(["", spec["goal"], spec["done"]])
    out.append(["绩效指标", *IND_HEAD])
    l1 = l2 = None
    for i in spec["indicators"]:
        a = i["level1"] if i["level1"] != l1 else ""
        b = i["level2"] if (i["level1"], i["level2"]) != (l1, l2) else ""
        l1, l2 = i["level1"], i["level2"]
        out.append(["", a, b, i["name"], i["target"], i["actual"], i["weight"], i["score"], i.get("reason") or ""])
    out.append(["总分", spec["total_weight"], spec["total_score"]])
    out.append(["填报人：", spec.get("person", "王五")])
    return out


def render(spec: dict, shape: str, cut_at: int | None = None) -> str:
    """Text of the table in `shape` (pipes | cells | spaces); cut_at: keep only that many rows."""
    title = [spec.get("title", "项目支出绩效自评表"), f"（{spec['year']}年度）"]
    body = rows(spec)
    if cut_at is not None:
        body = body[:cut_at]
    lines = list(title)
    if shape == "pipes":
        lines += ["| " + " | ".join(r) + " |" for r in body]
    elif shape == "cells":
        for r in body:
            lines += [f"{c} |" if c else "|" for c in r]
    elif shape == "spaces":
        lines += ["    ".join(c for c in r if c) for r in body]
    else:
        raise ValueError(shape)
    if cut_at is not None and shape == "cells":
        lines[-1] = lines[-1].rstrip(" |")  # the text stops inside a cell
    return "\n".join(lines) + "\n"


EXAMPLE = {
    "year": 2024, "name": "社区养老服务中心运营补助", "department": "某市民政局", "unit": "某市养老服务中心",
    "money": [
        {"label": "年度资金总额", "total": True, "initial": "120.00", "full": "118.50", "spent": "112.00",
         "rate": "94.51%", "score": "9.45"},
        {"label": "其中：当年财政拨款", "initial": "100.00", "full": "100.00", "spent": "95.00", "rate": "95.00%"},
        {"label": "上年结转资金", "initial": "20.00", "full": "18.50", "spent": "17.00", "rate": "91.89%"},
    ],
    "goal": "为辖区老年人提供日间照料和助餐服务。", "done": "全年服务老年人2.1万人次，助餐点运营正常。",
    "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "日间照料服务人次", "target": "≥20000人次",
         "actual": "21000人次", "weight": "20", "score": "20"},
        {"level1": "产出指标", "level2": "质量指标", "name": "投诉处理率", "target": "=100%", "actual": "100%",
         "weight": "15", "score": "15"},
        {"level1": "产出指标", "level2": "时效指标", "name": "补助资金拨付及时率", "target": "≥95%", "actual": "96%",
         "weight": "15", "score": "15"},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "老年人生活质量", "target": "明显提升",
         "actual": "明显提升", "weight": "30", "score": "30"},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "老年人满意度", "target": "≥95%",
         "actual": "90%", "weight": "10", "score": "9", "reason": "部分老人对菜品不满意，已调整菜单"},
    ],
    "total_weight": "100", "total_score": "98.45",
}
