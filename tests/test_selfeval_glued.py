"""The stage that cuts values printed without any cell border (xlsync.published.glued): it finds
the one cut that fits or none, and the cut it finds is the one that was printed."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from xlsync.published.glued import split_glued_rows, split_money

ORDER = ["weight", "target", "actual", "score", "reason"]  # 分值 before 年度指标值 (a Sichuan layout)


def test_money_printed_without_borders():
    cols = ["budget_full", "spent", "weight", "rate", "score"]
    assert split_money("202010100.00%10", cols) == (["20", "20", "10", "100.00%", "10"], 1)
    assert split_money("50万元47.6895.00%", ["budget_full", "spent", "rate"]) == (["50万元", "47.68", "95.00%"], 1)
    # a source row: its budget is not above the total's
    assert split_money("2020", ["budget_full", "spent"], cap=Decimal(20)) == (["20", "20"], 1)
    assert split_money("2020", ["budget_full", "spent"])[0] is None  # 20|20 or 202|0: not guessed


def test_rows_printed_without_borders():
    assert split_glued_rows("项目(工程)验收合格率20100%100%20", ORDER) == [
        ("项目(工程)验收合格率", {"weight": "20", "target": "100%", "actual": "100%", "score": "20"})]
    assert split_glued_rows("项目建设成本≤50万元47.68万元", ["target", "actual", "reason"]) == [
        ("项目建设成本", {"target": "≤50万元", "actual": "47.68万元"})]


_NAME = st.text(alphabet="养老服务社区补助运营道路维修培训设备采购改造绿化供水照明宣传", min_size=2, max_size=8)


@st.composite
def _row(draw):
    weight = draw(st.integers(1, 30))
    unit = draw(st.sampled_from(["人次", "%", "个", "万元", "公里", "台"]))
    target = f"{draw(st.sampled_from(['≥', '≤', '=']))}{draw(st.integers(1, 5000))}{unit}"
    actual = f"{draw(st.integers(0, 5000))}{unit}"
    if draw(st.booleans()):  # worded
        target = draw(st.sampled_from(["明显提升", "逐步改善", "有效保障"]))
        actual = draw(st.sampled_from([target, "基本达成", "未达成"]))
    name = draw(st.sampled_from(["", "2023年", "第3批"])) + draw(_NAME)
    return name, {"weight": str(weight), "target": target, "actual": actual,
                         "score": str(draw(st.integers(0, weight)))}


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(_row(), min_size=1, max_size=3))
def test_a_cut_found_in_glued_rows_is_the_printed_one(rows):
    text = "".join(name + v["weight"] + v["target"] + v["actual"] + v["score"] for name, v in rows)
    found = split_glued_rows(text, ORDER)
    assert found is None or found == rows


@settings(max_examples=300, deadline=None)
@given(budget=st.integers(1, 10**6), share=st.integers(0, 100), cents=st.booleans())
def test_a_cut_found_in_glued_money_is_the_printed_one(budget, share, cents):
    full = Decimal(budget) / (100 if cents else 1)
    spent = (full * share / 100).quantize(Decimal("0.01") if cents else Decimal(1))
    if spent > full:
        spent = full
    rate = (spent / full * 100).quantize(Decimal("0.01"))
    score = (rate / 10).quantize(Decimal("0.01"))
    printed = [f"{full}", f"{spent}", "10", f"{rate}%", f"{score.normalize():f}"]
    parts, _count = split_money("".join(printed), ["budget_full", "spent", "weight", "rate", "score"])
    assert parts is None or parts == printed
