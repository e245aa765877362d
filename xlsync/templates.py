"""The blank template workbook: a 目录 and one empty project sheet, reproducible."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from .document import new_document

FIXED_TIME = _dt.datetime(2020, 1, 1)


def blank_document(year: int = 2020, unit_code: str = "000000"):
    return new_document(
        year=year, unit_code=unit_code, unit_name="（单位名称）", name="（项目名称）",
        indicators=[], composition=[], plan=[],
    )


def build_template(path: str | Path, profile) -> Path:
    from .workbook.writer import write_workbook

    return write_workbook([blank_document()], Path(path), profile)
