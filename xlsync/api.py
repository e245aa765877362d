"""The public Python API: what the CLI does, as functions (in the way sqlite-utils mirrors its
CLI). Heavy libraries are imported inside the functions, so `import xlsync` stays fast.

    >>> import xlsync
    >>> tables = xlsync.read_tables("examples/zhengzhou-hpf-2020.txt")   # xlsync import-text
    >>> store = xlsync.Store("store")
    >>> for t in tables:
    ...     store.put(t.document, action="script")                       # (writes the store)
    >>> docs, broken = store.documents(unit="095001", year=2020)           # xlsync list
    >>> findings = xlsync.validate(docs)                                  # xlsync validate --store
    >>> xlsync.write_workbook(docs, "out/095001-2020.xlsx")               # xlsync export -o
    >>> again = xlsync.read_workbook("out/095001-2020.xlsx")              # xlsync validate BOOK
    >>> result = xlsync.consolidate(["out"], "summary.xlsx")              # xlsync consolidate

Every function raises `xlsync.errors.XlsyncError` (with its English `.code` and a Chinese
message naming the file, sheet or cell) when its input cannot be used.
"""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from .consolidate import consolidate as run
from .document import ProjectDocument, revision
from .errors import XlsyncError
from .findings import Finding
from .published import ReadOptions, read_file
from .store import Store
from .validate import validate_documents
from .validators.profiles import load_profile
from .workbook.reader import read_workbooks, readable_projects
from .workbook.writer import write_workbook as write

if TYPE_CHECKING:
    from .consolidate import Consolidation
    from .published import ImportedTable, Note
    from .validators.profiles import Profile

PathArg = str | PathLike


class Tables(list["ImportedTable"]):
    """The tables read from one published file (`ImportedTable`: `.document`, `.notes`,
    `.document.review`), plus `.notes`: the file's own notes (lines outside any table)."""

    notes: list[Note]

    @property
    def documents(self) -> list[ProjectDocument]:
        """The documents of the tables read completely (the others have `.document` None)."""
        return [t.document for t in self if t.document is not None]


class Documents(list[ProjectDocument]):
    """The documents read from a workbook, plus `.problems`: the sheets or cells that could not
    be read (`XlsyncError`, each naming its sheet and cell; those sheets give no document)."""

    problems: list[XlsyncError]


def read_tables(path: PathArg, *, form: str | None = None, unit_code: str | None = None,
                unit_name: str | None = None, year: int | None = None) -> Tables:
    """Read a published-table text file (text pulled out of PDF, Word or a web page) — what
    `xlsync import-text --dry-run` reads, without a store.

    form: read every table with this form ('seed', 'national' or a form file); unit_code,
    unit_name, year: for tables that name none.

        >>> tables = xlsync.read_tables("examples/zhengzhou-hpf-2020.txt")
        >>> [t.document.name for t in tables if t.ok]
        >>> [(n.code, n.message) for t in tables for n in t.notes]
    """
    options = ReadOptions(form=form, unit_code=unit_code, unit_name=unit_name, year=year)
    found, notes = read_file(path, options)
    tables = Tables(found)
    tables.notes = list(notes)
    return tables


def _profile(profile: Profile | str | None) -> Profile | None:
    if profile is None or not isinstance(profile, str):
        return profile
    return load_profile(profile)


def validate(docs: Iterable[ProjectDocument], profile: Profile | str | None = None) -> list[Finding]:
    """The findings for the documents, as `xlsync validate` gives them: errors first, each with
    its English `.code`, `.severity`, Chinese `.title` and `.message`.

    profile: a rule profile ('seed', 'national', a .toml path or a loaded Profile); None:
    each document by its form's profile.

        >>> findings = xlsync.validate(docs)
        >>> [f.code for f in findings if f.severity == "error"]
    """
    return validate_documents(list(docs), _profile(profile))


def write_workbook(docs: Iterable[ProjectDocument], path: PathArg,
                   profile: Profile | str | None = None) -> Path:
    """Write a new unit-year workbook (.xlsx, or .xlsm with the macros) for the documents (all
    of one unit and year), as `xlsync export -o` does; returns its path.

        >>> xlsync.write_workbook(docs, "095001-2020.xlsx")
    """
    return write(list(docs), path, _profile(profile))


def read_workbook(path: PathArg) -> Documents:
    """The project documents of a workbook (as `xlsync validate BOOK` and `push` read it);
    a sheet that cannot be read completely gives no document and is in `.problems`.

        >>> docs = xlsync.read_workbook("095001-2020.xlsx")
        >>> docs.problems
    """
    contents, problems = read_workbooks([Path(path)])
    docs = Documents(p.document for c in contents for p in readable_projects(c))
    docs.problems = list(problems) + [e for c in contents for e in c.errors]
    return docs


def consolidate(inputs: Iterable[PathArg], output: PathArg | None = None, *,
                previous: Iterable[PathArg] = (), into_store: PathArg | None = None,
                rules: str | None = None, year: int | None = None, jobs: int = 1,
                json_path: PathArg | None = None, csv_dir: PathArg | None = None,
                parquet_dir: PathArg | None = None) -> Consolidation:
    """Consolidate unit workbooks, folders of them and stores into one summary workbook (and
    tidy tables), as `xlsync consolidate` does. The result's `.exit_code` is the CLI's.

        >>> result = xlsync.consolidate(["books/", "store/"], "summary.xlsx", csv_dir="tidy")
        >>> result.exit_code, result.outputs
    """
    def opt(p):
        return None if p is None else Path(p)

    return run([Path(p) for p in inputs], opt(output), previous=[Path(p) for p in previous],
               into_store=opt(into_store), rules=rules, year=year, jobs=jobs, json_path=opt(json_path),
               csv_dir=opt(csv_dir), parquet_dir=opt(parquet_dir))


__all__ = ["Documents", "Finding", "ProjectDocument", "Store", "Tables", "XlsyncError", "consolidate",
           "read_tables", "read_workbook", "revision", "validate", "write_workbook"]
