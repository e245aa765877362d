"""Findings on the year's results (titles and default severities in xlsync.codes): each a stable code, a Chinese message, a document key whose
cell the workbook reader knows (results[k].indicators[j].reason …)."""

from __future__ import annotations

from decimal import Decimal

from ..codes import default_severity
from ..document import ProjectDocument, StageResult
from ..errors import XlsyncError
from ..findings import Finding, make
from ..targets import parse_target
from .layout import OUTLOOKS
from .rules import scoring_rules
from .scoring import _comparable, _fmt, annual_indexes, score_stage


def _f(doc, code, key, message, found=None, expected=None) -> Finding:
    """A finding with the code's default severity (xlsync.codes); the profile may change it."""
    return make(doc, code, key, message, found, expected, default_severity(code))


def _money_findings(doc, k: int, stage: StageResult) -> list[Finding]:
    out = []
    for m, row in enumerate(stage.money):
        budget = row.budget_full or row.budget_initial
        if row.spent is not None and budget is not None and Decimal(row.spent) > Decimal(budget):
            what = row.source or "年度资金总额"
            out.append(_f(doc, "SPENT_OVER_BUDGET", f"results[{k}].money[{m}].spent",
                          f"“{what}”的执行数 {row.spent} 元超过预算数 {budget} 元", row.spent, f"≤ {budget}"))
    return out


def check_results(doc: ProjectDocument, profile) -> list[Finding]:
    """Findings on what was entered (a profile's [severity] may make any of them a warning)."""
    out: list[Finding] = []
    for k, stage in enumerate(doc.results):
        out += _money_findings(doc, k, stage)
        if stage.stage == "monitor":
            out += _monitor(doc, k, stage)
            continue
        try:
            rules = scoring_rules(profile)
        except XlsyncError as exc:
            out.append(_f(doc, "SCORING_RULES_MISSING", f"results[{k}]", f"{exc}（未核对得分）"))
            continue
        out += _evaluate(doc, k, stage, rules)
    chosen = getattr(profile, "severity", None) or {}
    for f in out:
        f.severity = chosen.get(f.code, f.severity)
    return out


def _monitor(doc, k: int, stage: StageResult) -> list[Finding]:
    out = []
    for j, r in enumerate(stage.indicators):
        key = f"results[{k}].indicators[{j}]"
        ind = doc.indicators[r.index] if r.index < len(doc.indicators) else None
        if ind is None or (r.name, r.target) != (ind.name, ind.target):
            out.append(_f(doc, "RESULT_DRIFT", key, f"完成情况记录的是“{r.name}”（{r.target}），与现在的指标不一致：请重新填写"))
            continue
        t = parse_target(ind.target)
        if r.actual and t.kind == "quantitative" and (why := _comparable(t, parse_target(r.actual))):
            out.append(_f(doc, "ACTUAL_INCOMPARABLE", f"{key}.actual", f"“{ind.name}”：{why}", r.actual, ind.target))
        if r.outlook and r.outlook.strip() != OUTLOOKS[0] and not (r.reason or "").strip():
            out.append(_f(doc, "REASON_MISSING", f"{key}.reason",
                          f"“{ind.name}”预计全年{r.outlook.strip()}完成，请写明偏差原因", None, "偏差原因"))
    return out


def _evaluate(doc, k: int, stage: StageResult, rules) -> list[Finding]:
    out = []
    scored = score_stage(doc, stage, rules)
    position = {r.index: j for j, r in enumerate(stage.indicators)}
    shown = set(annual_indexes(doc))
    for j, r in enumerate(stage.indicators):
        if r.index not in shown:
            out.append(_f(doc, "RESULT_DRIFT", f"results[{k}].indicators[{j}]",
                          f"完成情况记录的是“{r.name}”（{r.target}），申报表中已没有这个年度指标：请核对后删除或重新填写"))
    for s in scored.indicators:
        j = position.get(s.index)
        key = f"results[{k}].indicators[{j}]" if j is not None else f"indicators[{s.index}]"
        result = stage.indicators[j] if j is not None else None
        name = s.name or f"第 {s.index + 1} 个指标"
        if s.status == "drift":
            out.append(_f(doc, "RESULT_DRIFT", key, f"“{name}”：{s.rule}"))
            continue
        if s.status == "missing":
            out.append(_f(doc, "ACTUAL_MISSING", f"{key}.actual" if j is not None else key,
                          f"“{name}”没有填写实际完成值（指标值 {s.target}）"))
            continue
        if s.status == "incomparable" and s.score is None:
            out.append(_f(doc, "ACTUAL_INCOMPARABLE", f"{key}.actual", f"“{name}”：{s.rule}", s.actual, s.target))
            continue
        if s.status == "grade_missing":
            out.append(_f(doc, "GRADE_MISSING", f"{key}.grade", f"“{name}”：{s.rule}", s.grade,
                          " / ".join(g.name for g in rules.grades)))
            continue
        if s.score is not None and s.score < s.weight and not ((result and result.reason) or "").strip():
            out.append(_f(doc, "REASON_MISSING", f"{key}.reason",
                          f"“{name}”未达满分（得分 {_fmt(s.score)}，分值 {_fmt(s.weight)}；实际 {s.actual}，"
                          f"指标值 {s.target}），请写明偏差原因", None, "偏差原因"))
        if s.mismatch:
            expected = f"{_fmt(s.band[0])}–{_fmt(s.band[1])}" if s.band else _fmt(s.score)
            out.append(_f(doc, "SCORE_MISMATCH", f"{key}.score",
                          f"“{name}”填写的得分 {_fmt(s.written)} 与评分规则不符：{s.rule}", _fmt(s.written), expected))
    b = scored.budget
    if b.score is None:
        m = next((i for i, row in enumerate(stage.money) if row.source is None), None)
        key = f"results[{k}].money[{m}].spent" if m is not None else f"results[{k}]"
        out.append(_f(doc, "ACTUAL_MISSING", key, f"预算执行率尚不能评分：{b.rule}"))
    if b.mismatch:
        m = next(i for i, row in enumerate(stage.money) if row.source is None)
        out.append(_f(doc, "SCORE_MISMATCH", f"results[{k}].money[{m}].score",
                      f"预算执行率填写的得分 {_fmt(b.written)} 与评分规则不符：{b.rule}", _fmt(b.written), _fmt(b.score)))
    if scored.written_total is not None and scored.total is not None and scored.written_total != scored.total:
        out.append(_f(doc, "SCORE_MISMATCH", f"results[{k}].total_score",
                      f"填写的总分 {_fmt(scored.written_total)} 与按规则计算的 {_fmt(scored.total)} 不符：{scored.rule}",
                      _fmt(scored.written_total), _fmt(scored.total)))
    return out
