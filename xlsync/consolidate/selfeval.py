"""The summary's 自评得分 sheet: per unit and project the 预算执行率, the total score by the
rules and the indicators below full marks with their reasons; a chart of scores by unit.
Written only when some project has a year-end self-evaluation."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .collect import Picture
from .printsheet import Col, PrintSheet

CHART_COL = 10  # the columns of the hidden 图表数据 sheet this chart uses (the unit chart uses 0-2)


def has_scores(pic: Picture) -> bool:
    return any(r.evaluation is not None for r in pic.records)


def unit_scores(pic: Picture) -> list[tuple[str, Decimal, int]]:
    """(unit, mean total score of its scored projects, projects scored), by unit."""
    by: dict[str, list[Decimal]] = {}
    names: dict[str, str] = {}
    for r in pic.records:
        if r.evaluation is not None and r.evaluation.total is not None:
            by.setdefault(r.unit_key, []).append(r.evaluation.total)
            names[r.unit_key] = r.unit_name or r.unit_code or ""
    return [(names[k], (sum(v) / len(v)).quantize(Decimal("0.01"), ROUND_HALF_UP), len(v))
            for k, v in sorted(by.items())]


def write_scores(wb, fm, pic: Picture, data, heading: str, subtitle: str) -> None:
    s = PrintSheet(wb, fm, "自评得分", heading, subtitle)
    s.note("按规则文件的评分规则计算（预算执行率 10 分，指标 90 分）；总分空白：尚不能评分（见 xlsync score --verbose）")
    cols = [Col("序号", "int", least=4), Col("单位名称", cap=40), Col("项目名称", cap=40),
            Col("全年预算数", "money", least=12), Col("全年执行数", "money", least=12), Col("执行率", "pct", least=8),
            Col("执行率得分", "num", least=6), Col("总分", "num", least=6), Col("未达满分指标及偏差原因", cap=60)]
    rows = []
    for n, r in enumerate((r for r in pic.records if r.evaluation is not None), 1):
        e = r.evaluation
        short = "；".join(f"{name}（{reason or '未写原因'}）" for name, reason in e.shortfalls)
        rows.append([n, r.unit_name, r.name or r.title, e.budget, e.spent,
                     None if e.rate is None else e.rate / 100, e.budget_score,
                     e.total, short or None])
    s.table(cols, rows, filter=True)
    s.skip()
    units = unit_scores(pic)
    if units:
        data.write_string(0, CHART_COL, "单位")
        data.write_string(0, CHART_COL + 1, "平均自评总分")
        for i, (name, mean, _n) in enumerate(units, 1):
            data.write_string(i, CHART_COL, name)
            data.write_number(i, CHART_COL + 1, float(mean))
        chart = wb.add_chart({"type": "bar"})
        chart.add_series({"name": "平均自评总分", "categories": ["图表数据", 1, CHART_COL, len(units), CHART_COL],
                          "values": ["图表数据", 1, CHART_COL + 1, len(units), CHART_COL + 1],
                          "fill": {"color": "#2F5597"}, "data_labels": {"value": True}, "gap": 60})
        chart.set_title({"name": "各单位项目自评平均得分", "name_font": {"name": "宋体", "size": 11, "bold": True}})
        chart.set_y_axis({"reverse": True, "num_font": {"name": "宋体", "size": 9}})
        chart.set_x_axis({"min": 0, "max": 100, "num_font": {"name": "宋体", "size": 9}})
        chart.set_legend({"none": True})
        chart.set_size({"width": min(s.pixels(), 900), "height": min(900, 90 + 34 * len(units))})
        s.ws.insert_chart(s.row, 0, chart)
    s.finish()
