"""What a fault message says: the file, and what was and was not written."""

import errno
import os
from pathlib import Path

from click.testing import CliRunner
from faults import planned

from xlsync.cli import cli
from xlsync.store import Store

SEED = Path(__file__).resolve().parent.parent / "examples" / "zhengzhou-hpf-2020.txt"


class Refuse:
    """Fail every operation of one kind on paths named `name` with one errno."""

    def __init__(self, kind, name, err, exact=False):
        self.kind, self.name, self.err, self.exact = kind, name, err, exact

    def __call__(self, kind, path):
        if kind == self.kind and (path.name == self.name or not self.exact and self.name in path.name):
            raise OSError(self.err, os.strerror(self.err), str(path))


def test_a_permission_error_on_a_new_year_folder_is_reported_as_such(tmp_path):
    lines = SEED.read_text(encoding="utf-8").splitlines(keepends=True)[:53]
    text = tmp_path / "t2021.txt"
    text.write_text("".join(lines).replace("2020", "2021"), encoding="utf-8")
    store = Store(tmp_path / "store")
    res = CliRunner().invoke(cli, ["import-text", str(SEED), "--store", str(store.root)])
    assert res.exit_code == 0
    with planned(Refuse("mkdir", "2021", errno.EACCES, exact=True)):
        res = CliRunner().invoke(cli, ["import-text", str(text), "--store", str(store.root)])
    assert res.exit_code == 2, res.output
    assert "没有写入权限" in res.output and str(store.root / "2021") in res.output
    assert "存储未改动" in res.output and "STORE_WRITE_FAILED" in res.output
    assert "改正文本" not in res.output and "TABLE_INCOMPLETE" not in res.output  # the text is fine
    assert not (store.root / "2021").exists() and not (store.meta / "journal.json").exists()


def test_export_on_a_full_disk_names_the_file_and_what_was_written(tmp_path, seed_store):
    out = tmp_path / "books"
    with planned(Refuse("write", "095002-2020", errno.ENOSPC)):
        res = CliRunner().invoke(cli, ["export", "--store", str(seed_store.root), "--out-dir", str(out)])
    assert res.exit_code == 2, res.output
    assert f"{out / '095002-2020.xlsx'}: 写入失败（磁盘已满）" in res.output
    assert "已写入 1 个工作簿" in res.output and str(out / "095001-2020.xlsx") in res.output
    assert sorted(p.name for p in out.iterdir()) == ["095001-2020.xlsx", "095004-2020.xlsx"]


def test_a_store_write_followed_by_a_failed_workbook_update_is_reported_as_exactly_that(workspace):
    from openpyxl import load_workbook

    store, book = workspace
    wb = load_workbook(book)
    ws = wb["聘用人员经费"]
    ws[ws.defined_names["xs_owner"].attr_text.rsplit("!", 1)[1].replace("$", "")] = "新负责人"
    wb.save(book)
    before = book.read_bytes()
    with planned(Refuse("rename", book.name, errno.EACCES, exact=True)):  # Excel holds the file
        res = CliRunner().invoke(cli, ["push", str(book), "--store", str(store.root)])
    assert res.exit_code == 0, res.output  # the push itself succeeded: not a failed workbook
    assert "已写入存储" in res.output and f"xlsync pull {book}" in res.output and "失败" not in res.output
    assert book.read_bytes() == before
    assert [d.owner for d in Store(store.root).documents()[0] if d.name == "聘用人员经费"] == ["新负责人"]
