"""Importing published 项目支出绩效自评表 text (xlsync.published.selfeval): one document per table,
its targets as indicators and the year-end results beside them, everything as printed.

The tables here are invented in the shapes real ones come in (tests/selfevaltext.py renders
them); real published 自评表 are checked outside the repository (third-party text)."""

import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlsync.cli import cli
from xlsync.published import read_file, read_text
from xlsync.published.selfeval import split_glued_rows
from xlsync.store import Store

sys.path.insert(0, str(Path(__file__).parent))
from selfevaltext import EXAMPLE, render  # noqa: E402

DATA = Path(__file__).parent / "data" / "selfeval"


def _wan(text: str) -> str:
    return f"{Decimal(text) * 10000:.2f}"


def _check(doc, spec: dict) -> None:
    assert (doc.name, doc.department_name, doc.unit_name, doc.year) == (
        spec["name"], spec["department"], spec["unit"], spec["year"])
    assert doc.form == "项目支出绩效自评表" and doc.layout == "national"
    assert doc.annual_goal == spec["goal"]
    [stage] = doc.results
    assert stage.stage == "evaluate" and stage.through_month is None
    assert stage.goal_achieved == spec["done"]
    assert stage.total_score == spec["total_score"]
    assert len(stage.money) == len(spec["money"])
    for got, want in zip(stage.money, spec["money"], strict=True):
        assert got.source == (None if want.get("total") else want["label"].removeprefix("其中："))
        assert (got.budget_initial, got.budget_full, got.spent) == (
            _wan(want["initial"]), _wan(want["full"]), _wan(want["spent"]))
        assert got.rate == want["rate"].rstrip("%")
        assert got.score == (want["score"] if want.get("total") else None)
    assert len(doc.indicators) == len(stage.indicators) == len(spec["indicators"])
    for k, (ind, res, want) in enumerate(zip(doc.indicators, stage.indicators, spec["indicators"], strict=True)):
        assert (ind.level1, ind.level2, ind.name, ind.target, ind.weight) == (
            want["level1"], want["level2"], want["name"], want["target"], want["weight"])
        assert (res.index, res.name, res.target) == (k, want["name"], want["target"])
        assert (res.actual, res.weight, res.score, res.reason, res.remedy) == (
            want["actual"], want["weight"], want["score"], want.get("reason"), None)


@pytest.mark.parametrize("shape", ["pipes", "cells", "spaces"])
def test_each_shape_gives_one_document_with_targets_and_results_as_printed(shape):
    tables, _notes = read_file(DATA / f"example-{shape}.txt")
    [t] = tables
    assert t.ok and not t.truncated and t.document.review == []
    assert not [n for n in t.notes if n.level != "info"]
    _check(t.document, EXAMPLE)


def test_a_self_evaluation_is_not_read_as_a_target_table():
    """Before this reader, 完成值/得分 columns became indicators of a target table."""
    [t], _ = read_file(DATA / "example-pipes.txt")
    names = [i.name for i in t.document.indicators]
    assert "实际完成值" not in names and "得分" not in names and len(names) == 5
    assert t.form == "selfeval"


def test_without_its_title_a_table_with_actual_and_score_columns_is_a_self_evaluation():
    text = render(EXAMPLE, "pipes").split("\n", 2)[2]  # no title, no year line
    [t], _ = read_text(text, "t.txt")
    assert t.document.results and len(t.document.indicators) == 5
    assert any(n.code == "TITLE_MISSING" for n in t.notes)
    assert t.document.year is None and any(n.code == "YEAR_MISSING" for n in t.notes)


def test_a_cut_off_table_is_reported_cut_off_and_not_written(tmp_path):
    store = tmp_path / "store"
    r = CliRunner().invoke(cli, ["import-text", "--store", str(store), "--format", "json",
                                 str(DATA / "example-cut.txt")])
    assert r.exit_code == 1, r.output
    report = json.loads(r.output)
    [outcome] = report["tables"] if "tables" in report else report["outcomes"]
    assert outcome["status"] == "truncated"
    assert not list(Store(store).ids()) if store.exists() else True
    [t], _ = read_file(DATA / "example-cut.txt")
    assert t.truncated and any(n.code == "TABLE_TRUNCATED" for n in t.notes)
    assert len(t.document.indicators) == 2  # what it holds, written only with --allow-truncated


def test_amounts_without_a_stated_unit_are_left_empty_with_both_readings():
    spec = {**EXAMPLE, "unit_label": ""}
    [t], _ = read_text(render(spec, "pipes"), "t.txt")
    doc = t.document
    money = doc.results[0].money[0]
    assert (money.budget_initial, money.budget_full, money.spent) == (None, None, None)
    assert money.rate == "94.51" and money.score == "9.45"  # not amounts: kept
    items = [i for i in doc.review if i.code == "MONEY_UNIT_UNKNOWN"]
    assert len(items) == 9
    first = items[0]
    assert first.field == "results[0].money[0].budget_initial" and first.source == "120.00"
    assert first.proposed == "120.00 元 或 120.00 万元"


def test_a_unit_stated_above_the_table_is_used_and_said_so():
    spec = {**EXAMPLE, "unit_label": ""}
    [t], _ = read_text("金额单位：万元\n" + render(spec, "cells"), "t.txt")
    money = t.document.results[0].money[0]
    assert money.budget_full == "1185000.00"
    assert {i.code for i in t.document.review} == {"MONEY_UNIT_FROM_PAGE"}


def test_imported_self_evaluation_scores_and_validation_reports_the_printed_score_that_disagrees(tmp_path):
    store = str(tmp_path / "store")
    run = CliRunner()
    r = run.invoke(cli, ["import-text", "--store", store, str(DATA / "example-spaces.txt")])
    assert r.exit_code == 0, r.output
    r = run.invoke(cli, ["score", "--store", store, "--format", "json"])
    assert r.exit_code == 0, r.output
    scored = json.loads(r.output)
    text = json.dumps(scored, ensure_ascii=False)
    assert "老年人满意度" in text
    r = run.invoke(cli, ["validate", "--store", store, "--format", "json"])
    findings = json.loads(r.output)["findings"]
    mismatch = {f["field"] for f in findings if f["code"] == "SCORE_MISMATCH"}
    # 满意度 ≥95%, actual 90%, 分值 10: the rule gives 10 × 90 ÷ 95 = 9.47, the table prints 9
    assert "results[0].indicators[4].score" in mismatch
    assert "results[0].total_score" in mismatch
    assert "results[0].money[0].score" not in mismatch  # 112 ÷ 118.5 × 10 = 9.45 as printed
    # the year's amount is the 年初预算数 printed (the 项目属性/项目期 a 自评表 does not print are missing)
    assert "year_amount" not in {f["field"] for f in findings if f["code"] == "FIELD_MISSING"}


def test_rows_without_borders_are_cut_by_the_shapes_of_their_values():
    order = ["weight", "target", "actual", "score", "reason"]
    assert split_glued_rows("安装水标尺10≥266米≥266米10水标尺宽度10≥50厘米≥50厘米10", order) == [
        ("安装水标尺", {"weight": "10", "target": "≥266米", "actual": "≥266米", "score": "10"}),
        ("水标尺宽度", {"weight": "10", "target": "≥50厘米", "actual": "≥50厘米", "score": "10"})]
    assert split_glued_rows("项目计划总投资1020万元20万元10", order) == [
        ("项目计划总投资", {"weight": "10", "target": "20万元", "actual": "20万元", "score": "10"})]
    order = ["target", "actual", "reason"]
    assert split_glued_rows("完成时间12月已完成", order) == [("完成时间", {"target": "12月", "actual": "已完成"})]
    # the name and a worded target cannot be told apart: no cut
    assert split_glued_rows("拓展销售渠道同比2022年销量显著提高显著提高", order) is None


def test_a_table_printed_without_any_borders_is_read_and_every_cut_is_a_review_item():
    text = ("绩效目标自评表(2023年度)项目名称乡村道路养护项目主管部门某县交通运输局实施单位某县公路中心"
            "资金情况(万元)全年预算数(A)全年执行数(B)分值执行率(B/A)得分年度资金总额:50451090.00%9"
            "其他资金年度总体目标年初设定目标年度总体目标完成情况综述养护道路30公里。"
            "绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分未完成原因及拟采取的改进措施"
            "产出指标数量指标养护里程40≥30公里≥30公里40质量指标验收合格率30100%100%30"
            "满意度指标服务对象满意度指标群众满意度20≥90%≥90%20总分10099\n")
    [t], _ = read_text(text, "t.txt")
    doc = t.document
    assert (doc.name, doc.department_name, doc.unit_name, doc.year) == ("乡村道路养护项目", "某县交通运输局",
                                                                        "某县公路中心", 2023)
    money = doc.results[0].money[0]
    assert (money.budget_full, money.spent, money.rate, money.score) == ("500000.00", "450000.00", "90.00", "9")
    assert [(i.name, i.target, i.weight) for i in doc.indicators] == [
        ("养护里程", "≥30公里", "40"), ("验收合格率", "100%", "30"), ("群众满意度", "≥90%", "20")]
    assert [r.score for r in doc.results[0].indicators] == ["40", "30", "20"]
    assert doc.results[0].total_score is None  # '10099' is not a doubled number: not guessed
    codes = [i.code for i in doc.review]
    assert codes.count("RUN_TOGETHER") >= 5  # the text, the money row and each indicator row


# -- round trip: any self-evaluation rendered as text reads back ---------------------------------
_CH = "养老服务社区补助运营道路维修培训人员设备采购改造绿化供水照明宣传"
_name = st.text(alphabet=_CH, min_size=2, max_size=10)
_PAIRS = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("产出指标", "成本指标"),
          ("效益指标", "社会效益指标"), ("效益指标", "经济效益指标"), ("满意度指标", "服务对象满意度指标")]
_UNITS = ["人次", "%", "个", "万元", "台", "公里"]


@st.composite
def _indicator(draw):
    l1, l2 = draw(st.sampled_from(_PAIRS))
    unit = draw(st.sampled_from(_UNITS))
    op = draw(st.sampled_from(["≥", "≤", "=", ""]))
    weight = draw(st.integers(1, 40))
    score = draw(st.decimals(0, weight, places=draw(st.integers(0, 2)), allow_nan=False))
    qualitative = draw(st.booleans())
    target = draw(st.sampled_from(["明显提升", "逐步改善", "有效保障"])) if qualitative else \
        f"{op}{draw(st.integers(1, 99999))}{unit}"
    actual = draw(st.sampled_from(["明显提升", "基本达成", "未达成"])) if qualitative else \
        f"{draw(st.integers(0, 99999))}{unit}"
    return {"level1": l1, "level2": l2, "name": draw(_name), "target": target, "actual": actual,
            "weight": str(weight), "score": f"{score:f}", "reason": draw(st.none() | _name)}


def _amount(draw):
    return f"{draw(st.decimals(0, 99999, places=2, allow_nan=False)):.2f}"


@st.composite
def _spec(draw):
    indicators = sorted(draw(st.lists(_indicator(), min_size=1, max_size=8)),
                        key=lambda i: _PAIRS.index((i["level1"], i["level2"])))
    money = []
    for k, label in enumerate(draw(st.sampled_from([["年度资金总额"], ["年度资金总额", "其中：财政拨款"],
                                                   ["年度资金总额", "其中：当年财政拨款", "上年结转资金"]]))):
        full, spent = _amount(draw), _amount(draw)
        rate = f"{Decimal(spent) / Decimal(full) * 100:.2f}%" if Decimal(full) else "0.00%"
        money.append({"label": label, "total": k == 0, "initial": _amount(draw), "full": full, "spent": spent,
                      "rate": rate, "score": f"{draw(st.integers(0, 10))}"})
    return {"year": draw(st.integers(2018, 2030)), "name": draw(_name), "department": draw(_name) + "局",
            "unit": draw(_name) + "中心", "money": money, "goal": draw(_name) + "。", "done": draw(_name) + "。",
            "indicators": indicators, "total_weight": "100", "total_score": f"{draw(st.integers(0, 100))}"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=_spec(), shape=st.sampled_from(["pipes", "cells", "spaces"]))
def test_any_self_evaluation_rendered_as_text_reads_back(spec, shape):
    [t], _ = read_text(render(spec, shape), "t.txt")
    assert t.ok and not t.truncated, [str(n) for n in t.notes]
    assert t.document.review == [], [i.message for i in t.document.review]
    _check(t.document, spec)


def test_a_monitoring_table_gives_a_monitor_stage_through_its_month():
    text = "\n".join([
        "项目支出绩效运行监控表（2024年度）",
        "| 项目名称 | 社区养老服务中心运营补助 |",
        "| 主管部门 | 某市民政局 | 实施单位 | 某市养老服务中心 |",
        "| 项目资金（万元） | 年初预算数 | 全年预算数 | 1-7月执行数 | 执行率 |",
        "| 年度资金总额 | 120.00 | 118.50 | 60.00 | 50.63% |",
        "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 1-7月完成值 | 全年预计完成情况 | 偏差原因分析及改进措施 |",
        "| 产出指标 | 数量指标 | 日间照料服务人次 | ≥20000人次 | 11000人次 | 确定能 | |",
        "| 满意度指标 | 服务对象满意度指标 | 老年人满意度 | ≥95% | 90% | 有可能 | 菜品单一，正在调整 |",
    ]) + "\n"
    [t], _ = read_text(text, "t.txt")
    assert t.ok and not t.truncated, [str(n) for n in t.notes]
    [stage] = t.document.results
    assert (stage.stage, stage.through_month) == ("monitor", 7)
    assert stage.money[0].spent == "600000.00" and stage.money[0].rate == "50.63"
    assert [(r.actual, r.outlook, r.reason) for r in stage.indicators] == [
        ("11000人次", "确定能", None), ("90%", "有可能", "菜品单一，正在调整")]
    assert [i.weight for i in t.document.indicators] == [None, None]


def test_a_column_the_form_does_not_name_is_kept_in_the_indicators_note():
    text = render(EXAMPLE, "pipes").replace("| 实际完成值 |", "| 实际完成值 | 评分标准 |")
    for i in EXAMPLE["indicators"]:
        text = text.replace(f"| {i['target']} | {i['actual']} |", f"| {i['target']} | {i['actual']} | 按比例 |")
    [t], _ = read_text(text, "t.txt")
    doc = t.document
    assert [i.note for i in doc.indicators] == ["评分标准：按比例"] * 5
    assert [r.score for r in doc.results[0].indicators] == ["20", "15", "15", "30", "9"]
    assert any(n.code == "COLUMN_UNKNOWN" for n in t.notes) and doc.review == []


def test_a_text_holding_target_tables_and_a_self_evaluation_reads_each_with_its_reader():
    seed = (Path(__file__).parent.parent / "examples" / "zhengzhou-hpf-2020.txt").read_text(encoding="utf-8")
    text = seed + "\n" + render(EXAMPLE, "cells") + "\n" + seed
    tables, _ = read_text(text, "t.txt")
    assert [t.form for t in tables] == ["seed"] * 12 + ["selfeval"] + ["seed"] * 12
    assert sum(len(t.document.indicators) for t in tables if t.form == "seed") == 2 * 216
    assert all(t.ok and t.document.review == [] for t in tables)
    _check(tables[12].document, EXAMPLE)
    assert [t.first_line for t in tables] == sorted(t.first_line for t in tables)


def _differs(doc, spec) -> bool:
    try:
        _check(doc, spec)
    except AssertionError:
        return True
    return False


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=_spec(), shape=st.sampled_from(["pipes", "spaces"]), data=st.data())
def test_a_cell_lost_from_the_text_is_never_read_wrong_without_a_word(spec, shape, data):
    """Text where one cell of a money or indicator row went missing (as empty cells vanish from
    pipe and space layouts): what is read either matches, or the table says it guessed (a review
    item) or is not written."""
    lines = render(spec, shape).splitlines()
    body = [k for k, ln in enumerate(lines) if any(ch.isdigit() for ch in ln) and k > 1 and "总分" not in ln]
    k = data.draw(st.sampled_from(body))
    sep = " | " if shape == "pipes" else "    "
    cells = lines[k].strip("| ").split(sep)
    if len(cells) < 3:
        return
    # a cell lost in the middle of a row (one lost at its end is an empty cell: nobody can tell)
    j = data.draw(st.integers(1, len(cells) - 2))
    lines[k] = sep.join(cells[:j] + cells[j + 1:])
    tables, _ = read_text("\n".join(lines) + "\n", "t.txt")
    for t in tables:
        if t.document is not None and t.ok and not t.document.review:
            assert not _differs(t.document, spec), f"read wrong without a word: {lines[k]}"


def test_reason_and_remedy_in_columns_of_their_own():
    text = render(EXAMPLE, "cells").replace("偏差原因分析及改进措施 |", "偏差原因 |\n改进措施 |")
    lines = text.splitlines()
    out = []
    for ln in lines:
        out.append(ln)
        if ln == "部分老人对菜品不满意，已调整菜单 |":
            out[-1] = "部分老人对菜品不满意 |"
            out.append("已调整菜单 |")
        elif ln == "|" and len(out) > 2 and out[-3].rstrip(" |") in ("20", "15", "30"):
            out.append("|")  # each other row's empty 改进措施 cell
    [t], _ = read_text("\n".join(out) + "\n", "t.txt")
    res = t.document.results[0].indicators
    assert [(r.reason, r.remedy) for r in res] == [(None, None)] * 4 + [("部分老人对菜品不满意", "已调整菜单")]
    assert t.ok and t.document.review == []


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=_spec(), shape=st.sampled_from(["pipes", "cells", "spaces"]), data=st.data())
def test_a_text_cut_anywhere_inside_the_table_is_never_complete(spec, shape, data):
    lines = render(spec, shape).splitlines()
    end = next(k for k, ln in enumerate(lines) if ln.startswith(("总分", "| 总分")))
    cut = data.draw(st.integers(3, end))  # the text stops before the 总分 row
    tables, _ = read_text("\n".join(lines[:cut]) + "\n", "t.txt")
    for t in tables:
        assert t.truncated or not t.ok


def test_fact_labels_the_reader_does_not_spell_are_read_by_the_forms_vocabulary():
    text = render(EXAMPLE, "pipes").replace("| 主管部门 |", "| 主管预算部门 |").replace("| 实施单位 |", "| 项目单位 |")
    [t], _ = read_text(text, "t.txt")
    doc = t.document
    assert (doc.department_name, doc.unit_name) == ("某市民政局", "某市养老服务中心")
    [item] = doc.review
    assert (item.code, item.field, item.source) == ("LABEL_LOOSE", "department_name", "主管预算部门")


@pytest.mark.parametrize("shape", ["pipes", "cells"])
def test_an_unknown_column_in_the_header_of_either_layout(shape):
    text = render(EXAMPLE, shape).replace("年度指标值", "全年指标值").replace("实际完成值", "实际完成值 | 评分依据")
    if shape == "cells":
        text = text.replace("实际完成值 | 评分依据 |", "实际完成值 |\n评分依据 |")
        for i in EXAMPLE["indicators"]:
            text = text.replace(f"{i['actual']} |\n{i['weight']} |", f"{i['actual']} |\n按比例 |\n{i['weight']} |", 1)
    else:
        for i in EXAMPLE["indicators"]:
            text = text.replace(f"| {i['actual']} | {i['weight']} |", f"| {i['actual']} | 按比例 | {i['weight']} |", 1)
    [t], _ = read_text(text, "t.txt")
    doc = t.document
    assert [i.target for i in doc.indicators] == [i["target"] for i in EXAMPLE["indicators"]]
    assert [i.note for i in doc.indicators] == ["评分依据：按比例"] * 5
    assert [r.score for r in doc.results[0].indicators] == ["20", "15", "15", "30", "9"]
