import json
import os
import signal
import subprocess
import sys
import time

import pytest

from xlsync.document import dumps, new_document, revision
from xlsync.errors import StoreError
from xlsync.store import Store

WRITER = r"""
import sys
from xlsync.document import new_document
from xlsync.store import Store
store = Store(sys.argv[1])
tag, count = sys.argv[2], int(sys.argv[3])
for i in range(count):
    store.put(new_document(year=2020, unit_code="095001", name=f"{tag}-{i}", year_amount=str(i)))
"""


def _doc(name="项目", amount="100.00", unit="095001"):
    return new_document(year=2020, unit_code=unit, name=name, year_amount=amount)


def test_put_get_layout(tmp_path):
    store = Store(tmp_path)
    r = store.put(_doc())
    assert r.path == tmp_path / "2020" / "095001" / f"{r.id}.json"
    assert store.get(r.id) == _doc()
    assert r.changed and r.previous is None
    assert not store.put(_doc()).changed


def test_history_lists_and_restores(tmp_path):
    store = Store(tmp_path)
    first = store.put(_doc(amount="100.00"))
    second = store.put(_doc(amount="200.00"))
    assert second.previous == first.rev
    entries = store.log(first.id)
    assert [e.rev for e in entries] == [first.rev, second.rev]
    restored = store.restore(first.id, first.rev[:6])
    assert store.get(first.id).year_amount == "100.00"
    assert restored.previous == second.rev
    assert store.revision_of(first.id, second.rev).year_amount == "200.00"
    assert [e.action for e in store.log(first.id)][-1].startswith("restore")


def test_history_names_the_author_and_reads_old_lines_without_one(tmp_path):
    import getpass

    first = Store(tmp_path).put(_doc(amount="100.00"))
    Store(tmp_path, author="张三").put(_doc(amount="200.00"))
    log = Store(tmp_path).history_dir(first.id) / "log.jsonl"
    old = {"at": "2020-01-01T00:00:00+00:00", "rev": "0" * 16, "previous": None, "action": "import-text"}
    log.write_text(json.dumps(old) + "\n" + log.read_text(encoding="utf-8"), encoding="utf-8")
    entries = Store(tmp_path).log(first.id)
    assert [e.author for e in entries] == [None, getpass.getuser(), "张三"]
    assert entries[0].action == "import-text"


def test_two_processes_writing_concurrently_lose_nothing(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), tag, "200"], env=env)
        for tag in ("a", "b")
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    docs, errors = Store(tmp_path).documents()
    assert errors == []
    assert len(docs) == 400
    assert {d.name for d in docs} == {f"{t}-{i}" for t in "ab" for i in range(200)}


def test_writer_killed_mid_write_leaves_readable_store(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    store = Store(tmp_path)
    store.put(_doc(name="k-0"))
    for delay in (0.3, 0.5, 0.8):
        p = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), "k", "100000"], env=env)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        docs, errors = store.documents()
        assert errors == [] and docs, delay
        assert not list(tmp_path.rglob("*.tmp")) or all(
            p.name.startswith(".") for p in tmp_path.rglob("*.tmp")
        )


def test_corrupt_file_is_reported_with_position_and_never_overwritten(tmp_path):
    store = Store(tmp_path)
    r = store.put(_doc())
    store.put(_doc(name="other"))
    r.path.write_text('{"schema_version": 1,\n  "id": oops}\n', encoding="utf-8")
    docs, errors = store.documents()
    assert [d.name for d in docs] == ["other"]
    assert len(errors) == 1 and str(r.path) in str(errors[0]) and ":2:" in str(errors[0])
    with pytest.raises(StoreError, match="损坏"):
        store.put(_doc(amount="5.00"))
    assert "oops" in r.path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["../../x", "CON", "a/b", "..", "x\\..\\y"])
def test_hostile_names_stay_inside_the_store(tmp_path, name):
    store = Store(tmp_path / "s")
    r = store.put(new_document(year=2020, unit_code="../..", name=name))
    assert r.path.resolve().is_relative_to((tmp_path / "s").resolve())
    assert store.get(r.id).name == name


def test_bad_id_is_refused(tmp_path):
    with pytest.raises(StoreError):
        Store(tmp_path).get("../../etc/passwd")


def test_stored_bytes_are_canonical(tmp_path):
    store = Store(tmp_path)
    doc = _doc()
    r = store.put(doc)
    assert r.path.read_bytes() == dumps(doc)
    assert r.rev == revision(doc)
    assert json.loads(r.path.read_text(encoding="utf-8"))["unit_code"] == "095001"
