"""Each stage of the published-table reader alone, on plain data: lines → tables (segment),
a table's lines → rows of cells (cells), a form's vocabulary (vocab), a row run together →
its columns (facts)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xlsync.published.cells import Cell, join_wrapped, split_rows
from xlsync.published.notes import ReadOptions
from xlsync.published.segment import candidates, segment
from xlsync.published.vocab import vocab

V = vocab("national")


# -- cells ------------------------------------------------------------------------------------
@given(pipes=st.integers(1, 8), before=st.booleans())
def test_a_line_of_separators_is_that_many_empty_cells(pipes, before):
    lines = (["项目名称 |", "一一经费 |"] if before else []) + ["|" * pipes, "实施单位 |"]
    cells = split_rows(lines, 1, "pipe-cells")
    texts = [r[0].text for r in cells.rows]
    assert "|" not in "".join(texts)
    assert texts.count("") == pipes and texts[-1] == "实施单位"


def test_a_cell_open_when_separators_follow_is_closed_by_the_first():
    cells = split_rows(["实施期绩效目标 |", "通过采购雾炮车降尘", "抑尘服务", "||||"], 1, "pipe-cells")
    assert [r[0].text for r in cells.rows] == ["实施期绩效目标", "通过采购雾炮车降尘抑尘服务", "", "", ""]


def test_join_wrapped_joins_only_what_the_vocabulary_says_is_one_word():
    rows = [[Cell("绩效指标", 1), Cell("项目完成", 1)], [Cell("指标", 2)], [Cell("数量指标", 3), Cell("32人", 3)],
            [Cell("全年", 4)], [Cell("指标", 5), Cell("x", 5)]]
    wraps = lambda a, b: b == "指标" and a == "项目完成"  # noqa: E731
    out = join_wrapped(rows, wraps)
    assert [[c.text for c in r] for r in out] == [["绩效指标", "项目完成指标"], ["数量指标", "32人"], ["全年"],
                                                 ["指标", "x"]]


# -- segment ----------------------------------------------------------------------------------
def test_a_unit_on_the_page_above_the_table_is_the_pages_and_one_in_its_title_the_tables():
    vocabs = candidates(ReadOptions())
    lines = ["关于下达资金的通知（金额单位：万元）", "", "项目支出绩效目标申报表", "项目名称 | 甲 |", "实施单位 | 乙 |"]
    (region,), outside = segment(lines, vocabs)
    assert region.page_unit == "万元" and region.title_unit is None and outside[0][0] == 1
    lines = ["项目支出绩效目标申报表（单位：万元）", "项目名称 | 甲 |", "实施单位 | 乙 |"]
    (region,), _ = segment(lines, vocabs)
    assert region.title_unit == "万元" and region.page_unit is None


# -- vocabulary -------------------------------------------------------------------------------
def test_a_label_by_principle_names_what_it_was_read_as():
    for cell, key, known in [("主管预算部门", "department_name", "主管部门"), ("项目支出实施期", "period", "实施期"),
                             ("绩??效目标", "annual_goal", "绩效目标"), ("本项目名称", "name", "项目名称")]:
        lab, _unit = V.label(cell)
        assert (lab.key, lab.loose) == (key, known), cell
    assert V.label("项目名称")[0].loose is None  # a listed label is read plainly
    assert V.label("资金拨付对象")[0] is None  # no known label in it: not a label by principle
    assert V.label("经费")[0] is None  # too short to be matched loosely


def test_an_unlisted_header_takes_the_role_of_the_known_one_it_starts_with():
    assert V.header_role("指标值及单位") == "target"
    assert V.header_role("指标值(包含数字及文字描述)") == "target"
    assert V.header_role("绩效标准说明") == "note"
    assert V.header_role("指标值得") == "target"  # a one- or two-character tail
    assert V.header_role("一级指标") == "level1" and V.header_role("项目名称") is None


# -- a row run together, cut by the header's columns ------------------------------------------
def test_a_row_run_together_is_cut_by_the_shape_of_each_column():
    from xlsync.published.facts import FactsReader

    kinds = ["name", "weight", "unit", "nature", "target"]
    cut = FactsReader._split_by_roles
    assert cut(FactsReader, "预算执行率10%=100", kinds) == {"name": "预算执行率", "weight": "10", "unit": "%",
                                                           "nature": "=", "target": "100"}
    assert cut(FactsReader, "基层组织保障有效性10有效保障", kinds)["target"] == "有效保障"
    assert cut(FactsReader, "开展文艺活动场次1020", kinds) == {"name": "开展文艺活动场次", "weight": "10", "unit": "",
                                                            "nature": "", "target": "20"}
    assert cut(FactsReader, "没有数字的一行", kinds) == {}


def test_a_text_ending_on_an_operator_or_half_a_label_is_cut_off():
    from xlsync.published import read_text

    head = ("项目支出绩效目标申报表\n项目名称 | 甲经费 |\n实施单位 | 乙局 |\n项目资金（万元） | 年度资金总额 | 10 |\n"
            "年度目标 | 完成 |\n绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 |\n"
            "产出指标 | 数量指标 | 培训人次 | ≥200人次 |\n")
    for tail, cut in [("效益指标 | 社会效益指标 | 知晓率 | > |\n", True), ("主管 |\n", True),
                      ("效益指标 | 社会效益指标 | 知晓率 | ≥90% |\n", False)]:
        (t,), _ = read_text(head + tail, "t.txt")
        assert t.truncated is cut, tail


def test_running_text_a_file_puts_between_two_tables_is_outside_both():
    """'Sheet 2: 表2' between two sheets of a saved web page: outside any table (never an
    indicator of the table above); a title, a field or a money unit there is still read."""
    from xlsync.published.segment import OUTSIDE

    vocabs = candidates(ReadOptions())
    lines = ["项目支出绩效目标申报表", "项目名称 | 甲 |", "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 |",
             "产出指标 | 数量指标 | 培训人次 | ≥200人次 |", OUTSIDE + "Sheet 2: 表2", OUTSIDE + "单位：万元",
             OUTSIDE + "项目支出绩效目标申报表", "项目名称 | 乙 |"]
    regions, outside = segment(lines, vocabs)
    assert [n for n, _t in outside] == [5]
    assert [len(r.titles) for r in regions] == [1, 1] and "单位：万元" in regions[0].lines
