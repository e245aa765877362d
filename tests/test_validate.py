import json

import pytest
from click.testing import CliRunner
from xlsync.validators.profiles import load_profile

from xlsync.cli import cli
from xlsync.document import new_document
from xlsync.targets import parse_target
from xlsync.validate import validate_documents

SEED = load_profile("seed")

OVERLAP = ("PLAN_PERIOD_OVERLAP", "plan")
ROW_CODES = {"PLAN_PERIOD_OVERLAP", "PLAN_PERIOD_GAP", "PLAN_OUTSIDE_PROJECT"}
TOTAL = ("PLAN_TOTAL_MISMATCH", "plan")


def pm(*idx):
    return [("PLAN_PERCENT_MISMATCH", f"plan[{i}].stated_percent") for i in idx]


# What a careful reader of the seed finds wrong, per table (errors only).
EXPECTED_ERRORS = {
    ("095001", "政府购买服务（劳务）经费"): [TOTAL],
    ("095001", "住房公积金县区管理部发展基金"): [OVERLAP],
    ("095001", "办事大厅运行费"): [("CATEGORY_UNKNOWN", "indicators[8].level2"),
                                 ("CATEGORY_UNKNOWN", "indicators[9].level2"), OVERLAP],
    ("095001", "贷款印花税及中心审计费"): [OVERLAP],
    ("095001", "公积金信息专网及驻场服务费"): [("INDICATOR_DUPLICATE", "indicators[9].name"),
                                        *pm(0, 1, 2, 3), OVERLAP, TOTAL],
    ("095001", "公积金政策宣传费"): [OVERLAP],
    ("095001", "管委会工作经费"): [*pm(0, 1), OVERLAP],
    ("095004", "公积金政策宣传费"): [],
    ("095004", "聘用人员经费"): [],
    ("095004", "煤炭行业发展基金运转费"): [],
    ("095002", "服务大厅建设费"): [*pm(0, 1), TOTAL],
    ("095002", "住房公积金管理系统维护费"): [*pm(0, 1, 2), TOTAL,
                                       ("TARGET_PLACEHOLDER", "indicators[10].target"),
                                       ("TARGET_PLACEHOLDER", "indicators[13].target"),
                                       ("TARGET_PLACEHOLDER", "indicators[14].target")],
}


def test_seed_findings_are_what_a_careful_reader_expects(seed_tables):
    docs = [t.document for t in seed_tables]
    prov = {t.document.id: t.provenance for t in seed_tables}
    findings = validate_documents(docs, SEED, prov)
    for doc in docs:
        errors = sorted((f.code, "plan" if f.code in ROW_CODES else f.field)  # rows: see test_plan
                        for f in findings if f.project_id == doc.id and f.severity == "error")
        assert errors == sorted(EXPECTED_ERRORS[(doc.unit_code, doc.name)]), doc.name
    dup = [f for f in findings if f.code == "INDICATOR_DUPLICATE"][0]
    assert dup.location.line == 262 and dup.found == "项目质量可控性" and "重复" in dup.message
    warnings = {(f.project_name, f.code) for f in findings if f.severity == "warning"}
    assert ("聘用人员经费", "TARGET_UNIT_MISSING") in warnings
    assert ("聘用人员经费", "PLAN_NOT_QUANTIFIED") in warnings


def _doc(**kw):
    base = dict(
        year=2020, unit_code="095001", name="测试项目", fund_use="业务类", owner="张三", contact="李四",
        phone="0371-67172655", start_date="2020-01-01", end_date="2020-12-31",
        total_amount="100000.00", year_amount="100000.00", overview="概况", basis="依据",
        plan_text="1-12月支出10万元，支出100%", annual_goal="目标",
        plan=[{"start_month": 1, "end_month": 12, "amount": "100000.00", "stated_percent": "100",
               "percent_basis": "cumulative"}],
        composition=[{"item": "办公费", "amount": "100000.00"}],
        indicators=[
            {"level1": l1, "level2": l2, "name": n, "target": t}
            for l1, l2, n, t in [
                ("投入与目标管理", "投入管理", "预算执行率", "=100%"),
                ("产出目标", "数量", "培训次数", "=2次"),
                ("效果目标", "满意度", "群众满意度", "≥95%"),
                ("影响力目标", "长效管理", "长效管理机制健全性", "健全"),
            ]
        ],
    )
    base.update(kw)
    return new_document(**base)


def codes(doc, profile=SEED):
    return sorted((f.code, f.field) for f in validate_documents([doc], profile))


def test_clean_document_has_no_findings():
    assert codes(_doc()) == []


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"year_amount": "200000.00", "plan": [], "plan_text": "按进度支出"},
         [("AMOUNT_INCONSISTENT", "composition"), ("AMOUNT_INCONSISTENT", "year_amount"),
          ("PLAN_NOT_QUANTIFIED", "plan_text")]),
        ({"total_amount": "-1.00"}, [("AMOUNT_INCONSISTENT", "year_amount"), ("AMOUNT_INVALID", "total_amount")]),
        ({"end_date": "2019-12-31"}, [("DATE_INVALID", "end_date"), ("PLAN_OUTSIDE_PROJECT", "plan[0]")]),
        ({"owner": None}, [("FIELD_MISSING", "owner")]),
        ({"unit_code": "95001"}, [("UNIT_CODE_INVALID", "unit_code")]),
        ({"phone": "12"}, [("PHONE_INVALID", "phone")]),
        ({"composition": []}, [("FIELD_MISSING", "composition")]),
        ({"composition": [{"item": "办公费", "amount": None}]},
         [("AMOUNT_INCONSISTENT", "composition"), ("AMOUNT_INVALID", "composition[0].amount")]),
    ],
)
def test_project_checks(changes, expected):
    assert codes(_doc(**changes)) == sorted(expected)


def _with_indicator(l1, l2, name, target):
    d = _doc()
    inds = [i.model_dump() for i in d.indicators] + [{"level1": l1, "level2": l2, "name": name, "target": target}]
    return _doc(indicators=inds)


@pytest.mark.parametrize(
    "row, expected",
    [
        (("产出目标", "数量", "培训次数", "=3次"), ("INDICATOR_DUPLICATE", "indicators[4].name")),
        (("产出指标", "数量指标", "x", "=1"), ("CATEGORY_UNKNOWN", "indicators[4].level1")),
        (("产出目标", "规模", "x", "=1"), ("CATEGORY_UNKNOWN", "indicators[4].level2")),
        (("产出目标", "质量", "x", "XX"), ("TARGET_PLACEHOLDER", "indicators[4].target")),
        (("产出目标", "质量", "x", "100%以上3次"), ("TARGET_UNPARSEABLE", "indicators[4].target")),
        (("产出目标", "质量", "覆盖率", "=100"), ("TARGET_UNIT_MISSING", "indicators[4].target")),
        (("产出目标", "质量", "x", None), ("TARGET_MISSING", "indicators[4].target")),
    ],
)
def test_indicator_checks(row, expected):
    assert codes(_with_indicator(*row)) == [expected]


def test_required_category_without_indicators():
    d = _doc()
    inds = [i.model_dump() for i in d.indicators if i.level1 != "效果目标"]
    found = validate_documents([_doc(indicators=inds)], SEED)
    assert [(f.code, f.severity) for f in found] == [("CATEGORY_REQUIRED", "warning")]
    assert "效果目标" in found[0].message


def test_national_profile_validates_national_documents():
    national = load_profile("national")
    inds = [
        {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "target": "≥200人次"},
        {"level1": "产出指标", "level2": "质量指标", "name": "合格率", "target": "≥95%"},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "政策知晓率", "target": "提高"},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "参训人员满意度", "target": "≥90%"},
    ]
    assert codes(_doc(indicators=inds, unit_name="某局"), national) == []
    assert ("CATEGORY_UNKNOWN", "indicators[0].level1") in codes(_doc(unit_name="某局"), national)
    missing = codes(_doc(indicators=inds[:3], unit_name="某局"), national)
    assert missing == [("CATEGORY_REQUIRED", "indicators"), ("CATEGORY_REQUIRED", "indicators")]
    # the 2015 layout lists 服务对象满意度指标 under 效益指标: accepted, and it satisfies 满意度
    old_layout = inds[:3] + [{"level1": "效益指标", "level2": "服务对象满意度指标", "name": "满意度",
                              "target": "≥90%"}]
    assert codes(_doc(indicators=old_layout, unit_name="某局"), national) == []
    # a national table need not have a unit code, 资金用途 or 项目构成; unit codes are 3-12 digits
    bare = _doc(indicators=inds, unit_name="某局", unit_code=None, fund_use=None, composition=[], contact=None)
    assert codes(bare, national) == []
    assert codes(_doc(indicators=inds, unit_name="某局", unit_code="812"), national) == []


def test_national_weights_add_up_and_sentence_targets_are_named():
    national = load_profile("national")
    weighted = [
        {"period": "annual", "level1": "产出指标", "level2": "数量指标", "name": "次数", "target": "=2次", "weight": "50"},
        {"period": "annual", "level1": "效益指标", "level2": "社会效益指标", "name": "效果", "target": "良好",
         "weight": "30"},
        {"period": "annual", "level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度",
         "target": "95%以上。", "weight": "10"},
    ]
    found = validate_documents([_doc(indicators=weighted, unit_name="某局")], national)
    total = [f for f in found if f.code == "WEIGHT_TOTAL"]
    assert len(total) == 1 and total[0].severity == "warning"
    assert (total[0].found, total[0].expected) == ("90", "100") and "分值合计 90" in total[0].message
    assert not any(f.code.startswith("TARGET_") for f in found)  # '95%以上。' is ≥95%
    weighted[0]["weight"] = "60"
    weighted[1]["target"] = "2021年12月底完成项目规划相关工作。"
    found = validate_documents([_doc(indicators=weighted, unit_name="某局")], national)
    assert [f.code for f in found] == ["TARGET_DESCRIPTIVE"]
    assert found[0].severity == "warning" and found[0].field == "indicators[1].target"


def test_each_document_is_checked_with_its_forms_profile():
    seed_doc = _doc()
    inds = [
        {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "target": "≥200人次"},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "政策知晓率", "target": "提高"},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "参训人员满意度", "target": "≥90%"},
    ]
    national_doc = _doc(indicators=inds, unit_name="某局", name="另一个项目", layout="national",
                        department_name="某部门", implementing_unit="某局", project_attribute="延续项目")
    found = validate_documents([seed_doc, national_doc])
    assert [f for f in found if f.code == "CATEGORY_UNKNOWN"] == []
    assert {f.project_id for f in found} <= {seed_doc.id}
    forced = validate_documents([seed_doc, national_doc], SEED)
    assert {f.project_id for f in forced if f.code == "CATEGORY_UNKNOWN"} == {national_doc.id}


def test_custom_profile_from_file(tmp_path):
    text = (SEED.source and open(__import__("xlsync.validators", fromlist=["x"]).__path__[0] + "/profiles/seed.toml",
                                 encoding="utf-8").read())
    custom = tmp_path / "mine.toml"
    custom.write_text(text.replace('name = "seed"', 'name = "mine"').replace('plan_percent_points = "1"',
                                                                          'plan_percent_points = "5"'),
                      encoding="utf-8")
    prof = load_profile(str(custom))
    assert prof.name == "mine" and str(prof.plan_percent_points) == "5"


@pytest.mark.parametrize(
    "text, kind, op, number, unit",
    [("=100%", "quantitative", "=", "100", "%"), ("≥95%", "quantitative", "≥", "95", "%"),
     (">30%", "quantitative", ">", "30", "%"), ("=9辆", "quantitative", "=", "9", "辆"),
     ("161人", "quantitative", "=", "161", "人"), ("30亿", "quantitative", "=", "30", "亿"),
     ("200万", "quantitative", "=", "200", "万"), ("下降2%", "quantitative", "=", "2", "%"),
     ("≤1.50%", "quantitative", "≤", "1.50", "%"), ("＝１００％", "quantitative", "=", "100", "%"),
     ("健全", "qualitative", None, None, None), ("n%", "placeholder", None, None, None),
     ("XX", "placeholder", None, None, None), ("*", "placeholder", None, None, None)],
)
def test_target_parsing(text, kind, op, number, unit):
    t = parse_target(text)
    assert (t.kind, t.op, None if t.number is None else str(t.number), t.unit) == (kind, op, number, unit)


def test_cli_validate_exit_codes_and_json(seed_store, tmp_path):
    runner = CliRunner()
    res = runner.invoke(cli, ["validate", "--store", str(seed_store.root), "--format", "json"])
    assert res.exit_code == 1
    data = json.loads(res.output)
    assert any(f["code"] == "INDICATOR_DUPLICATE" for f in data["findings"])
    assert all(f["location"]["file"].endswith(".json") for f in data["findings"])
    table = runner.invoke(cli, ["validate", "--store", str(seed_store.root)])
    assert table.exit_code == 1 and "12 个项目" in table.output and "■ 095001" not in table.output
    table = runner.invoke(cli, ["validate", "--store", str(seed_store.root), "--verbose"])
    assert "■ 095001" in table.output and "错误" in table.output
    assert runner.invoke(cli, ["validate", "--store", str(seed_store.root), "--rules", "nope.toml"]).exit_code == 2
    assert runner.invoke(cli, ["validate"]).exit_code == 2
