import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlsync.document import (
    OPTIONAL_FIELDS,
    dumps,
    json_schema,
    loads,
    make_id,
    new_document,
    revision,
)
from xlsync.errors import DocumentError


def test_seed_round_trip_is_identity_and_bytes_are_stable(seed_docs):
    for doc in seed_docs:
        raw = dumps(doc)
        again = loads(raw)
        assert again == doc
        assert dumps(again) == raw
        assert raw.endswith(b"\n") and "\\u" not in raw.decode("utf-8")
        assert raw.decode("utf-8").index('"schema_version"') < raw.decode("utf-8").index('"id"')


def _valid() -> dict:
    doc = new_document(year=2020, unit_code="095001", name="测试项目", year_amount="100.00")
    return json.loads(dumps(doc))


@pytest.mark.parametrize(
    "mutate, key",
    [
        (lambda d: d.pop("year_amount"), "year_amount"),
        (lambda d: d.update(year="二〇二〇"), "year"),
        (lambda d: d.update(start_date="2020-13-01"), "start_date"),
        (lambda d: d.update(total_amount="12,00"), "total_amount"),
        (lambda d: d.update(total_amount="1.005"), "total_amount"),
        (lambda d: d.update(indicators=[{"level1": "a", "level2": "b", "name": "c"}]), "indicators.0.target"),
        (lambda d: d.update(plan=[{"start_month": 13, "end_month": 12, "amount": None,
                                    "stated_percent": None, "percent_basis": None}]), "plan.0.start_month"),
        (lambda d: d.update(surprise=1), "surprise"),
        (lambda d: d.update(id="../../etc/passwd"), "id"),
        (lambda d: d.update(schema_version=3), "schema_version"),
    ],
)
def test_schema_rejects_malformed_documents_naming_the_key(mutate, key):
    data = _valid()
    mutate(data)
    with pytest.raises(DocumentError) as exc:
        loads(json.dumps(data, ensure_ascii=False))
    assert key in str(exc.value)


def test_money_from_json_number_is_exact_and_float_is_rejected():
    data = _valid()
    raw = json.dumps(data).replace('"100.00"', "12210000.10")
    assert loads(raw).year_amount == "12210000.10"
    with pytest.raises(DocumentError, match="浮点"):
        new_document(year=2020, unit_code="1", name="x", year_amount=0.1)
    assert new_document(year=2020, unit_code="1", name="x", year_amount=Decimal("0.1")).year_amount == "0.10"


def test_syntax_error_names_line_and_column():
    with pytest.raises(DocumentError, match=r"a\.json:2:\d+"):
        loads('{\n  "x": ,\n}', source="a.json")


def test_schema_command_output_is_a_json_schema():
    schema = json_schema()
    assert schema["type"] == "object"
    assert set(schema["required"]) >= {"id", "year", "unit_code", "year_amount", "indicators"}


@pytest.mark.parametrize("name", ["../../x", "CON", "a/b\\c", "NUL.txt", " ", "项目:*?<>|"])
def test_ids_are_safe_file_names(name):
    doc_id = make_id(2020, "095001", name)
    assert doc_id.startswith("2020-095001-")
    assert all(c.isalnum() or c in "-_" for c in doc_id)
    assert make_id(2020, "../x", name).count("/") == 0


money = st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False)
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@given(
    name=text.filter(str.strip),
    unit=st.from_regex(r"\A\d{6}\Z"),
    amounts=st.lists(money | st.none(), min_size=4, max_size=4),
    inds=st.lists(st.tuples(text, text, text, text | st.none()), max_size=5),
)
def test_any_document_round_trips(name, unit, amounts, inds):
    doc = new_document(
        year=2020, unit_code=unit, name=name,
        total_amount=amounts[0], year_amount=amounts[1],
        prev_total_amount=amounts[2], prev_year_amount=amounts[3],
        indicators=[{"level1": a, "level2": b, "name": c, "target": d} for a, b, c, d in inds],
    )
    assert loads(dumps(doc)) == doc
    assert revision(loads(dumps(doc))) == revision(doc)


def test_readme_command_reference_is_current():
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "tools"))
    from cli_reference import BEGIN, END, reference

    body = (root / "README.md").read_text(encoding="utf-8")
    assert body.split(BEGIN, 1)[1].split(END, 1)[0].strip() == reference().strip(), \
        "run: python tools/cli_reference.py --write"


V1_DOC = {
    "schema_version": 1, "id": "2020-095001-55e78453a07e", "year": 2020, "unit_code": "095001",
    "unit_name": "郑州住房公积金管理中心机关", "name": "测试项目", "fund_use": "业务类", "owner": None,
    "contact": None, "phone": None, "start_date": "2020-01-01", "end_date": "2020-12-31",
    "total_amount": "100.00", "year_amount": "100.00", "prev_total_amount": None,
    "prev_year_amount": None, "overview": None, "basis": None, "necessity": None, "measures": None,
    "plan_text": "1-6月支出50元", "plan": [{"start_month": 1, "end_month": 6, "amount": "50.00",
                                      "stated_percent": None, "percent_basis": None}],
    "composition": [{"item": "办公费", "amount": "100.00"}], "remark": None, "overall_goal": None,
    "annual_goal": None,
    "indicators": [{"level1": "产出目标", "level2": "数量", "name": "人数", "target": "=161人"}],
}


def test_version_1_documents_read_as_version_2_with_empty_new_keys():
    doc = loads(json.dumps(V1_DOC, ensure_ascii=False), source="old.json")
    assert doc.schema_version == 2 and doc.id == V1_DOC["id"]
    assert (doc.form, doc.layout, doc.department_code, doc.department_name) == (None, None, None, None)
    assert (doc.implementing_unit, doc.project_attribute) == (None, None)
    assert doc.funding == [] and doc.extra == []
    ind = doc.indicators[0]
    assert (ind.period, ind.note, ind.weight, ind.target) == ("annual", None, None, "=161人")
    assert (doc.plan[0].start_year, doc.plan[0].end_year, doc.plan[0].amount) == (None, None, "50.00")
    raw = json.loads(dumps(doc))
    assert raw["schema_version"] == 2
    assert {"form", "funding", "extra", "department_name"} <= set(raw)
    assert set(raw["indicators"][0]) == {"period", "level1", "level2", "name", "target", "note", "weight"}


def test_version_1_store_keeps_reading(tmp_path):
    from xlsync.store import Store

    path = tmp_path / "2020" / "095001" / f"{V1_DOC['id']}.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(V1_DOC, ensure_ascii=False), encoding="utf-8")
    docs, errors = Store(tmp_path).documents()
    assert errors == [] and [d.name for d in docs] == ["测试项目"]


def test_national_keys_round_trip_and_ids_without_unit_code_or_year():
    doc = new_document(
        year=None, unit_code=None, unit_name="甘孜州市场监督管理局机关", name=None, form="绩效目标表",
        department_code="324", department_name="甘孜州市场监督管理部门",
        funding=[{"source": "财政拨款", "total_amount": None, "year_amount": "50000.00"}],
        extra=[{"label": "资金性质", "value": "一般公共预算"}],
        indicators=[{"period": "long_term", "level1": None, "level2": None, "name": "按月发放",
                     "target": "=1次", "note": "说明", "weight": Decimal("20")}],
        plan=[{"start_month": 7, "end_month": 1, "start_year": None, "end_year": 2024, "amount": None,
               "stated_percent": None, "percent_basis": None}],
    )
    assert doc.id.startswith("undated-u") and doc.indicators[0].weight == "20"
    assert loads(dumps(doc)) == doc
    again = new_document(year=None, unit_code=None, unit_name="甘孜州市场监督管理局机关", name=None,
                         form="绩效目标表", department_name="甘孜州市场监督管理部门")
    other = new_document(year=None, unit_code=None, unit_name="另一个单位", name=None, form="绩效目标表")
    assert again.id == doc.id and other.id != doc.id


def test_invalid_document_message_is_xlsync_chinese_not_pydantic():
    data = _valid()
    data.update(year="二〇二〇", surprise=1)
    with pytest.raises(DocumentError) as exc:
        loads(json.dumps(data, ensure_ascii=False))
    text = str(exc.value)
    assert "预算年度" in text and "应为整数" in text and "不认识的键" in text
    assert "Input should be" not in text and "pydantic" not in text


@given(a=text, b=st.text(max_size=200), amount=money | st.none())
def test_canonical_bytes_are_those_of_json_dumps(a, b, amount):
    """dumps uses pydantic's serializer for speed; the bytes (and so every revision) must be
    exactly the standard library's."""
    doc = new_document(year=2020, unit_code="095001", name=a or "x", overview=b, year_amount=amount,
                       extra=[{"label": b, "value": a}])
    data = {k: v for k, v in doc.model_dump(mode="json").items()
            if k not in OPTIONAL_FIELDS or v not in (None, [])}
    want = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert dumps(doc) == want.encode("utf-8")
    assert b'"review"' not in dumps(doc)  # optional keys stay out of the JSON while empty
    marked = doc.model_copy(update={"previous_id": "2019-095001-abc"})
    assert loads(dumps(marked)) == marked and b'"previous_id"' in dumps(marked)
