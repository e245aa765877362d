"""Layouts that are not a grid, read by principle (issue: reading any real table truthfully).

Generated tables (hypothesis) in three layouts the grid reader cannot read as they stand, each
turned into grid rows by a stage of its own that takes and returns plain data:

- an indented tree (a 批复表 `项目 | 指标值 | 绩效金额`, the hierarchy shown only by leading
  spaces): depth is the column (`xlsync.published.tree`);
- indicators written as prose (a 公示: `一、 产出指标` / `数量指标:名称(≥**株)>=17600株;…。`):
  the level words, `:`, `;`/`。` and the template placeholders mark the cells
  (`xlsync.published.prose`);
- two label/value pairs glued into one cell, a glued label known only by its head word, and a
  cell of glued labels (`xlsync.published.twolabels`).

What the layout shows plainly is read plainly; every inference that is not plain is a review
item, so such a table is never written with exit 0 on a guess.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from nationaltext import SEPARATORS, render, rows_of
from test_national_layouts import CJK, TREE, _free, documents
from xlsync.forms import reading

from xlsync.published import read_text
from xlsync.published.cells import GRID
from xlsync.published.prose import find_blocks
from xlsync.published.tree import untree
from xlsync.published.twolabels import label_run, second_pair
from xlsync.published.vocab import vocab

V = vocab("national")
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
word = st.text(CJK, min_size=3, max_size=10).filter(_free).filter(lambda w: "级" not in w)


# -- the indented tree --------------------------------------------------------------------
ANNOTATIONS = ("", "(必填)", "(必填硬性指标)", "（选填）")


def _tree_text(doc, step: str, blank: bool, header: bool, notes: list[str], inline: bool = False,
               deep: bool = False, wrap: bool = False) -> str:
    """The document as a 批复表 tree: unit, project (its amount below it), 一级, 二级, names,
    each value on an unindented line of its own (inline: after its node, a gap between; deep:
    a name's value indented one step deeper than the name; wrap: a name's end wrapped deeper)."""
    out = [f"{doc.year}年项目绩效目标批复表", "单位:元"]
    if header:
        out += ["项目", "指标值", "绩效金额"]
    out += [step + doc.unit_name]
    out += [step * 2 + doc.name + "    " + doc.year_amount] if inline else [step * 2 + doc.name, doc.year_amount]
    l1 = l2 = None
    for k, i in enumerate(doc.indicators):
        if i.level1 != l1:
            out.append(step * 3 + i.level1)
            l1, l2 = i.level1, None
        if i.level2 != l2:
            out.append(step * 4 + i.level2 + notes[k % len(notes)])
            l2 = i.level2
        if inline:
            out.append(step * 5 + i.name + "    " + i.target)
        elif wrap:  # a long name wrapped: its end one step deeper, the value below it
            out += [step * 5 + i.name[:2], step * 6 + i.name[2:], i.target]
        else:
            out += [step * 5 + i.name, (step * 6 if deep else "") + i.target]
    return ("\n\n" if blank else "\n").join(out) + "\n"


@settings(max_examples=40, **SETTINGS)
@given(data=st.data(), step=st.sampled_from([" ", "  ", "\u3000", "\t"]), blank=st.booleans(), header=st.booleans(),
       notes=st.lists(st.sampled_from(ANNOTATIONS), min_size=1, max_size=4), values=st.sampled_from(
           ["below", "inline", "deeper", "wrapped"]))
def test_an_indented_tree_is_read_depth_as_column_and_its_guesses_are_review_items(data, step, blank, header, notes,
                                                                                  values):
    doc = data.draw(documents(False, False, False))
    text = _tree_text(doc, step, blank, header, notes, values == "inline", values == "deeper", values == "wrapped")
    (t,), _ = read_text(text, "tree.txt")
    got = t.document
    assert got is not None, text
    # the levels, names and values: what the depth shows plainly
    assert got.indicators == doc.indicators, text
    # the headings and the amount: read, and each a review item
    assert (got.unit_name, got.name, got.year_amount) == (doc.unit_name, doc.name, doc.year_amount)
    guessed = sorted(r.field for r in got.review if r.code == "TREE_GUESSED")
    assert guessed == ["name", "unit_name", "year_amount"], text
    # an annotation on a level cell is not part of the level's name, and is never silently lost
    shown = [n.message for n in t.notes if n.code == "LEVEL_ANNOTATION"]
    for ann in {a for a in notes if a}:
        if any(step * 4 + i.level2 + ann in text for i in doc.indicators):
            assert any(ann.strip("()（）") in m for m in shown), (ann, shown)


@settings(max_examples=20, **SETTINGS)
@given(data=st.data(), step=st.sampled_from([" ", "  ", "\u3000"]), head=st.sampled_from(["金额(万元)", "金额（万元）"]))
def test_a_trees_amount_column_states_the_unit_of_its_amounts(data, step, head):
    """'项目 | 指标值 | 金额(万元)' printed above the tree, no other unit on the page: the
    project's amount is in 万元 as its column says — read so, never left unread for want of a
    unit (MONEY_UNIT_UNKNOWN) nor taken as 元."""
    doc = data.draw(documents(False, False, False))
    text = _tree_text(doc, step, False, False, [""]).replace("单位:元\n", f"项目\n指标值\n{head}\n")
    (t,), _ = read_text(text, "tree.txt")
    assert t.document is not None, text
    assert Decimal(t.document.year_amount) == Decimal(doc.year_amount) * 10000, text
    assert [r.code for r in t.document.review if r.field == "year_amount"] == ["TREE_GUESSED"], text


def _project_lines(doc, step: str, depth: int) -> list[str]:
    out = [step * depth + doc.name, doc.year_amount]
    l1 = l2 = None
    for i in doc.indicators:
        if i.level1 != l1:
            out.append(step * (depth + 1) + i.level1)
            l1, l2 = i.level1, None
        if i.level2 != l2:
            out.append(step * (depth + 2) + i.level2)
            l2 = i.level2
        out += [step * (depth + 3) + i.name, i.target]
    return out


@settings(max_examples=30, **SETTINGS)
@given(data=st.data(), step=st.sampled_from([" ", "  ", "\u3000"]), n=st.integers(2, 3), dept=st.booleans(),
       unit_total=st.booleans())
def test_a_tree_of_several_projects_gives_one_document_each(data, step, n, dept, unit_total):
    docs = [data.draw(documents(False, False, False)) for _ in range(n)]
    assume(len({d.name for d in docs}) == n)
    d0 = docs[0]
    out = [f"{d0.year}年项目绩效目标批复表", "单位:元", "项目", "指标值", "绩效金额"]
    top = 1
    if dept:
        out.append(step + d0.department_name)
        top = 2
    out.append(step * top + d0.unit_name)
    if unit_total:  # the unit's own total under it: no project's field, said so
        out.append(str(sum(Decimal(d.year_amount) for d in docs)))
    for d in docs:
        out += _project_lines(d, step, top + 1)
    (*tables,), _ = read_text("\n".join(out) + "\n", "trees.txt")
    assert len(tables) == n
    for t, d in zip(tables, docs, strict=True):
        got = t.document
        assert (got.name, got.year_amount, got.unit_name) == (d.name, d.year_amount, d0.unit_name)
        assert got.department_name == (d0.department_name if dept else None)
        assert got.indicators == d.indicators
        fields = sorted(r.field for r in got.review if r.code == "TREE_GUESSED")
        assert fields == sorted(["name", "unit_name", "year_amount"] + (["department_name"] if dept else []))
        assert any(r.code == "LINE_UNPLACED" for r in got.review) == unit_total


@settings(max_examples=60, **SETTINGS)
@given(data=st.data(), sep=st.sampled_from(SEPARATORS), merged=st.booleans())
def test_the_tree_stage_leaves_every_grid_table_alone(data, sep, merged):
    doc = data.draw(documents(False, False, False))
    lines = render(rows_of(doc, merged=merged, note=False, weight=False, split_value=False, groups=False),
                   sep).splitlines()
    assert untree(lines, 1, V) is None


@settings(max_examples=30, **SETTINGS)
@given(data=st.data(), step=st.sampled_from([" ", "  ", "\u3000"]))
def test_the_tree_stage_alone_keeps_the_line_count_and_puts_each_row_on_its_names_line(data, step):
    doc = data.draw(documents(False, False, False))
    lines = _tree_text(doc, step, False, True, [""]).splitlines()
    tree = untree(lines, 1, V)
    assert tree is not None and len(tree.lines) == len(lines)
    grid = {k: ln.removeprefix(GRID).split(" | ") for k, ln in enumerate(tree.lines) if ln.startswith(GRID)}
    rows = [r for r in grid.values() if len(r) == 4]
    assert rows[0] == ["一级指标", "二级指标", "三级指标", "指标值"]
    assert [tuple(r) for r in rows[1:]] == [(i.level1, i.level2, i.name, i.target) for i in doc.indicators]
    for k, r in grid.items():  # each row stands on the line of what it holds: a name, a heading
        if len(r) == 4 and r[0] != "一级指标":
            assert lines[k].strip() == r[2]
        elif len(r) == 2:
            assert lines[k].strip() == r[1]
    assert not any(ln.strip() for k, ln in enumerate(tree.lines) if k not in grid and lines[k].startswith(step))


def test_an_unknown_word_at_a_level_depth_is_kept_as_written_and_is_a_review_item():
    text = "\n".join(["2024年项目绩效目标批复表", "单位:元", " 某某局", "  某某经费", "1000.00",
                      "   产出指标", "    数量指标", "     完成户数", "≥10户", "    进展情况指标", "     完成率", "=100%",
                      "   效益指标", "    社会效益指标", "     受益人数", "≥5人"]) + "\n"
    (t,), _ = read_text(text, "tree.txt")
    got = t.document
    assert [(i.level2, i.name, i.target) for i in got.indicators] == [
        ("数量指标", "完成户数", "≥10户"), ("进展情况指标", "完成率", "=100%"), ("社会效益指标", "受益人数", "≥5人")]
    level_items = [r for r in got.review if r.code == "TREE_GUESSED" and r.field == "indicators"]
    assert [r.source for r in level_items] == ["进展情况指标"]


# -- indicators written as prose -------------------------------------------------------------
NUMBERS = (["一、", "二、", "三、"], ["(一)", "(二)", "(三)"], ["1.", "2.", "3."])
UNITS = ("株", "户", "%", "万元", "人")
OPS = (">=", "≥", "≤", "=")


@st.composite
def prose_tables(draw):
    """(text, expected indicators): a 公示 whose targets are prose under numbered 一级 heads."""
    numbers = draw(st.sampled_from(NUMBERS))
    heads = draw(st.sampled_from(["alone", "with items", "bare"]))  # '一、 产出指标' / '一、产出指标：数量指标:…' / '产出指标：…'
    lines = ["关于" + draw(word) + "项目绩效目标设定的公示", "现将绩效目标设定如下:"]
    want = []
    for k, (l1, l2s) in enumerate(TREE.items()):
        head = {"alone": f"{numbers[k]} {l1}", "with items": f"{numbers[k]}{l1}：", "bare": f"{l1}："}[heads]
        if heads == "alone":
            lines.append(head)
        parts = []
        for l2 in draw(st.lists(st.sampled_from(l2s), min_size=1, max_size=len(l2s), unique=True)):
            items = []
            for _ in range(draw(st.integers(1, 3))):
                unit, op, n = draw(st.sampled_from(UNITS)), draw(st.sampled_from(OPS)), draw(st.integers(1, 99999))
                comma = draw(st.booleans())  # a template name and a specific one: ',' inside a name
                placeholder = f"(≥**{unit})" if draw(st.booleans()) else ""  # the template's, or none
                name = (draw(word) + "," + draw(word) if comma else draw(word)) + placeholder
                items.append(f"{name}{op}{n}{unit}")
                want.append((l1, l2, name, f"{op}{n}{unit}"))
            joint = draw(st.sampled_from([";", "；", ","]))  # ',' ends an item only after a whole target
            parts.append(l2 + draw(st.sampled_from([":", "："])) + joint.join(items))
        lines.append(("" if heads == "alone" else head) + ";".join(parts) + "。")
    lines.append(draw(word) + "人民政府")
    return "\n".join(lines) + "\n", want


@settings(max_examples=60, **SETTINGS)
@given(table=prose_tables())
def test_indicators_written_as_prose_are_cut_by_their_marks_and_every_cut_is_a_review_item(table):
    text, want = table
    (t,), _ = read_text(text, "prose.txt")
    got = t.document
    assert got is not None, text
    assert [(i.level1, i.level2, i.name, i.target) for i in got.indicators] == want, text
    cuts = [r for r in got.review if r.code == "PROSE_SPLIT" and r.field.startswith("indicators[")]
    assert sorted(r.field for r in cuts) == sorted(f"indicators[{k}]" for k in range(len(want)))
    assert all(r.line for r in cuts)  # each names its source line
    assert got.name and [r.field for r in got.review if r.code == "PROSE_SPLIT" and r.field == "name"] == ["name"]


@settings(max_examples=40, **SETTINGS)
@given(table=prose_tables(), keep=st.integers(0, 2))
def test_prose_is_a_table_only_by_its_make_two_level_heads_with_items_under_them(table, keep):
    text, _want = table
    lines = text.splitlines()
    leads = ("", *(n for ns in NUMBERS for n in ns))  # a head opens its line ('社会效益指标：' is no 效益指标 head)
    heads = [k for k, ln in enumerate(lines) if any(ln.endswith(" " + l1) or ln.startswith(tuple(n + l1 + "：" for n in leads))
                                                    for l1 in TREE)]
    alone = [k for k in heads if not lines[k].endswith("。")]  # a head on a line of its own: its items below
    cut = [ln for k, ln in enumerate(lines) if k not in heads[keep + 1:] and not (
        k - 1 in alone and k - 1 in heads[keep + 1:])]  # keep `keep` + 1 heads with their items
    found = find_blocks(cut, V)
    assert bool(found) == (keep >= 1)


# -- glued labels ------------------------------------------------------------------------------
@settings(max_examples=60, **SETTINGS)
@given(data=st.data(), lead=st.sampled_from(["", "区级", "本级"]),
       label=st.sampled_from(["支出预算总量", "项目本年度金额", "年度资金总额"]))
def test_two_label_value_pairs_glued_in_one_cell_are_cut_at_the_second_label_for_review(data, lead, label):
    doc = data.draw(documents(False, False, False))
    assume(doc.unit_name[0] not in "及和与")  # a value that begins like a label's tail ('主管部门' '及编码')
    wan = Decimal(doc.year_amount) / 10000
    rows = rows_of(doc, merged=False, note=False, weight=False, split_value=False, groups=False)
    at = next(k for k, r in enumerate(rows) if r[0] == "项目资金（万元）")
    rows[at:at + 1 + len(doc.funding)] = [["单位:万元"], [f"单位名称{doc.unit_name}{lead}{label}{wan:f}"]]
    rows = [r for r in rows if r[0] != "主管部门及代码"]
    (t,), _ = read_text(render(rows, "tabs"), "glued.txt")
    got = t.document
    assert (got.unit_name, got.year_amount) == (doc.unit_name, doc.year_amount)
    cut = sorted(r.field for r in got.review if r.code == "SPLIT_GUESSED")
    assert cut == ["unit_name", "year_amount"]
    assert got.indicators == doc.indicators


@given(first=word, second=word)
def test_a_value_without_a_second_label_is_never_cut(first, second):
    assert second_pair(first + second, V, "unit_name") is None


@given(first=word, lead=st.sampled_from(["", "区级", "本级", "部门"]),
       label=st.sampled_from(["支出预算总量", "项目本年度金额", "年度预算数"]),
       amount=st.decimals(min_value=0, max_value=99999, places=2), unit=st.sampled_from(["", "万元", "元"]))
def test_the_glued_pair_stage_alone_cuts_before_the_labels_leads(first, lead, label, amount, unit):
    assume(first[-1] not in "区本部级")  # (a value ending like a lead is ambiguous by nature)
    pair = second_pair(f"{first}{lead}{label}{amount}{unit}", V, "unit_name")
    assert pair is not None
    assert (pair.first, pair.label, pair.lab.key, pair.second) == (first, lead + label, "year_amount", f"{amount}{unit}")


@settings(max_examples=40, **SETTINGS)
@given(data=st.data(), label=st.sampled_from(["当年整体绩效目标", "本年度整体绩效目标", "项目当年绩效目标"]))
def test_a_glued_label_known_by_its_head_word_is_read_loosely_and_said_so(data, label):
    doc = data.draw(documents(False, False, False))
    # a goal ending like an amount label ('一金额') glued to '当年…' reads as an amount label by its
    # make: a LABEL_LOOSE item on the amount (tests/test_textimport.py), not this principle
    assume(not reading.regex("amount_label").search(doc.annual_goal))
    # nor one beginning with 表: '当年整体绩效目标' + '表一一' spells a table's title (绩效目标表)
    assume(not doc.annual_goal.startswith("表"))
    key = V.label(label)[0].key  # the goal the label's head word names (as Vocab.label reads it)
    rows = rows_of(doc, merged=False, note=False, weight=False, split_value=False, groups=False)
    at = next(k for k, r in enumerate(rows) if r[0] == "总体目标")
    rows[at:at + 2] = [[f"{label}{doc.annual_goal}"]]
    tables, _ = read_text(render(rows, "tabs"), "loose.txt")
    assert len(tables) == 1, (render(rows, "tabs"), [[(n.code, n.line) for n in x.notes] for x in tables])
    t = tables[0]
    got = t.document
    assert getattr(got, key) == doc.annual_goal
    assert [r.field for r in got.review if r.code == "LABEL_LOOSE"] == [key]


@settings(max_examples=40, **SETTINGS)
@given(data=st.data(), sep=st.sampled_from(("tabs", "lines", "paragraphs")))
def test_a_cell_of_glued_goal_labels_is_a_header_row_of_goal_columns(data, sep):
    doc = data.draw(documents(False, False, False))
    rows = rows_of(doc, merged=False, note=False, weight=False, split_value=False, groups=False)
    at = next(k for k, r in enumerate(rows) if r[0] == "总体目标")
    rows[at:at + 2] = [["总体目标年度目标"], [doc.annual_goal]]
    (t,), _ = read_text(render(rows, sep), "goals.txt")
    got = t.document
    assert (got.overall_goal, got.annual_goal) == (None, doc.annual_goal)
    assert [lab for lab, _l, _u in label_run("总体目标年度目标", V)] == ["总体目标", "年度目标"]


@settings(max_examples=30, **SETTINGS)
@given(data=st.data(), inner=st.sampled_from(["预算单位", "实施单位", "联系电话", "主管部门"]),
       sep=st.sampled_from(("tabs", "lines", "spaces")))
def test_a_project_name_that_mentions_a_label_is_never_cut(data, inner, sep):
    doc = data.draw(documents(False, False, False))
    name = data.draw(word) + inner + data.draw(word) + "经费"
    rows = rows_of(doc, merged=False, note=False, weight=False, split_value=False, groups=False)
    rows = [["项目名称", name] if r[0] == "项目名称" else r for r in rows]
    (t,), _ = read_text(render(rows, sep), "name.txt")
    assert t.document.name == name
    assert not [r for r in t.document.review if r.code == "SPLIT_GUESSED"]
