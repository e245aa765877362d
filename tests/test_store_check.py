"""`xlsync check --store S [--repair]`, and the history that is never lost."""

import json
from pathlib import Path

from click.testing import CliRunner
from faults import SimulatedKill, planned
from hypothesis import given, settings
from hypothesis import strategies as st

from xlsync.cli import cli
from xlsync.store import Store

SEED = Path(__file__).resolve().parent.parent / "examples" / "zhengzhou-hpf-2020.txt"


def _check(store, *more):
    return CliRunner().invoke(cli, ["check", "--store", str(store.root), *more])


def test_check_names_each_problem_and_repair_fixes_what_it_can(seed_store):
    store = seed_store
    paths = store.paths()
    lost, torn, broken = (Store(store.root).get(p.stem) for p in paths[:3])
    log = store.history_dir(lost.id) / "log.jsonl"
    store.put(lost.model_copy(update={"owner": "新"}))
    log.write_bytes(log.read_bytes().splitlines(keepends=True)[0])  # the second entry lost (older xlsync)
    tlog = store.history_dir(torn.id) / "log.jsonl"
    tlog.write_bytes(tlog.read_bytes() + b'{"at": "2020')
    store.path_for_id(broken.id).write_text("{", encoding="utf-8")
    tmp = paths[4].parent / f".{paths[4].name}.dead.tmp"
    tmp.write_bytes(b"half")
    res = _check(store)
    assert res.exit_code == 1
    for code in ("STORE_LOG_MISMATCH", "STORE_LOG_TORN", "STORE_DOC_BROKEN", "STORE_TEMP_ORPHAN"):
        assert code in res.output, (code, res.output)
    assert str(log) in res.output and str(tmp) in res.output and str(store.path_for_id(broken.id)) in res.output
    res = _check(store, "--repair")
    assert res.exit_code == 1 and "STORE_DOC_BROKEN" in res.output  # a broken document is never touched
    assert store.path_for_id(broken.id).read_text(encoding="utf-8") == "{"
    entries = Store(store.root).log(lost.id)
    assert entries[-1].rev == Store(store.root).log(lost.id)[-1].rev and "recovered" in entries[-1].action
    assert not tmp.exists()
    store.path_for_id(broken.id).unlink()
    res = _check(store)
    assert res.exit_code == 0 and "STORE_OK" in res.output, res.output


class KillAt:
    """Kill the process when it is about to rename a file named `name` into place."""

    def __init__(self, name):
        self.name, self.dead = name, False

    def __call__(self, kind, path):
        if self.dead or (kind == "rename" and path.name == self.name):
            self.dead = True
            raise SimulatedKill(path)


def test_a_kill_between_the_document_and_its_log_line_loses_no_history(tmp_path):
    lines = SEED.read_text(encoding="utf-8").splitlines(keepends=True)[:53]
    texts = [tmp_path / f"v{i}.txt" for i in range(3)]
    texts[0].write_text("".join(lines), encoding="utf-8")
    texts[1].write_text("".join(lines).replace("郑州", "郑州市"), encoding="utf-8")
    texts[2].write_text("".join(lines).replace("郑州", "郑州市").replace("劳务", "劳务派遣"), encoding="utf-8")
    root = tmp_path / "store"
    assert CliRunner().invoke(cli, ["import-text", str(texts[0]), "--store", str(root)]).exit_code == 0
    (doc_id,) = [p.stem for p in Store(root).paths()]
    try:
        with planned(KillAt("log.jsonl")):  # the document is replaced, its log line not yet written
            CliRunner().invoke(cli, ["import-text", str(texts[1]), "--store", str(root)])
    except SimulatedKill:
        pass
    res = CliRunner().invoke(cli, ["log", doc_id, "--store", str(root), "--format", "json"])
    assert res.exit_code == 0 and len(json.loads(res.output)) == 2  # rolled forward: both versions
    res = CliRunner().invoke(cli, ["import-text", str(texts[1]), "--store", str(root)])
    assert res.exit_code == 0 and "未变" in res.output
    res = CliRunner().invoke(cli, ["import-text", str(texts[2]), "--store", str(root)])
    assert res.exit_code == 0, res.output  # the corrected re-import finds its base: no false conflict
    assert _check(Store(root)).exit_code == 0



@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.one_of(st.none(), st.binary(max_size=50)))
def test_a_journal_entry_carries_any_bytes_exactly(data, old):
    import json as _json

    from xlsync.store import _Staged

    item = _Staged("2020-095001-55e78453a07e", data, "r" * 16, None, "import-text", "甲", "2020-01-01", old, data)
    back = _Staged.from_json(_json.loads(_json.dumps(item.as_json()).encode("ascii")))
    assert (back.data, back.old, back.source) == (data, old, data)
