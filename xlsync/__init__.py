"""xlsync: 项目支出绩效目标表 in Excel, validated, computed, stored and consolidated.

From Python, the same steps as the command line (each function mirrors a command):

    import xlsync

    tables = xlsync.read_tables("examples/zhengzhou-hpf-2020.txt")   # import-text --dry-run
    store = xlsync.Store("store")
    for t in tables:
        store.put(t.document, action="script")                       # import-text (a new store)
    docs, broken = store.documents(unit="095001", year=2020)          # list
    store.history(docs[0].id)                                         # log
    findings = xlsync.validate(docs)                                  # validate --store
    xlsync.write_workbook(docs, "books/095001-2020.xlsx")             # export -o
    again = xlsync.read_workbook("books/095001-2020.xlsx")            # validate BOOK (reads)
    result = xlsync.consolidate(["books"], "summary.xlsx")            # consolidate

The names are loaded on first use (see xlsync.api), so `import xlsync` and `xlsync --help` stay fast.
"""

from __future__ import annotations

import sys as _sys
from types import ModuleType as _ModuleType
from typing import TYPE_CHECKING

__version__ = "0.1.0"

__all__ = ["Documents", "Finding", "ProjectDocument", "Store", "Tables", "XlsyncError", "consolidate",
           "read_tables", "read_workbook", "revision", "validate", "write_workbook"]

if TYPE_CHECKING:
    from .api import (
        Documents,
        Finding,
        ProjectDocument,
        Store,
        Tables,
        XlsyncError,
        consolidate,
        read_tables,
        read_workbook,
        revision,
        validate,
        write_workbook,
    )


def __getattr__(name: str):
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'xlsync' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(_ModuleType):
    """`xlsync.validate` and `xlsync.consolidate` are the API's functions, though modules of
    those names exist: importing the module (which sets the package's attribute) leaves the
    function in place; the modules stay importable by their full names."""

    @property
    def validate(self):
        from .api import validate

        return validate

    @validate.setter
    def validate(self, _module) -> None:
        pass

    @property
    def consolidate(self):
        from .api import consolidate

        return consolidate

    @consolidate.setter
    def consolidate(self, _module) -> None:
        pass


_sys.modules[__name__].__class__ = _Package
