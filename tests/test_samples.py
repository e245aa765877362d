"""Real published tables of other places (tests/data/samples): every fact read by hand in
their .expected.json, funding included. Whitespace is ignored in text, full-width and ASCII
punctuation count as the same, decimals compare by value."""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from xlsync.cli import cli
from xlsync.published import read_file
from xlsync.store import Store

SAMPLES = Path(__file__).parent / "data" / "samples"
COMPLETE = sorted(p for p in SAMPLES.glob("*.txt") if "_truncated" not in p.name)
KEYS = ("year", "unit_name", "unit_code", "department_name", "department_code", "name", "project_attribute",
        "owner", "phone", "start_date", "end_date", "total_amount", "year_amount", "overall_goal", "annual_goal")
IND = ("period", "level1", "level2", "name", "target", "note", "weight")


def norm(v):
    if v is None:
        return ""
    s = unicodedata.normalize("NFKC", re.sub(r"\s+", "", str(v)))
    if re.fullmatch(r"-?\d+(\.\d+)?", s):
        return str(Decimal(s).normalize())
    return s


def facts(doc) -> dict:
    d = json.loads(json.dumps(doc.model_dump(mode="json")))
    out = {k: norm(d.get(k)) for k in KEYS}
    out["funding"] = [(norm(f["source"]), norm(f["total_amount"]), norm(f["year_amount"])) for f in d["funding"]]
    out["indicators"] = [tuple(norm(i.get(k)) for k in IND) for i in d["indicators"]]
    return out


def expected(path: Path) -> dict:
    e = json.loads(path.with_suffix("").with_suffix(".expected.json").read_text(encoding="utf-8")) \
        if path.suffix == ".json" else json.loads((SAMPLES / (path.stem + ".expected.json")).read_text(encoding="utf-8"))
    out = {k: norm(e.get(k)) for k in KEYS}
    out["funding"] = [(norm(f["source"]), norm(f["total_amount"]), norm(f["year_amount"])) for f in e["funding"]]
    out["indicators"] = [tuple(norm(i.get(k)) for k in IND) for i in e["indicators"]]
    return out


@pytest.mark.parametrize("path", COMPLETE, ids=lambda p: p.stem[:2])
def test_complete_sample_imports_with_every_expected_fact(path):
    tables, _notes = read_file(path)
    ok = [t for t in tables if t.ok]
    assert len(ok) == 1, [(t.first_line, [str(n) for n in t.notes if n.level == "error"]) for t in tables]
    got, want = facts(ok[0].document), expected(path)
    for key in (*KEYS, "funding"):
        assert got[key] == want[key], key
    assert len(got["indicators"]) == len(want["indicators"])
    for i, (g, w) in enumerate(zip(got["indicators"], want["indicators"], strict=True)):
        assert g == w, (i, g, w)


def test_truncated_samples_say_where_they_end_and_import_what_they_hold_on_request(tmp_path):
    cut = SAMPLES / "11_neimenggu-wuhai_recycling-market_2021_truncated.txt"
    res = CliRunner().invoke(cli, ["import-text", str(cut), "--store", str(tmp_path / "s")])
    assert res.exit_code == 1
    assert "TABLE_TRUNCATED" in res.output and ":27" in res.output and "“效”" in res.output
    assert not list((tmp_path / "s").rglob("20*/**/*.json"))
    res = CliRunner().invoke(cli, ["import-text", str(cut), "--store", str(tmp_path / "s"), "--allow-truncated"])
    docs, _ = Store(tmp_path / "s").documents()
    assert len(docs) == 1 and len(docs[0].indicators) == 11
    want = expected(cut)
    assert facts(docs[0])["indicators"] == want["indicators"]
    assert facts(docs[0])["year_amount"] == want["year_amount"]
    whole_unit = SAMPLES / "12_hunan-nanyue-experimental-middle-school_whole-unit_2017_truncated.txt"
    tables, _ = read_file(whole_unit)
    got, want = facts(tables[0].document), expected(whole_unit)
    assert got == want
    assert tables[0].last_line == 76  # the report names the lines the table spans


def test_one_file_with_a_seed_table_a_national_table_and_a_broken_one(tmp_path):
    seed = (Path(__file__).parents[1] / "examples" / "zhengzhou-hpf-2020.txt").read_text(encoding="utf-8")
    first_seed = seed.split("\n## ")[0]
    national = (SAMPLES / "02_hunan-nanyue_poverty-tourism-base_2018.txt").read_text(encoding="utf-8")
    broken = ("项目支出绩效目标申报表 |\n（2021年度） |\n项目名称 | 培训经费 |\n"
              "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 |\n产出指标 | 数量指标 | 培训人次 | ≥200人次 |\n"
              "产出指标 | 质量指标 | 合格率 | ≥95% | 多余的单元格 | 3 | 4 |\n效益指标 | 社会效益指标 | 知晓率 | 提高 |\n")
    text = first_seed.rstrip() + "\n\n" + national + "\n" + broken
    path = tmp_path / "mixed.txt"
    path.write_text(text, encoding="utf-8")
    broken_line = text.splitlines().index("产出指标 | 质量指标 | 合格率 | ≥95% | 多余的单元格 | 3 | 4 |") + 1
    res = CliRunner().invoke(cli, ["import-text", str(path), "--store", str(tmp_path / "s")])
    assert res.exit_code == 1, res.output
    docs, _ = Store(tmp_path / "s").documents()
    assert sorted((d.layout, d.name) for d in docs) == [
        ("national", "2018年市级专项扶贫资金基础设施(人大代表扶贫基地)"), ("national", "培训经费"),
        ("seed", "政府购买服务（劳务）经费")]
    assert f"mixed.txt:{broken_line}" in res.output and "ROW_UNPLACED" in res.output
    assert "未导入" in res.output
    # the row that did not align is a review item on its table (kept as written); the rest imports
    broken_doc = next(d for d in docs if d.name == "培训经费")
    assert [(r.code, r.line) for r in broken_doc.review] == [("ROW_UNPLACED", broken_line)]
    assert "多余的单元格" in broken_doc.review[0].source
    assert [i.name for i in broken_doc.indicators] == ["培训人次", "知晓率"]
    assert all(not d.review for d in docs if d.name != "培训经费")


LAYOUTS = Path(__file__).parent / "data" / "layouts"


def test_2015_template_with_midterm_and_annual_side_by_side():
    """财预〔2015〕88号's 申报表: 中期/年度 money columns, goals and indicator groups side by side."""
    (t,), _ = read_file(LAYOUTS / "national-2015-midterm-and-annual.txt")
    d = t.document
    assert t.ok and (d.year, d.name, d.department_code, d.department_name) == (2019, "农村公路养护工程", "015", "某县交通运输局")
    assert (d.unit_name, d.project_attribute, d.start_date, d.end_date) == ("某县公路管理站", "延续项目", "2019-01-01", "2021-12-31")
    assert (d.total_amount, d.year_amount) == ("3000000.00", "1000000.00")
    assert [(f.source, f.total_amount, f.year_amount) for f in d.funding] == [
        ("财政拨款", "2400000.00", "800000.00"), ("其他资金", "600000.00", "200000.00")]
    assert (d.overall_goal, d.annual_goal) == ("目标1：完成农村公路养护300公里。", "目标1：完成养护100公里。")
    got = [(i.period, i.level1, i.level2, i.name, i.target) for i in d.indicators]
    assert got[:4] == [("long_term", "产出指标", "数量指标", "养护里程", "≥300公里"),
                       ("long_term", "产出指标", "质量指标", "优良路率", "≥80%"),
                       ("long_term", "效益指标", "社会效益指标", "群众出行便利度", "明显提高"),
                       ("long_term", "满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%")]
    assert [g[0] for g in got[4:]] == ["annual"] * 4 and got[6][4] == "提高"
    assert not [n for n in t.notes if n.level != "info"]


def test_county_form_with_separate_long_and_annual_tables():
    """A county 申报表: checkbox 项目属性, 资金总额 of a one-year project, 长期 and 年度 tables,
    the 2015 satisfaction row under 效益指标, a signature line kept in extra."""
    (t,), _ = read_file(LAYOUTS / "county-separate-long-and-annual-tables.txt")
    d = t.document
    assert t.ok and (d.year, d.unit_name, d.name, d.project_attribute) == (2018, "佳县卫生局", "乡村医生培训", "新增项目")
    assert (d.department_code, d.owner, d.phone) == ("305", "王明", "0912-6721234")
    assert (d.total_amount, d.year_amount) == (None, "500000.00")  # one year: 资金总额 is the year's
    assert [(f.source, f.year_amount) for f in d.funding] == [
        ("财政拨款", "400000.00"), ("自有资金", "100000.00"), ("事业收入", None), ("经营性收入", None), ("其他", None)]
    assert [(i.period, i.level2, i.name, i.target, i.note) for i in d.indicators][:1] == [
        ("long_term", "数量指标", "培训人次", "≥900人次", "三年合计")]
    assert [i.period for i in d.indicators] == ["long_term"] * 4 + ["annual"] * 4
    assert d.indicators[3].level1 == "效益指标" and d.indicators[3].level2 == "社会公众或服务对象满意度指标"
    assert [(e.label, e.value) for e in d.extra] == [
        ("其他说明的问题", "无"), ("填报人", "李华"), ("单位负责人", "张强"), ("填报日期", "2018年1月10日")]


def test_an_offices_own_form_file_reads_validates_and_exports(tmp_path):
    """A finance office copies forms/national.toml, names it, adds its own label; the form
    travels with the store, so its documents export without further setup."""
    from xlsync.forms import load_form

    text = Path(load_form("national").source if Path(load_form("national").source).is_file() else
                Path(__file__).parents[1] / "forms" / "national.toml").read_text(encoding="utf-8")
    text = text.replace('name = "national"', 'name = "county-x"', 1)
    text = text.replace('name = ["项目名称", ', 'name = ["本县项目称谓", "项目名称", ', 1)
    own = tmp_path / "county-x.toml"
    own.write_text(text, encoding="utf-8")
    table = tmp_path / "t.txt"
    table.write_text((SAMPLES / "02_hunan-nanyue_poverty-tourism-base_2018.txt").read_text(encoding="utf-8")
                     .replace("项目名称 2018年", "本县项目称谓 2018年"), encoding="utf-8")
    store = tmp_path / "s"
    res = CliRunner().invoke(cli, ["import-text", str(table), "--store", str(store), "--form", str(own)])
    assert res.exit_code == 0, res.output
    (doc,), _ = Store(store).documents()
    assert doc.layout == "county-x" and doc.name == "2018年市级专项扶贫资金基础设施(人大代表扶贫基地)"
    assert (store / ".xlsync" / "forms" / "county-x.toml").read_text(encoding="utf-8") == text
    res = CliRunner().invoke(cli, ["export", "--store", str(store), "--out-dir", str(tmp_path / "books")])
    assert res.exit_code == 0, res.output
    # a workbook checked on its own finds the office's forms where XLSYNC_FORMS says (opening a
    # store elsewhere in the process no longer makes its forms visible to everything after)
    res = CliRunner().invoke(cli, ["validate", str(next((tmp_path / "books").glob("*.xlsx")))],
                             env={"XLSYNC_FORMS": str(store / ".xlsync" / "forms")})
    assert res.exit_code in (0, 1) and "national" in res.output


def test_seed_reads_whole_with_no_review_item():
    """The bundled tables state every fact plainly: 12 tables, 216 indicators, nothing guessed."""
    tables, _ = read_file(Path(__file__).parents[1] / "examples" / "zhengzhou-hpf-2020.txt")
    assert len(tables) == 12 and all(t.ok for t in tables)
    assert sum(len(t.document.indicators) for t in tables) == 216
    assert [r for t in tables for r in t.document.review] == []


def test_text_ending_in_the_middle_of_a_sentence_is_cut_off():
    """Sample 12 breaks off inside its last indicator ('…家长满'): reported cut off, not written
    as complete."""
    (t,), _ = read_file(SAMPLES / "12_hunan-nanyue-experimental-middle-school_whole-unit_2017_truncated.txt")
    assert t.truncated and not t.ok
    cut = [n for n in t.notes if n.code == "TABLE_TRUNCATED"]
    assert cut and "家长满" in cut[0].message
