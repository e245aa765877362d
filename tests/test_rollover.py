"""rollover: next year's drafts of the bundled 2020 store, exported, validated, consolidated."""

import json

from click.testing import CliRunner
from openpyxl import load_workbook

from xlsync.cli import cli
from xlsync.rollover import rollover
from xlsync.workbook.reader import read_workbook


def test_only_continuing_projects_without_all(seed_store):
    doc = seed_store.documents(unit="095004", year=2020)[0][0]
    seed_store.put(doc.model_copy(update={"project_attribute": "延续项目"}))
    report = rollover(seed_store, 2020, 2021)
    assert [old.id for old, _new in report.drafts] == [doc.id]
    assert len(report.not_continuing) == 11
    again = rollover(seed_store, 2020, 2021)  # never overwritten
    assert again.drafts == [] and [i for _o, i in again.existing] == [report.drafts[0][1].id]


def test_rollover_of_the_2020_store_exports_validates_and_consolidates(seed_store, tmp_path):
    runner = CliRunner()
    root = str(seed_store.root)
    res = runner.invoke(cli, ["rollover", "--from", "2020", "--to", "2021", "--store", root, "--all"])
    assert res.exit_code == 0 and "新建草稿 12 个" in res.output, res.output
    assert f"xlsync export --store {root} --year 2021" in res.output
    drafts, _ = seed_store.documents(year=2021)
    last = {d.id: d for d in seed_store.documents(year=2020)[0]}
    assert len(drafts) == 12
    for d in drafts:
        old = last[d.previous_id]
        assert (d.name, d.unit_code, d.indicators, d.annual_goal) == (old.name, old.unit_code, old.indicators,
                                                                      old.annual_goal)
        assert d.prev_year_amount == old.year_amount and d.prev_total_amount == old.total_amount
        assert d.year_amount is None and d.plan == [] and d.start_date is None
        codes = {(r.code, r.field) for r in d.review}
        assert ("ROLLOVER_REENTER", "year_amount") in codes
        if old.start_date:
            item = next(r for r in d.review if r.field == "start_date")
            assert item.proposed == old.start_date.replace("2020", "2021", 1)
        assert all(c.amount is None for c in d.composition)
    # one draft renamed: 跨年对比 still links it to last year by its previous_id
    renamed = drafts[0].model_copy(update={"name": drafts[0].name + "（调整）"})
    seed_store.put(renamed)
    out = tmp_path / "wb"
    res = runner.invoke(cli, ["export", "--store", root, "--year", "2021", "--out-dir", str(out)])
    assert res.exit_code == 0, res.output
    books = sorted(out.glob("*-2021.xlsx"))
    assert len(books) == 3
    read = [sp.document for b in books for sp in read_workbook(b).projects]
    assert {d.id for d in read} == {d.id for d in seed_store.documents(year=2021)[0]}
    assert all(d.review and d.previous_id for d in read)  # carried through the workbook
    res = runner.invoke(cli, ["validate", *map(str, books), "--format", "json"])
    assert res.exit_code == 1  # the year's amounts are to be re-entered
    found = json.loads(res.output)
    missing = {(f["project_id"], f["field"]) for f in found["findings"] if f["code"] == "FIELD_MISSING"}
    assert all((d.id, "year_amount") in missing for d in read)
    summary = tmp_path / "sum.xlsx"
    res = runner.invoke(cli, ["consolidate", root, "--year", "2021", "--previous", root, "-o", str(summary)])
    assert res.exit_code in (0, 1), res.output
    ws = load_workbook(summary)["跨年对比"]
    rows = [r for r in ws.iter_rows(values_only=True) if r and r[0] in ("延续", "新增", "取消")]
    assert len(rows) == 12 and {r[0] for r in rows} == {"延续"}
    linked = next(r for r in rows if r[3] == renamed.name)
    assert linked[-2:] == (renamed.id, renamed.previous_id)
    assert linked[4] == float(last[renamed.previous_id].year_amount)
