"""Make the README's pictures: a seed unit's workbook, a national 申报表 and the consolidation
summary, printed through LibreOffice (workbook → PDF → PNG at 60 dpi), as a finance officer
would print them.

    python tools/readme_images.py        # writes docs/form-*.png, docs/national-*.png, docs/summary.png

Needs LibreOffice (`soffice`), poppler-utils (`pdftoppm`, `pdftotext`) and fonts-noto-cjk.
Re-run it whenever the workbook layout changes; it builds everything from the bundled data.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SEED = ROOT / "examples" / "zhengzhou-hpf-2020.txt"
NATIONAL = ROOT / "examples" / "national-hunan-nanyue-2018.txt"
UNIT = "095001"
PROJECT = "住房公积金县区管理部发展基金"  # a project whose form shows the plan chart and findings


def run(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True,
                          timeout=600).stdout


def to_pdf(book: Path, outdir: Path) -> Path:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        sys.exit("LibreOffice is needed: apt-get install libreoffice-calc-nogui fonts-noto-cjk")
    with tempfile.TemporaryDirectory() as profile:
        run(exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", str(outdir), str(book))
    return outdir / f"{book.stem}.pdf"


def form_pages(pdf: Path, project: str) -> tuple[int, int]:
    """The pages (1-based, first and last) on which the project's form prints: from the page
    whose 项目名称 is `project` to the page before the next form starts."""
    pages = run("pdftotext", "-layout", str(pdf), "-").split("\f")
    starts = [n for n, page in enumerate(pages, 1) if re.search(r"项目名称\s+\S", page)]
    first = next((n for n, page in enumerate(pages, 1)
                  if re.search(rf"项目名称\s+{re.escape(project)}\s*$", page, re.M)), None)
    if first is None:
        raise SystemExit(f"{pdf}: no page shows the form of {project!r}")
    later = [n for n in starts if n > first]
    last = later[0] - 1 if later else len([p for p in pages if p.strip()])
    return first, last


def to_png(pdf: Path, first: int, last: int, stem: Path) -> list[Path]:
    run("pdftoppm", "-png", "-r", "60", "-f", str(first), "-l", str(last), str(pdf), str(stem))
    return sorted(stem.parent.glob(f"{stem.name}-*.png"))


def main() -> None:
    from xlsync.validators.profiles import load_profile

    from xlsync.consolidate import consolidate
    from xlsync.exchange import export
    from xlsync.ingest import import_text
    from xlsync.store import Store

    DOCS.mkdir(exist_ok=True)
    profile = load_profile(None)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        store = Store(tmp / "store")
        import_text([SEED], store)
        books = export(store, tmp / "books", profile)
        book = next(b for b in books if b.name.startswith(UNIT))
        summary = tmp / "summary-2020.xlsx"
        consolidate([store.root], summary)
        made = []
        pdf = to_pdf(book, tmp)
        first, last = form_pages(pdf, PROJECT)
        for old in DOCS.glob(f"form-{UNIT}-p*.png"):
            old.unlink()
        for i, png in enumerate(to_png(pdf, first, last, tmp / "form"), 1):
            made.append(shutil.copy(png, DOCS / f"form-{UNIT}-p{i}.png"))
        pdf = to_pdf(summary, tmp)
        made.append(shutil.copy(to_png(pdf, 1, 1, tmp / "summary")[0], DOCS / "summary.png"))
        national = Store(tmp / "national")
        import_text([NATIONAL], national)
        (book,) = export(national, tmp / "national-books", None)
        pdf = to_pdf(book, tmp)
        for old in DOCS.glob("national-p*.png"):
            old.unlink()
        pages = [p for p in to_png(pdf, 2, 3, tmp / "national")]  # page 1 is the 目录
        for i, png in enumerate(pages, 1):
            made.append(shutil.copy(png, DOCS / f"national-p{i}.png"))
    for path in made:
        print(f"已写入 (written): {Path(path).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
