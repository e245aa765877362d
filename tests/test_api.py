"""The public API used as a scripting analyst would, checked against what the CLI gives."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner
from openpyxl import load_workbook

import xlsync
from xlsync.cli import cli

UNIT = "095001"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_the_api_is_what_help_shows_and_import_loads_nothing_heavy():
    out = subprocess.run([sys.executable, "-c", "import xlsync, sys; "
                          "print('LOADED', sorted(m for m in ('pandas', 'pydantic', 'openpyxl') if m in sys.modules)); "
                          "help(xlsync)"], capture_output=True, text=True, check=True).stdout
    for name in xlsync.__all__:
        assert name in out
    assert "read_tables(path" in out and "write_workbook(docs" in out
    assert "LOADED []" in out  # importing xlsync alone loads no heavy library (xlsync --help stays fast)


def test_script_read_put_validate_write_read_back_consolidate(tmp_path, seed_path):
    tables = xlsync.read_tables(seed_path)
    assert len(tables) == 12 and all(t.ok for t in tables)
    assert tables.documents == [t.document for t in tables]

    # put into a store as a script would; the CLI imports the same file into another store
    store = xlsync.Store(tmp_path / "api")
    results = [store.put(d, action="import-text") for d in tables.documents]
    assert all(r.changed for r in results)
    cli_store = tmp_path / "cli"
    assert invoke("import-text", seed_path, "--store", cli_store).exit_code == 0
    listed = json.loads(invoke("list", "--store", cli_store, "--format", "json").output)["projects"]
    docs, broken = store.documents()
    assert broken == []
    assert sorted((d.id, r) for d, r in zip(docs, (xlsync.revision(d) for d in docs), strict=True)) == \
        sorted((p["id"], p["rev"]) for p in listed)

    one = docs[0].id
    assert [e.rev for e in store.history(one)] == [results[[d.id for d in tables.documents].index(one)].rev]
    cli_log = json.loads(invoke("log", one, "--store", tmp_path / "api", "--format", "json").output)
    assert [e["rev"] for e in cli_log] == [e.rev for e in store.history(one)]

    # validate: the same findings as `xlsync validate --store`
    findings = xlsync.validate(docs)
    cli_found = json.loads(invoke("validate", "--store", cli_store, "--format", "json").output)["findings"]
    assert sorted((f.project_id, f.code, f.field, f.message) for f in findings) == \
        sorted((f["project_id"], f["code"], f["field"], f["message"]) for f in cli_found)
    assert any(f.severity == "error" for f in findings)  # the seed has plan errors
    assert xlsync.validate(docs, "seed") == xlsync.validate(docs, profile=None)  # seed tables: seed rules

    # write one unit's workbook, read it back: the documents come back equal
    mine, _ = store.documents(unit=UNIT, year=2020)
    book = xlsync.write_workbook(mine, tmp_path / "books" / f"{UNIT}-2020.xlsx")
    cli_book = tmp_path / "cli-books" / f"{UNIT}-2020.xlsx"
    assert invoke("export", "--store", tmp_path / "api", "--unit", UNIT, "--year", 2020, "-o", cli_book).exit_code == 0
    assert load_workbook(book).sheetnames == load_workbook(cli_book).sheetnames
    again = xlsync.read_workbook(book)
    assert again.problems == []
    assert sorted((d.id, xlsync.revision(d)) for d in again) == sorted((d.id, xlsync.revision(d)) for d in mine)

    # consolidate the workbook folder: the same summary as `xlsync consolidate`
    result = xlsync.consolidate([tmp_path / "books"], tmp_path / "summary.xlsx", csv_dir=tmp_path / "tidy")
    res = invoke("consolidate", tmp_path / "cli-books", "-o", tmp_path / "cli-summary.xlsx",
                 "--csv", tmp_path / "cli-tidy")
    assert result.exit_code == res.exit_code == 0
    def rows(folder):  # the source column names the folder each was read from
        text = (tmp_path / folder / "projects.csv").read_text(encoding="utf-8")
        return text.replace(str(tmp_path / "cli-books"), "BOOKS").replace(str(tmp_path / "books"), "BOOKS")

    assert rows("tidy") == rows("cli-tidy") and "095001-2020.xlsx" in rows("tidy")
    assert load_workbook(tmp_path / "summary.xlsx").sheetnames == load_workbook(tmp_path / "cli-summary.xlsx").sheetnames


def test_bad_input_raises_the_error_with_its_code(tmp_path):
    missing = tmp_path / "nothing.txt"
    try:
        xlsync.read_tables(missing)
    except xlsync.XlsyncError as exc:
        assert exc.code and str(missing) in str(exc.location)
    else:
        raise AssertionError("no error for a missing file")
    text = tmp_path / "note.txt"
    text.write_text("这不是表格\n", encoding="utf-8")
    try:
        xlsync.read_workbook(text)
    except xlsync.XlsyncError:
        pass
    else:
        docs = xlsync.read_workbook(text)
        assert docs == [] and docs.problems


def test_the_readme_python_example_runs_as_written(tmp_path):
    import re
    import shutil
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## From Python"):]
    code = re.search(r"^```python\n(.*?)^```", section, re.M | re.S).group(1)
    shutil.copytree(root / "examples", tmp_path / "examples")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "PLAN_" in done.stdout or "error" in done.stdout
    assert (tmp_path / "script-summary.xlsx").exists() and done.stdout.strip().endswith("0")
