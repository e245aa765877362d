"""Validation jobs: a store, or workbooks (with optional write-back of the findings)."""

from __future__ import annotations

from pathlib import Path

from .errors import Location, XlsyncError
from .findings import Finding
from .store import Store
from .validate import validate_documents


def validate_store(store_dir, profile) -> tuple[list[Finding], list[XlsyncError]]:
    store = Store(store_dir)
    docs, errors = store.documents()
    sources = {d.id: Location(str(store.path_for_id(d.id))) for d in docs}
    return validate_documents(docs, profile, sources=sources), errors


def validate_workbooks(paths: list[Path], profile, write_back: bool = False):
    from .workbook.reader import read_workbooks, readable_projects

    findings: list[Finding] = []
    contents, problems = read_workbooks(paths)
    for book in contents:
        readable = readable_projects(book)
        found = validate_documents(
            [p.document for p in readable], profile,
            provenance={p.document.id: p.provenance for p in readable},
            sources={p.document.id: Location(str(book.path), sheet=p.sheet) for p in readable},
        )
        findings.extend(found)
        if write_back:
            from .workbook.marks import write_findings

            write_findings(book.path, found)
    return findings, problems
