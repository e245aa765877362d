"""Batch convert: text and workbooks in, unit workbooks out; per-file outcomes; progress on a
terminal; N processes."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook
from xlsync.validators.profiles import load_profile

from xlsync.cli import cli
from xlsync.document import new_document
from xlsync.exchange import export
from xlsync.store import Store

XLSYNC = Path(sys.executable).parent / "xlsync"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_batch_convert_text_to_workbooks(tmp_path, seed_path):
    res = run("convert", seed_path, "--out-dir", tmp_path / "out")
    assert res.exit_code == 0, res.output
    books = sorted(p.name for p in (tmp_path / "out").glob("*.xlsx"))
    assert books == ["095001-2020.xlsx", "095002-2020.xlsx", "095004-2020.xlsx"]
    assert len(list((tmp_path / "out" / "store").glob("2020/*/*.json"))) == 12
    again = run("convert", seed_path, "--out-dir", tmp_path / "out")
    assert again.exit_code == 0 and "[未变]" in again.output and "已写入 0" in again.output


def _folder(tmp_path, seed_path, seed_docs) -> Path:
    """The seed text, a 2021 workbook of unit 095004 (edited), a broken workbook."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(seed_path, src / "tables.txt")
    next_year = Store(tmp_path / "2021")
    next_year.put_many(new_document(**{**d.model_dump(), "id": None, "year": 2021, "start_date": "2021-01-01",
                                       "end_date": "2021-12-31"}) for d in seed_docs if d.unit_code == "095004")
    book = export(next_year, tmp_path / "x.xlsx", load_profile(), unit="095004")[0]
    wb = load_workbook(book)
    wb[wb.sheetnames[1]]["B6"].value = "13800000000"  # 联系电话, edited by the unit
    wb.save(src / "095004.xlsx")
    (src / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    return src


def _pty_run(args: list[str]) -> tuple[int, str]:
    """Run a command with stdout and stderr on a pseudo-terminal, as a user's shell would."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=300), b"".join(chunks).decode("utf-8", "replace")


def test_convert_folder_with_a_broken_workbook(tmp_path, seed_path, seed_docs):
    src = _folder(tmp_path, seed_path, seed_docs)
    code, out = _pty_run([str(XLSYNC), "convert", str(src), "--out-dir", str(tmp_path / "out"), "--jobs", "2"])
    assert code == 1, out
    assert "[失败]" in out and "broken.xlsx" in out
    assert "━" in out and "失败 1" in out  # the progress bar, with its counts
    assert "10/10" in out  # three files read and written, then the four unit workbooks
    store = Store(tmp_path / "out" / "store")
    docs, errors = store.documents()
    assert not errors and len(docs) == 15
    assert "13800000000" in {d.phone for d in docs if d.year == 2021}
    assert sorted(p.name for p in (tmp_path / "out").glob("*.xlsx")) == [
        "095001-2020.xlsx", "095002-2020.xlsx", "095004-2020.xlsx", "095004-2021.xlsx"]
    assert not list((tmp_path / "out").glob(".*"))  # no temporary files left


def test_convert_without_a_terminal_has_no_progress_bar(tmp_path, seed_path, seed_docs):
    src = _folder(tmp_path, seed_path, seed_docs)
    proc = subprocess.run([str(XLSYNC), "convert", str(src), "--out-dir", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "━" not in proc.stdout + proc.stderr
    assert "broken.xlsx" in proc.stderr and "[已写入]" in proc.stdout


def test_convert_conflicting_copies_writes_neither_silently(tmp_path, seed_store):
    src = tmp_path / "src"
    src.mkdir()
    book = export(seed_store, tmp_path / "x.xlsx", load_profile(), unit="095002")[0]
    shutil.copy(book, src / "a.xlsx")
    wb = load_workbook(book)
    wb[wb.sheetnames[1]]["G8"].value = 1
    wb.save(src / "b.xlsx")
    res = run("convert", src, "--out-dir", tmp_path / "out", "--store", seed_store.root, "--format", "json")
    assert res.exit_code == 3, res.output
    import json

    files = {Path(f["file"]).name: f["status"] for f in json.loads(res.output)["files"]}
    assert files == {"a.xlsx": "unchanged", "b.xlsx": "conflict"}
