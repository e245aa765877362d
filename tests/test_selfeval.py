"""From 申报表 to 自评: the bundled national example through the 绩效自评表 workbook.

The example (examples/national-hunan-nanyue-2018.txt) declares 16 quantitative indicators and
no 分值; one qualitative indicator is added to it here (the example has none), so that both
kinds are scored."""

import json
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from xlsync.cli import cli
from xlsync.evaluation import layout as L
from xlsync.store import Store

EXAMPLE = Path(__file__).parent.parent / "examples" / "national-hunan-nanyue-2018.txt"

# index → (实际完成值, 达成情况, 偏差原因)
ACTUALS = {
    0: ("20平方米", None, None),
    1: ("3个", None, None),                       # shortfall, no reason given
    2: ("62亩", None, None),
    3: ("99%", None, None),
    4: ("100%", None, None),
    5: ("500元/亩", None, "土地流转价格上涨"),        # ≤ target exceeded
    6: ("2800元/个", None, None),
    7: ("3000元/平方米", None, None),
    8: ("6万元", None, None),
    9: ("2.7万元", None, None),
    10: ("65000人", None, None),
    11: ("29人", None, None),
    12: ("95%", None, None),
    13: ("92%", None, None),
    14: ("91%", None, None),
    15: ("88%", None, "部分游客对停车条件不满意"),
    16: ("较明显", "部分达成", "游客接待季节性强"),      # the qualitative indicator
}


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _store(tmp_path) -> Store:
    store_dir = tmp_path / "store"
    assert invoke("import-text", EXAMPLE, "--store", store_dir).exit_code == 0
    store = Store(store_dir)
    (doc,), _ = store.documents()
    extra = {"period": "annual", "level1": "效益指标", "level2": "社会效益指标", "name": "带动乡村旅游发展",
             "target": "明显", "note": None, "weight": None}
    store.put(doc.model_copy(update={"indicators": [*doc.indicators, type(doc.indicators[0])(**extra)]}),
              "add a qualitative indicator")
    return store


def _fill(book: Path) -> dict[int, int]:
    """Enter the year's results as a user would; returns index → row."""
    wb = load_workbook(book)
    ws = next(ws for ws in wb.worksheets if ws.title not in ("目录", "_xlsync"))
    labels = {ws.cell(r, L.COL_LABEL).value: r for r in range(1, 12)}
    ws.cell(labels["年度资金总额"], L.COL_SPENT).value = 95000
    ws.cell(labels["其中：财政拨款"], L.COL_SPENT).value = 95000
    ws.cell(labels["其中：其他资金"], L.COL_SPENT).value = 0
    goal = next(r for r in range(1, 20) if ws.cell(r, L.COL_GOAL).value == "实际完成情况")
    ws.cell(goal + 1, L.COL_GOAL).value = "接待游客6.5万人次，村集体收入6万元。"
    rows = {ws.cell(r, L.COL_INDEX).value: r for r in range(1, ws.max_row + 1)
            if isinstance(ws.cell(r, L.COL_INDEX).value, int)}
    for i, (actual, grade, reason) in ACTUALS.items():
        ws.cell(rows[i], L.COL_ACTUAL).value = actual
        ws.cell(rows[i], L.COL_GRADE).value = grade
        ws.cell(rows[i], L.COL_REASON).value = reason
    wb.save(book)
    return rows


def test_from_declaration_to_self_evaluation(tmp_path):
    store = _store(tmp_path)
    book = tmp_path / "自评.xlsx"
    r = invoke("export", "--store", store.root, "--stage", "evaluate", "-o", book)
    assert r.exit_code == 0, r.output
    wb = load_workbook(book)
    ws = wb.worksheets[1]
    assert ws["A1"].value == "项目支出绩效自评表" and ws.protection.sheet
    rows = _fill(book)
    assert ws.cell(rows[1], L.COL_TARGET).protection.locked            # the declared target: locked
    assert not ws.cell(rows[1], L.COL_ACTUAL).protection.locked        # the actual: to enter

    r = invoke("validate", book, "--format", "json", "--write-back")
    found = json.loads(r.output)["findings"]
    missing = [f for f in found if f["code"] == "REASON_MISSING"]
    assert r.exit_code == 1 and len(missing) == 1, found
    assert missing[0]["location"]["cell"] == f"I{rows[1]}" and "贫困地区旅游景点开发数量" in missing[0]["message"]
    assert "偏差原因" in missing[0]["message"]
    assert not [f for f in found if f["code"] in ("ACTUAL_INCOMPARABLE", "SCORE_MISMATCH", "SPENT_OVER_BUDGET")]

    r = invoke("push", book, "--store", store.root)
    assert r.exit_code == 0, r.output
    (doc,), _ = store.documents()
    (stage,) = doc.results
    assert stage.stage == "evaluate" and stage.money[0].spent == "95000.00"
    assert {x.index: x.actual for x in stage.indicators} == {i: a for i, (a, _g, _r) in ACTUALS.items()}

    r = invoke("score", "--store", store.root, "--format", "json")
    assert r.exit_code == 0, r.output
    s = json.loads(r.output)[0]["score"]
    # hand calculation: 预算执行率 95000 / 100000 × 10 = 9.5. Weights by the default split:
    # 产出 50 / 8 = 6.25, 效益 30 / 5 = 6, 满意度 10 / 4 = 2.5.
    # 景点 3/4 × 6.25 = 4.6875 → 4.69; 补助 475/500 × 6.25 = 5.9375 → 5.94; 满意度 88/90 × 2.5
    # = 2.444 → 2.44; 旅游发展 部分达成 60% × 6 = 3.6; the other 13 indicators full marks.
    want = {1: "4.69", 5: "5.94", 15: "2.44", 16: "3.60"}
    got = {i["index"]: i["score"] for i in s["indicators"]}
    for i, value in got.items():
        full = "6.25" if i < 8 else "6" if i in (8, 9, 10, 11, 16) else "2.5"
        assert Decimal(value) == Decimal(want.get(i, full)), (i, value)
    produce = 6 * Decimal("6.25") + Decimal("4.69") + Decimal("5.94")
    benefit = 4 * 6 + Decimal("3.6")
    satisfaction = 3 * Decimal("2.5") + Decimal("2.44")
    assert Decimal(s["budget"]["score"]) == Decimal("9.5")
    assert Decimal(s["total"]) == Decimal("9.5") + produce + benefit + satisfaction == Decimal("95.17")

    # the workbook now shows the rule's scores and how they were found
    wb = load_workbook(book)
    ws = wb.worksheets[1]
    assert Decimal(str(ws.cell(rows[1], L.COL_RULE_SCORE).value)) == Decimal("4.69")
    assert "实际 3 ÷ 指标值 4 × 分值 6.25" in ws.cell(rows[1], L.COL_RULE).value
    r = invoke("score", "--store", store.root, "--verbose")
    assert "总分 95.17" in r.output and "部分达成" in r.output
    # the scores the sheet shows are the rule's, not typed ones: pushing it again changes nothing
    assert Decimal(str(ws.cell(rows[1], L.COL_SCORE).value)) == Decimal("4.69")
    before = store.documents()[0][0]
    r = invoke("push", book, "--store", store.root)
    assert r.exit_code == 0 and store.documents()[0][0] == before, r.output
    # a pull brings a change made in the store (another user's reason) into the sheet
    stage = before.results[0]
    fixed = stage.model_copy(update={"indicators": [
        x.model_copy(update={"reason": "1个景点因用地审批推迟"}) if x.index == 1 else x for x in stage.indicators]})
    store.put(before.model_copy(update={"results": [fixed]}), "reason added")
    assert invoke("pull", book, "--store", store.root).exit_code == 0
    ws = load_workbook(book).worksheets[1]
    assert ws.cell(rows[1], L.COL_REASON).value == "1个景点因用地审批推迟"
    r = invoke("validate", book, "--format", "json")
    # the results have no error left; the declaration itself lacks 项目属性 and 项目期 (the
    # published table states neither), which the national form requires
    errors = {f["code"] for f in json.loads(r.output)["findings"] if f["severity"] == "error"}
    assert errors == {"FIELD_MISSING"}, errors


def test_typed_scores_and_spending_are_checked(tmp_path):
    store = _store(tmp_path)
    book = tmp_path / "自评.xlsx"
    invoke("export", "--store", store.root, "--stage", "evaluate", "-o", book)
    rows = _fill(book)
    wb = load_workbook(book)
    ws = wb.worksheets[1]
    ws.cell(rows[0], L.COL_SCORE).value = 5           # full marks by the rule: 6.25
    ws.cell(rows[2], L.COL_ACTUAL).value = "六十亩"    # not comparable with >=60亩
    other = next(r for r in range(1, 15) if ws.cell(r, L.COL_LABEL).value == "其中：其他资金")
    ws.cell(other, L.COL_SPENT).value = 10            # budget 0
    wb.save(book)
    r = invoke("validate", book, "--format", "json")
    codes = {(f["code"], f["location"].get("cell")) for f in json.loads(r.output)["findings"]}
    assert ("SCORE_MISMATCH", f"H{rows[0]}") in codes
    assert ("ACTUAL_INCOMPARABLE", f"F{rows[2]}") in codes
    assert ("SPENT_OVER_BUDGET", f"F{other}") in codes


def test_monitoring_sheet_round_trips(tmp_path):
    store = _store(tmp_path)
    book = tmp_path / "监控.xlsx"
    assert invoke("export", "--store", store.root, "--stage", "monitor", "--month", "6", "-o", book).exit_code == 0
    wb = load_workbook(book)
    ws = wb.worksheets[1]
    assert ws["A1"].value == "项目支出绩效运行监控表"
    rows = {ws.cell(r, L.COL_INDEX).value: r for r in range(1, ws.max_row + 1)
            if isinstance(ws.cell(r, L.COL_INDEX).value, int)}
    ws.cell(rows[10], L.COL_ACTUAL).value = "21000人"
    ws.cell(rows[10], L.COL_OUTLOOK).value = "有可能"
    wb.save(book)
    r = invoke("validate", book, "--format", "json")
    found = json.loads(r.output)["findings"]
    assert [(f["code"], f["location"]["cell"]) for f in found if f["code"] == "REASON_MISSING"] == \
        [("REASON_MISSING", f"I{rows[10]}")]
    assert invoke("push", book, "--store", store.root).exit_code == 0
    (doc,), _ = store.documents()
    (stage,) = doc.results
    assert (stage.stage, stage.through_month, stage.indicators[0].outlook) == ("monitor", 6, "有可能")


def test_consolidation_shows_scores_by_unit_and_tidy_tables_carry_them(tmp_path):
    store = _store(tmp_path)
    book = tmp_path / "自评.xlsx"
    invoke("export", "--store", store.root, "--stage", "evaluate", "-o", book)
    _fill(book)
    assert invoke("push", book, "--store", store.root).exit_code == 0
    out = tmp_path / "汇总.xlsx"
    r = invoke("consolidate", "--store", store.root, "-o", out, "--json", tmp_path / "t.json")
    assert r.exit_code == 0, r.output
    ws = load_workbook(out)["自评得分"]
    rows = [row for row in ws.iter_rows(values_only=True) if row and row[0] == 1]
    assert rows and rows[0][7] == 95.17 and rows[0][5] == 0.95
    assert "贫困地区旅游景点开发数量( ≥**个 )（未写原因）" in rows[0][8] and "流转土地补助标准（土地流转价格上涨）" in rows[0][8]
    assert ws._charts
    tables = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["tables"]
    (project,) = tables["projects"]
    assert (project["execution_rate"], project["total_score"], project["shortfall_count"]) == ("95.00", "95.17", 4)
    qualitative = tables["indicators"][16]
    assert (qualitative["actual"], qualitative["score"], qualitative["result"], qualitative["reason"]) == \
        ("较明显", "3.60", "shortfall", "游客接待季节性强")


def test_the_add_in_buttons_check_and_push_a_stage_workbook(tmp_path):
    import xlwings as xw
    from payload import payload_from_xlsx

    from xlsync import excel

    store = _store(tmp_path)
    book = tmp_path / "自评.xlsx"
    invoke("export", "--store", store.root, "--stage", "evaluate", "-o", book)
    rows = _fill(book)
    found = excel.validate(xw.Book(json=payload_from_xlsx(book)), report=lambda *a, **k: None)
    # (the declaration's own missing 项目属性/项目期 are FIELD_MISSING, as on the 申报表)
    assert [(f.code, f.location.cell) for f in found if f.severity == "error" and f.code != "FIELD_MISSING"] == [
        ("REASON_MISSING", f"I{rows[1]}")]
    xbook = xw.Book(json=payload_from_xlsx(book))
    report = excel.push(xbook, report=lambda *a, **k: None)
    assert report.written and store.documents()[0][0].results[0].money[0].spent == "95000.00"
    meta = [a for a in xbook.json()["actions"] if a["func"] == "setValues" and a["values"]
            and str(a["values"][0][0]).lstrip("'") == L.STAGE_MARKER]
    assert meta and str(meta[0]["values"][0][2]).lstrip("'") == "evaluate"  # still a stage workbook


def test_a_result_whose_indicator_changed_is_kept_and_reported_never_re_attached(tmp_path):
    store = _store(tmp_path)
    book = tmp_path / "自评.xlsx"
    invoke("export", "--store", store.root, "--stage", "evaluate", "-o", book)
    rows = _fill(book)
    assert invoke("push", book, "--store", store.root).exit_code == 0
    (doc,), _ = store.documents()
    changed = [i.model_copy(update={"target": ">=5个"}) if n == 1 else i for n, i in enumerate(doc.indicators)]
    store.put(doc.model_copy(update={"indicators": changed}), "target raised")
    again = tmp_path / "again.xlsx"
    invoke("export", "--store", store.root, "--stage", "evaluate", "-o", again)
    ws = load_workbook(again).worksheets[1]
    assert ws.cell(rows[1], L.COL_ACTUAL).value is None and "指标已改动" in ws.cell(rows[1], L.COL_RULE).value
    r = invoke("validate", again, "--format", "json")
    drift = [f for f in json.loads(r.output)["findings"] if f["code"] == "RESULT_DRIFT"]
    assert len(drift) == 1 and drift[0]["location"]["cell"] == f"F{rows[1]}"
    assert invoke("push", again, "--store", store.root).exit_code == 0
    kept = store.documents()[0][0].results[0].indicators[1]
    assert (kept.index, kept.target, kept.actual) == (1, ">=4个", "3个")
    assert json.loads(invoke("score", "--store", store.root, "--format", "json").output)[0]["score"]["total"] is None
    wb = load_workbook(again)
    wb.worksheets[1].cell(rows[1], L.COL_ACTUAL).value = "5个"
    wb.save(again)
    assert invoke("push", again, "--store", store.root).exit_code == 0
    fresh = store.documents()[0][0].results[0].indicators[1]
    assert (fresh.target, fresh.actual) == (">=5个", "5个")


_STORE_CACHE: dict = {}
_words = st.text(st.characters(whitelist_categories=("L", "N", "P", "S"), blacklist_characters="'"),
                 min_size=1, max_size=20).map(str.strip).filter(bool)
_money = st.decimals(min_value=0, max_value=Decimal("1e11"), places=2).map(lambda d: f"{d:.2f}")
_score = st.decimals(min_value=0, max_value=100, places=2).map(lambda d: f"{d.normalize():f}")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_results_round_trip_through_the_self_evaluation_sheet(tmp_path, data):
    from xlsync.validators.profiles import load_profile

    from xlsync.document import validate_data
    from xlsync.evaluation.rules import scoring_rules
    from xlsync.evaluation.scoring import score_stage
    from xlsync.evaluation.sheet import write_stage_book
    from xlsync.workbook.reader import read_workbook

    if "doc" not in _STORE_CACHE:
        _STORE_CACHE["doc"] = _store(tmp_path / "s").documents()[0][0]
    doc = _STORE_CACHE["doc"]
    picked = data.draw(st.lists(st.integers(0, len(doc.indicators) - 1), unique=True, max_size=6))
    indicators = [{"index": i, "name": doc.indicators[i].name, "target": doc.indicators[i].target,
                   "actual": data.draw(_words), "grade": data.draw(st.sampled_from([None, "达成", "部分达成", "不适用"])),
                   "outlook": None, "weight": None, "score": data.draw(st.none() | _score),
                   "reason": data.draw(st.none() | _words), "remedy": data.draw(st.none() | _words)}
                  for i in sorted(picked)]
    money = [{"source": s, "budget_initial": data.draw(_money), "budget_full": data.draw(_money),
              "spent": data.draw(st.none() | _money), "rate": None,
              "score": data.draw(st.none() | _score) if s is None else None}
             for s in (None, "财政拨款", "其他资金")]
    stage = {"stage": "evaluate", "through_month": None, "money": money, "goal_achieved": data.draw(_words),
             "indicators": indicators, "total_score": data.draw(st.none() | _score)}
    sent = validate_data({**doc.model_dump(mode="json"), "results": [stage]})
    book = tmp_path / f"rt-{len(_STORE_CACHE)}.xlsx"
    _STORE_CACHE[book] = True
    write_stage_book([(sent, sent)], book, "evaluate", None)
    (back,) = read_workbook(book).projects
    assert not back.errors, back.errors
    # a 得分 equal to the rule's score the sheet shows reads as the rule's (not typed)
    rules = scoring_rules(load_profile("national"))
    res = sent.results[0]
    bare = score_stage(sent, res.model_copy(update={
        "indicators": [i.model_copy(update={"score": None}) for i in res.indicators],
        "money": [m.model_copy(update={"score": None}) for m in res.money], "total_score": None}), rules)
    rule_of = {s.index: s.score for s in bare.indicators}
    want = res.model_copy(update={
        "indicators": [i.model_copy(update={"score": None if i.score is not None and rule_of.get(i.index) is not None
                                            and Decimal(i.score) == rule_of[i.index] else i.score})
                       for i in res.indicators],
        "money": [m.model_copy(update={"score": None if m.score is not None and bare.budget.score is not None
                                       and Decimal(m.score) == bare.budget.score else m.score}) for m in res.money],
        "total_score": None if res.total_score is not None and bare.total is not None
        and Decimal(res.total_score) == bare.total else res.total_score})
    assert back.document.results == [want]


def test_the_printed_self_evaluation_looks_like_the_national_form(tmp_path):
    import re
    import shutil
    import subprocess

    from lo import convert

    store = _store(tmp_path)
    book = tmp_path / "自评.xlsx"
    invoke("export", "--store", store.root, "--stage", "evaluate", "-o", book)
    _fill(book)
    assert invoke("push", book, "--store", store.root).exit_code == 0
    (pdf,) = convert([book], tmp_path / "pdf", "pdf")
    text = subprocess.run([shutil.which("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    form = next(p for p in pages if "项目支出绩效自评表" in p)
    flat = re.sub(r"\s+", "", form)
    for label in ("（2018年度）", "项目名称", "主管部门", "实施单位", "年初预算数", "全年预算数",
                  "全年执行数", "分值", "执行率", "得分", "年度资金总额", "其中：财政拨款", "年度总体目标", "预期目标",
                  "实际完成情况", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值",
                  "偏差原因", "改进措施", "总分", "95.17", "95.00%", "4.69", "游客接待季节性强"):
        assert label in flat, label
    assert "评分依据" not in flat and "按规则得分" not in flat  # xlsync's own columns are not printed
    assert "项目资金" in flat and "绩效" in flat  # the side labels (wrapped in their narrow column)
    raw = subprocess.run([shutil.which("pdftotext"), "-raw", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    raw = re.sub(r"\s+", "", raw)  # each cell's text in order: a wrapped name stays together
    (doc,), _ = store.documents()
    assert all(re.sub(r"\s+", "", i.name) in raw for i in doc.indicators)
    assert sum("项目支出绩效自评表" in p for p in pages) == 1 and "第 1 页，共 1 页" not in form  # one page


def test_the_targets_workbook_carries_the_results_it_does_not_show(tmp_path):
    from xlsync.findings import field_zh

    store = _store(tmp_path)
    book = tmp_path / "自评.xlsx"
    invoke("export", "--store", store.root, "--stage", "evaluate", "-o", book)
    _fill(book)
    assert invoke("push", book, "--store", store.root).exit_code == 0
    with_results = store.documents()[0][0]
    targets = tmp_path / "申报.xlsx"
    assert invoke("export", "--store", store.root, "-o", targets).exit_code == 0
    wb = load_workbook(targets)
    ws = wb.worksheets[1]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == with_results.indicators[0].name)
    cell.value = "贫困地区旅游基础设施建设工程（一期）"  # a target edit in the 申报表 workbook
    wb.save(targets)
    assert invoke("push", targets, "--store", store.root).exit_code == 0
    after = store.documents()[0][0]
    assert after.results == with_results.results and after.indicators[0].name.endswith("（一期）")
    # the edit makes the entered result of that indicator drift: reported, not re-attached
    r = invoke("validate", "--store", store.root, "--format", "json")
    drift = [f for f in json.loads(r.output)["findings"] if f["code"] == "RESULT_DRIFT"]
    assert len(drift) == 1 and field_zh(drift[0]["field"]) == "完成情况 第1条指标记录"
