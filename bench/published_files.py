"""Published files for the benchmark: the seed's tables rendered from their facts into Word
documents (tests/published_render.py, 50 tables a file) and printed to PDF by LibreOffice,
then read by xlsync's readers (`xlsync.published.files.read_blocks`: cells with their merges
and the text between tables) beside floors of the same libraries reading the cells alone.

    published_files.py make  DIR SIZE        SIZE tables → DIR/docx/*.docx, DIR/pdf/*.pdf (cached)
    published_files.py read  FILE...         xlsync's reader of each file's kind
    published_files.py floor FILE...         python-docx: every table's row.cells' text;
                                             pdfplumber: every page's extract_tables()
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PER_FILE = 50


def _version() -> str:
    parts = [HERE / "published_files.py", ROOT / "tests" / "published_render.py", ROOT / "tests" / "tabletext.py"]
    return hashlib.sha256(b"".join(p.read_bytes() for p in parts)).hexdigest()[:16]


def make(folder: Path, size: int) -> None:
    stamp = folder / "made"
    if stamp.exists() and stamp.read_text() == f"{_version()}-{size}":
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from published_render import seed_layout, to_docx

    from xlsync.published import read_file

    tables, _ = read_file(ROOT / "examples" / "zhengzhou-hpf-2020.txt")
    layouts = [seed_layout(t.document) for t in tables]
    docx_dir, pdf_dir = folder / "docx", folder / "pdf"
    for d in (docx_dir, pdf_dir):
        d.mkdir(parents=True, exist_ok=True)
        for old in d.iterdir():
            old.unlink()
    files = []
    for start in range(0, size, PER_FILE):
        flat = [item for k in range(start, min(size, start + PER_FILE)) for item in layouts[k % len(layouts)]]
        files.append(to_docx(flat, docx_dir / f"tables-{start // PER_FILE + 1:03d}.docx"))
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(pdf_dir), *map(str, files)],
                       check=True, capture_output=True, timeout=3600)
    stamp.write_text(f"{_version()}-{size}")


def read(paths: list[str]) -> int:
    from xlsync.published.blocks import GridTable
    from xlsync.published.files import read_blocks

    cells = 0
    for p in paths:
        for b in read_blocks(p).blocks:
            if isinstance(b, GridTable):
                cells += sum(len(r) for r in b.rows)
    return cells


def floor(paths: list[str]) -> int:
    cells = 0
    for p in paths:
        if p.endswith(".docx"):
            import docx

            for table in docx.Document(p).tables:
                for row in table.rows:
                    cells += sum(1 for c in row.cells if c.text is not None)
        else:
            import pdfplumber

            with pdfplumber.open(p) as pdf:
                for page in pdf.pages:
                    cells += sum(len(r) for t in page.extract_tables() for r in t)
    return cells


def main(argv: list[str]) -> None:
    cmd, *rest = argv
    if cmd == "make":
        make(Path(rest[0]), int(rest[1]))
    elif cmd == "read":
        print(read(rest))
    elif cmd == "floor":
        print(floor(rest))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
