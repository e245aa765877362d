"""Consolidation: the summary workbook (totals, print), duplicates and conflicts, --into-store
through the push merge, --previous, and the tidy tables in pandas and DuckDB."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from xlsync.validators.profiles import load_profile

from xlsync.cli import cli
from xlsync.document import FIELDS, dumps, new_document
from xlsync.exchange import export
from xlsync.store import Store

SAMPLES = Path(__file__).parent / "data" / "samples"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def seed_sums(seed_path) -> dict[str, Decimal]:
    """项目本年度金额 per 单位编码, read straight from the seed text (not through xlsync)."""
    sums: dict[str, Decimal] = {}
    unit = None
    for line in seed_path.read_text(encoding="utf-8").splitlines():
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in line.split("\t")]
        if cells[0] == "单位编码":
            unit = cells[1]
        if "项目本年度金额" in cells:
            amount = Decimal(cells[cells.index("项目本年度金额") + 1])
            sums[unit] = sums.get(unit, Decimal(0)) + amount
    return sums


def seed_names(seed_path) -> list[str]:
    text = re.sub(r"<[^>]+>", "", seed_path.read_text(encoding="utf-8"))
    return [m.group(1).strip() for m in re.finditer(r"^项目名称\t([^\t\n]+)", text, re.M)]


def national_docs() -> list:
    docs = []
    for p in sorted(SAMPLES.glob("*.expected.json")):
        data = json.loads(p.read_text(encoding="utf-8"))
        docs.append(new_document(**{k: v for k, v in data.items() if k in FIELDS}, layout="national"))
    return docs


@pytest.fixture(scope="module")
def books(tmp_path_factory, seed_docs):
    root = tmp_path_factory.mktemp("units")
    store = Store(root / "store")
    store.put_many(seed_docs, action="import-text")
    return export(store, root / "books", load_profile())


@pytest.fixture(scope="module")
def summary(tmp_path_factory, books):
    out = tmp_path_factory.mktemp("summary") / "汇总-2020.xlsx"
    res = run("consolidate", books[0].parent, "-o", out)
    assert res.exit_code == 0, res.output
    return out


def sheet_rows(path, name):
    ws = load_workbook(path, data_only=True)[name]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] in ("序号", "单位名称", "类型", "变化", "单位编码"))
    return rows[head], [r for r in rows[head + 1:] if any(v is not None for v in r)]


def test_seed_totals_match_the_seed_text(summary, seed_path):
    expected = seed_sums(seed_path)
    head, rows = sheet_rows(summary, "汇总")
    col = {h: i for i, h in enumerate(head)}
    units = {r[col["单位编码"]]: r for r in rows if r[col["单位编码"]]}
    assert set(units) == set(expected) == {"095001", "095002", "095004"}
    for code, total in expected.items():
        assert Decimal(str(units[code][col["本年度金额"]])).quantize(Decimal("0.01")) == total
        assert units[code][col["状态"]] in ("就绪", "有错误")
    grand = next(r for r in rows if r[col["单位名称"]] == "合计")
    assert Decimal(str(grand[col["本年度金额"]])).quantize(Decimal("0.01")) == sum(expected.values())
    assert grand[col["项目数"]] == 12
    # unit names whole: the three units differ only at the end of their names
    assert {r[col["单位名称"]] for r in units.values()} == {
        "郑州住房公积金管理中心机关", "郑州住房公积金管理中心省电力分中心", "郑州住房公积金管理中心郑煤集团分中心"}


def test_sheets_hold_projects_plan_indicators_findings(summary, seed_docs, seed_path):
    wb = load_workbook(summary)
    assert wb.sheetnames[:6] == ["汇总", "项目清单", "用款计划", "绩效指标", "指标统计", "校验"]
    head, rows = sheet_rows(summary, "项目清单")
    assert sorted(r[head.index("项目名称")] for r in rows) == sorted(seed_names(seed_path))
    link = wb["项目清单"].cell(4, head.index("来源") + 1).hyperlink
    assert link is not None and "2020.xlsx" in link.target
    head, rows = sheet_rows(summary, "绩效指标")
    assert len(rows) == sum(len(d.indicators) for d in seed_docs)
    first = next(r for r in rows if r[head.index("目标值")] == "=100%")
    assert (first[head.index("符号")], first[head.index("数值")], first[head.index("计量\n单位")]) == ("=", 100, "%")
    assert wb["绩效指标"].auto_filter.ref
    head, rows = sheet_rows(summary, "用款计划")
    total = next(r for r in rows if r[0] == "合计")
    assert total[head.index("本年度金额")] == 22000000
    assert 0.9 < total[head.index("四季度末")] < 1.0  # money as numbers, percentages as fractions
    head, rows = sheet_rows(summary, "校验")
    assert rows and all(r[head.index("代码")] and r[head.index("说明")] for r in rows)
    assert any(r[head.index("位置")] for r in rows)
    ws = wb["汇总"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows and ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0


@pytest.mark.parametrize("source", ["workbooks", "store"])
def test_summary_prints_every_name_in_full_on_ten_pages(source, summary, seed_path, seed_store, tmp_path):
    from lo import convert
    from pypdf import PdfReader

    if source == "store":  # as `make demo` consolidates
        summary = tmp_path / "from-store.xlsx"
        assert run("consolidate", seed_store.root, "-o", summary).exit_code == 0
    pdf = convert([summary], tmp_path, "pdf")[0]
    reader = PdfReader(pdf)
    assert len(reader.pages) <= 10
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    for name in seed_names(seed_path) + ["郑州住房公积金管理中心机关", "郑州住房公积金管理中心省电力分中心",
                                         "郑州住房公积金管理中心郑煤集团分中心"]:
        assert name in text, name


def _edit(book: Path, sheet_index: int, cell: str, value) -> None:
    wb = load_workbook(book)
    wb[wb.sheetnames[sheet_index]][cell].value = value
    wb.save(book)


def test_conflicting_duplicate_is_reported_identical_copy_counted_once(books, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    b002 = next(b for b in books if b.name.startswith("095002"))
    b004 = next(b for b in books if b.name.startswith("095004"))
    shutil.copy(b002, folder / "a.xlsx")
    shutil.copy(b002, folder / "b.xlsx")
    _edit(folder / "b.xlsx", 1, "G8", 123456)  # 项目本年度金额 of the first project sheet
    shutil.copy(b004, folder / "c.xlsx")
    shutil.copy(b004, folder / "d.xlsx")
    out = tmp_path / "sum.xlsx"
    res = run("consolidate", folder, "-o", out, "--json", tmp_path / "t.json")
    assert res.exit_code == 3, res.output
    assert "冲突" in res.output and "123456.00" in res.output
    head, rows = sheet_rows(out, "汇总")
    units = {r[head.index("单位编码")]: r for r in rows if r[head.index("单位编码")]}
    assert units["095004"][head.index("项目数")] == 3  # identical copies count once
    assert units["095002"][head.index("项目数")] == 2
    assert units["095002"][head.index("状态")] == "有冲突"
    head, rows = sheet_rows(out, "冲突")
    assert [r[head.index("字段")] for r in rows] == ["项目本年度金额"]
    assert {r[head.index("值 A")] for r in rows} | {r[head.index("值 B")] for r in rows} >= {"123456.00"}
    tables = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["tables"]
    assert [c["field"] for c in tables["conflicts"]] == ["year_amount"]


def test_stale_workbook_into_store_is_a_conflict_field_by_field(seed_store, tmp_path):
    old = export(seed_store, tmp_path / "old.xlsx", load_profile(), unit="095004")[0]
    new = export(seed_store, tmp_path / "new.xlsx", load_profile(), unit="095004")[0]
    _edit(new, 1, "G8", 700000)
    assert run("push", new, "--store", seed_store.root).exit_code == 0
    doc_id = next(d for d in seed_store.documents(unit="095004")[0] if d.year_amount == "700000.00").id
    # a stale copy that changed nothing: the newer value stays, no conflict
    res = run("consolidate", old, "-o", tmp_path / "s0.xlsx", "--into-store", seed_store.root)
    assert res.exit_code == 0, res.output
    assert seed_store.get(doc_id).year_amount == "700000.00"
    head, rows = sheet_rows(tmp_path / "s0.xlsx", "汇总")
    unit = next(r for r in rows if r[head.index("单位编码")] == "095004")
    assert unit[head.index("本年度金额")] == 1550000 + 700000 - 650000  # what the store now holds
    assert [r[head.index("状态")] for r in rows if r[head.index("单位编码")] != "095004"][:2] == ["未报送"] * 2
    # a stale copy that changed the same field: a conflict, nothing overwritten
    _edit(old, 1, "G8", 640000)
    res = run("consolidate", old, "-o", tmp_path / "s1.xlsx", "--into-store", seed_store.root)
    assert res.exit_code == 3, res.output
    assert seed_store.get(doc_id).year_amount == "700000.00"
    head, rows = sheet_rows(tmp_path / "s1.xlsx", "冲突")
    assert [(r[head.index("类型")], r[head.index("字段")], r[head.index("值 A")], r[head.index("值 B")])
            for r in rows] == [("工作簿版本落后于存储", "项目本年度金额", "640000.00", "700000.00")]


def test_into_store_merges_all_units_and_marks_missing(books, seed_docs, tmp_path):
    res = run("consolidate", *books, "-o", tmp_path / "sum.xlsx", "--into-store", tmp_path / "all")
    assert res.exit_code == 0, res.output
    merged, _ = Store(tmp_path / "all").documents()
    assert sorted(map(dumps, merged)) == sorted(map(dumps, seed_docs))
    # the office store knows three units; only two sent a workbook this time
    res = run("consolidate", books[0], books[1], "-o", tmp_path / "two.xlsx", "--into-store", tmp_path / "all")
    assert res.exit_code == 0, res.output
    head, rows = sheet_rows(tmp_path / "two.xlsx", "汇总")
    status = {r[head.index("单位编码")]: r[head.index("状态")] for r in rows if r[head.index("单位编码")]}
    assert status[books[2].name[:6]] == "未报送"
    assert "未报送 1 个单位" in res.output


def test_previous_year_comparison(seed_docs, tmp_path):
    cur = Store(tmp_path / "cur")
    cur.put_many(seed_docs)
    prev = Store(tmp_path / "prev")
    last = []
    for d in seed_docs[1:]:  # the first project is new this year
        data = d.model_dump()
        data.update(year=2019, id=None, start_date="2019-01-01", end_date="2019-12-31", plan=[])
        if d.name == "办事大厅运行费":
            data["year_amount"] = "900000.00"
            data["indicators"][0]["target"] = "≥90%"
        last.append(new_document(**data))
    last.append(new_document(**{**last[0].model_dump(), "id": None, "name": "已结束的项目"}))
    prev.put_many(last)
    out = tmp_path / "sum.xlsx"
    res = run("consolidate", cur.root, "-o", out, "--previous", prev.root, "--csv", tmp_path / "csv")
    assert res.exit_code == 0, res.output
    head, rows = sheet_rows(out, "跨年对比")
    by = {r[head.index("项目名称")]: r for r in rows}
    assert by[seed_docs[0].name][0] == "新增"
    assert by["已结束的项目"][0] == "取消"
    hall = by["办事大厅运行费"]
    assert hall[0] == "延续" and hall[head.index("增减额")] == 90000 and hall[head.index("指标变化数")] == 1
    head, rows = sheet_rows(out, "目标值变化")
    assert [(r[head.index("项目名称")], r[head.index("上年目标值")], r[head.index("本年目标值")]) for r in rows] == [
        ("办事大厅运行费", "≥90%", seed_docs[2].indicators[0].target)]
    head, rows = sheet_rows(out, "汇总")
    total = next(r for r in rows if r[head.index("单位名称")] == "合计")
    expected_prev = sum(Decimal(d.year_amount) for d in last)
    assert Decimal(str(total[head.index("上年度金额")])).quantize(Decimal("0.01")) == expected_prev


def test_mixed_national_and_seed_layouts(books, tmp_path):
    store = Store(tmp_path / "national")
    docs = national_docs()
    store.put_many(docs)
    out = tmp_path / "sum.xlsx"
    res = run("consolidate", books[0], store.root, "-o", out, "--year", "2023")
    assert res.exit_code == 0, res.output
    head, rows = sheet_rows(out, "项目清单")
    names = {r[head.index("项目名称")] for r in rows}
    assert {d.title for d in docs if d.year in (2023, None)} <= names
    assert "其他年度" in res.output  # the 2020 seed projects and other years are left out, and said so
    head, rows = sheet_rows(out, "绩效指标")
    assert any(r[head.index("一级指标")] == "产出指标" for r in rows)
    head, rows = sheet_rows(out, "校验")
    national_l1 = [r for r in rows if r[head.index("代码")] == "CATEGORY_UNKNOWN" and "产出指标" in r[head.index("说明")]]
    assert not national_l1  # national documents are checked with the national rules


def test_tidy_tables_load_in_pandas_and_duckdb(books, tmp_path, seed_path):
    import duckdb
    import pandas as pd

    from xlsync.consolidate.tables import SCHEMA

    res = run("consolidate", *books, "-o", tmp_path / "s.xlsx", "--csv", tmp_path / "csv",
              "--parquet", tmp_path / "pq", "--json", tmp_path / "t.json", "--jobs", "2")
    assert res.exit_code == 0, res.output
    expected = seed_sums(seed_path)
    package = json.loads((tmp_path / "csv" / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        name = resource["name"]
        cols = [f["name"] for f in resource["schema"]["fields"]]
        assert cols == [c[0] for c in SCHEMA[name]]
        text = [f["name"] for f in resource["schema"]["fields"] if f["type"] != "integer"]
        df = pd.read_csv(tmp_path / "csv" / resource["path"], dtype={c: str for c in text}, keep_default_na=False)
        assert list(df.columns) == cols
        pq = pd.read_parquet(tmp_path / "pq" / f"{name}.parquet")
        assert list(pq.columns) == cols and len(pq) == len(df)
    units = pd.read_csv(tmp_path / "csv" / "units.csv", dtype=str)
    assert {r.unit_code: Decimal(r.year_amount) for r in units.itertuples()} == expected
    con = duckdb.connect()
    types = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM '{tmp_path / 'pq' / 'projects.parquet'}'").fetchall()}
    assert types["year_amount"].startswith("DECIMAL") and types["year"] == "BIGINT"
    total = con.execute(f"SELECT sum(year_amount) FROM '{tmp_path / 'pq' / 'projects.parquet'}'").fetchone()[0]
    assert total == sum(expected.values())  # exact: a Decimal, not a float
    csv_total = con.execute(
        f"SELECT sum(CAST(year_amount AS DECIMAL(20,2))) FROM read_csv('{tmp_path / 'csv' / 'projects.csv'}', "
        "all_varchar=true)").fetchone()[0]
    assert csv_total == sum(expected.values())
    data = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert {u["unit_code"]: u["year_amount"] for u in data["tables"]["units"]} == {
        k: f"{v:.2f}" for k, v in expected.items()}
    quarters = pd.read_parquet(tmp_path / "pq" / "plan_quarters.parquet")
    assert set(quarters["quarter"]) == {1, 2, 3, 4}


def test_unreadable_input_is_named_and_the_rest_consolidated(books, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(books[0], folder / books[0].name)
    (folder / "broken.xlsx").write_bytes(b"not a workbook")
    res = run("consolidate", folder, "-o", tmp_path / "s.xlsx")
    assert res.exit_code == 1
    assert "broken.xlsx" in res.output
    head, rows = sheet_rows(tmp_path / "s.xlsx", "校验")
    assert any(r[head.index("代码")] == "SOURCE_UNREADABLE" for r in rows)


def test_readme_documents_the_tidy_schema():
    from xlsync.consolidate.tables import SCHEMA_BEGIN, SCHEMA_END, markdown_schema

    body = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert body.split(SCHEMA_BEGIN, 1)[1].split(SCHEMA_END, 1)[0].strip() == markdown_schema(), \
        "run: python -m xlsync.consolidate.tables --write"
