from click.testing import CliRunner
from openpyxl import load_workbook
from xlsync.validators.profiles import load_profile

from xlsync.cli import cli
from xlsync.document import dumps
from xlsync.exchange import export
from xlsync.store import Store


def test_consolidate_unit_workbooks_into_summary_and_store(tmp_path, seed_store, seed_docs):
    books = export(seed_store, tmp_path / "units", load_profile())
    res = CliRunner().invoke(cli, ["consolidate", *map(str, books), "-o", str(tmp_path / "sum.xlsx"),
                                   "--into-store", str(tmp_path / "all")])
    assert res.exit_code == 0, res.output
    assert "3 个单位、12 个项目" in res.output
    wb = load_workbook(tmp_path / "sum.xlsx")
    units = list(wb["单位汇总"].iter_rows(min_row=2, values_only=True))
    assert [(u[0], u[2], float(u[4])) for u in units] == [
        ("095001", 7, 19150000.0), ("095002", 2, 1300000.0), ("095004", 3, 1550000.0), ("合计", 12, 22000000.0)]
    assert len(list(wb["绩效指标"].iter_rows(min_row=2))) == sum(len(d.indicators) for d in seed_docs)
    merged, _ = Store(tmp_path / "all").documents()
    assert sorted(map(dumps, merged)) == sorted(map(dumps, seed_docs))


def test_batch_convert_text_to_workbooks(tmp_path, seed_path):
    res = CliRunner().invoke(cli, ["convert", str(seed_path), "--out-dir", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    books = sorted(p.name for p in (tmp_path / "out").glob("*.xlsx"))
    assert books == ["095001-2020.xlsx", "095002-2020.xlsx", "095004-2020.xlsx"]
    assert len(list((tmp_path / "out" / "store").glob("2020/*/*.json"))) == 12
