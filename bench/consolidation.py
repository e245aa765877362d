"""Consolidation and batch conversion at office scale: time and peak memory (RSS of the whole
process tree, workers included), with 1 and 2 jobs.

    python bench/consolidation.py [--units 200] [--projects 50] [--texts 40] [--dir DIR]

Generates a synthetic office by cloning the seed documents (units × projects), writes its
unit workbooks, then measures `xlsync consolidate` (from the workbooks and from the store)
and `xlsync convert` of cloned text files. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "zhengzhou-hpf-2020.txt"
XLSYNC = Path(sys.executable).parent / "xlsync"


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    parents: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status") as fh:
                fields = dict(line.split(":", 1) for line in fh if ":" in line)
        except OSError:
            continue
        p = int(entry.name)
        parents.setdefault(int(fields["PPid"]), []).append(p)
        rss[p] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(parents.get(p, []))
    return total


def measure(cmd: list[str]) -> tuple[float, int, int]:
    """(seconds, peak tree RSS, exit code) of a command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    stop = threading.Event()

    def sample():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.1)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _out, err = proc.communicate()
    stop.set()
    t.join()
    if proc.returncode not in (0, 1):
        print(err.decode()[-2000:], file=sys.stderr)
    return time.perf_counter() - start, peak, proc.returncode


def office(units: int, projects: int, store_dir: Path) -> None:
    """units × projects documents cloned from the seed, written straight into a store."""
    from xlsync.document import dumps, new_document
    from xlsync.published import read_file
    from xlsync.store import Store

    tables, _ = read_file(SEED)
    seed = [t.document for t in tables]
    store = Store(store_dir)
    for u in range(units):
        code = f"{100000 + u:06d}"
        for k in range(projects):
            base = seed[k % len(seed)].model_dump()
            base.update(id=None, unit_code=code, unit_name=f"第{u + 1}测试单位（{base['unit_name']}）",
                        name=f"{base['name']}（{k + 1}）")
            doc = new_document(**base)
            path = store.path_for_id(doc.id)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(dumps(doc))


def texts(n: int, folder: Path) -> None:
    """n text files, each the twelve seed tables of three other units."""
    text = SEED.read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        out = text
        for j, code in enumerate(("095001", "095002", "095004")):
            out = out.replace(code, f"{200000 + 3 * i + j:06d}")
        out = re.sub(r"郑州住房公积金管理中心", f"第{i + 1}市住房公积金管理中心", out)
        (folder / f"tables-{i:03d}.txt").write_text(out, encoding="utf-8")


def line(label: str, seconds: float, peak: int, code: int) -> None:
    print(f"{label:<58}{seconds:>8.1f} s  peak RSS {peak / 2**20:>7.0f} MiB  exit {code}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=200)
    ap.add_argument("--projects", type=int, default=50)
    ap.add_argument("--texts", type=int, default=40)
    ap.add_argument("--dir", type=Path, default=None)
    a = ap.parse_args()
    work = a.dir or Path(tempfile.mkdtemp(prefix="xlsync-bench-"))
    n = a.units * a.projects
    store = work / "store"
    books = work / "books"
    if not store.exists():
        t = time.perf_counter()
        office(a.units, a.projects, store)
        print(f"generated {n} projects in {a.units} units: {time.perf_counter() - t:.1f} s", flush=True)
    if not books.exists():
        from xlsync.convert import _export, output_name
        from xlsync.parallel import imap

        t = time.perf_counter()
        units = sorted({p.parent.name for p in store.glob("2020/*/*.json")})
        tasks = [(store, u, 2020, books / output_name(u, 2020)) for u in units]
        for o in imap(_export, tasks, 2):
            if o.status != "written":
                print(o.file, o.detail)
        print(f"exported {len(tasks)} unit workbooks (2 processes): {time.perf_counter() - t:.1f} s", flush=True)
    for jobs in (1, 2):
        line(f"consolidate {n} projects from {a.units} workbooks, --jobs {jobs}",
             *measure([str(XLSYNC), "consolidate", str(books), "-o", str(work / f"sum-wb-{jobs}.xlsx"),
                       "--jobs", str(jobs)]))
    for jobs in (1, 2):
        line(f"consolidate {n} projects from the store, --jobs {jobs}",
             *measure([str(XLSYNC), "consolidate", str(store), "-o", str(work / f"sum-st-{jobs}.xlsx"),
                       "--jobs", str(jobs), "--parquet", str(work / f"pq-{jobs}")]))
    if a.texts:
        src = work / "texts"
        if not src.exists():
            texts(a.texts, src)
        for jobs in (1, 2):
            out = work / f"convert-{jobs}"
            line(f"convert {a.texts} text files ({12 * a.texts} tables), --jobs {jobs}",
                 *measure([str(XLSYNC), "convert", str(src), "--out-dir", str(out), "--jobs", str(jobs)]))
    print(f"work folder: {work}")


if __name__ == "__main__":
    main()
