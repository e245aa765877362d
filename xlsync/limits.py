"""Limits on what xlsync reads, checked before the work starts. Each is set by an environment
variable (README, "Limits"); an unset or empty variable keeps the default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .errors import XlsyncError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_amount: Decimal  # 元; a larger amount is refused, never rounded
    max_file_bytes: int  # a workbook file on disk
    max_unpacked_bytes: int  # a workbook's members as its zip declares them
    max_cells: int  # per sheet: cells, counted as a dense reader would hold them
    max_cell_chars: int  # characters in one cell (Excel's own limit is 32767)
    max_text_bytes: int  # a published-table text file


# variable, field, default, scale, what it is
_SETTINGS = (
    ("XLSYNC_MAX_AMOUNT", "max_amount", "1000000000000000", None, "最大金额（元）"),
    ("XLSYNC_MAX_FILE_MB", "max_file_bytes", "100", MB, "工作簿文件大小上限 (MB)"),
    ("XLSYNC_MAX_UNPACKED_MB", "max_unpacked_bytes", "500", MB, "工作簿解压后大小上限 (MB)"),
    ("XLSYNC_MAX_CELLS", "max_cells", "1000000", 1, "每个工作表的单元格数上限"),
    ("XLSYNC_MAX_CELL_CHARS", "max_cell_chars", "32767", 1, "单元格文字长度上限"),
    ("XLSYNC_MAX_TEXT_MB", "max_text_bytes", "50", MB, "文本文件大小上限 (MB)"),
)


_cache: dict[tuple, Limits] = {}


def limits() -> Limits:
    """The limits in force (the environment is looked at on each call)."""
    env = tuple(os.environ.get(var) for var, *_rest in _SETTINGS)
    found = _cache.get(env)
    if found is None:
        found = _cache[env] = _read(env)
    return found


def _read(env: tuple) -> Limits:
    values = {}
    for (var, key, default, scale, what), given in zip(_SETTINGS, env, strict=True):
        raw = (given or default).strip().replace("_", "")
        try:
            number = Decimal(raw)
        except InvalidOperation:
            number = Decimal(-1)
        if not number.is_finite() or number <= 0 or number > Decimal(10) ** 30:
            raise XlsyncError(f"环境变量 {var}（{what}）应为正数，得到 {raw!r}")
        values[key] = number if scale is None else int(number * scale)
    return Limits(**values)


def size_text(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n} 字节"
