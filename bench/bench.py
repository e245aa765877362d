"""Speed and memory figures for xlsync, each against a baseline measured in the same run.

    python bench/bench.py

Prints figures and ratios; asserts nothing (timings are never test assertions).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "zhengzhou-hpf-2020.txt"


def best(fn, n=5) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def run(cmd) -> float:
    return best(lambda: subprocess.run(cmd, check=True, capture_output=True), 5)


def line(label, value, base=None, unit="ms"):
    v = value * 1000 if unit == "ms" else value
    ratio = f"  ×{value / base:.1f} of baseline" if base else ""
    print(f"{label:<58}{v:>10.1f} {unit}{ratio}")


def main() -> None:
    py = sys.executable
    bare = run([py, "-c", "pass"])
    line("baseline: bare python start-up", bare)
    line("xlsync --help (click, no heavy imports)", run([py, "-m", "xlsync.cli", "--help"]), bare)
    line("import openpyxl (for comparison)", run([py, "-c", "import openpyxl"]), bare)
    line("import pandera.pandas (for comparison)", run([py, "-c", "import pandera.pandas"]), bare)

    from xlsync.validators.profiles import load_profile

    from xlsync.exchange import export
    from xlsync.published import read_file
    from xlsync.store import Store
    from xlsync.validate import validate_documents
    from xlsync.workbook.reader import read_workbook

    profile = load_profile()
    parse = best(lambda: read_file(SEED))
    line("import-text: parse the 12 seed tables", parse)
    tables, _ = read_file(SEED)
    docs = [t.document for t in tables]
    validate_documents(docs, profile)  # warm pandera
    line("validate 12 documents (pandera, warm)", best(lambda: validate_documents(docs, profile)))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "s")
        t = time.perf_counter()
        store.put_many(docs)
        line("store: write 12 documents (fsync, lock, history)", time.perf_counter() - t)
        book = export(store, Path(tmp) / "u.xlsx", profile, unit="095001")[0]
        ours = best(lambda: read_workbook(book))
        from python_calamine import CalamineWorkbook

        def calamine():
            wb = CalamineWorkbook.from_path(str(book))
            for name in wb.sheet_names:
                wb.get_sheet_by_name(name).to_python()

        base = best(calamine)
        line("baseline: python-calamine reads the unit workbook", base)
        from openpyxl import load_workbook

        plain = best(lambda: load_workbook(book, data_only=True))
        line("plain openpyxl load_workbook of the same file", plain, base)
        line("xlsync reads the unit workbook (xlsxgrid, names, tables)", ours, base)
        tracemalloc.start()
        read_workbook(book)
        _cur, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        line("peak memory reading the unit workbook", peak / 2**20, unit="MiB")
    print(f"\n(best of 5; python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
