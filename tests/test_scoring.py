"""The year's results in the document, and scores by the profile's rules (xlsync.evaluation)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from xlsync.validators.profiles import load_profile

from xlsync.document import dumps, loads, new_document
from xlsync.errors import DocumentError
from xlsync.evaluation.rules import scoring_rules
from xlsync.evaluation.scoring import score_stage, weights

RULES = scoring_rules(load_profile("national"))
INDICATORS = [
    {"level1": "产出指标", "level2": "数量指标", "name": "培训人数", "target": "≥200人"},
    {"level1": "产出指标", "level2": "成本指标", "name": "人均成本", "target": "≤500元"},
    {"level1": "产出指标", "level2": "质量指标", "name": "制度建设", "target": "健全"},
    {"level1": "效益指标", "level2": "社会效益指标", "name": "覆盖率", "target": "=100%"},
    {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度", "target": "≥90%"},
]


def _doc(results=(), indicators=INDICATORS):
    return new_document(year=2024, unit_code="095001", name="培训项目", year_amount="200000.00",
                        indicators=[{"period": "annual", **i} for i in indicators], results=list(results))


def _stage(actuals: dict[int, dict], spent="180000.00", budget="200000.00", indicators=INDICATORS):
    return {"stage": "evaluate", "through_month": None, "goal_achieved": "完成培训",
            "money": [{"source": None, "budget_initial": budget, "budget_full": budget, "spent": spent}],
            "indicators": [{"index": i, "name": indicators[i]["name"], "target": indicators[i]["target"],
                            **{"actual": None} | a} for i, a in actuals.items()]}


def test_older_documents_keep_their_bytes_and_results_round_trip():
    plain = _doc()
    assert b'"results"' not in dumps(plain)
    doc = _doc([_stage({0: {"actual": "180人", "reason": "疫情"}})])
    raw = dumps(doc)
    assert b'"results"' in raw and b'"spent": "180000.00"' in raw
    assert loads(raw) == doc
    with pytest.raises(DocumentError, match="results"):
        _doc([{**_stage({}), "money": [{"source": None, "budget_initial": 1.5, "budget_full": None,
                                         "spent": None}]}])


def test_default_split_by_level1_and_declared_weights_win():
    w = weights(_doc(), RULES)
    assert [w[i][0] for i in range(5)] == [Decimal("16.67"), Decimal("16.67"), Decimal("16.66"),
                                           Decimal("30"), Decimal("10")]
    assert sum(v for v, _s, _h in w.values()) == 90
    declared = [{**i, "weight": "18"} for i in INDICATORS]
    assert {v for v, s, _h in weights(_doc(indicators=declared), RULES).values()} == {Decimal(18)}


def test_hand_calculation():
    doc = _doc([_stage({0: {"actual": "180人"}, 1: {"actual": "625元"}, 2: {"actual": "基本健全", "grade": "部分达成"},
                        3: {"actual": "100%"}, 4: {"actual": "95%"}})])
    s = score_stage(doc, doc.results[0], RULES)
    # 预算: 180000 / 200000 × 10 = 9; 培训: 180/200 × 16.67 = 15.003 → 15.00; 成本: 500/625 × 16.67
    # = 13.336 → 13.34; 制度: 部分达成 default 60% × 16.66 = 9.996 → 10.00; 覆盖率 = 100%: 30; 满意度 10
    assert s.budget.score == Decimal("9.00") and s.budget.rate == Decimal("90.00")
    assert [i.score for i in s.indicators] == [Decimal("15.00"), Decimal("13.34"), Decimal("10.00"),
                                               Decimal(30), Decimal(10)]
    assert s.total == Decimal("87.34")
    assert "180 ÷ 指标值 200 × 分值 16.67" in s.indicators[0].rule
    assert "反向指标" in s.indicators[1].rule


def test_not_applicable_rescales_and_incomparable_is_not_scored():
    doc = _doc([_stage({0: {"actual": "200人"}, 1: {"actual": "400元"}, 2: {"grade": "不适用"},
                        3: {"actual": "100%"}, 4: {"actual": "九成"}})])
    s = score_stage(doc, doc.results[0], RULES)
    assert s.indicators[4].status == "incomparable" and s.total is None
    doc = _doc([_stage({0: {"actual": "200人"}, 1: {"actual": "400元"}, 2: {"grade": "不适用"},
                        3: {"actual": "100%"}, 4: {"actual": "九成", "grade": "达成"}})])
    s = score_stage(doc, doc.results[0], RULES)
    # applicable 16.67 + 16.67 + 30 + 10 = 73.34 of 73.34 → × 90 / 73.34 = 90
    assert s.total == Decimal("99.00") and "折算" in s.rule


def test_written_score_outside_the_rule_is_flagged():
    doc = _doc([_stage({0: {"actual": "180人", "score": "16.67"}, 2: {"actual": "有", "grade": "达成",
                                                                     "score": "14"}})])
    s = score_stage(doc, doc.results[0], RULES)
    assert s.indicators[0].mismatch and s.indicators[0].score == Decimal("15.00")
    assert not s.indicators[2].mismatch and s.indicators[2].score == Decimal(14)  # in 80%–100%


def test_drifted_indicator_is_not_scored():
    stage = _stage({0: {"actual": "180人"}})
    stage["indicators"][0]["target"] = "≥150人"
    doc = _doc([stage])
    assert score_stage(doc, doc.results[0], RULES).indicators[0].status == "drift"


numbers = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2)


@given(target=numbers, a=numbers, b=numbers, op=st.sampled_from(["≥", "≤"]),
       weight=st.decimals(min_value=Decimal("0.5"), max_value=Decimal("60"), places=1))
def test_score_is_never_above_its_weight_and_monotone_in_the_actual(target, a, b, op, weight):
    ind = [{"level1": "产出指标", "level2": "数量指标", "name": "x", "target": f"{op}{target}人",
            "weight": f"{weight}"}, {"level1": "产出指标", "level2": "数量指标", "name": "y", "target": "≥1人",
                                     "weight": f"{90 - weight}"}]
    lo, hi = min(a, b), max(a, b)
    scores = []
    for actual in (lo, hi):
        doc = _doc([_stage({0: {"actual": f"{actual}人"}}, indicators=ind)], indicators=ind)
        s = score_stage(doc, doc.results[0], RULES).indicators[0]
        assert s.weight == weight
        assert Decimal(0) <= s.score <= weight
        scores.append(s.score)
    if op == "≥":
        assert scores[0] <= scores[1]
    else:
        assert scores[0] >= scores[1]


@given(spent=st.decimals(min_value=0, max_value=Decimal("1e9"), places=2),
       budget=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2))
def test_budget_score_in_proportion_never_above_ten(spent, budget):
    doc = _doc([_stage({}, spent=f"{spent}", budget=f"{budget}")])
    b = score_stage(doc, doc.results[0], RULES).budget
    assert Decimal(0) <= b.score <= 10
    if spent >= budget:
        assert b.score == 10


def test_satisfaction_under_benefit_and_cost_as_level1_count_where_the_profile_says():
    inds = [{"level1": "产出指标", "level2": "数量指标", "name": "a", "target": "≥1个"},
            {"level1": "成本指标", "level2": "经济成本指标", "name": "b", "target": "≤100元"},
            {"level1": "效益指标", "level2": "社会效益指标", "name": "c", "target": "≥1个"},
            {"level1": "效益指标", "level2": "服务对象满意度指标", "name": "d", "target": "≥90%"}]
    w = weights(_doc(indicators=inds), RULES)
    assert [w[i][0] for i in range(4)] == [Decimal(25), Decimal(25), Decimal(30), Decimal(10)]
    assert "计入“满意度指标”" in w[3][2] and "计入“产出指标”" in w[1][2]


def test_declared_weights_adding_up_to_100_are_scaled_to_the_indicators_points():
    declared = [{**i, "weight": w} for i, w in zip(INDICATORS, ["30", "20", "20", "20", "10"], strict=True)]
    w = weights(_doc(indicators=declared), RULES)
    assert [w[i][0] for i in range(5)] == [Decimal(27), Decimal(18), Decimal(18), Decimal(18), Decimal(9)]
    assert "合计 100" in w[0][2] and "折算为 27" in w[0][2]


def test_equality_missed_needs_a_grade_and_a_qualitative_actual_equal_to_its_target_is_met():
    doc = _doc([_stage({2: {"actual": "健全"}, 3: {"actual": "95%"}})])
    s = score_stage(doc, doc.results[0], RULES)
    assert (s.indicators[2].status, s.indicators[2].score) == ("met", s.indicators[2].weight)
    assert "按“达成”计" in s.indicators[2].notes[-1]
    assert (s.indicators[3].status, s.indicators[3].score) == ("grade_missing", None)
    doc = _doc([_stage({3: {"actual": "95%", "grade": "部分达成", "score": "20"}})])
    s = score_stage(doc, doc.results[0], RULES).indicators[3]
    assert (s.status, s.score, s.mismatch) == ("shortfall", Decimal(20), False)  # 60%–80% of 30: 18–24
