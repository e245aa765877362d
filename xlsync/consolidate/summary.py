"""The summary workbook an office hands upward: 汇总, 项目清单, 用款计划, 绩效指标, 指标统计,
校验, and when there is reason for them 冲突, 跨年对比 and 目标值变化. Written with xlsxwriter.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections import Counter
from decimal import Decimal
from pathlib import Path

from ..findings import FIELD_ZH
from ..safefile import replacing
from .collect import (
    STATUS_CONFLICT,
    STATUS_ERRORS,
    STATUS_MISSING,
    STATUS_READY,
    Picture,
    TargetChange,
    YearChange,
)
from .printsheet import Col, Formats, PrintSheet
from .selfeval import has_scores, write_scores

ZERO = Decimal(0)
QUARTERS = ("一季度", "二季度", "三季度", "四季度")
PERIOD_ZH = {"annual": "年度", "long_term": "长期"}
KIND_ZH = {"quantitative": "定量", "qualitative": "定性", "placeholder": "占位符", "unparseable": "无法识别",
           "missing": "未填写"}
SEVERITY_ZH = {"error": "错误", "warning": "警告"}
STATUS_STYLE = {STATUS_READY: "good", STATUS_ERRORS: "bad", STATUS_MISSING: "missing", STATUS_CONFLICT: "warn"}
CHART_UNITS = 30
BIG = 2000  # projects above which rows are streamed to disk (constant-memory mode)


def _share(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    return None if part is None or not whole else part / whole


def _heading(pic: Picture, what: str) -> str:
    return f"{pic.year}年度{what}" if pic.year else what


class ChartData:
    """The charts' series, written last on a hidden sheet (not printed)."""

    name = "图表数据"

    def __init__(self):
        self.cells: dict[tuple[int, int], object] = {}

    def write_string(self, r: int, c: int, value: str) -> None:
        self.cells[(r, c)] = value

    write_number = write_string

    def write(self, wb) -> None:
        ws = wb.add_worksheet(self.name)
        for (r, c), v in sorted(self.cells.items()):
            if isinstance(v, str):
                ws.write_string(r, c, v)
            else:
                ws.write_number(r, c, v)
        ws.hide()


class Links:
    """Links from the summary to the files it was made from (relative when possible)."""

    def __init__(self, output: Path):
        self.base = output.resolve().parent

    def __call__(self, file: str | None, sheet: str | None = None, text: str | None = None,
                 cell: str | None = None):
        if not file:
            return None
        path = Path(file).resolve()
        try:
            target = os.path.relpath(path, self.base)
        except ValueError:  # another drive
            target = str(path)
        url = "external:" + target + (f"#'{sheet}'!{cell or 'A1'}" if sheet else "")
        if text is None and path.suffix == ".json":
            text = "存储中的文档"  # a store's file: the link opens it, its long id needs no room
        return (url, text or Path(file).name)


def write_summary(pic: Picture, output: Path) -> Path:
    """Write the summary workbook atomically."""
    import xlsxwriter

    output = Path(output)
    with replacing(output) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": len(pic.records) > BIG,
                                            "strings_to_formulas": False, "strings_to_urls": False,
                                            "default_date_format": "yyyy-mm-dd"})
        wb.set_properties({"title": _heading(pic, "项目支出绩效目标汇总"), "author": "xlsync",
                           "comments": "xlsync consolidate"})
        fm = Formats(wb)
        fm.small = Formats(wb, 9)  # the long detail lists
        data = ChartData()
        links = Links(output)
        _overview(wb, fm, pic, data)
        _projects(wb, fm, pic, links)
        _plan(wb, fm, pic, data)
        _indicators(wb, fm, pic)
        _indicator_counts(wb, fm, pic)
        _findings(wb, fm, pic, links)
        if has_scores(pic):  # the year-end self-evaluations (绩效自评)
            write_scores(wb, fm, pic, data, _heading(pic, "项目支出绩效自评得分"), _subtitle(pic))
        if pic.conflicts:
            _conflicts(wb, fm, pic)
        if pic.has_previous:
            _year_changes(wb, fm, pic)
            _target_changes(wb, fm, pic)
        data.write(wb)
        wb.close()
    return output


def _subtitle(pic: Picture) -> str:
    today = _dt.date.today().isoformat()
    src = []
    if pic.sources.get("workbook"):
        src.append(f"{pic.sources['workbook']} 个工作簿")
    if pic.sources.get("store"):
        src.append(f"存储中 {pic.sources['store']} 个单位文件夹")
    return f"汇总日期：{today}　金额单位：元　来源：{'、'.join(src) or '无'}"


def _overview(wb, fm, pic: Picture, data) -> None:
    s = PrintSheet(wb, fm, "汇总", _heading(pic, "项目支出绩效目标汇总表"), _subtitle(pic))
    basis = "上年度项目（--previous）的本年度金额" if pic.prev_basis == "previous" else "各表填报的“项目上年度金额”"
    s.note(f"上年度金额口径：{basis}")
    cols = [Col("序号", "int", least=4), Col("单位编码", least=8), Col("单位名称", cap=60),
            Col("项目数", "int", least=6), Col("本年度金额", "money", least=12), Col("上年度金额", "money", least=12),
            Col("增减额", "money", least=12), Col("增减率", "pct", least=8), Col("错误", "int"),
            Col("警告", "int"), Col("状态", least=6)]
    rows, styles = [], []
    for n, u in enumerate(pic.units, 1):
        missing = u.status == STATUS_MISSING
        rows.append([n, u.unit_code, u.unit_name, u.projects, None if missing else u.year_amount,
                     u.prev_year_amount, u.change, u.change_share, u.errors, u.warnings, u.status])
        styles.append({10: STATUS_STYLE.get(u.status, "")})
    first, last, cols = s.table(cols, rows, styles)
    t = pic.total
    r = s.row

    def total(col: int, value, kind: str):
        if rows:
            letter = chr(ord("A") + col)
            s.put(r, col, (f"=SUM({letter}{first + 1}:{letter}{last + 1})", value, kind), "formula", "total")
        else:
            s.put(r, col, value, kind, "total")

    s.put(r, 0, None, "text", "total")
    s.put(r, 1, None, "text", "total")
    s.put(r, 2, "合计", "text", "total")
    total(3, t.projects, "int")
    total(4, t.year_amount, "money")
    total(5, t.prev_year_amount, "money")
    total(6, t.change, "money")
    s.put(r, 7, t.change_share, "pct", "total")
    total(8, t.errors, "int")
    total(9, t.warnings, "int")
    s.put(r, 10, None, "text", "total")
    s.row += 2
    counts = Counter(u.status for u in pic.units)
    unknown = sum(rec.year_amount is None for rec in pic.records)
    if unknown:
        s.note(f"金额未知：{unknown} 个项目的本年度金额未填，未计入本年度金额合计（见“项目清单”）。")
    s.note("状态：" + "　".join(f"{k} {counts.get(k, 0)} 个单位" for k in
                              (STATUS_READY, STATUS_ERRORS, STATUS_CONFLICT, STATUS_MISSING)))
    if pic.conflicts:
        ids = {c.project_id for c in pic.conflicts}
        s.note(f"冲突：{len(ids)} 个项目有不一致的副本或版本落后于存储，见“冲突”表；汇总数按首次读到的版本计入，请核实。")
    if pic.identical:
        s.note(f"重复：{len(pic.identical)} 份相同的项目副本，已只计一次。")
    unreadable = {p.file for p in pic.problems}
    if unreadable:
        s.note(f"无法读取：{len(unreadable)} 个文件（或其中的部分单元格），见“校验”表。")
    if pic.other_years:
        s.note(f"另有 {pic.other_years} 个其他年度的项目未计入（用 --year 选择年度）。")
    s.skip()
    _unit_chart(wb, s, pic, data, first, len(rows))
    s.finish()


def _unit_chart(wb, s: PrintSheet, pic: Picture, data, first: int, n_units: int) -> None:
    units = [u for u in pic.units if u.status != STATUS_MISSING or u.prev_year_amount]
    if not units:
        return
    shown = sorted(units, key=lambda u: -(u.year_amount or ZERO))[:CHART_UNITS]
    shown.sort(key=lambda u: (u.unit_code or "~", u.unit_name or ""))
    data.write_string(0, 0, "单位")
    data.write_string(0, 1, "本年度（万元）")
    data.write_string(0, 2, "上年度（万元）")
    for i, u in enumerate(shown, 1):
        data.write_string(i, 0, u.unit_name or u.unit_code or "")
        data.write_number(i, 1, float(u.year_amount / 10000))
        if u.prev_year_amount is not None:
            data.write_number(i, 2, float(u.prev_year_amount / 10000))
    chart = wb.add_chart({"type": "bar"})
    n = len(shown)
    for col, name, color in ((1, "本年度金额", "#2F5597"), (2, "上年度金额", "#A5A5A5")):
        chart.add_series({"name": name, "categories": ["图表数据", 1, 0, n, 0],
                          "values": ["图表数据", 1, col, n, col], "fill": {"color": color},
                          "border": {"none": True}, "gap": 60})
    title = "各单位本年度与上年度金额（万元）"
    if len(units) > CHART_UNITS:
        title += f"：本年度金额最大的 {CHART_UNITS} 个单位"
    chart.set_title({"name": title, "name_font": {"name": "宋体", "size": 11, "bold": True}})
    chart.set_y_axis({"reverse": True, "num_font": {"name": "宋体", "size": 9}})
    chart.set_x_axis({"num_format": "#,##0", "num_font": {"name": "宋体", "size": 9},
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"position": "top", "font": {"name": "宋体", "size": 9}})
    width = s.pixels()
    height = min(900, 90 + 34 * n)
    chart.set_size({"width": width, "height": height})
    if n_units > 20:
        s.ws.set_h_pagebreaks([s.row])
    s.ws.insert_chart(s.row, 0, chart)
    s.row += int(height / 20) + 1


def _projects(wb, fm, pic: Picture, links: Links) -> None:
    s = PrintSheet(wb, fm, "项目清单", _heading(pic, "项目清单"), _subtitle(pic))
    cols = [Col("序号", "int"), Col("单位名称", cap=60), Col("项目名称", cap=60), Col("资金用途", cap=16),
            Col("项目属性", cap=10, optional=True), Col("起止时间", least=10), Col("项目总金额", "money", least=12),
            Col("本年度金额", "money", least=12), Col("上年度金额", "money", least=12), Col("指标数", "int"),
            Col("错误", "int"), Col("警告", "int"), Col("待核对", "int"), Col("状态", least=6),
            Col("来源", "link", cap=30)]
    rows, styles = [], []
    for n, r in enumerate(pic.records, 1):
        status = (STATUS_CONFLICT if r.id in pic.conflict_ids else STATUS_ERRORS if r.errors else STATUS_READY)
        span = None
        if r.start_date or r.end_date:
            span = f"{(r.start_date or '')[:7]}至{(r.end_date or '')[:7]}"
        rows.append([n, r.unit_name, r.name or r.title, r.fund_use, r.project_attribute, span, r.total_amount,
                     r.year_amount, r.prev_year_amount, len(r.indicators), r.errors, r.warnings, r.review,
                     status, links(r.file, r.sheet)])
        styles.append({13: STATUS_STYLE.get(status, "")})
    s.table(cols, rows, styles, filter=True)
    s.finish()


def _plan(wb, fm, pic: Picture, data) -> None:
    s = PrintSheet(wb, fm, "用款计划", _heading(pic, "用款计划（按季度）"),
                   _subtitle(pic) + "　累计进度 = 季度末累计计划金额 ÷ 本年度金额")
    cols = [Col("单位名称", cap=60), Col("项目名称", cap=60), Col("本年度金额", "money", least=12)]
    cols += [Col(q, "money", least=12) for q in QUARTERS] + [Col("计划合计", "money", least=12)]
    cols += [Col(f"{q}末", "pct", least=8) for q in QUARTERS]
    s.groups([(3, 7, "计划支出金额"), (8, 11, "累计支出进度")])
    rows, styles = [], []

    def add(name, project, year_amount, quarters, style):
        cum, shares = ZERO, []
        for q in quarters or []:
            cum += q
            shares.append(_share(cum, year_amount))
        total = sum(quarters, ZERO) if quarters else None
        rows.append([name, project, year_amount, *(quarters or [None] * 4), total, *(shares or [None] * 4)])
        styles.append(style)

    by_unit: dict[str, list] = {}
    for r in pic.records:
        by_unit.setdefault(r.unit_key, []).append(r)
    for u in pic.units:
        recs = by_unit.get(u.key, [])
        if not recs:
            continue
        for r in recs:
            add(r.unit_name, r.name or r.title, r.year_amount, list(r.quarters) if r.quarters else None, "")
        add(u.unit_name, f"小计（{u.planned_projects}/{u.projects} 个项目有计划）", u.year_amount, u.quarters, "sub")
    t = pic.total
    add("合计", f"全部单位（{t.planned_projects}/{t.projects} 个项目有计划）", t.year_amount, t.quarters, "total")
    s.table(cols, rows, styles, header_rows=2)
    s.skip()
    if t.quarters and t.year_amount:
        data.write_string(0, 4, "季度末")
        data.write_string(0, 5, "全部单位累计进度")
        data.write_string(0, 6, "均衡进度")
        cum = ZERO
        for i, q in enumerate(t.quarters, 1):
            cum += q
            data.write_string(i, 4, f"{QUARTERS[i - 1]}末")
            data.write_number(i, 5, float(cum / t.year_amount))
            data.write_number(i, 6, i / 4)
        chart = wb.add_chart({"type": "line"})
        chart.add_series({"name": "全部单位累计计划进度", "categories": ["图表数据", 1, 4, 4, 4],
                          "values": ["图表数据", 1, 5, 4, 5], "line": {"color": "#2F5597", "width": 2.25},
                          "marker": {"type": "circle", "size": 6, "fill": {"color": "#2F5597"}},
                          "data_labels": {"value": True, "num_format": "0.0%", "position": "above",
                                          "font": {"name": "宋体", "size": 9}}})
        chart.add_series({"name": "均衡进度", "categories": ["图表数据", 1, 4, 4, 4],
                          "values": ["图表数据", 1, 6, 4, 6],
                          "line": {"color": "#A5A5A5", "width": 1.5, "dash_type": "dash"}})
        chart.set_title({"name": "全部单位累计用款计划进度与均衡进度",
                         "name_font": {"name": "宋体", "size": 11, "bold": True}})
        chart.set_y_axis({"num_format": "0%", "min": 0, "max": 1.2 if cum / t.year_amount <= 1.2 else None,
                          "num_font": {"name": "宋体", "size": 9},
                          "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        chart.set_x_axis({"num_font": {"name": "宋体", "size": 9}})
        chart.set_legend({"position": "top", "font": {"name": "宋体", "size": 9}})
        if len(rows) > 20:
            s.ws.set_h_pagebreaks([s.row])
        chart.set_size({"width": min(s.pixels(), 900), "height": 300})
        s.ws.insert_chart(s.row, 0, chart)
    s.finish()


def _indicators(wb, fm, pic: Picture) -> None:
    s = PrintSheet(wb, fm.small, "绩效指标", _heading(pic, "绩效指标明细"),
                   "每行一个三级指标；目标值按原文，运算符、数值、计量单位由 xlsync 解析，可筛选比较各单位目标")
    cols = [Col("单位名称", cap=40), Col("项目名称", cap=36), Col("期间"), Col("一级指标", cap=16),
            Col("二级指标", cap=20), Col("三级指标", cap=36), Col("目标值", cap=20), Col("符号"),
            Col("数值", "num", least=6), Col("计量\n单位", cap=8), Col("类型")]
    rows = []
    for r in pic.records:
        for i in r.indicators:
            rows.append([r.unit_name, r.name or r.title, PERIOD_ZH.get(i.period, i.period), i.level1, i.level2,
                         i.name, i.target, i.op, i.number, i.unit, KIND_ZH.get(i.kind, i.kind)])
    s.table(cols, rows, filter=True)
    s.finish()


def _indicator_counts(wb, fm, pic: Picture) -> None:
    s = PrintSheet(wb, fm.small, "指标统计", _heading(pic, "绩效指标数量统计"),
                   "每行一个单位的一个指标类别（可直接作为数据透视表的数据源）")
    counts: dict[tuple, list[int]] = {}
    for r in pic.records:
        for i in r.indicators:
            key = (r.unit_code or "", r.unit_name, PERIOD_ZH.get(i.period, i.period), i.level1, i.level2)
            c = counts.setdefault(key, [0, 0, 0, set()])
            c[0] += 1
            c[1] += i.kind == "quantitative"
            c[2] += i.kind == "qualitative"
            c[3].add(r.id)
    cols = [Col("单位编码", least=8), Col("单位名称", cap=60), Col("期间"), Col("一级指标", cap=20),
            Col("二级指标", cap=24), Col("项目数", "int"), Col("指标数", "int"), Col("定量", "int"),
            Col("定性", "int"), Col("其他", "int")]
    rows = [[code or None, name, period, l1, l2, len(ids), n, q, ql, n - q - ql]
            for (code, name, period, l1, l2), (n, q, ql, ids) in sorted(counts.items(), key=lambda kv: tuple(
                "" if x is None else str(x) for x in kv[0]))]
    s.table(cols, rows, filter=True)
    s.finish()


def _findings(wb, fm, pic: Picture, links: Links) -> None:
    s = PrintSheet(wb, fm.small, "校验", _heading(pic, "校验结果"), "每行一个问题；代码为稳定的英文代码，位置指向来源文件的工作表与单元格")
    cols = [Col("单位名称", cap=40), Col("项目名称", cap=36), Col("级别"), Col("代码", cap=28),
            Col("说明", cap=84), Col("来源文件", "link", cap=30), Col("位置", cap=12)]
    rows, styles = [], []
    for r, f in pic.findings:
        cell = f.cell or (f"第 {f.line} 行" if f.line else None)
        rows.append([r.unit_name if r else None, (r.name or r.title) if r else None,
                     SEVERITY_ZH.get(f.severity, f.severity), f.code, f.message,
                     links(f.file, f.sheet, cell=f.cell), cell])
        styles.append({2: "bad" if f.severity == "error" else "warn"})
    if not rows:
        s.note("没有发现问题。")
    s.table(cols, rows, styles, filter=True)
    s.finish()


def _conflicts(wb, fm, pic: Picture) -> None:
    s = PrintSheet(wb, fm.small, "冲突", _heading(pic, "冲突"),
                   "同一项目两份内容不同（值 A 为计入汇总的副本），或工作簿导出后存储已被修改（值 A 为工作簿中的值，值 B 为存储中的值）；"
                   "均未自动取舍，请核实后重新提交")
    cols = [Col("类型", cap=20), Col("单位编码", least=8), Col("项目名称", cap=36), Col("字段", cap=16),
            Col("值 A", cap=40), Col("来源 A", cap=36), Col("值 B", cap=40), Col("来源 B", cap=36),
            Col("导出时的值", cap=30, optional=True)]

    def short(v):
        return v if v is None or len(v) <= 300 else v[:300] + "…"

    rows = [[c.kind_zh, c.unit_code, c.project_name, FIELD_ZH.get(c.field, c.field), short(c.value_a), c.source_a,
             short(c.value_b), c.source_b, short(c.base)] for c in pic.conflicts]
    s.table(cols, rows, filter=True)
    s.finish()


def _year_changes(wb, fm, pic: Picture) -> None:
    s = PrintSheet(wb, fm, "跨年对比", _heading(pic, "项目跨年对比"),
                   "结转的项目按其上年度项目编号、其余按单位与项目名称匹配上年度项目；金额单位：元")
    cols = [Col("变化"), Col("单位编码", least=8), Col("单位名称", cap=60), Col("项目名称", cap=60),
            Col("上年度金额", "money", least=12), Col("本年度金额", "money", least=12),
            Col("增减额", "money", least=12), Col("增减率", "pct", least=8), Col("指标变化数", "int"),
            Col("项目编号", least=12), Col("上年度项目编号", least=12)]
    style = {"new": "good", "dropped": "missing", "continued": ""}
    rows, styles = [], []
    for c in pic.year_changes:
        rows.append([YearChange.STATUS_ZH[c.status], c.unit_code, c.unit_name, c.project_name, c.prev_year_amount,
                     c.year_amount, c.change, c.change_share, c.targets_changed, c.project_id, c.prev_project_id])
        styles.append({0: style[c.status]})
    s.table(cols, rows, styles, filter=True)
    n = Counter(c.status for c in pic.year_changes)
    s.skip()
    s.note(f"延续 {n['continued']} 个，新增 {n['new']} 个，取消 {n['dropped']} 个项目。")
    s.finish()


def _target_changes(wb, fm, pic: Picture) -> None:
    s = PrintSheet(wb, fm.small, "目标值变化", _heading(pic, "延续项目绩效指标变化"),
                   "延续项目中目标值调整、新增或删除的三级指标")
    cols = [Col("变化"), Col("单位名称", cap=40), Col("项目名称", cap=36), Col("期间"), Col("一级指标", cap=16),
            Col("二级指标", cap=20), Col("三级指标", cap=36), Col("上年目标值", cap=24), Col("本年目标值", cap=24)]
    rows = [[TargetChange.STATUS_ZH[t.status], t.unit_name, t.project_name, PERIOD_ZH.get(t.period, t.period),
             t.level1, t.level2, t.name, t.prev_target, t.target] for t in pic.target_changes]
    if not rows:
        s.note("延续项目的绩效指标与上年度相同。")
    s.table(cols, rows, filter=True)
    s.finish()
