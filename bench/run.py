"""Speed and memory of every xlsync job, each beside its floor measured in the same run.

    python bench/run.py [--quick] [--json OUT] [--only JOB,...] [--sizes 100,1000]
                        [--repeats N] [--budget SECONDS] [--work DIR] [--profile DIR]

Generates synthetic data from the seed (bench/generate.py: 100, 1,000 and 10,000 projects
in units of 50; text, a store, a store with 10% of the projects changed, unit workbooks),
cached under --work (default bench/work) and rebuilt only when the generator, the seed or
the code that shapes the data changes. Every job runs the installed `xlsync` command as a
child process, alternating with its floor (bench/floors.py: python-calamine, xlsxwriter,
orjson, plain pandas, bare start-up), so both pay start-up and imports. Each is repeated up
to --repeats times while the job has used less than --budget seconds; the table shows the
median, min–max and peak memory (the child's max RSS from wait4). --quick: 100 and 1,000
projects, 3 runs, 8 s a job; full: adds 10,000, 5 runs, 60 s a job.

--profile DIR runs each xlsync job once more under cProfile and writes DIR/<size>-<job>.pstats
and a .txt of the top functions. Prints a table of ratios beside the issue's targets; asserts
nothing (timings are never test assertions).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import floors  # noqa: E402
import generate  # noqa: E402
import report  # noqa: E402

PY = sys.executable
FLOORS = [PY, str(HERE / "floors.py")]
GB = 2**30


def xlsync_cmd() -> list[str]:
    found = shutil.which("xlsync", path=str(Path(PY).parent)) or shutil.which("xlsync")
    return [found] if found else [PY, "-m", "xlsync.cli"]


XLSYNC = xlsync_cmd()


class BenchError(Exception):
    pass


# -- running and measuring ----------------------------------------------------------------
class Launcher:
    """bench/launcher.py, started before this process grows: it runs and measures children."""

    proc: subprocess.Popen | None = None

    @classmethod
    def run(cls, cmd: list[str], log: Path) -> dict:
        if cls.proc is None:
            cls.proc = subprocess.Popen([PY, str(HERE / "launcher.py")], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        cls.proc.stdin.write(json.dumps({"cmd": [str(c) for c in cmd], "cwd": str(ROOT),
                                         "log": str(log)}) + "\n")
        cls.proc.stdin.flush()
        return json.loads(cls.proc.stdout.readline())


def measure(cmd: list[str], ok: tuple[int, ...], log: Path) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (bytes) and CPU seconds of one child process; its output goes
    to log. CPU time is steadier than wall time when other work shares the machine."""
    r = Launcher.run(cmd, log)
    if r["rc"] not in ok:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise BenchError(f"{' '.join(map(str, cmd))[:300]}\nexited {r['rc']}:\n{tail}")
    return r["wall"], r["rss"], r["cpu"]


def summary(runs: list[tuple[float, int, float]]) -> dict:
    times = [t for t, _, _ in runs]
    return {"runs": [round(t, 4) for t in times], "median": statistics.median(times),
            "min": min(times), "max": max(times), "rss": max(r for _, r, _ in runs),
            "cpu": statistics.median(c for _, _, c in runs)}


def sha(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        files = sorted(p.rglob("*")) if p.is_dir() else [p]
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts:
                h.update(str(f.relative_to(ROOT)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


def dump_cells(books: list[Path], out: Path, logs: Path) -> None:
    """The workbooks' cells as JSON for the xlsxwriter floor (in a child: they are big)."""
    measure([*FLOORS, "dump", "--books", *books, "--out", out], (0,), logs / "dump-cells.log")


# -- the data -----------------------------------------------------------------------------
class Data:
    """The generated data of one size, cached in work/<size>/."""

    def __init__(self, work: Path, size: int):
        self.size = size
        self.dir = work / str(size)
        self.text = self.dir / "text"
        self.store = self.dir / "store"
        self.changed = self.dir / "store-changed"
        self.books = self.dir / "books"
        self.cells = self.dir / "cells.jsonl"
        self.scratch = self.dir / "scratch"
        self.logs = self.dir / "logs"
        self.state_file = self.dir / "state.json"
        self.state = json.loads(self.state_file.read_text()) if self.state_file.exists() else {}
        self.n_changed = max(1, size // 10)

    def save(self) -> None:
        self.state_file.write_text(json.dumps(self.state, indent=2))

    def fresh(self, name: str) -> Path:
        path = self.scratch / name
        shutil.rmtree(path, ignore_errors=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    # fingerprints: what each artifact depends on
    def keys(self) -> dict[str, str]:
        text = f"{generate.VERSION}-{sha(generate.SEED, HERE / 'generate.py')}-{self.size}"
        shaping = [ROOT / "xlsync" / n for n in ("document.py", "published", "plantext.py",
                                                  "money.py", "dates.py", "targets.py")]
        forms = [ROOT / "forms"] if (ROOT / "forms").exists() else []
        store = f"{text}-{sha(*shaping, *forms)}"
        writing = [ROOT / "xlsync" / n for n in ("workbook", "templates.py", "exchange.py", "plan.py",
                                                  "document.py")]
        books = f"{store}-{sha(*writing, ROOT / 'validators', ROOT / 'workbooks')}"
        return {"text": text, "store": store, "books": books}

    def text_files(self) -> list[Path]:
        return sorted(self.text.glob("*.txt"))

    def book_files(self, folder: Path | None = None) -> list[Path]:
        return sorted((folder or self.books).glob("*.xlsx"))

    def prepare(self) -> None:
        """Text, store and changed store (workbooks come from the export job, see ensure_books)."""
        keys = self.keys()
        self.dir.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(exist_ok=True)
        if self.state.get("text") != keys["text"] or not self.text.exists():
            shutil.rmtree(self.text, ignore_errors=True)
            measure([PY, HERE / "generate.py", "text", self.size, self.text], (0,), self.logs / "gen-text.log")
            self.state = {"text": keys["text"]}
            self.save()
        if self.state.get("store") != keys["store"] or not self.store.exists():
            say(f"  generating the {self.size}-project store …")
            tmp = self.fresh("gen-store")
            measure([*XLSYNC, "import-text", *map(str, self.text_files()), "--store", str(tmp)],
                    (0, 1), self.logs / "gen-store.log")
            shutil.rmtree(self.store, ignore_errors=True)
            tmp.rename(self.store)
            self._make_changed()
            self.state.update(store=keys["store"], books=None)
            self.save()
        n = len(floors.doc_paths(self.store))
        if n != self.size:
            raise BenchError(f"the generated store holds {n} projects, not {self.size}: see {self.logs}")

    def _make_changed(self) -> None:
        """A copy of the store where every tenth project has new narratives (for pull)."""
        shutil.rmtree(self.changed, ignore_errors=True)
        shutil.copytree(self.store, self.changed)
        measure([PY, HERE / "generate.py", "change", self.changed, self.n_changed], (0,),
                self.logs / "gen-changed.log")

    def books_current(self) -> bool:
        return (self.state.get("books") == self.keys()["books"] and bool(self.book_files())
                and self.cells.exists())

    def adopt_books(self, folder: Path) -> None:
        """Keep an export's output as the workbooks of this size (and the cells they hold)."""
        shutil.rmtree(self.books, ignore_errors=True)
        shutil.copytree(folder, self.books)
        dump_cells(self.book_files(), self.cells, self.logs)
        self.state["books"] = self.keys()["books"]
        self.save()

    def ensure_books(self) -> None:
        if not self.books_current():
            say(f"  exporting the {self.size}-project workbooks …")
            out = self.fresh("gen-books")
            measure([*XLSYNC, "export", "--store", str(self.store), "--out-dir", str(out)], (0,),
                    self.logs / "gen-books.log")
            self.adopt_books(out)


# -- the jobs -----------------------------------------------------------------------------
@dataclass
class Floor:
    label: str
    cmd: Callable[[], list[str]]
    setup: Callable[[], object] = lambda: None


@dataclass
class Job:
    key: str
    label: str
    cmd: Callable[[], list[str]]
    floors: list[Floor]
    target: dict | None = None
    ok: tuple[int, ...] = (0,)
    setup: Callable[[], object] = lambda: None
    after_first: Callable[[], None] = lambda: None
    needs_books: bool = True
    once: bool = False  # the same at every size: measured at the smallest only


def ratio_target(limit: float, text: str | None = None, memory: int | None = None) -> dict:
    return {"kind": "ratio", "limit": limit, "memory": memory,
            "text": text or f"≤ {limit:g}×" + (f", ≤ {memory / GB:g} GB" if memory else "")}


def jobs(d: Data) -> list[Job]:
    s = d.scratch
    X = XLSYNC
    units = len(generate.units(d.size))
    text = lambda: [str(p) for p in d.text_files()]  # noqa: E731
    books = lambda: [str(p) for p in d.book_files()]  # noqa: E731
    copies = lambda: [str(p) for p in d.book_files(s / "books")]  # noqa: E731
    big = 1 * GB if d.size >= 10_000 else None

    def copy_books() -> None:
        shutil.copytree(d.books, d.fresh("books"))

    def copy_books_and_store() -> None:
        copy_books()
        shutil.copytree(d.store, d.fresh("store"))

    def adopt_export() -> None:
        d.adopt_books(s / "export")

    def summary_cells(name: str) -> Callable[[], None]:
        return lambda: dump_cells([s / "summary.xlsx"], d.dir / name, d.logs)

    one_book = lambda: str(s / "one" / d.book_files()[0].name)  # noqa: E731

    def copy_one() -> None:
        one = d.fresh("one")
        one.mkdir()
        shutil.copy2(d.book_files()[0], one)

    pub = d.dir / "published"
    published = [PY, str(HERE / "published_files.py")]
    pub_files = lambda ext: [str(p) for p in sorted((pub / ext).glob(f"*.{ext}"))]  # noqa: E731

    def make_published() -> None:  # cached: remade only when the renderer changes
        measure([*published, "make", str(pub), str(d.size)], (0,), d.logs / "gen-published.log")

    calamine = Floor("calamine read", lambda: [*FLOORS, "read", "--books", *books(), "--store", str(d.store)])
    pandas_checks = Floor("plain pandas checks", lambda: [*FLOORS, "checks", "--store", str(d.store)])
    return [
        Job("help", "`xlsync --help`", lambda: [*X, "--help"],
            [Floor("import click", lambda: [PY, "-c", "import click"]),
             Floor("bare python", lambda: [PY, "-c", "pass"])],
            {"kind": "seconds", "limit": 0.2, "text": "≤ 0.2 s"}, needs_books=False, once=True),
        Job("import-text", f"import-text, {d.size} tables in {units} files",
            lambda: [*X, "import-text", *text(), "--store", str(s / "store")],
            [Floor("read text, read + write the JSON", lambda: [
                *FLOORS, "jsonio", "--text", *text(), "--store", str(d.store), "--out", str(s / "floor")],
                lambda: d.fresh("floor"))],
            ok=(0, 1), setup=lambda: d.fresh("store"), needs_books=False),
        Job("validate-store", "validate the store", lambda: [*X, "validate", "--store", str(d.store)],
            [pandas_checks], ratio_target(2), ok=(0, 1), needs_books=False),
        Job("plan", "plan", lambda: [*X, "plan", "--store", str(d.store)],
            [Floor("plain Decimal", lambda: [*FLOORS, "plan", "--store", str(d.store)])],
            ok=(0, 1), needs_books=False),
        Job("consolidate-store", "consolidate from the store",
            lambda: [*X, "consolidate", "--store", str(d.store), "-o", str(s / "summary.xlsx")],
            [Floor("orjson + pandas checks + xlsxwriter summary", lambda: [
                *FLOORS, "consolidate", "--store", str(d.store), "--summary",
                str(d.dir / "summary-store.jsonl"), "--out", str(s / "floor.xlsx")])],
            ratio_target(2, memory=big), after_first=summary_cells("summary-store.jsonl"),
            needs_books=False),
        Job("export", f"export store → {units} workbooks",
            lambda: [*X, "export", "--store", str(d.store), "--out-dir", str(s / "export")],
            [Floor("xlsxwriter, same cells", lambda: [
                *FLOORS, "xlsxwriter", "--cells", str(d.cells), "--out", str(s / "floor")],
                lambda: d.fresh("floor"))],
            ratio_target(1.5), setup=lambda: d.fresh("export"), after_first=adopt_export,
            needs_books=False),
        Job("validate-books", f"validate {units} workbooks", lambda: [*X, "validate", *books()],
            [Floor("calamine read + pandas checks", lambda: [
                *FLOORS, "checks", "--books", *books(), "--store", str(d.store)])],
            ratio_target(2), ok=(0, 1)),
        Job("consolidate-books", f"consolidate from {units} workbooks",
            lambda: [*X, "consolidate", *books(), "-o", str(s / "summary.xlsx")],
            [Floor("calamine + pandas checks + xlsxwriter summary", lambda: [
                *FLOORS, "consolidate", "--books", *books(), "--store", str(d.store), "--summary",
                str(d.dir / "summary-books.jsonl"), "--out", str(s / "floor.xlsx")])],
            ratio_target(2, memory=big), after_first=summary_cells("summary-books.jsonl")),
        Job("push", f"push {units} unchanged workbooks",
            lambda: [*X, "push", *copies(), "--store", str(s / "store")], [calamine],
            ratio_target(2), setup=copy_books_and_store),
        Job("pull-unchanged", f"pull into {units} workbooks, nothing changed",
            lambda: [*X, "pull", *copies(), "--store", str(d.store)], [calamine],
            ratio_target(2, "≤ 2× (a read)"), setup=copy_books),
        Job("pull-changed", f"pull {d.n_changed} changed projects into {units} workbooks",
            lambda: [*X, "pull", *copies(), "--store", str(d.changed)],
            [Floor("the same pull, nothing changed", lambda: [
                *X, "pull", *copies(), "--store", str(d.store)], copy_books)],
            {"kind": "proportional", "limit": None, "text": "∝ changed"}, setup=copy_books),
        Job("convert", f"convert {d.size} tables to workbooks",
            lambda: [*X, "convert", *text(), "--out-dir", str(s / "convert")],
            [Floor("read text, JSON, xlsxwriter", lambda: [
                *FLOORS, "convert", "--text", *text(), "--store", str(d.store), "--cells", str(d.cells),
                "--out", str(s / "floor")], lambda: d.fresh("floor"))],
            ok=(0, 1), setup=lambda: d.fresh("convert")),
        Job("read-docx", f"read {d.size} published tables from .docx (cells, merges, text)",
            lambda: [*published, "read", *pub_files("docx")],
            [Floor("python-docx reads every cell's text", lambda: [*published, "floor", *pub_files("docx")])],
            ratio_target(2), setup=make_published, needs_books=False),
        Job("read-pdf", f"read {d.size} published tables from .pdf (cells, merges, text, pages joined)",
            lambda: [*published, "read", *pub_files("pdf")],
            [Floor("pdfplumber extract_tables on every page", lambda: [*published, "floor", *pub_files("pdf")])],
            ratio_target(2), setup=make_published, needs_books=False),
        Job("one-book", "one 50-project workbook validated end to end (--write-back)",
            lambda: [*X, "validate", one_book(), "--write-back"],
            [Floor("calamine read + pandas checks", lambda: [
                *FLOORS, "checks", "--books", one_book(), "--store", str(d.store)])],
            {"kind": "seconds", "limit": 1.5, "text": "≤ 1.5 s"}, ok=(0, 1), setup=copy_one, once=True),
    ]


def run_job(job: Job, d: Data, repeats: int, budget: float) -> dict:
    mine: list[tuple[float, int, float]] = []
    theirs: list[list[tuple[float, int, float]]] = [[] for _ in job.floors]
    spent = 0.0
    for i in range(repeats):
        job.setup()
        mine.append(measure(job.cmd(), job.ok, d.logs / f"{job.key}.log"))
        spent += mine[-1][0]
        if i == 0:
            job.after_first()
        for floor, runs in zip(job.floors, theirs, strict=True):
            floor.setup()
            runs.append(measure(floor.cmd(), (0,), d.logs / f"{job.key}.floor.log"))
            spent += runs[-1][0]
        if spent >= budget:
            break
    result = {"size": d.size, "job": job.key, "label": job.label, "xlsync": summary(mine),
              "floors": [{"label": f.label, **summary(r)} for f, r in zip(job.floors, theirs, strict=True)],
              "target": job.target}
    report.judge(result, d.n_changed)
    return result


def profile_job(job: Job, d: Data, out: Path) -> None:
    """Run the xlsync command once under cProfile; keep the stats and the top functions."""
    import pstats

    job.setup()
    cmd = job.cmd()
    if Path(cmd[0]).name != "xlsync":
        return
    stats = out / f"{d.size}-{job.key}.pstats"
    measure([PY, "-m", "cProfile", "-o", str(stats), "-m", "xlsync.cli", *cmd[1:]], job.ok,
            d.logs / f"{job.key}.profile.log")
    with open(stats.with_suffix(".txt"), "w") as fh:
        p = pstats.Stats(str(stats), stream=fh).strip_dirs()
        p.sort_stats("cumulative").print_stats(40)
        p.sort_stats("tottime").print_stats(25)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="100 and 1,000 projects, 3 runs, 8 s a job")
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--only", help="comma-separated job keys")
    ap.add_argument("--sizes", help="comma-separated project counts")
    ap.add_argument("--repeats", type=int)
    ap.add_argument("--budget", type=float, help="stop repeating a job after this many seconds")
    ap.add_argument("--work", type=Path, default=HERE / "work")
    ap.add_argument("--profile", type=Path, help="also profile each job once into this folder")
    a = ap.parse_args(argv)
    sizes = [int(x) for x in a.sizes.split(",")] if a.sizes else ([100, 1000] if a.quick else [100, 1000, 10_000])
    repeats = a.repeats or (3 if a.quick else 5)
    budget = a.budget if a.budget is not None else (4.0 if a.quick else 60.0)
    only = set(a.only.split(",")) if a.only else None
    if a.profile:
        a.profile.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    a.work.mkdir(parents=True, exist_ok=True)
    measure([PY, "-c", "pass"], (0,), a.work / "launcher.log")  # start the launcher while small
    results = []
    for n, size in enumerate(sizes):
        d = Data(a.work, size)
        say(f"== {size} projects")
        d.prepare()
        for job in jobs(d):
            if (only and job.key not in only) or (job.once and n > 0):
                continue
            if job.needs_books:
                d.ensure_books()
            say(f"  {job.key} …")
            try:
                result = run_job(job, d, repeats, budget)
                if a.profile:
                    profile_job(job, d, a.profile)
            except BenchError as exc:  # one job failing spoils neither the others nor the table
                result = {"size": size, "job": job.key, "label": job.label, "error": str(exc)[:2000]}
            results.append(result)
            say("    " + report.line(result))
        shutil.rmtree(d.scratch, ignore_errors=True)
    doc = {
        "when": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "quick": a.quick, "sizes": sizes, "repeats": repeats, "budget_s": budget,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "processor": platform.processor() or platform.machine()},
        "results": results,
    }
    print(report.table(doc))
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    try:
        main()
    except BenchError as exc:
        sys.exit(f"bench: {exc}")
