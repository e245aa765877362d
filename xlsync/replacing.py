"""Replacing a user's file: write a temporary file next to it, then rename it over the old
one, so that the file is never half-written (a failed write leaves the old file whole and no
temporary behind). Every workbook xlsync writes goes through here."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import WorkbookError
from .store import default_mode


@contextmanager
def replacing(path: str | Path, macro: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside `path`; when the block ends without an error it replaces
    `path`. macro: make the written package an .xlsm with xlsync's macros first."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if macro:
            from .workbook.macrobook import make_macro_workbook

            make_macro_workbook(tmp)
        os.chmod(tmp, default_mode())
        os.replace(tmp, path)
    except PermissionError:
        tmp.unlink(missing_ok=True)
        raise WorkbookError(f"无法写入 {path}：文件可能正在 Excel 中打开，请关闭后重试") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
