"""Each stage of the published-table reader alone, on plain data: lines → tables (segment),
a table's lines → rows of cells (cells) → its grid (grid), a form's vocabulary (vocab), a row
run together → its columns (facts), an amount as printed → 元 (amounts), facts and notes → a
document with its review items (assemble)."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from nationaltext import small_national

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
    from xlsync.published.facts import split_by_roles as cut

    kinds = ["name", "weight", "unit", "nature", "target"]
    assert cut("预算执行率10%=100", kinds) == {"name": "预算执行率", "weight": "10", "unit": "%",
                                            "nature": "=", "target": "100"}
    assert cut("基层组织保障有效性10有效保障", kinds)["target"] == "有效保障"
    assert cut("开展文艺活动场次1020", kinds) == {"name": "开展文艺活动场次", "weight": "10", "unit": "",
                                             "nature": "", "target": "20"}
    assert cut("没有数字的一行", kinds) == {}


def test_a_header_row_run_together_is_header_words_from_end_to_end():
    from xlsync.published.facts import glued_header_roles

    assert glued_header_roles("绩效指标一级指标二级指标三级指标指标值", V) == ["level1", "level2", "name", "target"]
    assert glued_header_roles("一级指标二级指标", V) is None  # fewer than three
    assert glued_header_roles("一级指标二级指标三级指标培训人次", V) is None  # a word that is no header


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


# -- grid -------------------------------------------------------------------------------------
def test_the_grid_keeps_each_cells_line_and_joins_a_category_wrapped_over_two_rows():
    from xlsync.published.grid import build_grid

    lines = ["项目名称 | 甲经费 |", "", "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 |",
             "产出指标 | 项目完成 |", "指标 | 数量指标 | 培训人次 | 200人次 |"]
    grid = build_grid(lines, 10, V)
    assert (grid.kind, grid.stream, grid.open_end) == ("cells", False, False)
    assert [[(c.text, c.line) for c in r] for r in grid.rows] == [
        [("项目名称", 10), ("甲经费", 10)],
        [("绩效指标", 12), ("一级指标", 12), ("二级指标", 12), ("三级指标", 12), ("指标值", 12)],
        [("产出指标", 13), ("项目完成指标", 13)], [("数量指标", 14), ("培训人次", 14), ("200人次", 14)]]


def test_text_without_cell_borders_is_cut_into_rows_at_labels_categories_and_targets():
    from xlsync.published.grid import build_grid

    text = ("项目名称甲经费实施单位乙局项目资金年度资金总额10万元年度目标完成培训"
            "一级指标二级指标三级指标指标值产出指标数量指标培训人次≥200人次")
    grid = build_grid(["某某局", text], 1, V)
    assert grid.kind == "run-together" and grid.rows == ()
    assert [(n.code, n.line) for n in grid.notes] == [("HEADER_TEXT", 1), ("RUN_TOGETHER", 2)]
    runs = [([c.text for c in r.cells], r.bound) for r in grid.runs]
    assert runs[:2] == [(["项目名称"], True), (["甲经费"], True)] and (["年度目标"], True) in runs
    assert runs[-2:] == [(["一级指标", "二级指标", "三级指标", "指标值"], False),
                         (["产出指标", "数量指标", "培训人次", "≥200人次"], False)]
    assert {c.line for r in grid.runs for c in r.cells} == {2}
    assert [n.code for n in grid.notes_after] == ["SPLIT_GUESSED"]


def test_a_label_misread_in_text_without_borders_is_corrected_and_said_so():
    from xlsync.published.grid import build_grid

    text = "项目名称甲经费实施单位乙局项目完成H期2021年12月年度资金总额10万元年度目标完成培训任务项目类型新增项目主管部门丙局"
    grid = build_grid([text], 1, V)
    (fixed,) = [r for r in grid.runs if r.notes]
    assert [c.text for c in fixed.cells] == ["项目完成日期"]
    assert [(n.code, n.source) for n in fixed.notes] == [("LABEL_CORRECTED", "项目完成H期")]
    assert grid.notes_after == ()  # no indicator part: nothing cut by target shapes


def test_only_the_vocabulary_says_two_cells_are_one_wrapped_category():
    from xlsync.published.grid import wrapped_category

    assert wrapped_category(V, "项目完成", "指标") and wrapped_category(V, "社会效益", "指标")
    assert not wrapped_category(V, "产出指标", "指标")  # a whole category before: two cells
    assert not wrapped_category(V, "培训人次", "200人次")


# -- amounts ----------------------------------------------------------------------------------
def test_an_amount_without_a_unit_is_never_a_number_the_table_does_not_show():
    from xlsync.published.amounts import read_amount

    got = read_amount("5", "年度资金总额", field="year_amount")
    assert got.value is None and [n.code for n in got.notes] == ["MONEY_UNIT_UNKNOWN"]
    assert got.notes[0].proposed == "按万元: 50000.00 元；按元: 5.00 元" and got.notes[0].field == "year_amount"
    got = read_amount("5", "年度资金总额", page_unit="万元")
    assert got.value == "50000.00" and [n.code for n in got.notes] == ["MONEY_UNIT_FROM_PAGE"]
    assert read_amount("5", "x", table_unit="万元", page_unit="元") == read_amount("5万元", "x")
    assert read_amount("5", "x", unit="元", table_unit="万元").value == "5.00"  # the label's own unit first
    assert read_amount("0", "x").value == "0.00" and read_amount(None, "x").value is None  # zero in any unit


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False), st.sampled_from(["万元", "元"]))
def test_an_amount_with_its_unit_reads_exactly(amount, unit):
    from decimal import Decimal

    from xlsync.published.amounts import read_amount

    got = read_amount(f"{amount}{unit}", "x")
    assert got.notes == () and Decimal(got.value) == amount * (10000 if unit == "万元" else 1)


def test_an_amount_with_its_breakdown_or_unreadable_keeps_its_text():
    from xlsync.published.amounts import read_amount

    got = read_amount("10万(路灯8万元,线缆2万元)", "资金总额", unit="元")
    assert (got.value, got.explained, [n.code for n in got.notes]) == ("100000.00", "路灯8万元,线缆2万元",
                                                                       ["AMOUNT_EXPLAINED"])
    got = read_amount("854万854万", "资金总额", field="total_amount")
    assert got.value is None and [(n.code, n.source) for n in got.notes] == [("AMOUNT_UNREADABLE", "854万854万")]


# -- assemble ---------------------------------------------------------------------------------
def _facts(**kw):
    from xlsync.published.assemble import TableFacts

    ind = {"period": "annual", "level1": "产出指标", "level2": "数量指标", "name": "培训人次", "target": "≥200人次",
           "note": None, "weight": None, "line": 6}
    base = dict(first_line=2, fields={"name": ("甲经费", 2), "unit_name": ("乙局", 3), "either_amount": ("10", 4),
                                      "start_date": ("2021-01-01", 5), "end_date": ("2022-12-31", 5)},
                units={"either_amount": "万元"}, extra=(),
                funding=({"source": "财政拨款", "total_amount": None, "year_amount": None,
                          "either_amount": "100000.00"},),
                composition=(), indicators=(ind,), prov={"name": 2, "either_amount": 4, "funding[0]": 4,
                                                        "indicators[0]": 6}, notes=())
    return TableFacts(**{**base, **kw})


def _assemble(*projects, title=None, options=None):
    from xlsync.published.assemble import TableRead, assemble

    return assemble(TableRead("t.txt", projects, 6), {"year": 2021} if title is None else title, V,
                    options or ReadOptions())


def test_assemble_reads_the_values_and_changes_nothing_it_is_given():
    facts = _facts()
    before = repr(facts)
    (table,) = _assemble(facts)
    doc = table.document
    assert (doc.name, doc.unit_name, doc.year, doc.total_amount, doc.year_amount) == ("甲经费", "乙局", 2021,
                                                                                      "100000.00", None)
    assert [(f.source, f.total_amount) for f in doc.funding] == [("财政拨款", "100000.00")]  # over two years: total
    assert doc.review == [] and table.provenance["indicators[0]"].line == 6 and table.ok
    assert repr(facts) == before


def test_assemble_makes_each_guess_a_review_item_on_the_indicator_it_names():
    from xlsync.published.notes import Note

    notes = (Note("warning", "LABEL_LOOSE", "栏目…", "t.txt", 3, "unit_name", "主管单位: 乙局"),
             Note("warning", "WEIGHT_UNREADABLE", "分值…", "t.txt", 6, "indicators[#0].weight", "十"))
    (table,) = _assemble(_facts(notes=notes, fields={"name": ("甲经费", 2), "year_amount": ("7", 4)}, units={},
                                prov={"year_amount": 4}))
    review = [(r.code, r.field, r.line) for r in table.document.review]
    assert review == [("LABEL_LOOSE", "unit_name", 3), ("WEIGHT_UNREADABLE", "indicators[0].weight", 6),
                      ("MONEY_UNIT_UNKNOWN", "year_amount", 4)]
    assert table.document.year_amount is None  # '7' without a unit: never stored as 7 元


def test_assemble_sums_a_funding_tree_and_says_so():
    funding = ({"source": "（一）财政拨款小计", "total_amount": None, "year_amount": "30000.00"},
               {"source": "1、一般公共预算", "total_amount": None, "year_amount": "30000.00"},
               {"source": "（二）自有资金小计", "total_amount": None, "year_amount": "10000.00"})
    (table,) = _assemble(_facts(fields={"name": ("甲经费", 2)}, units={}, funding=funding,
                                tree=((0, True), (1, False), (2, True)), prov={"funding[0]": 7}))
    assert table.document.year_amount == "40000.00"
    (item,) = table.document.review
    assert (item.code, item.field, item.line) == ("AMOUNT_SUMMED", "year_amount", 7)


def test_assemble_writes_no_document_for_a_table_without_indicators_and_one_per_project():
    (table,) = _assemble(_facts(indicators=()))
    assert table.document is None and [n.code for n in table.notes] == ["TABLE_INCOMPLETE"]
    tables = _assemble(_facts(), _facts(first_line=9, fields={"name": ("乙经费", 9)}, units={}))
    assert [t.document.name for t in tables] == ["甲经费", "乙经费"] and [t.first_line for t in tables] == [2, 9]
    (table,) = _assemble(_facts(fields={"name": ("甲经费", 2)}), title={}, options=ReadOptions(year=2023))
    assert table.document.year == 2023 and table.document.review == []
    (table,) = _assemble(_facts(), title={})  # the year from the period, said so
    assert table.document.year == 2021 and [r.code for r in table.document.review] == ["YEAR_GUESSED"]


# -- truncation -----------------------------------------------------------------------------
def test_a_text_ending_on_an_operator_or_the_start_of_a_label_is_cut_there():
    from xlsync.published.truncation import cut_fragment

    head = ["项目名称 | 甲经费 |", "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 |"]
    line, why = cut_fragment(head + ["产出指标 | 数量指标 | 培训人次 | ≥ |", ""], 5, V)
    assert line == 7 and "运算符“≥”" in why
    assert cut_fragment(head + ["主管 |"], 1, V)[0] == 3  # 主管部门… cut after two characters
    assert cut_fragment(head + ["产出指标 | 数量指标 | 培训人次 | ≥200人次 |"], 1, V) is None
    assert cut_fragment(["", ""], 1, V) is None


def test_a_text_ending_in_the_middle_of_a_sentence_is_cut_there():
    from xlsync.published.truncation import cut_sentence

    done = [{"target": f"完成第{k}项培训任务，群众满意度达到要求。", "line": 10 + k} for k in range(3)]
    assert cut_sentence(done, 20) is None
    cut = done + [{"target": "社区满意度95%以上,家长满", "line": 14}]
    line, why = cut_sentence(cut, 20)
    assert line == 14 and "家长满" in why
    assert cut_sentence(cut[2:], 20) is None  # too few sentences to know the table's habit
    assert cut_sentence(done + [{"target": "社区满意度95%以上,家长满"}], 20)[0] == 20  # no line: the table's last


# -- explain ----------------------------------------------------------------------------------
def test_explain_names_each_line_with_text_by_the_role_a_stage_gave_it():
    from xlsync.published.explain import explain_lines
    from xlsync.published.segment import Region

    region = Region(start=3, lines=["项目支出绩效目标申报表", "项目名称 | 甲 |", "", "产出指标 | 数量指标 |"],
                    titles=[(3, "项目支出绩效目标申报表", None)])
    assert explain_lines(region, {4: "栏目“项目名称”"}) == [(3, "标题", "项目支出绩效目标申报表"),
                                                         (4, "栏目“项目名称”", "项目名称 | 甲 |"),
                                                         (6, "—", "产出指标 | 数量指标 |")]


# -- footer -----------------------------------------------------------------------------------
def test_a_footer_row_keeps_its_labelled_cells_and_names_its_signature_slots():
    from xlsync.published.footer import FooterRow, read_footer_row

    assert read_footer_row(["填报人：张三", "联系电话:", "0371-1234567", "单位负责人（签字）：", "（盖章）"]) == FooterRow(
        (("填报人", "张三"), ("联系电话", "0371-1234567")), ("单位负责人（签字）：", "（盖章）"))
    assert read_footer_row(["主管部门审核意见"]) == FooterRow((), ("主管部门审核意见",))
    assert read_footer_row([]) == FooterRow()


# -- levels (the indicator stage's one state carried across rows) -----------------------------
def test_a_level_is_carried_down_its_merged_cells_and_a_late_level1_given_to_the_rows_above():
    from xlsync.published.indicators import Levels

    levels = Levels(V)
    rows = []
    for cats in (["数量指标"], [], ["产出指标"], ["质量指标"], ["效益指标", "社会效益指标"], []):
        levels.apply(cats)
        rows.append({})
        levels.place(rows[-1])
    levels.finish()
    assert [(r["level1"], r["level2"]) for r in rows] == [("产出指标", "数量指标")] * 3 + [
        ("产出指标", "质量指标"), ("效益指标", "社会效益指标"), ("效益指标", "社会效益指标")]
    levels = Levels(V)
    levels.apply(["数量指标"])
    row: dict = {}
    levels.place(row)
    levels.finish()  # never named: the framework's parent of its 二级
    assert row == {"level1": "产出指标", "level2": "数量指标"}


# -- regions ----------------------------------------------------------------------------------
def test_a_rows_region_is_its_section_else_the_kind_of_key_it_filled():
    from xlsync.published.regions import RowRegion, region_of, row_regions

    assert region_of("indicators", {"name"}) == "indicators" and region_of("footer", ()) == "footer"
    assert region_of(None, {"year_amount"}) == region_of(None, {"funding[0]"}) == "money"
    assert region_of(None, {"annual_goal"}) == "goals" and region_of(None, {"name"}) == region_of(None, ()) == "fields"
    # a row of labels (line 3) whose values are on the row below (line 4): both are money
    rows = [(1, 1, None, frozenset({"name"})), (3, 3, None, frozenset()), (4, 5, None, frozenset({"year_amount"}))]
    assert row_regions(rows, {"name": 1, "year_amount": 3}) == (
        RowRegion(1, 1, "fields"), RowRegion(3, 3, "money"), RowRegion(4, 5, "money"))


# -- facts: a grid → what was read, as plain data ---------------------------------------------
def _read_facts(lines, form="national"):
    from xlsync.published.grid import build_grid
    from xlsync.published.segment import Region
    from xlsync.published.table import TableReader
    from xlsync.published.vocab import vocab

    v = vocab(form)
    region = Region(start=1, lines=lines)
    return TableReader(v, "t.txt", region, ReadOptions(), last_region=True).facts(build_grid(lines, 1, v))


def test_the_fact_readers_hand_over_plain_facts_notes_and_each_rows_region():
    read = _read_facts(["项目名称 | 甲经费 |", "项目资金（万元） | 年度资金总额 | 10 |", "其中：财政拨款 | 10 |",
                        "年度目标 | 完成培训 |", "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 |",
                        "产出指标 | 数量指标 | 培训人次 | ≥200人次 |", "资金拨付对象：本单位", "填报人：张三 | 审核人（签字）： |"])
    (facts,) = read.projects
    assert facts.fields == {"name": ("甲经费", 1), "year_amount": ("10", 2), "annual_goal": ("完成培训", 4)}
    assert facts.units == {"year_amount": "万元"} and facts.funding == (
        {"source": "财政拨款", "total_amount": None, "year_amount": "100000.00"},)
    assert [(i["level1"], i["level2"], i["name"], i["target"], i["line"]) for i in facts.indicators] == [
        ("产出指标", "数量指标", "培训人次", "≥200人次", 6)]
    assert facts.extra == (("资金拨付对象", "本单位", 7), ("填报人", "张三", 8))
    assert [r.region for r in read.regions] == ["fields", "money", "money", "goals", "indicators", "indicators",
                                               "fields", "footer"]
    assert [n.code for n in facts.notes] == ["FOOTER"] and not facts.truncated


# -- stages on generated inputs ----------------------------------------------------------------
_WORD = st.text(alphabet="甲乙丙丁戊己庚辛0123456789", min_size=1, max_size=6)


@given(st.lists(st.lists(_WORD, min_size=2, max_size=5), min_size=1, max_size=6), st.integers(1, 50))
def test_a_grid_of_bordered_cells_keeps_every_cell_and_its_line(table, first):
    from xlsync.published.grid import build_grid

    grid = build_grid([" | ".join(row) + " |" for row in table], first, V)
    assert grid.kind == "cells" and not grid.open_end
    assert [[c.text for c in r] for r in grid.rows] == table
    assert [{c.line for c in r} for r in grid.rows] == [{first + k} for k in range(len(table))]


@given(st.sampled_from([None, "composition", "indicators", "footer"]),
       st.sets(st.sampled_from(["name", "year_amount", "funding[0]", "annual_goal", "remark", "indicators[0]"])))
def test_every_row_has_exactly_one_region(section, keys):
    from xlsync.published.regions import REGIONS, region_of

    region = region_of(section, keys)
    assert region in REGIONS and (section is None or region == section)


@given(st.decimals(min_value=1, max_value=10**5, places=2, allow_nan=False),
       st.sampled_from(["万元", "元", None]), st.booleans())
def test_assemble_stores_an_amount_only_as_the_table_shows_it(amount, unit, loose):
    from decimal import Decimal

    from xlsync.published.notes import REVIEW_CODES, Note

    notes = (Note("warning", "LABEL_LOOSE", "…", "t.txt", 2, "name", "本项目名称: 甲经费"),) if loose else ()
    facts = _facts(fields={"name": ("甲经费", 2), "year_amount": (str(amount), 4)}, units={"year_amount": unit},
                   funding=(), notes=notes, prov={"name": 2, "year_amount": 4})
    before = repr(facts)
    (table,) = _assemble(facts)
    doc = table.document
    if unit is None:  # no unit stated anywhere: left empty, a review item proposing both readings
        assert doc.year_amount is None and "MONEY_UNIT_UNKNOWN" in [r.code for r in doc.review]
    else:
        assert Decimal(doc.year_amount) == amount * (10000 if unit == "万元" else 1)
    assert [r.code for r in doc.review] == [n.code for n in table.notes if n.code in REVIEW_CODES]
    assert repr(facts) == before


# -- the row stage's state (rowstate) ----------------------------------------------------------
def test_a_money_groups_sources_stand_in_its_amount_labels_columns_and_a_label_closes_it():
    from xlsync.published.rowstate import MoneyGroup

    group = MoneyGroup(unit="万元", annual=True, sources=True)
    assert group.columns() == ["annual"] and group.column(3) == "annual"  # no amount labels: the group's
    group.kinds = ["total", "annual"]  # 项目总额 | 年度金额 on the row above the sources
    assert [group.column(k) for k in range(3)] == ["total", "annual", "annual"]
    group.close()
    assert (group.unit, group.annual, group.sources, group.kinds) == (None, False, False, ["total", "annual"])
    assert MoneyGroup().columns() == ["either"]


def test_each_project_of_a_list_form_table_gathers_its_own_facts_and_notes():
    read = _read_facts(["单位名称 | 项目名称 | 预算数（万元） | 一级指标 | 二级指标 | 三级指标 | 指标值 |",
                        "甲局 | 一经费 | 10 | 产出指标 | 数量指标 | 培训人次 | ≥200人次 |",
                        " | | | 效益指标 | 社会效益指标 | 知晓率 | ≥90% |",
                        "乙局 | 二经费 | 20 | 产出指标 | 数量指标 | 检查次数 | ≥4次 |"])
    assert [(p.first_line, p.fields["name"][0], p.fields["unit_name"][0]) for p in read.projects] == [
        (2, "一经费", "甲局"), (4, "二经费", "乙局")]
    assert [[i["name"] for i in p.indicators] for p in read.projects] == [["培训人次", "知晓率"], ["检查次数"]]
    assert [p.prov["indicators[0]"] for p in read.projects] == [2, 4]


def test_a_money_group_inside_another_keeps_its_frame_unless_it_names_the_year():
    from xlsync.published.rowstate import MoneyGroup

    group = MoneyGroup()
    group.open("万元", annual=False)
    group.kinds.append("total")
    group.open(None, annual=False)  # 按收入性质分 inside 项目资金（万元）
    assert (group.unit, group.annual, group.sources, group.kinds) == ("万元", False, True, ["total"])
    group.open(None, annual=True)  # 年度资金
    assert (group.unit, group.annual, group.kinds) == ("万元", True, [])


def test_a_headers_roles_become_column_groups_with_their_categories_first():
    from xlsync.published.indicators import column_roles, sub_header
    from xlsync.published.rows import Role

    got = column_roles(["level1", "level2", "name", "target"], "annual")
    assert [(r.kind, r.group) for r in got] == [("cats", 0), ("l2text", 0), ("name", 0), ("target", 0)]
    assert {r.period for r in got} == {"annual"}
    got = column_roles(["name", "name", "target"], "annual")  # 指标 | 指标内容: the first holds the categories
    assert [r.kind for r in got] == ["cats", "name", "target"]
    side = column_roles(["level1", "name", "target", "name", "target"], "annual")  # 实施期 | 年度 side by side
    assert [(r.kind, r.period, r.group) for r in side] == [
        ("cats", "long_term", 0), ("name", "long_term", 0), ("target", "long_term", 0),
        ("cats", "annual", 1), ("name", "annual", 1), ("target", "annual", 1)]
    split = sub_header(got, ["actual", "target"])
    assert split == [Role("cats", "annual"), Role("name", "annual"), Role("actual", "annual"), Role("target", "annual")]


def test_a_weight_is_a_small_plain_number_or_nothing():
    from xlsync.published.indicators import plain_weight

    assert [plain_weight(t) for t in ("10", "10分", " 12.50 ", "5%", "1,000")] == ["10", "10", "12.50", "5", "1000"]
    assert [plain_weight(t) for t in ("十", "10-20", "", "1234567")] == [None, None, None, None]


def test_columns_before_any_header_are_categories_a_name_and_a_target():
    from xlsync.published.rowstate import Columns

    assert [(r.kind, r.period) for r in Columns(period="long_term").default_roles()] == [
        ("cats", "long_term"), ("name", "long_term"), ("target", "long_term")]


def test_a_row_with_the_headers_columns_is_read_by_position_else_left_to_the_aligner():
    from xlsync.published.indicators import by_position
    from xlsync.published.rows import Tok
    from xlsync.published.rowstate import Columns

    cols = Columns(by_col={0: "level1", 1: "level2", 2: "name", 3: "target"}, ncols=4)
    row = [Tok(t, 7, col=k, ncols=4) for k, t in enumerate(["产出指标(20分)", "", "培训人次", "≥200人次"])]
    placed = by_position(row, cols, V.is_category)
    assert [(p.role.kind, p.text) for p in placed] == [("cats", "产出指标"), ("name", "培训人次"), ("target", "≥200人次")]
    assert by_position(row[:3] + [Tok("≥200人次", 7, col=3, ncols=5)], cols, V.is_category) is None  # other columns
    named = [Tok("数量指标", 7, col=2, ncols=4)]  # a category in the name column: the aligner decides
    assert by_position(named, cols, V.is_category) is None and by_position(row, Columns(), V.is_category) is None


def test_the_row_stages_state_is_its_inputs_and_the_declared_state_objects():
    """Nothing set lazily on the reader: after reading real tables (the seeds, the samples) it
    holds its inputs and one object per concern, and those objects take no undeclared attribute."""
    from pathlib import Path

    import pytest

    from xlsync.published.decode import decode
    from xlsync.published.notes import Note
    from xlsync.published.rowstate import Place
    from xlsync.published.segment import choose_form, segment
    from xlsync.published.table import TableReader

    root = Path(__file__).parent
    seen: set[str] = set()
    read = 0
    for path in [*sorted((root.parent / "examples").glob("*.txt")), *sorted((root / "data" / "samples").glob("*.txt"))]:
        text, _notes = decode(path.read_bytes(), str(path), Note)
        vocabs = candidates(ReadOptions())
        regions, _outside = segment(text.splitlines(), vocabs)
        for k, region in enumerate(regions):
            reader = TableReader(choose_form(region, vocabs), str(path), region, ReadOptions(), k == len(regions) - 1)
            reader.facts()
            seen |= set(vars(reader))
            read += 1
    assert read > 20 and seen == {"v", "file", "region", "options", "last_region", "place", "project", "money",
                                  "columns", "levels", "waiting", "projects", "trace"}
    with pytest.raises(AttributeError):
        Place().undeclared = 1


def test_an_amount_read_under_资金总额_is_located_as_the_amount_it_became():
    """'资金总额' names no year: assemble places it as the year's (or the total's) amount, and
    the table's provenance says where that amount was read (findings point at its line)."""
    from xlsync.published import read_text

    (t,) = read_text(small_national("| 项目资金（万元） | 资金总额 | 10 |"), "either.txt")[0]
    assert t.document.year_amount == "100000.00"
    assert t.provenance["year_amount"].line == 5


def test_explain_shows_the_budget_years_own_line_as_written():
    """--explain: the line that states the budget year is shown with its text, not as empty."""
    from xlsync.published import read_text

    (t,) = read_text(small_national(), "year.txt")[0]
    assert (2, "预算年度", "（2021年度）") in t.explain


@settings(max_examples=60, deadline=None)
@given(unit=st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=24),
       year=st.sampled_from(["", "2020年", "2021年度"]),
       form=st.sampled_from(["项目支出绩效目标表", "项目绩效目标批复表", "部门整体支出绩效目标表", "绩效目标申报表"]))
def test_a_titles_form_name_is_what_follows_its_unit_and_year_never_a_word_cut(unit, year, form):
    """The form's name from a table's title: after the unit and year that lead it; else the
    title whole or from a form's lead word (项目…, 部门整体支出…) — never cut inside the unit."""
    from xlsync.published.read import _form_name

    assume("绩效" not in unit and "表" not in unit and "年" not in unit)
    got = _form_name(unit + year + form)
    if year:
        assert got == form
    else:
        assert got == unit + form or (got.startswith(("项目", "部门整体支出", "整体支出")) and (unit + form).endswith(got))
