"""Nothing is cut silently: a text longer than a workbook cell holds is refused at import
(line and length named); one already in the store is exported cut, the export says so, and a
push of the workbook leaves the whole text in the store."""

from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from xlsync.cli import cli
from xlsync.store import Store

SEED = Path(__file__).resolve().parent.parent / "examples" / "zhengzhou-hpf-2020.txt"
LONG = 40000


def test_a_text_longer_than_a_cell_is_refused_at_import_naming_line_and_length(tmp_path):
    lines = SEED.read_text(encoding="utf-8").splitlines(keepends=True)[:53]
    lines[6] = lines[6].replace("政府购买服务（劳务）经费", "政府购买服务" + "长" * LONG)
    text = tmp_path / "long.txt"
    text.write_text("".join(lines), encoding="utf-8")
    res = CliRunner().invoke(cli, ["import-text", str(text), "--store", str(tmp_path / "store")])
    assert res.exit_code == 1, res.output
    assert "TEXT_TOO_LONG" in res.output and f"{text}:7" in res.output and str(LONG + 6) in res.output
    assert not list((tmp_path / "store").glob("2020/*/*.json"))


def test_a_long_text_in_the_store_is_exported_cut_with_a_note_and_a_push_keeps_it_whole(tmp_path, seed_docs):
    store = Store(tmp_path / "store")
    doc = next(d for d in seed_docs if d.unit_code == "095004")
    whole = "概况" * LONG
    store.put_many([d.model_copy(update={"overview": whole}) if d.id == doc.id else d for d in seed_docs])
    res = CliRunner().invoke(cli, ["export", "--store", str(store.root), "--unit", "095004", "-o",
                                   str(tmp_path / "b.xlsx")])
    assert res.exit_code == 0, res.output
    assert "overview" in res.output and str(2 * LONG) in res.output and "完整" in res.output
    wb = load_workbook(tmp_path / "b.xlsx")
    ws = wb[doc.name]
    ws[ws.defined_names["xs_owner"].attr_text.rsplit("!", 1)[1].replace("$", "")] = "新负责人"
    wb.save(tmp_path / "b.xlsx")
    res = CliRunner().invoke(cli, ["push", str(tmp_path / "b.xlsx"), "--store", str(store.root)])
    assert res.exit_code == 0, res.output
    after = Store(store.root).get(doc.id)
    assert after.owner == "新负责人" and after.overview == whole
