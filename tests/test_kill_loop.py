"""A real kill -9 loop: `xlsync` processes running import-text, push and convert are killed
at random moments (50 kills); after each the store's check finds at most an unfinished job
(the journal) and temporary files, nothing else; the job is then run again, the store checks
clean, and the final store — documents and history — equals an uninterrupted run's."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from test_fault_harness import SEED, _edit_overviews, store_state

from xlsync.store import Store
from xlsync.storecheck import check_store

XLSYNC = [str(Path(sys.executable).parent / "xlsync")]
KILLS = 50


def _inputs(d: Path) -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines(keepends=True)
    (d / "half.txt").write_text("".join(lines[:338]), encoding="utf-8")
    (d / "changed.txt").write_text("".join(lines).replace("郑州", "郑州市"), encoding="utf-8")


def _jobs(d: Path) -> list[tuple[str, list[str]]]:
    s = str(d / "store")
    return [
        ("import-text", ["import-text", str(d / "half.txt"), "--store", s]),
        ("push", ["push", str(d / "unit.xlsx"), "--store", s]),
        ("import-text", ["import-text", str(d / "changed.txt"), "--store", s]),
        ("convert", ["convert", str(SEED), "--out-dir", str(d / "out"), "--store", s]),
    ]


def _between(name: str, d: Path, index: int) -> None:
    """What the office does between the jobs (not killed): export a workbook and edit it."""
    if index == 0:
        from xlsync.exchange import export

        book = export(Store(d / "store"), d / "unit.xlsx", None, unit="095001")[0]
        _edit_overviews(book, "（修订）")


def _run(argv: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([*XLSYNC, *argv], capture_output=True, text=True, timeout=300)


def _uninterrupted(d: Path) -> tuple[dict, list[float]]:
    d.mkdir()
    _inputs(d)
    took = []
    for i, (name, argv) in enumerate(_jobs(d)):
        t = time.monotonic()
        res = _run(argv)
        took.append(time.monotonic() - t)
        assert res.returncode in (0, 1, 3), (name, res.stdout, res.stderr)
        _between(name, d, i)
    return store_state(d / "store"), took


def test_fifty_kills_leave_the_store_whole_and_the_end_equal(tmp_path):
    expected, took = _uninterrupted(tmp_path / "calm")
    d = tmp_path / "killed"
    d.mkdir()
    _inputs(d)
    rng = random.Random(20)
    jobs = _jobs(d)
    seen: dict[str, int] = {}
    kills, per_job = 0, [KILLS // len(jobs) + (i < KILLS % len(jobs)) for i in range(len(jobs))]
    for i, (name, argv) in enumerate(jobs):
        for _ in range(per_job[i]):
            proc = subprocess.Popen([*XLSYNC, *argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.05, took[i] * 1.1))
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
            if (d / "store").is_dir():
                found = check_store(Store(d / "store"))
                assert {p.code for p in found} <= {"STORE_JOURNAL_UNFINISHED", "STORE_TEMP_ORPHAN"}, (name, found)
                for code in {p.code for p in found}:
                    seen[code] = seen.get(code, 0) + 1
        res = _run(argv)  # the next command completes a committed job and then runs its own
        assert res.returncode in (0, 1, 3), (name, res.stdout, res.stderr)
        assert check_store(Store(d / "store")) == [], name
        _between(name, d, i)
    assert kills == KILLS
    res = _run(["check", "--store", str(d / "store")])
    assert res.returncode == 0 and "STORE_OK" in res.stdout, res.stdout + res.stderr
    got = store_state(d / "store")
    assert got["docs"] == expected["docs"]
    assert got["logs"] == expected["logs"]  # the history too: every revision, once, in order
    print(f"kill -9 loop: {kills} kills, store checked after each; found after a kill: {seen}")
    shutil.rmtree(tmp_path / "calm")
