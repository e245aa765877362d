"""LibreOffice Calc, headless: convert workbooks as a user saving them in Calc would."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice is required for these tests: `make test` installs it"
    return exe


def convert(paths: list[Path], outdir: Path, fmt: str = "xlsx", filter_name: str | None = None) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", f"{fmt}:{filter_name}" if filter_name else fmt, "--outdir", str(outdir), *map(str, paths)],
            check=True, capture_output=True, timeout=600,
        )
    out = [outdir / f"{p.stem}.{fmt}" for p in paths]
    for p in out:
        assert p.exists(), p
    return out
