"""What the CLI prints for the year's stages: the scores, explained (`xlsync export --stage`
reports its workbooks itself: xlsync/commands/exchange.py)."""

from __future__ import annotations

from ..term import next_step
from ..validators.profiles import load_profile, profile_for
from .rules import scoring_rules
from .scoring import StageScore, _fmt, score_document

STATUS_ZH = {"met": "达成", "shortfall": "未达满分", "not_applicable": "不适用", "missing": "未填写",
             "incomparable": "无法比较", "grade_missing": "未选达成情况", "drift": "指标已改动"}


def scores(docs, rules_name: str | None = None) -> list[tuple[object, StageScore | None]]:
    return [(d, score_document(d, scoring_rules(load_profile(rules_name) if rules_name else profile_for(d))))
            for d in docs]


def render_scores(items, store, verbose: bool) -> str:
    lines = [f"绩效自评得分 (self-evaluation scores)  存储 {store}"]
    done = [(d, s) for d, s in items if s is not None]
    for doc, s in items:
        head = f"{doc.year or ''}  {doc.unit_code or doc.unit_name or ''}  {doc.title}"
        if s is None:
            lines.append(f"  {head}：尚无自评结果 (no self-evaluation)")
            continue
        below = [i for i in s.indicators if i.status == "shortfall" or (i.score is not None and not i.full
                                                                           and i.status != "not_applicable")]
        total = f"总分 {_fmt(s.total)}" if s.total is not None else "总分尚不能计算"
        rate = f"执行率 {_fmt(s.budget.rate)}%" if s.budget.rate is not None else "执行率 —"
        lines.append(f"  {head}：{total}；{rate}，预算执行率得分 {_fmt(s.budget.score)}；未达满分指标 {len(below)} 个")
        if not verbose:
            if s.total is None:
                lines.append(f"    {s.rule}")
            continue
        lines.append(f"    预算执行率：{s.budget.rule}")
        for i in s.indicators:
            lines.append(f"    [{i.level1 or ''}] {i.name}  指标值 {i.target}  实际 {i.actual or '—'}  "
                         f"分值 {_fmt(i.weight)}  得分 {_fmt(i.score)}  {STATUS_ZH.get(i.status, i.status)}")
            lines.append(f"        {i.rule}")
            for note in i.notes:
                lines.append(f"        · {note}")
        lines.append(f"    {s.rule}")
    if not done:
        lines.append(next_step("xlsync export --stage evaluate --store 存储 --out-dir 文件夹   # 写出绩效自评表"))
    return "\n".join(lines)
