"""The README's commands run as written: the `xlsync` block on the bundled tables, and the
quick start's `make demo` (not `make test`: that is what runs this)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def sh_blocks() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```sh\n(.*?)^```", text, re.M | re.S)
    return [[ln for ln in b.splitlines() if ln.strip() and not ln.startswith("#")] for b in blocks]


def run(line: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(["bash", "-c", line], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


def test_the_xlsync_commands_of_the_readme_run_as_written(tmp_path):
    if not (BIN / "xlsync").exists():
        pytest.skip("the xlsync command is not installed next to this Python")
    blocks = [b for b in sh_blocks() if any(ln.startswith("xlsync ") for ln in b)]
    assert blocks, "the README has no block of xlsync commands"
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    for line in (ln for b in blocks for ln in b):
        assert line.startswith("xlsync "), line
        done = run(line, tmp_path)
        # validate and plan exit 1 on the bundled tables: the published tables have errors
        allowed = {0, 1} if line.split()[1] in ("validate", "plan") else {0}
        assert done.returncode in allowed, f"$ {line}\n{done.stdout}{done.stderr}"
        assert "Traceback" not in done.stderr, done.stderr
    assert (tmp_path / "books" / "095001-2020.xlsx").exists()
    assert (tmp_path / "summary.xlsx").exists()


def test_make_demo_of_the_quick_start_runs(tmp_path):
    quick = [ln.split("#")[0].strip() for b in sh_blocks() for ln in b if ln.startswith("make ")]
    assert {"make demo", "make test"} <= set(quick)
    stamp = ROOT / ".venv" / ".installed"
    if not stamp.exists() or not shutil.which("make"):
        pytest.skip("make demo runs in the set-up .venv (make setup)")
    # a copy of what the demo reads, sharing the set-up .venv (never rebuilt from here)
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    older = stamp.stat().st_mtime - 60
    os.utime(tmp_path / "pyproject.toml", (older, older))
    done = run("make demo", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    out = tmp_path / "out"
    assert len(list((out / "store").glob("2020/*/*.json"))) == 12
    assert sorted(p.name for p in (out / "workbooks").glob("*.xlsx")) == [
        "095001-2020.xlsx", "095002-2020.xlsx", "095004-2020.xlsx"]
    assert (out / "summary-2020.xlsx").exists()
    assert re.search(r"\d+ 个错误 \(errors\)", done.stdout) and "下一步" in done.stdout
