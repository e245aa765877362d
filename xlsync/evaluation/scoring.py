"""Scores by the rules of a profile, exact and explaining themselves. No I/O.

预算执行率: 执行数 ÷ 全年预算数 × its points, never above them. An indicator: its 分值 is the one
written in the result, else the one declared, else the profile's default split (per 一级,
divided equally among its indicators). A 定量 indicator (≥ or ≤ target, or a change such as
下降2%) is scored in proportion (actual ÷ target, or target ÷ actual for ≤), capped at its
分值; an = target met scores full marks; a 定性 indicator (or an = target missed, or an actual
that cannot be compared) is scored by its grade (达成 / 部分达成 / 未达成): a written 得分 must
lie in the grade's band, else the grade's default share is used. 不适用 indicators leave the
total: the others are scaled up to the points (rule "rescale") or they count full ("full").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ..document import IndicatorResult, ProjectDocument, StageResult
from ..forms import reading
from ..targets import Target, parse_target
from .rules import ScoringRules

ONE, ZERO = Decimal(1), Decimal(0)
_GE, _LE = ("≥", ">"), ("≤", "<")


def _q(value: Decimal, rules: ScoringRules) -> Decimal:
    return value.quantize(rules.quantum, rounding=ROUND_HALF_UP)


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _dec(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(str(text).strip())
    except ArithmeticError:
        return None


@dataclass
class IndicatorScore:
    index: int
    level1: str | None
    name: str | None
    target: str | None
    actual: str | None
    weight: Decimal
    weight_source: str  # written | declared | default
    score: Decimal | None  # None: cannot be scored (nothing entered, not comparable, no grade)
    status: str  # met | shortfall | not_applicable | missing | incomparable | grade_missing | drift
    rule: str  # how the score was found, in Chinese
    written: Decimal | None = None  # 得分 as written
    grade: str | None = None  # the grade used (定性)
    band: tuple[Decimal, Decimal] | None = None  # the grade's band of a written 得分
    mismatch: bool = False  # the written 得分 disagrees with the rule
    notes: list[str] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return self.score is not None and self.score >= self.weight

    def as_dict(self) -> dict:
        return {"index": self.index, "level1": self.level1, "name": self.name, "target": self.target,
                "actual": self.actual, "weight": _fmt(self.weight), "weight_source": self.weight_source,
                "score": None if self.score is None else f"{self.score:f}", "status": self.status,
                "rule": self.rule, "written": None if self.written is None else f"{self.written:f}",
                "grade": self.grade, "mismatch": self.mismatch, "notes": self.notes}


@dataclass
class BudgetScore:
    budget: Decimal | None
    spent: Decimal | None
    points: Decimal
    rate: Decimal | None  # percent, to 2 places
    score: Decimal | None
    rule: str
    written: Decimal | None = None
    mismatch: bool = False

    def as_dict(self) -> dict:
        return {"budget": None if self.budget is None else f"{self.budget:f}",
                "spent": None if self.spent is None else f"{self.spent:f}", "points": _fmt(self.points),
                "rate": None if self.rate is None else f"{self.rate:f}",
                "score": None if self.score is None else f"{self.score:f}", "rule": self.rule,
                "written": None if self.written is None else f"{self.written:f}", "mismatch": self.mismatch}


@dataclass
class StageScore:
    stage: str
    budget: BudgetScore
    indicators: list[IndicatorScore]
    total: Decimal | None
    rule: str
    written_total: Decimal | None = None

    @property
    def complete(self) -> bool:
        return self.total is not None

    def as_dict(self) -> dict:
        return {"stage": self.stage, "budget": self.budget.as_dict(),
                "indicators": [i.as_dict() for i in self.indicators],
                "total": None if self.total is None else f"{self.total:f}", "rule": self.rule,
                "written_total": None if self.written_total is None else f"{self.written_total:f}"}


# -- weights -------------------------------------------------------------------------------
def annual_indexes(doc: ProjectDocument) -> list[int]:
    """The indicators a stage reports on: the annual ones (all, where none is marked annual)."""
    annual = [i for i, ind in enumerate(doc.indicators) if ind.period == "annual"]
    return annual or list(range(len(doc.indicators)))


def weights(doc: ProjectDocument, rules: ScoringRules) -> dict[int, tuple[Decimal, str, str]]:
    """index → (分值, source, explanation) of each annual indicator, before any written 分值."""
    idx = annual_indexes(doc)
    declared = {i: _dec(doc.indicators[i].weight) for i in idx}
    if any(v is not None for v in declared.values()):
        total = sum((v for v in declared.values() if v is not None), ZERO)
        if not total or total == rules.indicator_points:
            return {i: (v, "declared", "申报时填写的分值") if v is not None
                    else (ZERO, "declared", "申报表其他指标有分值而本指标没有：按 0 分计")
                    for i, v in declared.items()}
        # declared 分值 that do not add up to the indicators' points are scaled to them
        out, done, last = {}, ZERO, max(i for i, v in declared.items() if v is not None)
        for i, v in declared.items():
            if v is None:
                out[i] = (ZERO, "declared", "申报表其他指标有分值而本指标没有：按 0 分计")
                continue
            w = rules.indicator_points - done if i == last else _q(v * rules.indicator_points / total, rules)
            done += w
            out[i] = (w, "declared", f"申报分值 {_fmt(v)}（各指标合计 {_fmt(total)}），按指标总分 "
                                     f"{_fmt(rules.indicator_points)} 折算为 {_fmt(w)}")
        return out
    groups: dict[str, list[int]] = {}
    moved: dict[int, str] = {}
    for i in idx:
        ind = doc.indicators[i]
        l1 = (ind.level1 or "").strip()
        home = rules.home(l1, (ind.level2 or "").strip())
        if home != l1:
            moved[i] = f"（“{l1}{'/' + ind.level2 if ind.level2 else ''}”按规则计入“{home}”）"
        groups.setdefault(home, []).append(i)
    present = {l1: rules.split[l1] for l1 in groups if l1 in rules.split}
    share = sum(present.values(), ZERO)
    out: dict[int, tuple[Decimal, str, str]] = {}
    for l1, members in groups.items():
        if l1 not in present:
            for i in members:
                out[i] = (ZERO, "default", f"一级指标“{l1 or '（空）'}”不在规则的默认分配中：按 0 分计")
            continue
        points = present[l1] * rules.indicator_points / share
        if share != rules.indicator_points:
            how = (f"默认分配 {l1} {_fmt(present[l1])} 分，按本表已有一级指标合计 {_fmt(share)} 分"
                   f"折算为 {_fmt(_q(points, rules))} 分")
        else:
            how = f"默认分配 {l1} {_fmt(points)} 分"
        each = _q(points / len(members), rules)
        for j, i in enumerate(members):
            w = each if j < len(members) - 1 else _q(points - each * (len(members) - 1), rules)
            out[i] = (w, "default", f"{how}，由其 {len(members)} 个指标平分{moved.get(i, '')}")
    return out


# -- one indicator -------------------------------------------------------------------------
def _comparable(t: Target, a: Target) -> str | None:
    """Why the actual cannot be compared with the target, or None."""
    if a.kind != "quantitative":
        return f"实际完成值“{a.text}”不是数值，无法与指标值“{t.text}”比较"
    if a.unit and t.unit and a.unit != t.unit:
        return f"实际完成值的单位“{a.unit}”与指标值的单位“{t.unit}”不同"
    if a.direction and t.direction and _sign(a.direction) != _sign(t.direction):
        return f"实际完成值“{a.text}”与指标值“{t.text}”的变化方向相反"
    return None


def _sign(direction: str | None) -> int:
    return -1 if direction in reading.words("falling_directions") else 1


def _proportional(t: Target, a: Target, w: Decimal, rules: ScoringRules) -> tuple[Decimal, str, bool]:
    """(score, explanation, met) for a ≥ / ≤ / change target."""
    tn, an = t.number, a.number
    if t.op in _LE and not t.direction:
        if an <= tn:
            return w, f"反向指标（越低越好）：实际 {_fmt(an)} ≤ 指标值 {_fmt(tn)}，得满分 {_fmt(w)}", True
        ratio = tn / an
        score = min(_q(ratio * w, rules), w)
        return score, (f"反向指标（越低越好）：指标值 {_fmt(tn)} ÷ 实际 {_fmt(an)} × 分值 {_fmt(w)} "
                       f"= {_fmt(score)}"), False
    if an >= tn:
        cap = "（超过指标值也不超过分值）" if an > tn else ""
        return w, f"正向指标（越高越好）：实际 {_fmt(an)} ≥ 指标值 {_fmt(tn)}，得满分 {_fmt(w)}{cap}", True
    ratio = an / tn if tn else ONE
    score = min(_q(ratio * w, rules), w)
    return score, f"正向指标（越高越好）：实际 {_fmt(an)} ÷ 指标值 {_fmt(tn)} × 分值 {_fmt(w)} = {_fmt(score)}", False


def score_indicator(index: int, doc: ProjectDocument, result: IndicatorResult | None, weight: Decimal,
                    weight_source: str, weight_rule: str, rules: ScoringRules) -> IndicatorScore:
    ind = doc.indicators[index]
    written = _dec(result.score) if result else None
    if result is not None and result.weight is not None:
        weight, weight_source, weight_rule = Decimal(result.weight), "written", "自评表填写的分值"
    out = IndicatorScore(index, ind.level1, ind.name, ind.target, result.actual if result else None,
                         weight, weight_source, None, "missing", "", written,
                         grade=(result.grade or "").strip() or None if result else None)
    out.notes.append(f"分值 {_fmt(weight)}：{weight_rule}")
    if result is not None and ((result.name or None) != (ind.name or None)
                               or (result.target or None) != (ind.target or None)):
        out.status = "drift"
        out.rule = (f"结果记录的是“{result.name}”（指标值“{result.target}”），而申报表现在是“{ind.name}”"
                    f"（指标值“{ind.target}”）：指标已改动，请重新填写")
        return out
    grade_name = out.grade
    if grade_name == rules.not_applicable_grade:
        out.status, out.rule = "not_applicable", "不适用：" + (
            "不计入总分，其余指标得分按比例折算" if rules.not_applicable == "rescale" else "按满分计")
        return out
    if out.actual is None and grade_name is None:
        out.rule = "尚未填写实际完成值"
        return out
    t = parse_target(ind.target)
    a = parse_target(out.actual) if out.actual is not None else Target(None, "missing")
    if t.kind == "quantitative" and out.actual is not None:
        why = _comparable(t, a)
        if why is None:
            if not a.unit and t.unit:
                out.notes.append(f"实际完成值没有写单位，按指标值的单位“{t.unit}”理解")
            if t.op == "=" and not t.direction:
                if a.number == t.number:
                    out.score, out.status = weight, "met"
                    out.rule = f"等于型指标：实际 {_fmt(a.number)} = 指标值 {_fmt(t.number)}，得满分 {_fmt(weight)}"
                    return _check_written(out, rules)
                why = f"等于型指标：实际 {_fmt(a.number)} ≠ 指标值 {_fmt(t.number)}，按达成情况评分"
                out.status = "shortfall"
            else:
                score, rule, met = _proportional(t, a, weight, rules)
                out.score, out.rule, out.status = score, rule, "met" if met else "shortfall"
                return _check_written(out, rules)
        else:
            out.status = "incomparable"
        if grade_name is None:
            out.rule = why + "；请选择达成情况（" + " / ".join(g.name for g in rules.grades) + "）"
            out.score = None
            if out.status == "shortfall":  # an = target missed: its grade decides
                out.status = "grade_missing"
            return out
        out.notes.append(why)
    elif grade_name is None:
        if out.actual is not None and t.text is not None and out.actual.strip() == t.text.strip():
            grade_name = rules.grades[0].name
            out.notes.append(f"实际完成值与指标值相同（“{t.text}”），按“{grade_name}”计")
        else:
            out.status = "grade_missing"
            out.rule = "定性指标：请选择达成情况（" + " / ".join(g.name for g in rules.grades) + "）"
            return out
    g = rules.grade(grade_name)
    if g is None:
        out.status = "grade_missing"
        out.rule = f"达成情况“{grade_name}”不是规则中的档次（" + " / ".join(rules.grade_names) + "）"
        return out
    out.grade = g.name
    low, high = _q(g.low * weight, rules), _q(g.high * weight, rules)
    out.band = (low, high)
    if written is not None and low <= written <= high:
        out.score = written
        out.rule = (f"定性指标“{g.name}”：得分在 {_fmt(low)}–{_fmt(high)} 之间（分值 {_fmt(weight)} 的 "
                    f"{_fmt(g.low * 100)}%–{_fmt(g.high * 100)}%），采用填写的 {_fmt(written)}")
    else:
        out.score = _q(g.default * weight, rules)
        out.rule = (f"定性指标“{g.name}”：得分应在 {_fmt(low)}–{_fmt(high)} 之间，未填写时按分值 {_fmt(weight)} × "
                    f"{_fmt(g.default * 100)}% = {_fmt(out.score)}")
        out.mismatch = written is not None
    if out.status not in ("incomparable", "shortfall"):
        out.status = "met" if out.score >= weight else "shortfall"
    elif out.score >= weight:
        out.status = "met"
    return out


def _check_written(out: IndicatorScore, rules: ScoringRules) -> IndicatorScore:
    if out.written is not None and out.score is not None and _q(out.written, rules) != out.score:
        out.mismatch = True
    return out


# -- money and the total -------------------------------------------------------------------
def score_budget(stage: StageResult, rules: ScoringRules) -> BudgetScore:
    total = next((m for m in stage.money if m.source is None), None)
    points = rules.budget_points
    if total is None:
        return BudgetScore(None, None, points, None, None, "没有填写年度资金总额")
    budget, how = _dec(total.budget_full), "全年预算数"
    if budget is None:
        budget, how = _dec(total.budget_initial), "年初预算数（未填写全年预算数）"
    spent, written = _dec(total.spent), _dec(total.score)
    if budget is None or spent is None:
        return BudgetScore(budget, spent, points, None, None, "年度资金总额的预算数或执行数未填写", written)
    if budget == 0:
        return BudgetScore(budget, spent, points, None, None, "预算数为 0，无法计算执行率", written)
    rate = spent / budget
    score = min(_q(rate * points, rules), points)
    rule = (f"预算执行率 = 执行数 {_fmt(spent)} ÷ {how} {_fmt(budget)} = {_fmt(_q(rate * 100, rules))}%；"
            f"得分 = 执行率 × {_fmt(points)} = {_fmt(score)}" + ("（不超过分值）" if rate > 1 else ""))
    return BudgetScore(budget, spent, points, _q(rate * 100, rules), score, rule, written,
                       written is not None and _q(written, rules) != score)


def score_stage(doc: ProjectDocument, stage: StageResult, rules: ScoringRules) -> StageScore:
    ws = weights(doc, rules)
    by_index = {r.index: r for r in stage.indicators}
    items = []
    for i in annual_indexes(doc):
        w, src, how = ws[i]
        items.append(score_indicator(i, doc, by_index.get(i), w, src, how, rules))
    budget = score_budget(stage, rules)
    written_total = _dec(stage.total_score)
    applicable = [s for s in items if s.status != "not_applicable"]
    missing = [s for s in applicable if s.score is None]
    if missing or budget.score is None:
        names = "、".join(f"“{s.name}”" for s in missing[:5]) + ("等" if len(missing) > 5 else "")
        why = []
        if missing:
            why.append(f"{len(missing)} 个指标尚不能评分（{names}）")
        if budget.score is None:
            why.append("预算执行率尚不能评分")
        return StageScore(stage.stage, budget, items, None, "总分尚不能计算：" + "；".join(why), written_total)
    raw = sum((s.score for s in applicable), ZERO)
    all_w = sum((s.weight for s in items), ZERO)
    app_w = sum((s.weight for s in applicable), ZERO)
    if len(applicable) < len(items) and rules.not_applicable == "rescale" and app_w:
        ind_total = _q(raw * all_w / app_w, rules)
        rule = (f"指标得分 {_fmt(raw)}（适用指标分值合计 {_fmt(app_w)}），不适用指标不计：折算为 "
                f"{_fmt(raw)} × {_fmt(all_w)} ÷ {_fmt(app_w)} = {_fmt(ind_total)}")
    else:
        na = sum((s.weight for s in items if s.status == "not_applicable"), ZERO)
        ind_total = _q(raw + na, rules)
        rule = f"指标得分合计 {_fmt(ind_total)}" + (f"（含不适用指标按满分计 {_fmt(na)}）" if na else "")
    total = budget.score + ind_total
    rule += f"；总分 = 预算执行率得分 {_fmt(budget.score)} + 指标得分 {_fmt(ind_total)} = {_fmt(total)}"
    return StageScore(stage.stage, budget, items, total, rule, written_total)


def evaluation_of(doc: ProjectDocument) -> StageResult | None:
    """The document's year-end self-evaluation, if it has one."""
    return next((r for r in doc.results if r.stage == "evaluate"), None)


def score_document(doc: ProjectDocument, rules: ScoringRules) -> StageScore | None:
    stage = evaluation_of(doc)
    return None if stage is None else score_stage(doc, stage, rules)
