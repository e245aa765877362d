"""Small real file systems for fault-injection tests: a size-limited tmpfs, filled up, or
remounted read-only. Mounting needs root (as here and in CI) or a mount namespace:
`unshare -rm pytest -m disk` (the Makefile's test target does that for other users)."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from pathlib import Path

import pytest


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True)


@contextlib.contextmanager
def small_disk(path: Path, size: str = "2m"):
    """A tmpfs of `size` at path, unmounted afterwards; skips the test when mounting is impossible."""
    path.mkdir(parents=True, exist_ok=True)
    res = _mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path))
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({res.stderr.strip() or res.returncode}): run as root, "
                    "or `unshare -rm pytest -m disk`")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def remount_read_only(path: Path) -> None:
    res = _mount("-o", "remount,ro", str(path))
    assert res.returncode == 0, res.stderr


def fill(path: Path, leave: int = 0) -> list[Path]:
    """Fill the file system of path with 4 KiB files, then free about `leave` bytes. Returns the
    filler files still there."""
    folder = path / "filler"
    folder.mkdir(exist_ok=True)
    files = []
    block = b"\0" * 4096
    while True:
        f = folder / f"{len(files):06d}"
        try:
            with open(f, "wb") as fh:
                fh.write(block)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
            f.unlink(missing_ok=True)
            break
        files.append(f)
    for _ in range(-(-leave // 4096)):
        files.pop().unlink()
    os.sync()
    return files


def free_all(files: list[Path]) -> None:
    for f in files:
        f.unlink(missing_ok=True)
