"""The reader knows when it guesses (issue: reading any real table truthfully).

Generated national tables (hypothesis) with the one thing under test varied: where the unit of
money is stated (on the label, on a line of its own in the table, on the page above the table,
nowhere). A fact read plainly imports with no review item; a fact the reader had to take from
elsewhere is a review item; a fact it cannot know is left empty with a review item proposing a
reading — never a number the table does not show.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nationaltext import SEPARATORS, render, rows_of
from test_national_layouts import documents

from xlsync.published import read_text

UNIT_PLACES = ("label", "own_line", "page_above", "nowhere")


def _rows(doc, place: str) -> list[list[str]]:
    rows = rows_of(doc, merged=False, note=False, weight=False, split_value=False, groups=False)
    at = next(k for k, r in enumerate(rows) if r[0] == "项目资金（万元）")
    if place != "label":
        rows[at] = ["项目资金", *rows[at][1:]]
    if place == "own_line":
        rows.insert(at, ["（单位：万元）"])
    elif place == "page_above":
        rows.insert(0, ["金额单位：万元"])
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), sep=st.sampled_from(SEPARATORS), place=st.sampled_from(UNIT_PLACES))
def test_money_is_never_scaled_silently(data, sep, place):
    doc = data.draw(documents(False, False, False))
    text = render(_rows(doc, place), sep)
    (t,), _ = read_text(text, "gen.txt")
    got = t.document
    money = [r for r in got.review if r.code.startswith("MONEY_UNIT")]
    amounts = [got.year_amount] + [f.year_amount for f in got.funding]
    want = [doc.year_amount] + [f.year_amount for f in doc.funding]
    if place in ("label", "own_line"):  # stated in the table: read plainly
        assert amounts == want and money == [], text
    elif place == "page_above":  # stated only on the page: used, and each amount is a review item
        assert amounts == want, text
        assert {r.code for r in money} == {"MONEY_UNIT_FROM_PAGE"}, text
        assert len(money) == sum(Decimal(a) != 0 for a in want)
    else:  # stated nowhere: no number stored but zero, a review item proposing the readings
        assert [a if a is None else Decimal(a) for a in amounts] == [
            None if Decimal(a) else Decimal(0) for a in want], text
        assert {r.code for r in money} == {"MONEY_UNIT_UNKNOWN"}, text
        for r in money:
            assert r.source and "按万元" in r.proposed and r.field in ("year_amount", "funding[0].year_amount",
                                                                      "funding[1].year_amount")
    assert t.ok
    assert got.indicators == doc.indicators
