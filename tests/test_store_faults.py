"""The store under faults: a full disk in the middle of a batch, a read-only file system,
writers killed mid-write (temporary files, torn log lines). Every document is afterwards the
old one or the new one, whole; every log parses; the user is told what failed, with the path."""

import json
import os
import time

import pytest
from click.testing import CliRunner
from disk import fill, free_all, remount_read_only, small_disk
from openpyxl import load_workbook
from xlsync.validators.profiles import load_profile

from xlsync.cli import cli
from xlsync.document import dumps, loads, new_document, revision
from xlsync.errors import StoreError
from xlsync.exchange import export, sync_books
from xlsync.published import read_file
from xlsync.store import STALE_TMP_SECONDS, Store
from xlsync.storecheck import check_store

PROFILE = load_profile("seed")


def _doc(amount="100.00", name="项目"):
    return new_document(year=2020, unit_code="095001", name=name, year_amount=amount)


def _logs_whole(store):
    for log in store.meta.glob("history/*/log.jsonl"):
        lines = log.read_bytes().splitlines(keepends=True)
        assert lines and all(line.endswith(b"\n") for line in lines), log
        for line in lines:
            json.loads(line)


def _no_temporaries(root):
    assert [p for p in root.rglob("*.tmp")] == []


def test_temporary_files_of_killed_writers_are_swept_under_the_lock(tmp_path):
    store = Store(tmp_path)
    first = store.put(_doc())
    folder = first.path.parent
    stale, fresh = folder / f".{first.path.name}.k1ll3d.tmp", folder / f".{first.path.name}.alive.tmp"
    hist = store.history_dir(first.id) / ".log.jsonl.dead.tmp"
    for p in (stale, fresh, hist):
        p.write_bytes(b"half a docu")
    old = time.time() - STALE_TMP_SECONDS - 60
    os.utime(stale, (old, old))
    os.utime(hist, (old, old))
    assert {p.code for p in check_store(Store(tmp_path))} == {"STORE_TEMP_ORPHAN"}
    Store(tmp_path).put(_doc("200.00"))  # the next writer: every store writer holds the lock
    assert not stale.exists() and not hist.exists() and not fresh.exists()
    assert check_store(Store(tmp_path)) == []
    assert Store(tmp_path).get(first.id).year_amount == "200.00"


def test_torn_log_line_is_dropped_and_a_lost_entry_recovered(tmp_path):
    store = Store(tmp_path)
    a = store.put(_doc("100.00"))
    b = store.put(_doc("200.00"))
    log = store.history_dir(a.id) / "log.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(lines[0])  # the entry of the second write was lost (disk full after the document)
    log.write_bytes(log.read_bytes() + b'{"at": "2020-01-01T00:00:0')  # an old writer killed mid-append
    c = store.put(_doc("300.00"))
    entries = store.log(a.id)
    assert [e.rev for e in entries] == [a.rev, b.rev, c.rev]
    assert [e.previous for e in entries] == [None, a.rev, b.rev]
    assert "recovered" in entries[1].action
    _logs_whole(store)


def test_a_corrupt_document_is_not_overwritten_and_others_still_list(tmp_path):
    store = Store(tmp_path)
    r = store.put(_doc())
    other = store.put(_doc(name="另一个"))
    r.path.write_text("{", encoding="utf-8")
    with pytest.raises(StoreError, match="已损坏"):
        store.put(_doc("5.00"))
    assert r.path.read_text(encoding="utf-8") == "{"
    docs, errors = store.documents()
    assert [d.id for d in docs] == [other.id] and errors[0].path == r.path
    assert store.documents(unit="095002") == ([], [])  # another unit's listing does not need it


@pytest.mark.disk
def test_read_only_store_is_reported_with_the_path_and_left_whole(tmp_path, seed_path):
    with small_disk(tmp_path / "ro", "4m") as root:
        store = Store(root / "store")
        r = store.put(_doc())
        before = r.path.read_bytes()
        remount_read_only(root)
        with pytest.raises(StoreError, match="只读") as exc:
            Store(root / "store").put(_doc("999.00"))
        assert str(store.root) in str(exc.value)  # the lock file is the first write refused
        assert r.path.read_bytes() == before
        res = CliRunner().invoke(cli, ["import-text", str(seed_path), "--store", str(root / "store")])
        assert res.exit_code == 2 and "只读" in res.output and str(root / "store") in res.output
        assert "Traceback" not in res.output


def _changed_seed(tmp_path, seed_path):
    text = seed_path.read_text(encoding="utf-8").replace("郑州", "郑州市")
    path = tmp_path / "changed.txt"
    path.write_text(text, encoding="utf-8")
    return path, [t.document for t in read_file(path)[0]]


@pytest.mark.disk
def test_full_disk_during_an_import_batch_writes_all_of_it_or_nothing(tmp_path, seed_path, seed_docs):
    """One import is one transaction: on a full disk the store keeps every old document (the
    journal could not be written), or the journal was committed and the next command that
    opens the store completes it — never a part of the batch."""
    changed_path, changed = _changed_seed(tmp_path, seed_path)
    old = {d.id: dumps(d) for d in seed_docs}
    new = {d.id: dumps(d) for d in changed}
    assert old.keys() == new.keys() and all(old[k] != new[k] for k in old)
    seen = set()
    for leave in (0, 6000, 20000, 48000, 90000, 150000):
        with small_disk(tmp_path / f"disk{leave}", "1m") as root:
            store = Store(root / "store")
            store.put_many(seed_docs, action="import-text")
            filler = fill(root, leave)
            res = CliRunner().invoke(cli, ["import-text", str(changed_path), "--store", str(store.root)])
            assert "Traceback" not in res.output
            if res.exit_code == 0:
                seen.add("written")
            elif "--repair" in res.output:  # committed, not yet applied in full
                assert res.exit_code == 2 and "磁盘已满" in res.output
                assert (store.meta / "journal.json").exists()
                seen.add("pending")
            else:
                assert res.exit_code == 2 and "磁盘已满" in res.output and str(store.root) in res.output
                assert "存储未改动" in res.output and "TABLE_INCOMPLETE" not in res.output
                assert {p.stem: p.read_bytes() for p in store.paths()} == old
                seen.add("nothing")
            _logs_whole(store)
            free_all(filler)  # room again: the next command completes a committed job first
            res = CliRunner().invoke(cli, ["import-text", str(changed_path), "--store", str(store.root)])
            assert res.exit_code == 0, res.output
            assert {p.stem: p.read_bytes() for p in Store(store.root).paths()} == new
            for doc_id in new:
                assert store.log(doc_id)[-1].rev == revision(loads(new[doc_id]))
            _logs_whole(store)
            _no_temporaries(store.root)
            assert check_store(Store(store.root)) == []
    assert len(seen) >= 2 and seen - {"written"}, seen  # the disk filled at different points of the job


@pytest.mark.disk
def test_full_disk_during_a_push_batch_leaves_each_document_old_or_new(tmp_path, seed_docs):
    with small_disk(tmp_path / "disk", "1m") as root:
        store = Store(root / "store")
        store.put_many(seed_docs)
        books = list(export(store, tmp_path / "books", PROFILE))
        for book in books:
            wb = load_workbook(book)
            for ws in wb.worksheets:
                if "xs_overview" in ws.defined_names:
                    ref = ws.defined_names["xs_overview"].attr_text.rsplit("!", 1)[1].replace("$", "")
                    ws[ref] = (ws[ref].value or "") + "（修订）" * 200
            wb.save(book)
        filler = fill(root, 40000)
        outcomes = sync_books(books, store, PROFILE)
        assert "failed" in [o.status for o in outcomes]
        failed = [o for o in outcomes if o.status == "failed"]
        assert all("磁盘已满" in o.error for o in failed)
        for p in root.glob("store/2020/*/*.json"):
            loads(p.read_bytes())  # whole
        _logs_whole(store)
        free_all(filler)
        store = Store(store.root)
        store.paths()  # the next command to open the store completes a committed push
        assert check_store(store) == []
        for o in outcomes:  # each workbook's projects: all old or all new
            unit = o.book.name.split("-")[0]
            mine = [p for p in store.paths() if p.parent.name == unit]
            revised = {loads(p.read_bytes()).overview.endswith("（修订）" * 200) for p in mine}
            assert len(revised) == 1, o
            assert revised == {o.status == "written"}, o
        retry = sync_books([o.book for o in failed], store, PROFILE)
        assert {o.status for o in retry} <= {"written", "unchanged"}
        assert all(loads(p.read_bytes()).overview.endswith("（修订）" * 200) for p in store.paths())
        _no_temporaries(store.root)
