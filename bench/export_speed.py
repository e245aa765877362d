"""Export speed: xlsync writing 20 unit workbooks of 50 projects (cloned from the seed tables)
against xlsxwriter writing the same cells (values and formats, no names, tables or checks);
pull speed: a few changed projects into a 50-project workbook.

    python bench/export_speed.py [--units 20] [--projects 50]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def clones(units: int, projects: int):
    from xlsync.document import new_document
    from xlsync.published import read_file

    seeds = [t.document for t in read_file(ROOT / "examples" / "zhengzhou-hpf-2020.txt")[0]]
    docs = []
    for u in range(units):
        for p in range(projects):
            d = seeds[(u + p) % len(seeds)].model_dump()
            d.update(id=None, unit_code=f"{900000 + u:06d}", name=f"{d['name']}（{p + 1}）")
            docs.append(new_document(**d))
    return docs


def floor(groups, out: Path) -> None:
    """xlsxwriter writing the same cells: every sheet model's values with their formats."""
    import xlsxwriter

    from xlsync.workbook.book import list_names, sheet_title
    from xlsync.workbook.compose import compose
    from xlsync.workbook.sheetform import sheet_form_of
    from xlsync.workbook.style import XlsxFormats
    from xlsync.workbook.xlsx import _write

    models = []
    for docs in groups:  # composing is xlsync's own work: done before the clock starts
        taken: set[str] = set()
        models.append([compose(d, sheet_form_of(d), sheet_title(d.name, taken), i, 1, list_names(0))
                       for i, d in enumerate(docs, 1)])
    t = time.perf_counter()
    for n, sheets in enumerate(models):
        wb = xlsxwriter.Workbook(str(out / f"floor{n}.xlsx"), {"in_memory": True})
        fmts = XlsxFormats(wb)
        for m in sheets:
            ws = wb.add_worksheet(m.title)
            for (r, c), (v, key) in m.cells.items():
                _write(ws, r - 1, c - 1, v, fmts[key])
        wb.close()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=20)
    ap.add_argument("--projects", type=int, default=50)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from xlsync.exchange import export
    from xlsync.store import Store

    docs = clones(args.units, args.projects)
    groups: dict = {}
    for d in docs:
        groups.setdefault(d.unit_code, []).append(d)
    ours, base = [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        store = Store(tmp / "store")
        store.put_many(docs)
        for _ in range(args.runs):  # interleaved, best of each: the machine is shared
            t = time.perf_counter()
            paths = export(store, tmp / "out")
            ours.append(time.perf_counter() - t)
            base.append(floor([sorted(g, key=lambda d: d.id) for g in groups.values()], tmp))
    print(f"export {len(docs)} projects → {len(paths)} workbooks: best {min(ours):.2f} s  (runs: "
          + ", ".join(f"{t:.2f}" for t in ours) + ")")
    print(f"xlsxwriter writing the same cells: best {min(base):.2f} s   ratio ×{min(ours) / min(base):.2f}")
    pull_speed(args.projects)


def pull_speed(projects: int = 50, changed: int = 5) -> None:
    """Pull of `changed` changed projects into one unit workbook: cell patch vs openpyxl."""
    from xlsync.exchange import _read, export, pull, pull_content
    from xlsync.store import Store
    from xlsync.workbook.writer import update_workbook

    docs = clones(1, projects)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        store = Store(tmp / "store")
        store.put_many(docs)
        (book,) = export(store, tmp / "b.xlsx")
        for d in docs[:changed]:
            store.put(d.model_copy(update={"owner": "王五"}))
        content = _read(book)
        _report, plan = pull_content(content, store)
        import shutil

        shutil.copy(book, tmp / "copy.xlsx")
        t = time.perf_counter()
        update_workbook(tmp / "copy.xlsx", plan, None, None)  # the openpyxl route
        slow = time.perf_counter() - t
        t = time.perf_counter()
        _read(book)
        read = time.perf_counter() - t
        t = time.perf_counter()
        pull(book, store, None)
        fast = time.perf_counter() - t
    print(f"pull {changed} changed of {projects} projects: {fast:.2f} s (of which reading the workbook "
          f"{read:.2f} s); the openpyxl route (load, rewrite, save) {slow:.2f} s")


if __name__ == "__main__":
    main()
