"""term.table draws plain tables itself (a 1,000-table import report took rich most of a
second); what it draws must be exactly what rich draws, for every table it does not hand
to rich."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from xlsync import term

# ASCII, CJK, full-width forms, a wide symbol, spaces inside text, edge spaces, control
# characters and ideographic spaces (the last ones rich must draw)
_TEXT = st.text(st.sampled_from(list("ab Z09-_.:/()") + list("项目名称单位新增待核对") + ["（", "）", "％", "１", "─",
                                                                                       "\u3000", "\t", "\n", "é"]),
                max_size=12)
_PLAIN = st.text(st.sampled_from(list("abZ09-_.:/()") + list("项目名称单位新增待核对") + ["（", "）", "％", "１", "é"]),
                 max_size=12)
_CELL = st.one_of(st.none(), st.integers(-10**6, 10**9), _TEXT, _PLAIN)


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.lists(st.one_of(_TEXT, _PLAIN).filter(bool), min_size=n, max_size=n),
    st.lists(st.lists(_CELL, min_size=n, max_size=n), max_size=6),
    st.sets(st.integers(0, n - 1)),
    st.integers(0, 4))))
def test_plain_tables_are_drawn_as_rich_draws_them(case):
    headers, rows, right, indent = case
    cells = [["-" if v is None else str(v) for v in row] for row in rows]
    assert term.table(headers, rows, right=right, indent=indent) == term._rich_table(headers, cells, set(right),
                                                                                       indent)


def test_the_plain_drawing_is_used_for_an_import_report():
    rows = [["新增", "101001", f"项目{i}（金水区）", f"2020-101001-{i:012d}", 17, "seed", f"a.txt:{i}"]
            for i in range(50)]
    headers = ["状态", "单位", "项目名称", "项目编号 (id)", "指标数", "表单", "来源"]
    assert term._plain_table(headers, [[str(v) for v in r] for r in rows], {4}, 10_000) is not None
    assert term.table(headers, rows, right=[4], indent=2) == term._rich_table(
        headers, [[str(v) for v in r] for r in rows], {4}, 2)


def test_a_table_wider_than_the_terminal_is_left_to_rich():
    assert term._plain_table(["a", "b"], [["x" * 30, "y" * 30]], set(), 40) is None


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.lists(_PLAIN.filter(bool), min_size=n, max_size=n),
    st.lists(st.lists(st.one_of(st.none(), st.integers(0, 10**9), _PLAIN), min_size=n, max_size=n), max_size=6),
    st.sets(st.integers(0, n - 1)))))
def test_plain_text_is_drawn_without_rich(case):
    headers, rows, right = case
    cells = [["-" if v is None else str(v) for v in row] for row in rows]
    assert term._plain_table(headers, cells, right, 10_000) is not None
    assert term.table(headers, rows, right=right) == term._rich_table(headers, cells, right, 0)


def test_a_table_exactly_as_wide_as_the_terminal_is_drawn_as_rich_draws_it(monkeypatch):
    headers, rows = ["状态", "项目名称"], [["新增", "x" * 40], ["待核对", "中文" * 5]]  # 6 + 2 + 40 columns
    monkeypatch.setattr(term, "_width", lambda: 48)
    assert term._plain_table(headers, rows, set(), 48) is not None
    assert term.table(headers, rows) == term._rich_table(headers, rows, set(), 0)
    monkeypatch.setattr(term, "_width", lambda: 47)  # one column short: rich folds the long cell
    assert term._plain_table(headers, rows, set(), 47) is None
    assert "x" * 40 not in term.table(headers, rows)
