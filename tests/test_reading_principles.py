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


def _read(rows, sep):
    (t,), _ = read_text(render(rows, sep), "gen.txt")
    return t


def _base(doc, **kw):
    return rows_of(doc, merged=False, note=False, weight=False, split_value=False, groups=False, **kw)


# labels a form does not list, each a known one with a modifier or a word put in
LOOSE = [("项目名称", "本项目名称", "name", "name"),
         ("主管部门及代码", "主管预算部门及代码", "department_name", "department_name"),
         ("项目期", "项目支出实施期", "start_date", "start_date"),
         ("实施单位", "项目实施执行单位", "unit_name", "implementing_unit")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), sep=st.sampled_from(("tabs", "pipes", "markdown", "spaces")),
       which=st.sampled_from(range(len(LOOSE))))
def test_an_unknown_synonym_is_read_by_principle_and_said_so(data, sep, which):
    doc = data.draw(documents(False, False, False))
    known, loose, attr, field = LOOSE[which]
    rows = _base(doc)
    for r in rows:
        r[:] = [loose if c == known else c for c in r]
    t = _read(rows, sep)
    got = t.document
    items = [r for r in got.review if r.code == "LABEL_LOOSE"]
    assert getattr(got, attr) == getattr(doc, attr)  # read …
    assert [r.field for r in items] == [field] and loose in items[0].message  # … and said so
    assert got.indicators == doc.indicators


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), sep=st.sampled_from(("pipes", "markdown", "pipe-cells")), at=st.integers(0, 30))
def test_lines_holding_only_separators_are_empty_cells(data, sep, at):
    doc = data.draw(documents(False, False, False))
    text = render(_base(doc), sep).splitlines()
    at = min(at, len(text))
    if sep == "pipe-cells":  # one cell per line: empty cells inside the header row would end it
        at = min(at, next(k for k, ln in enumerate(text) if ln.startswith("绩效指标")))
    text[at:at] = ["||||", "|"]  # empty merged cells printed as lines of their own
    (t,), _ = read_text("\n".join(text) + "\n", "gen.txt")
    got = t.document
    assert got.indicators == doc.indicators
    assert "|" not in (got.overall_goal or "") + (got.annual_goal or "") + (got.name or "")
    assert not [r for r in got.review if "|" in (r.source or "")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), sep=st.sampled_from(("tabs", "pipes", "spaces")))
def test_a_category_wrapped_over_two_rows_is_one_category(data, sep):
    doc = data.draw(documents(False, False, False))
    rows = _base(doc)
    out = []
    for r in rows:  # '满意度' | '指标' wrapped: the first category cell of a block ends one row early
        if r and r[0] in ("效益指标", "满意度指标") and len(r) > 2 and r[0] not in [x[0] for x in out if x]:
            out.append([r[0][:-2]])
            out.append(["指标", *r[1:]])
        else:
            out.append(r)
    t = _read(out, sep)
    assert t.document.indicators == doc.indicators, render(out, sep)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), sep=st.sampled_from(("tabs", "pipes", "spaces", "lines")),
       field=st.sampled_from(["资金拨付对象：本单位", "项目实施进度：按月推进", "经办人：李四", "上报时间：2023年1月5日"]))
def test_fields_and_signatures_after_the_indicator_table_are_never_indicators(data, sep, field):
    doc = data.draw(documents(False, False, False))
    rows = _base(doc)
    rows.insert(len(rows) - 1, [field])  # just after the last indicator row
    t = _read(rows, sep)
    got = t.document
    assert got.indicators == doc.indicators, render(rows, sep)
    label, value = field.split("：")
    assert (label, value) in [(e.label, e.value) for e in got.extra]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), sep=st.sampled_from(("tabs", "pipes", "spaces")))
def test_a_funding_tree_is_read_as_written_and_its_blank_total_summed_for_review(data, sep):
    doc = data.draw(documents(False, False, False))
    rows = _base(doc)
    at = next(k for k, r in enumerate(rows) if r[0] == "项目资金（万元）")
    wan = [f.year_amount for f in doc.funding]
    tree = [["（一）财政拨款小计", f"{Decimal(wan[0]) / 10000:f}"], ["1、一般公共预算", f"{Decimal(wan[0]) / 10000:f}"],
            ["（二）其他资金小计", f"{Decimal(wan[1]) / 10000:f}"]]
    rows[at:at + 1 + len(doc.funding)] = [["项目资金（万元）", "年度资金总额", "金额（万元）"], *tree]
    t = _read(rows, sep)
    got = t.document
    assert [f.source for f in got.funding] == ["（一）财政拨款小计", "1、一般公共预算", "（二）其他资金小计"]
    assert got.year_amount == doc.year_amount  # the exact sum of the first-level rows …
    assert [r.code for r in got.review if r.field == "year_amount"] == ["AMOUNT_SUMMED"]  # … said so


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), op=st.sampled_from([("大于等于", "≥"), ("不低于", "≥"), ("小于等于", "≤"), ("等于", "=")]))
def test_operators_written_as_words_are_operators(data, op):
    doc = data.draw(documents(False, False, False))
    word, sign = op
    rows = rows_of(doc, merged=False, note=False, weight=False, split_value=True, groups=False)
    for r in rows:
        r[:] = [word if c == sign else c for c in r]
    t = _read(rows, "tabs")
    want = [i.target.replace(sign, word, 1) if i.target.startswith(sign) else i.target for i in doc.indicators]
    assert [i.target for i in t.document.indicators] == want
    from xlsync.targets import parse_target

    assert {parse_target(x).op for x in want if x.startswith(word)} <= {sign}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_indicator_rows_run_together_inside_each_line_are_cut_and_marked(data):
    doc = data.draw(documents(False, False, False))
    rows = _base(doc)
    at = next(k for k, r in enumerate(rows) if r[0] == "绩效指标")
    glued = ["".join(rows[at])] + ["".join(c for c in r if c) for r in rows[at + 1:-1]]
    text = render(rows[:at], "spaces") + "\n".join(glued) + "\n"
    (t,), _ = read_text(text, "gen.txt")
    got = t.document
    # every row cut is a review item; a wrong cut is never silent
    cuts = [r for r in got.review if r.code == "SPLIT_GUESSED"]
    assert len(cuts) == len(glued) - 1
    assert len(got.indicators) == len(doc.indicators)
    right = sum(g == w for g, w in zip(got.indicators, doc.indicators, strict=True))
    assert right >= len(doc.indicators) - len(cuts)
