import json
from dataclasses import replace
from decimal import Decimal
from functools import cache

from click.testing import CliRunner
from conftest import by_name
from hypothesis import given
from hypothesis import strategies as st
from xlsync.validators.profiles import load_profile

from xlsync.cli import cli
from xlsync.document import new_document
from xlsync.plan import compute, pct, yuan
from xlsync.validate import plan_findings


@cache
def _profile(tolerance: Decimal):
    return replace(load_profile("seed"), plan_percent_points=tolerance)


def check(doc, tolerance=Decimal(1)):
    """The plan findings of one document by the seed's profile with this tolerance."""
    return plan_findings([doc], _profile(tolerance))[doc.id]


def codes(findings):
    return sorted((f.code, f.field) for f in findings)


def test_shares_match_hand_calculation(seed_docs):
    # 住房公积金县区管理部发展基金: 103万 + 67万 + 56万 of 226万
    f = compute(by_name(seed_docs, "住房公积金县区管理部发展基金"))
    assert [pct(p.share) for p in f.periods] == ["45.58", "29.65", "24.78"]  # 103/226, 67/226, 56/226
    assert [pct(p.cumulative_share) for p in f.periods] == ["45.58", "75.22", "100.00"]
    assert yuan(f.total) == "2260000.00"
    # 办事大厅运行费: 59万, 25万, 15万 of 99万
    f = compute(by_name(seed_docs, "办事大厅运行费"))
    assert [pct(p.share) for p in f.periods] == ["59.60", "25.25", "15.15"]
    assert [pct(p.cumulative_share) for p in f.periods] == ["59.60", "84.85", "100.00"]
    # 贷款印花税及中心审计费: 15/32 = 46.875 → 46.88 (half up)
    f = compute(by_name(seed_docs, "贷款印花税及中心审计费"))
    assert [pct(p.cumulative_share) for p in f.periods] == ["46.88", "84.38", "100.00"]
    # 管委会工作经费: 20万, 10万, 10万 of 40万
    f = compute(by_name(seed_docs, "管委会工作经费"))
    assert [pct(p.share) for p in f.periods] == ["50.00", "25.00", "25.00"]
    # quarters: 1-6月 20万 spread over 6 months, 7-9月 10万, 9-12月 10万 over 4 months
    assert [yuan(q.amount) for q in f.quarters] == ["100000.00", "100000.00", "125000.00", "75000.00"]
    assert [pct(q.cumulative_share) for q in f.quarters] == ["25.00", "50.00", "81.25", "100.00"]
    # 服务大厅建设费: 104.15万 is 130.19% of 80万
    f = compute(by_name(seed_docs, "服务大厅建设费"))
    assert [pct(p.share) for p in f.periods] == ["130.19", "32.58"]
    # 政府购买服务（劳务）经费: 296+286+282+277 = 1141万 of 1221万
    f = compute(by_name(seed_docs, "政府购买服务（劳务）经费"))
    assert yuan(f.total) == "11410000.00" and pct(f.total_share) == "93.45"


def test_each_code_on_a_real_seed_table(seed_docs):
    got = {d.name + d.unit_code: codes(check(d)) for d in seed_docs}
    assert ("PLAN_TOTAL_MISMATCH", "plan") in got["政府购买服务（劳务）经费095001"]
    assert got["管委会工作经费095001"] == [
        ("PLAN_PERCENT_MISMATCH", "plan[0].stated_percent"), ("PLAN_PERCENT_MISMATCH", "plan[1].stated_percent"),
        ("PLAN_PERIOD_OVERLAP", "plan[2]")]
    # overlaps and gaps point at the plan row they are about: the later of two overlapping
    # periods (9-12月 after 7-9月), the period a gap follows (1-6月 before the missing 7-9月)
    assert got["住房公积金县区管理部发展基金095001"] == [("PLAN_PERIOD_OVERLAP", "plan[2]")]
    assert ("PLAN_PERIOD_GAP", "plan[0]") in got["服务大厅建设费095002"]
    gap = [f for f in check(by_name(seed_docs, "服务大厅建设费")) if f.code == "PLAN_PERIOD_GAP"][0]
    assert gap.found == "7-9月"
    assert got["聘用人员经费095004"] == [("PLAN_NOT_QUANTIFIED", "plan_text")]


def _doc(plan, start="2020-01-01", end="2020-12-31", amount="1200000.00", text="计划"):
    return new_document(year=2020, unit_code="095001", name="测试", year_amount=amount,
                        start_date=start, end_date=end, plan=plan, plan_text=text)


def _p(a, b, amount, pct_=None, basis=None):
    return {"start_month": a, "end_month": b, "amount": amount, "stated_percent": pct_, "percent_basis": basis}


def test_outside_project_constructed():
    doc = _doc([_p(1, 6, "600000.00"), _p(7, 12, "600000.00")], start="2020-03-01", end="2020-10-31")
    found = [f for f in check(doc) if f.code == "PLAN_OUTSIDE_PROJECT"]
    assert len(found) == 1 and found[0].found == "1-2月、11-12月"


def test_consistent_plan_has_no_finding_and_tolerance_applies():
    doc = _doc([_p(1, 6, "600000.00", "50", "cumulative"), _p(7, 12, "600000.00", "50", "share")])
    assert check(doc) == []
    off = _doc([_p(1, 6, "600000.00", "51.5", "cumulative"), _p(7, 12, "600000.00", "50", "share")])
    assert codes(check(off)) == [("PLAN_PERCENT_MISMATCH", "plan[0].stated_percent")]
    assert check(off, tolerance=Decimal(2)) == []


def test_cli_plan_json(seed_store):
    res = CliRunner().invoke(cli, ["plan", "--store", str(seed_store.root), "--format", "json"])
    assert res.exit_code == 1, res.output  # the seed's plans have errors
    data = {p["name"] + p["unit_code"]: p for p in json.loads(res.output)}
    p = data["住房公积金县区管理部发展基金095001"]
    assert p["periods"][1]["cumulative_share"] == "75.22" and p["quarters"][3]["cumulative_share"] == "100.00"
    assert any(f["code"] == "PLAN_PERIOD_OVERLAP" for f in p["findings"])


@st.composite
def consistent_plans(draw):
    year_amount = Decimal(draw(st.integers(100, 10**7))) * 100
    cuts = sorted(draw(st.sets(st.integers(1, 11), min_size=1, max_size=5)))
    bounds = [0, *cuts, 12]
    n = len(bounds) - 1
    weights = [draw(st.integers(1, 100)) for _ in range(n)]
    amounts = [(year_amount * w / sum(weights)).quantize(Decimal("0.01")) for w in weights]
    amounts[-1] = year_amount - sum(amounts[:-1])
    periods, cum = [], Decimal(0)
    for i in range(n):
        cum += amounts[i]
        basis = draw(st.sampled_from(["cumulative", "share", None]))
        stated = {"cumulative": cum, "share": amounts[i], None: None}[basis]
        stated = None if stated is None else pct(stated * 100 / year_amount)
        periods.append(_p(bounds[i] + 1, bounds[i + 1], f"{amounts[i]:.2f}", stated, basis))
    return year_amount, periods


@given(consistent_plans())
def test_generated_consistent_plans_have_no_finding(case):
    year_amount, periods = case
    assert check(_doc(periods, amount=f"{year_amount:.2f}")) == []


@given(consistent_plans(), st.data())
def test_perturbing_one_amount_gives_exactly_the_expected_findings(case, data):
    year_amount, periods = case
    k = data.draw(st.integers(0, len(periods) - 1))
    points = data.draw(st.integers(2, 40))  # percentage points added to period k
    periods[k]["amount"] = f"{Decimal(periods[k]['amount']) + year_amount * points / 100:.2f}"
    expected = {("PLAN_TOTAL_MISMATCH", "plan")}
    for j, p in enumerate(periods):
        if (p["percent_basis"] == "cumulative" and j >= k) or (p["percent_basis"] == "share" and j == k):
            expected.add(("PLAN_PERCENT_MISMATCH", f"plan[{j}].stated_percent"))
    assert set(codes(check(_doc(periods, amount=f"{year_amount:.2f}")))) == expected
