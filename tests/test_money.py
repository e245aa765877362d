"""Money is exact from the first character read to the last byte written: text, plan text,
workbook cells; refused with the value when it is not an exact amount."""

from decimal import Decimal

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from tabletext import render

from xlsync.cli import cli
from xlsync.document import new_document
from xlsync.money import MoneyError, format_amount, parse_amount
from xlsync.plantext import parse_plan
from xlsync.published import read_text
from xlsync.store import Store


@pytest.mark.parametrize("text, expected", [
    ("1,030,000元", "1030000.00"), ("１２３", "123.00"), ("12 210 000.00", "12210000.00"),
    ("１，０３０，０００．５０元", "1030000.50"), ("103万元", "1030000.00"), (" 103 万 ", "1030000.00"),
    ("12.345678万元", "123456.78"), ("30亿", "3000000000.00"), ("1.5亿元", "150000000.00"),
    ("￥1,234.50", "1234.50"), ("-0", "0.00"), ("1000000000000000", "1000000000000000.00"),
    ("0.10", "0.10"), ("12.3000", "12.30"),
])
def test_amounts_read_exactly(text, expected):
    assert format_amount(parse_amount(text)) == expected


@pytest.mark.parametrize("text, message", [
    ("12.3456789万元", "两位小数"), ("1.005", "两位小数"), ("1e999999999", "科学计数法"),
    ("1E-999999999", "科学计数法"), ("1.221E7", "科学计数法"), ("inf", "有限"), ("NaN", "有限"),
    ("-Infinity", "有限"), ("1000000000000000.01", "上限"), ("99999999999999999999", "上限"),
    ("1 2", "无法识别"), ("1,23", "无法识别"), ("一百万", "无法识别"), ("1" * 200, "过长"),
])
def test_inexact_or_absurd_amounts_are_refused_with_the_value(text, message):
    with pytest.raises(MoneyError, match=message) as exc:
        parse_amount(text)
    assert text[:20] in str(exc.value)


@pytest.mark.parametrize("value, message", [
    (Decimal("1E+999999999"), "上限"), (Decimal("1E-999999999"), "两位小数"), (Decimal("NaN"), "有限"),
    (Decimal("Infinity"), "有限"), (Decimal("0.001"), "两位小数"),
])
def test_decimals_from_cells_are_checked_without_overflow(value, message):
    with pytest.raises(MoneyError, match=message):
        parse_amount(value)


def test_the_maximum_is_configurable(monkeypatch):
    monkeypatch.setenv("XLSYNC_MAX_AMOUNT", "1e21")
    assert format_amount(parse_amount("12345678901234567890.12")) == "12345678901234567890.12"
    monkeypatch.setenv("XLSYNC_MAX_AMOUNT", "1000")
    with pytest.raises(MoneyError, match="上限"):
        parse_amount("1000.01")
    monkeypatch.setenv("XLSYNC_MAX_AMOUNT", "lots")
    with pytest.raises(Exception, match="XLSYNC_MAX_AMOUNT"):
        parse_amount("1")


@given(st.decimals(min_value=-10**15, max_value=10**15, places=2, allow_nan=False, allow_infinity=False))
def test_any_amount_within_the_limit_parses_back_exactly(d):
    canonical = format_amount(d)
    assert Decimal(canonical) == d
    for text in (canonical, f"{d:,.2f}", f"{d:,.2f}".replace(",", " "), f"{d / 10000:f}万元"):
        assert parse_amount(text) == d, text


def test_plan_text_with_thousands_separators_is_exact():
    periods = parse_plan("1-6月份预计支出1,030,000元，支出45%；7-9月份支出670,000.50元，支出75%")
    assert [(p["start_month"], p["end_month"], p["amount"]) for p in periods] == [
        (1, 6, "1030000.00"), (7, 9, "670000.50")]


def test_plan_amount_that_is_not_money_is_null_with_a_reason():
    problems = []
    periods = parse_plan("1-6月份支出12.3456789万元，支出45%；7-12月份支出1e999万元；", problems)
    assert [p["amount"] for p in periods] == [None, None]
    assert [p["stated_percent"] for p in periods] == ["45", None]
    assert "12.3456789万元" in problems[0] and "两位小数" in problems[0]
    assert "科学计数法" in problems[1]


def _doc(**changes):
    base = dict(year=2020, unit_code="095001", unit_name="郑州住房公积金管理中心机关", name="测试经费",
                fund_use="业务类", total_amount="2060000.00", year_amount="2060000.00",
                plan_text="1-6月份预计支出1,030,000元，支出50%；7-12月份预计支出1,030,000元，支出100%。",
                indicators=[{"level1": "产出目标", "level2": "数量", "name": "人数", "target": "=1人"}])
    base.update(changes)
    return new_document(**base)


def test_text_import_stores_plan_amounts_exactly(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(render(_doc()), encoding="utf-8")
    res = CliRunner().invoke(cli, ["import-text", str(path), "--store", str(tmp_path / "s")])
    docs, _ = Store(tmp_path / "s").documents()
    assert len(docs) == 1, res.output
    assert [(p.start_month, p.end_month, p.amount, p.stated_percent) for p in docs[0].plan] == [
        (1, 6, "1030000.00", "50"), (7, 12, "1030000.00", "100")]


def test_unreadable_plan_amount_imports_the_rest_with_a_note_and_a_finding(tmp_path):
    bad = _doc(name="坏计划", plan_text="1-6月份预计支出12.3456789万元，支出50%；7-12月份预计支出1,030,000元。")
    good = _doc(name="好计划")
    path = tmp_path / "t.txt"
    path.write_text(render(bad) + "\n" + render(good), encoding="utf-8")
    tables, _ = read_text(path.read_text(encoding="utf-8"), str(path))
    assert [t.ok for t in tables] == [True, True]
    assert [n.code for n in tables[0].notes if n.code == "PLAN_AMOUNT_UNREADABLE"] == ["PLAN_AMOUNT_UNREADABLE"]
    res = CliRunner().invoke(cli, ["import-text", str(path), "--store", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    assert "12.3456789万元" in res.output
    store = Store(tmp_path / "s")
    stored = {d.name: d for d in store.documents()[0]}
    assert [p.amount for p in stored["坏计划"].plan] == [None, "1030000.00"]
    assert stored["坏计划"].plan_text.startswith("1-6月份预计支出12.3456789万元")
    assert [p.amount for p in stored["好计划"].plan] == ["1030000.00", "1030000.00"]
    res = CliRunner().invoke(cli, ["validate", "--store", str(tmp_path / "s"), "--format", "json"])
    codes = [f["code"] for f in __import__("json").loads(res.output)["findings"]]
    assert "PLAN_AMOUNT_UNREADABLE" in codes


@pytest.mark.parametrize("typed, message", [("1e999999999", "科学计数法"), ("1e-999999999", "科学计数法"),
                                            ("12.3456789万", "两位小数"), ("inf", "有限")])
def test_bad_amount_in_text_is_left_empty_for_review_and_the_rest_imports(tmp_path, typed, message):
    """One doubtful field never sinks the table, and is never stored as another number: the
    amount stays empty, its text is kept on a review item, the import exits 1."""
    text = render(_doc()).replace("\t2060000.00\t项目本年度金额", f"\t{typed}\t项目本年度金额")
    assert typed in text
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(cli, ["import-text", str(path), "--store", str(tmp_path / "s")])
    assert res.exit_code == 1 and message in res.output and "Traceback" not in res.output
    (doc,) = Store(tmp_path / "s").documents()[0]
    assert doc.total_amount is None and doc.year_amount == "2060000.00" and doc.indicators
    assert [(r.code, r.field, r.source) for r in doc.review] == [("AMOUNT_UNREADABLE", "total_amount", typed)]
