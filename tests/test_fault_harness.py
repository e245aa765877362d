"""Every writing command under every reachable fault (tests/faults.py).

For each job (push, pull, import-text, convert, consolidate --into-store, restore) the job
is first run uninterrupted on a copy of its inputs, counting its file operations; then once
for every operation N and every fault (ENOSPC, EIO, a simulated kill) on a fresh copy.
After each: the store's check is clean once the next command has opened it (a kill's
temporary files go with --repair), the whole store — documents and every log — is the one
before the job or the one after it, every workbook opens and is the old one or the new one,
and the message says what was and was not written. The counts are printed at the end of the
test run.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from faults import FAULTS, KILL, Plan, SimulatedKill, Tally, planned
from openpyxl import load_workbook

from xlsync.cli import cli
from xlsync.document import revision
from xlsync.store import Store
from xlsync.storecheck import check_store

SEED = Path(__file__).resolve().parent.parent / "examples" / "zhengzhou-hpf-2020.txt"


def store_state(root: Path) -> dict:
    """Documents (bytes) and logs (rev, previous, action per entry) of a store, read from its files."""
    docs = {p.stem: p.read_bytes() for p in sorted(root.glob("[0-9u]*/*/*.json"))}
    logs = {}
    for log in sorted((root / ".xlsync" / "history").glob("*/log.jsonl")):
        logs[log.parent.name] = [(e["rev"], e["previous"], e["action"])
                                 for e in map(json.loads, log.read_text(encoding="utf-8").splitlines())]
    return {"docs": docs, "logs": logs}


def book_state(book: Path):
    """What a workbook shows: per sheet, the project and its hidden base revision (None: absent)."""
    if not book.exists():
        return None
    from xlsync.workbook.reader import read_workbook

    content = read_workbook(book)
    assert not content.errors, (book, content.errors)
    return tuple((sp.sheet, revision(sp.document), sp.base_rev) for sp in content.projects)


def _edit_overviews(book: Path, text: str) -> None:
    wb = load_workbook(book)
    for ws in wb.worksheets:
        if "xs_overview" in ws.defined_names:
            ref = ws.defined_names["xs_overview"].attr_text.rsplit("!", 1)[1].replace("$", "")
            ws[ref] = (ws[ref].value or "") + text
    wb.save(book)


@dataclass
class Job:
    name: str
    argv: list[str]  # {d} stands for the job's folder
    books: tuple[str, ...] = ()  # workbooks the job writes (relative to its folder)
    ok: tuple[int, ...] = (0,)


def _store(d: Path, text: Path) -> Store:
    store = Store(d / "store")
    res = CliRunner().invoke(cli, ["import-text", str(text), "--store", str(store.root)])
    assert res.exit_code == 0, res.output
    return store


def _two_tables(d: Path) -> Path:
    lines = SEED.read_text(encoding="utf-8").splitlines(keepends=True)
    (d / "two.txt").write_text("".join(lines[:114]), encoding="utf-8")
    (d / "changed.txt").write_text("".join(lines[:114]).replace("郑州", "郑州市"), encoding="utf-8")
    return d / "two.txt"


def setup_job(name: str, d: Path) -> Job:
    d.mkdir(parents=True)
    text = _two_tables(d)
    store = _store(d, text)
    if name == "import-text":
        return Job(name, ["import-text", "{d}/changed.txt", "--store", "{d}/store"])
    if name == "convert":
        return Job(name, ["convert", "{d}/changed.txt", "--out-dir", "{d}/out", "--store", "{d}/store"],
                   books=("out/095001-2020.xlsx",))
    if name == "restore":
        doc_id = next(iter(store_state(store.root)["docs"]))
        first = store.log(doc_id)[0].rev
        res = CliRunner().invoke(cli, ["import-text", str(d / "changed.txt"), "--store", str(store.root)])
        assert res.exit_code == 0, res.output
        return Job(name, ["restore", doc_id, first, "--store", "{d}/store"])
    from xlsync.exchange import export

    book = export(store, d / "unit.xlsx", None, unit="095001")[0]
    if name == "push":
        _edit_overviews(book, "（修订）")
        return Job(name, ["push", "{d}/unit.xlsx", "--store", "{d}/store"], books=("unit.xlsx",))
    if name == "pull":
        res = CliRunner().invoke(cli, ["import-text", str(d / "changed.txt"), "--store", str(store.root)])
        assert res.exit_code == 0, res.output
        return Job(name, ["pull", "{d}/unit.xlsx", "--store", "{d}/store"], books=("unit.xlsx",))
    if name == "consolidate":
        _edit_overviews(book, "（修订）")
        return Job(name, ["consolidate", "{d}/unit.xlsx", "--into-store", "{d}/store", "-o", "{d}/summary.xlsx"],
                   books=("summary.xlsx",))
    raise AssertionError(name)


def run(job: Job, d: Path, plan: Plan | None = None):
    argv = [a.replace("{d}", str(d)) for a in job.argv]
    try:
        if plan is None:
            return CliRunner().invoke(cli, argv)
        with planned(plan):
            return CliRunner().invoke(cli, argv)
    except SimulatedKill:
        return None


def states(job: Job, d: Path) -> tuple:
    books = tuple(book_state(d / b) if not b.startswith("summary") else (d / b).exists() for b in job.books)
    return store_state(d / "store"), books


WROTE_NOTHING = ("未改动", "未写入", "未做任何修改")


@pytest.mark.parametrize("name", ["push", "pull", "import-text", "convert", "consolidate", "restore"])
def test_every_fault_at_every_point_leaves_the_old_or_the_new(tmp_path, name):
    template = tmp_path / "template"
    job = setup_job(name, template)
    before = states(job, template)
    clean = tmp_path / "clean"
    shutil.copytree(template, clean)
    counter = Plan()
    res = run(job, clean, counter)
    assert res is not None and res.exit_code in job.ok, res.output
    after = states(job, clean)
    assert after != before, "the job changed nothing: no fault could show"
    assert check_store(Store(clean / "store")) == []
    faults = checks = 0
    for at in range(1, counter.count + 1):
        for fault in FAULTS:
            d = tmp_path / f"run-{at}-{fault}"
            shutil.copytree(template, d)
            plan = Plan(at, fault)
            res = run(job, d, plan)
            assert plan.fired, (at, fault, counter.ops[at - 1])
            faults += 1
            where = f"{name}: fault {fault} at operation {at} ({counter.ops[at - 1][0]} {counter.ops[at - 1][1].name})"
            if res is not None:
                assert "Traceback" not in res.output and res.exception is None or isinstance(
                    res.exception, SystemExit), (where, res.output, res.exception)
            store = Store(d / "store")
            found = check_store(store)  # before any command opened it: at most an unfinished job
            assert {p.code for p in found} <= {"STORE_JOURNAL_UNFINISHED", "STORE_TEMP_ORPHAN"}, (where, found)
            if fault != KILL:
                assert [p for p in found if p.code == "STORE_TEMP_ORPHAN"] == [], (where, found)
            check_store(Store(d / "store"), repair=True)  # the next command to open the store
            assert check_store(Store(d / "store")) == [], where
            checks += 2
            got_store, got_books = states(job, d)
            assert got_store in (before[0], after[0]), where
            checks += 1
            for b, got, old, new in zip(job.books, got_books, before[1], after[1], strict=True):
                assert got in (old, new), (where, b)
                checks += 1
            if res is None:
                continue
            out = res.output
            if got_store == before[0] and before[0] != after[0]:
                assert res.exit_code != 0, (where, out)
                assert any(w in out for w in WROTE_NOTHING), (where, out)
                assert str(d) in out, (where, out)  # the file that failed is named
                checks += 3
            elif before[0] != after[0] and "STORE_JOURNAL_UNFINISHED" in {p.code for p in found}:
                assert "--repair" in out, (where, out)  # committed; completed by the next command
                checks += 1
            if got_books != after[1] and got_store == after[0] and name in ("push",):
                assert "已写入存储" in out and "pull" in out, (where, out)  # the store has it; run pull
                assert res.exit_code == 0, (where, out)
                checks += 2
    Tally.record(name, faults, checks)
    assert faults >= 3 * 2
