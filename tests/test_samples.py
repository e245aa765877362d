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
from xlsync.store import Store
from xlsync.textimport import read_file

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
