"""Workbook reading: xlsxgrid against openpyxl and python-calamine on an exported seed
workbook (as xlsync writes it and as LibreOffice saves it), and how fast limits refuse.

    python bench/reader.py

Prints figures; asserts nothing (timings are never test assertions).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

from bench import SEED, best  # bench/bench.py: run as `python bench/reader.py`


def line(label, seconds, base=None):
    ratio = f"  ×{seconds / base:.1f} of calamine" if base else ""
    print(f"  {label:<52}{seconds * 1000:>9.2f} ms{ratio}")


def peak_mib(fn) -> float:
    tracemalloc.start()
    fn()
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def readers(book: Path) -> None:
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    from xlsync.workbook.reader import read_workbook
    from xlsync.workbook.xlsxgrid import read_book

    def calamine():
        wb = CalamineWorkbook.from_path(str(book))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()

    base = best(calamine, 20)
    line("python-calamine, every sheet's values", base)
    line("xlsxgrid.read_book (values, formats, names, tables)", best(lambda: read_book(book), 20), base)
    line("openpyxl load_workbook(data_only=True)", best(lambda: load_workbook(book, data_only=True), 5), base)
    line("openpyxl read_only, every sheet's values",
         best(lambda: [list(ws.values) for ws in load_workbook(book, data_only=True, read_only=True)], 5), base)
    line("xlsync read_workbook (xlsxgrid + documents)", best(lambda: read_workbook(book), 20), base)
    print(f"  {'peak memory: xlsxgrid / openpyxl':<52}{peak_mib(lambda: read_book(book)):>9.2f} / "
          f"{peak_mib(lambda: load_workbook(book, data_only=True)):.2f} MiB")


def bomb(book: Path, out: Path) -> None:
    from xlsync.errors import WorkbookError
    from xlsync.workbook.xlsxgrid import read_book

    src = zipfile.ZipFile(book)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for i in src.infolist():
            if i.filename != "xl/worksheets/sheet2.xml":
                z.writestr(i, src.read(i))
        with z.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as fh:
            fh.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            chunk = b"<c/>" * (1 << 18)
            for _ in range(1200):
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")
    t = time.perf_counter()
    try:
        read_book(out)
    except WorkbookError:
        pass
    line(f"zip bomb refused ({out.stat().st_size / 2**20:.0f} MB file, 1.2 GB unpacked)", time.perf_counter() - t)


def main() -> None:
    from xlsync.validators.profiles import load_profile

    from xlsync.exchange import export
    from xlsync.published import read_file
    from xlsync.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        store = Store(tmp / "s")
        store.put_many([t.document for t in read_file(SEED)[0]])
        book = export(store, tmp / "u.xlsx", load_profile(), unit="095001")[0]
        print(f"xlsync's export of unit 095001 (7 projects, {book.stat().st_size // 1024} KB):")
        readers(book)
        soffice = shutil.which("soffice")
        if soffice:
            subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/lo-profile", "--headless",
                            "--convert-to", "xlsx", "--outdir", str(tmp / "lo"), str(book)],
                           check=True, capture_output=True)
            saved = tmp / "lo" / book.name
            print(f"the same saved by LibreOffice ({saved.stat().st_size // 1024} KB, shared strings):")
            readers(saved)
        print("limits:")
        bomb(book, tmp / "bomb.xlsx")
    print(f"\n(best of 20, openpyxl best of 5; python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
