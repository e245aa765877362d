"""Writing files safely: every file xlsync writes (store documents, its journal and logs,
workbooks, tidy tables, the users file) goes through this module.

A file is written to a temporary file beside its target and renamed over it, so a reader
sees the old file or the new one, never a torn one; a failed write removes the temporary
and leaves the old file whole. `atomic_write(..., durable=True)` also fsyncs the file and its
folder (where durability is promised: the store's journal); `durable=False` leaves flushing
to the caller (the store flushes a whole job at once, see `sync_folder`).

Every write, fsync and rename passes `fault(kind, path)` first: tests install a fault plan
there (fail the N-th write with ENOSPC, EIO, or a simulated kill) — the seam SQLite's test
VFS is for SQLite.
"""

from __future__ import annotations

import errno
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import StoreError, WorkbookError

TMP_SUFFIX = ".tmp"
STALE_TMP_SECONDS = 300  # a temporary file this old belongs to a writer that died

# the fault plan of a test: called as hook(kind, path) before every write/fsync/rename/unlink
_hook: Callable[[str, Path], None] | None = None


def set_fault_hook(hook: Callable[[str, Path], None] | None) -> None:
    """Install (or remove, with None) a function called before every file operation."""
    global _hook
    _hook = hook


def fault(kind: str, path: Path | str) -> None:
    if _hook is not None:
        _hook(kind, Path(path))


class WriteFailed(StoreError):
    """A write that failed: the message names the path and the reason; .errno is the OS's."""

    def __init__(self, message: str, errno_: int | None = None, path: Path | None = None):
        super().__init__(message)
        self.errno = errno_
        self.path = path


def reason(exc: OSError) -> str:
    return {
        errno.ENOSPC: "磁盘已满", errno.EDQUOT: "超出磁盘配额", errno.EROFS: "文件系统只读",
        errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.EIO: "输入输出错误",
    }.get(exc.errno, exc.strerror or str(exc))


def write_failed(path: Path, exc: OSError) -> str:
    """A user message for a failed write, naming the path and the reason."""
    return f"{path}: 写入失败（{reason(exc)}），原文件未改动"


def default_mode() -> int:
    """What a plain open() would give a new file (mkstemp's 0600 is too private to share)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def fsync_dir(path: Path) -> None:
    if os.name == "nt":  # pragma: no cover - directories cannot be fsynced on Windows
        return
    fault("fsync", path)
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(path: Path, files: list[Path] = ()) -> None:
    """Flush every file written on the file system of `path` to disk in one call (Linux:
    syncfs; macOS, BSD: sync). One job of the store ends with one of these, not an fsync per
    file; where neither exists (Windows) each of `files` is fsynced."""
    fault("fsync", path)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(path, os.O_RDONLY)
        try:
            if libc.syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    except (OSError, AttributeError, TypeError):
        pass
    if hasattr(os, "sync"):  # pragma: no cover - not Linux (macOS, BSD)
        os.sync()
        return
    for f in files:  # pragma: no cover - Windows
        with open(f, "rb+") as fh:
            os.fsync(fh.fileno())


def make_dirs(folder: Path) -> None:
    """Create a folder and the missing ones above it, one by one (each a fault point)."""
    folder = Path(folder)
    if folder.is_dir():
        return
    if folder.parent != folder:
        make_dirs(folder.parent)
    fault("mkdir", folder)
    folder.mkdir(exist_ok=True)


def atomic_write(path: Path, data: bytes, mode: int | None = None, durable: bool = True) -> None:
    """Write bytes to path so that readers see the old or the new file, never a torn one.
    mode: the new file's permissions (default: what a plain open() would give).
    durable: fsync the file and its folder before returning.
    A failed write raises WriteFailed naming the path; the old file stays whole and no
    temporary file is left."""
    path = Path(path)
    tmp = None
    try:
        make_dirs(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
        os.chmod(tmp, default_mode() if mode is None else mode)
        with os.fdopen(fd, "wb") as fh:
            fault("write", path)
            fh.write(data)
            fh.flush()
            if durable:
                fault("fsync", path)
                os.fsync(fh.fileno())
        fault("rename", path)
        os.replace(tmp, path)
        tmp = None
        if durable:
            fsync_dir(path.parent)
    except OSError as exc:
        raise WriteFailed(write_failed(path, exc), exc.errno, path) from None
    finally:
        if tmp is not None:
            _quiet_unlink(Path(tmp))


def _quiet_unlink(path: Path) -> None:
    try:
        fault("unlink", path)
        path.unlink(missing_ok=True)
    except OSError:
        pass


def remove(path: Path) -> None:
    """Remove a file (missing is fine)."""
    fault("unlink", path)
    Path(path).unlink(missing_ok=True)


def is_temporary(name: str) -> bool:
    return name.startswith(".") and name.endswith(TMP_SUFFIX)


def temporaries(root: Path, older_than: float | None = None) -> list[Path]:
    """The temporary files under root (only those older than `older_than` seconds, if given)."""
    cutoff = None if older_than is None else time.time() - older_than
    found = []
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if is_temporary(name):
                p = Path(folder) / name
                try:
                    if cutoff is None or p.stat().st_mtime < cutoff:
                        found.append(p)
                except OSError:
                    continue
    return sorted(found)


def sweep_temporary(root: Path, older_than: float = STALE_TMP_SECONDS) -> list[Path]:
    """Remove the temporary files a killed writer left under root (only those older than
    `older_than` seconds: a live writer's file is younger)."""
    removed = []
    for p in temporaries(root, older_than):
        try:
            remove(p)
            removed.append(p)
        except OSError:
            continue
    return removed


@contextmanager
def replacing(path: str | Path, macro: bool = False, durable: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside `path`; when the block ends without an error it replaces
    `path`. macro: make the written package an .xlsm with xlsync's macros first.
    A user's file that is open in Excel (PermissionError) is named in a WorkbookError."""
    path = Path(path)
    make_dirs(path.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if macro:
            from .workbook.macrobook import make_macro_workbook

            make_macro_workbook(tmp)
        fault("write", path)
        os.chmod(tmp, default_mode())
        if durable:
            fault("fsync", path)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        fault("rename", path)
        os.replace(tmp, path)
    except PermissionError:
        _quiet_unlink(tmp)
        raise WorkbookError(f"无法写入 {path}：文件可能正在 Excel 中打开，请关闭后重试") from None
    except BaseException:
        _quiet_unlink(tmp)
        raise
