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
    """The block runs as printed, in one plain shell (xlsync not on its PATH until the block's
    own activation line), and writes nothing but its ignored work/ folder."""
    if not (BIN / "xlsync").exists() or not (ROOT / ".venv" / "bin" / "activate").exists():
        pytest.skip("the README's block runs in the set-up .venv (make setup)")
    blocks = [b for b in sh_blocks() if any(ln.startswith("xlsync ") for ln in b)]
    assert blocks, "the README has no block of xlsync commands"
    block = [ln for b in blocks for ln in b]  # in order, one shell: the first block activates
    assert block[0].split("#")[0].strip() == ". .venv/bin/activate"
    assert all(ln.startswith("xlsync ") for ln in block[1:])
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    plain = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                            if p and Path(p).resolve() != BIN.resolve())
    script = ["set -u", block[0]]
    for line in block[1:]:
        # validate and plan exit 1 on the bundled tables: the published tables have errors
        ok = "0|1" if line.split()[1] in ("validate", "plan") else "0"
        script.append(f'{line}; rc=$?; case $rc in {ok}) ;; *) echo "FAILED($rc): {line}" >&2; exit 1;; esac')
    done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=900, env={**os.environ, "PATH": plain})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "command not found" not in done.stderr, done.stderr
    work = tmp_path / "work"
    assert (work / "books" / "095001-2020.xlsx").exists() and (work / "summary.xlsx").exists()
    assert (work / "books" / "095001-2021.xlsx").exists() and (work / "610001-2027.xlsx").exists()
    assert list((work / "national-books").glob("*.xlsx"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [".venv", "examples", "work"]
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "work/" in ignored


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
