"""Render a document as a published national 申报表 in many shapes (for property tests):
separators (tabs, ` | ` rows, markdown rows, cells closed by ` |`, paragraphs, runs of
spaces), merged or repeated categories, optional 备注 / 分值 columns, indicator values split
into 指标性质 / 指标值 / 计量单位, and 长期 + 年度 column groups."""

from __future__ import annotations

from decimal import Decimal

SEPARATORS = ("tabs", "pipes", "markdown", "pipe-cells", "paragraphs", "spaces", "lines")


def _wan(amount: str | None) -> str:
    if amount is None:
        return ""
    v = Decimal(amount) / 10000
    return f"{v:f}".rstrip("0").rstrip(".") if "." in f"{v:f}" else f"{v:f}"


TITLES = ("plain", "inline-year", "approval", "none")


def rows_of(doc, *, merged: bool, note: bool, weight: bool, split_value: bool, groups: bool,
            tables: bool = False, title: str = "plain", tail_first: bool = False) -> list[list[str]]:
    """tables: separate 长期 and 年度 indicator tables (instead of column groups);
    tail_first: 分值/备注 before the value columns."""
    d = doc.model_dump(mode="json")
    rows = {"plain": [["项目支出绩效目标申报表"], [f"（{d['year']}年度）"]],
            "inline-year": [[f"项目支出绩效目标申报表（{d['year']}年度）"]],
            "approval": [["某某县财政局"], [f"{d['year']}年项目绩效目标审批表"]],
            "none": []}[title]
    rows.append(["项目名称", d["name"]])
    rows.append(["主管部门及代码", f"[{d['department_code']}]{d['department_name']}", "实施单位", d["unit_name"]])
    rows.append(["项目属性", d["project_attribute"], "项目期", f"{d['start_date'][:4]}年{int(d['start_date'][5:7])}月-"
                 f"{d['end_date'][:4]}年{int(d['end_date'][5:7])}月"])
    rows.append(["项目资金（万元）", "年度资金总额：", _wan(d["year_amount"])])
    for f in d["funding"]:
        rows.append([f"其中：{f['source']}" if f is d["funding"][0] else f["source"], _wan(f["year_amount"])])
    rows.append(["总体目标", "实施期目标", "年度目标"])
    rows.append([d["overall_goal"], d["annual_goal"]])
    inds = d["indicators"]
    annual = [i for i in inds if i["period"] == "annual"]
    longs = [i for i in inds if i["period"] == "long_term"]
    if groups and not tables:
        values_header = ["长期指标值", "年度指标值"]
    elif split_value:
        values_header = ["指标性质", "指标值", "计量单位"]
    else:
        values_header = ["指标值"]
    tail = (["备注"] if note else []) + (["分值"] if weight else [])
    header = ["一级指标", "二级指标", "三级指标", *(tail + values_header if tail_first else values_header + tail)]

    def body(items, paired):
        prev = (None, None)
        out = []
        for k, i in enumerate(items):
            l1 = "" if merged and i["level1"] == prev[0] else i["level1"]
            l2 = "" if merged and (i["level1"], i["level2"]) == prev else i["level2"]
            prev = (i["level1"], i["level2"])
            if paired is not None:
                values = [paired[k]["target"], i["target"]]
            elif split_value:
                values = list(split_target(i["target"]))
            else:
                values = [i["target"]]
            extra = ([i["note"] or ""] if note else []) + ([i["weight"] or ""] if weight else [])
            out.append([l1, l2, i["name"], *(extra + values if tail_first else values + extra)])
        return out

    if groups and tables:
        rows.append(["长期绩效指标", *header])
        rows.extend(body(longs, None))
        rows.append(["年度绩效指标", *header])
        rows.extend(body(annual, None))
    else:
        rows.append(["绩效指标", *header])
        rows.extend(body(annual, longs if groups else None))
    rows.append(["填报人：张三", "填报日期：2023年1月5日"])
    return rows


def split_target(target: str) -> tuple[str, str, str]:
    import re

    m = re.match(r"^([≥≤=]?)(\d+(?:\.\d+)?)(.*)$", target)
    return (m.group(1), m.group(2), m.group(3)) if m else ("", target, "")


def render(rows: list[list[str]], sep: str) -> str:
    out: list[str] = []
    for row in rows:
        if sep == "tabs":
            out.append("\t".join(row))
        elif sep == "pipes":
            out.append(" | ".join(row) + " |")
        elif sep == "markdown":
            out.append("| " + " | ".join(row) + " |")
            if row and row[0] in ("绩效指标", "长期绩效指标", "年度绩效指标"):
                out.append("|" + "---|" * len(row))
        elif sep == "pipe-cells":
            out.extend(f"{c} |" if c else "|" for c in row)
        elif sep == "paragraphs":
            for c in row:
                out.extend([c if c else "     ", ""])
        elif sep == "lines":  # one cell per line, empty cells vanish
            out.extend(c for c in row if c)
        else:  # spaces: cells apart by runs of spaces, empty cells vanish
            out.append("    ".join(c for c in row if c))
    return "\n".join(out) + "\n"


def small_national(amount_row: str = "| 项目资金（万元） | 年度资金总额 | 10 |", name_label: str = "项目名称") -> str:
    """A short national table in pipe rows: its title on line 1, the budget year on line 2, the
    project's name on line 3 and `amount_row` on line 5."""
    return "\n".join([
        "项目支出绩效目标表", "（2021年度）", f"| {name_label} | 道路维修 |",
        "| 主管部门 | 某区交通局 | 实施单位 | 某区公路所 |", amount_row, "| 总体目标 | 维修道路10公里。 |",
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 |", "| 产出指标 | 数量指标 | 维修道路长度 | 10公里 |",
        "| 效益指标 | 社会效益指标 | 通行条件改善 | 明显改善 |",
        "| 满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90% |"]) + "\n"
