"""Shapes seen on real published tables of other places, each written small with invented
names and figures (tests/data/layouts/shapes): money written with a breakdown or in two
columns, units on a wrapped side label, labels split over cells, goal headers, 二级 names
wrapped, 长期/年度 column groups, score ranges, page footers, text without cell borders.
Each lists the facts a careful reader takes from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlsync.published import read_file

SHAPES = Path(__file__).parent / "data" / "layouts" / "shapes"
STREET = [("annual", "产出指标", "数量指标", "维护路灯数量", "≥120盏")]
SATISFIED = [("annual", "满意度指标", "服务对象满意度指标", "居民满意度", "≥90%")]

# file → (facts, indicators as (period, 一级, 二级, 三级, 目标值), funding as (source, total, year))
CASES = {
    "base": ({"name": "示例路灯维护", "department_name": "示例城管局", "unit_name": "示例路灯所",
              "year_amount": "100000.00"}, STREET + SATISFIED, None),
    "A1": ({"year_amount": "100000.00"}, STREET + SATISFIED, None),
    "A2": ({"total_amount": "300000.00", "year_amount": "100000.00"}, STREET + SATISFIED, None),
    "A2b": ({"name": "示例路灯维护", "total_amount": "300000.00", "year_amount": "100000.00"}, STREET, None),
    "A3": ({"total_amount": "300000.00", "year_amount": "100000.00"}, STREET,
           [("财政拨款", "300000.00", "100000.00"), ("其他资金", None, None)]),
    "A4": ({"unit_name": "示例城管局", "year_amount": "255000.00", "year": 2024}, STREET, None),
    # '年度 预算 安排 (万元)' wrapped down the page heads the amounts; 项目支出 is no source
    "A5": ({"year_amount": "1714100.00", "unit_name": "示例室", "unit_code": "901001033", "year": 2019}, STREET, []),
    "B1": ({"department_name": "示例城管局", "department_code": "021003", "year_amount": "100000.00"},
           STREET, None),
    "B2": ({"name": "示例路灯维护", "unit_name": "示例路灯所", "year_amount": "100000.00", "year": 2024},
           STREET, None),
    "B2b": ({"name": "示例路灯维护", "unit_name": "示例路灯所", "year_amount": "100000.00"}, STREET, None),
    "B3": ({"unit_name": "示例城管局", "unit_code": "021003", "year_amount": "255000.00"}, STREET, None),
    "C1": ({"overall_goal": "三年内路灯完好率保持95%以上", "annual_goal": "本年维护路灯120盏",
            "year_amount": "100000.00"}, STREET, None),
    "C2": ({"overall_goal": "三年内路灯完好率保持95%以上", "annual_goal": "本年维护路灯120盏"}, STREET, None),
    "C5": ({"annual_goal": "目标1:全年维护路灯120盏;\n目标2:路灯完好率95%以上。", "year_amount": "255000.00"},
           STREET, None),
    "D1": ({"year_amount": "100000.00"},
           [("annual", "效益指标", "社会效益指标", "夜间出行安全感提升率", "≥10%"),
            ("annual", "效益指标", "生态效益指标", "节电量", "≥5000度")] + SATISFIED, None),
    "D2": ({"year_amount": "100000.00"},
           [("annual", "产出指标", "数量指标", "维护路灯数量", "120盏")] + SATISFIED, None),
    "D3": ({"name": "示例路灯维护"},
           [("long_term", "产出指标", "数量指标", "维护路灯数量", "360盏"),
            ("annual", "产出指标", "数量指标", "维护路灯数量", "120盏")], None),
    "D4": ({"name": "示例路灯维护"}, [("annual", "产出指标", "数量指标", "维护路灯数量", "120盏")], None),
    # the header puts 资金到位率 in the 二级指标 column and the formula in 指标内容
    "D5": ({"name": "示例路灯维护"},
           [("annual", "投入指标", "资金到位率", "实际到位/计划投入", "100%"),
            ("annual", "投入指标", "预算执行率", "支出/预算", "≥90%"),
            ("annual", "产出指标", "数量指标", "维护路灯数量", "≥120盏")], None),
    # the old form's 指标 column holds the 一级 categories
    "D6": ({"name": "示例路灯维护", "annual_goal": "全年维护路灯120盏。"},
           [("annual", "产出指标", None, "维护路灯数量", "120盏"), ("annual", "产出指标", None, "维护及时率", "100%"),
            ("annual", "效益指标", None, "夜间出行安全感", "提升")], None),
    "D7": ({"name": "示例路灯维护"},
           [("annual", "成本指标", "经济成本指标", "维护成本", "≤10万元"),
            ("annual", "产出指标", "数量指标", "维护路灯数量", "≥120盏")], None),
    "E1": ({"year_amount": "100000.00"}, STREET + SATISFIED, None),
    "E3": ({"name": "示例路灯维护", "unit_name": "示例路灯所", "year_amount": "100000.00"},
           STREET + [("annual", "产出指标", "质量指标", "路灯完好率", "≥95%"),
                     ("annual", "产出指标", "时效指标", "故障修复及时率", "≥90%"),
                     ("annual", "效益指标", "社会效益指标", "夜间出行安全感", "提升")] + SATISFIED, None),
    "E3c": ({"name": "示例路灯维护", "year_amount": "100000.00"}, STREET + SATISFIED, None),
    "E5": ({"overall_goal": None, "annual_goal": "三年内路灯完好率保持95%以上", "year_amount": "100000.00"},
           STREET, [("其他资金", None, None)]),
    "E5b": ({"overall_goal": "三年内路灯完好率保持95%以上", "annual_goal": "本年维护路灯120盏",
             "year_amount": "100000.00"}, STREET, None),
    "E5c": ({"overall_goal": "三年内路灯完好率保持95%以上", "annual_goal": "本年维护路灯120盏",
             "year_amount": "100000.00"}, STREET, [("其他资金", None, None)]),
    "dt": ({"start_date": "2024-01-01", "end_date": "2024-12-31"}, STREET + SATISFIED, None),
    # a year line just above a table with no title; a year only in the page's notice above
    "E4": ({"year": 2024, "name": "示例路灯维护", "year_amount": "100000.00"}, STREET, None),
    "E6": ({"year": 2021, "total_amount": "300000.00", "year_amount": "100000.00"}, STREET, None),
    # two labels run together in one cell; a label cut by spaces
    "B4": ({"start_date": "2024-01-01", "end_date": "2024-12-31", "annual_goal": "全年维护路灯120盏",
            "year_amount": "100000.00"}, STREET, None),
}


@pytest.mark.parametrize("stem", sorted(CASES))
def test_shape_reads_as_a_careful_reader_would(stem):
    facts, indicators, funding = CASES[stem]
    tables, _ = read_file(SHAPES / f"{stem}.txt")
    assert len(tables) == 1, [(t.first_line, t.notes) for t in tables]
    t = tables[0]
    assert t.ok, [str(n) for n in t.notes if n.level == "error"]
    d = t.document
    for key, want in facts.items():
        assert getattr(d, key) == want, key
    got = [(i.period, i.level1, i.level2, i.name, i.target) for i in d.indicators]
    assert got == indicators
    if funding is not None:
        assert [(f.source, f.total_amount, f.year_amount) for f in d.funding] == funding
