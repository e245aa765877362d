"""Bringing published-table text files into the store (read everything, then write)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import ImportTextError, StoreError
from .store import Store
from .textfile import check_file
from .textimport import ImportedTable, Note, read_file


@dataclass
class TableOutcome:
    table: ImportedTable
    status: str  # new | updated | unchanged | failed | would-write
    rev: str | None = None

    def as_dict(self) -> dict:
        doc = self.table.document
        return {
            "file": self.table.file,
            "line": self.table.first_line,
            "status": self.status,
            "id": doc.id if doc else None,
            "name": doc.name if doc else None,
            "unit_code": doc.unit_code if doc else None,
            "rev": self.rev,
            "notes": [n.as_dict() for n in self.table.notes],
        }


@dataclass
class ImportReport:
    outcomes: list[TableOutcome] = field(default_factory=list)
    file_notes: list[Note] = field(default_factory=list)
    file_errors: list[ImportTextError] = field(default_factory=list)
    store_errors: list[StoreError] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.file_errors or self.store_errors:
            return 2
        return 1 if any(o.status == "failed" for o in self.outcomes) else 0


def import_text(paths: list[str | Path], store: Store | None, dry_run: bool = False) -> ImportReport:
    """Read every file; if all can be read, write each complete table to the store.

    A file that cannot be read at all (empty, binary, wrong encoding, too large, no table)
    stops the whole import before anything is written. A table that is incomplete is not
    written; the complete tables of the same files are. A table the store cannot take (disk
    full, read-only) is reported as failed and the others are still tried: each document in
    the store is then the old one or the new one, whole.
    """
    report = ImportReport()
    tables: list[ImportedTable] = []
    for path in paths:
        try:
            check_file(path)
            found, notes = read_file(path)
        except ImportTextError as exc:
            report.file_errors.append(exc)
            continue
        tables.extend(found)
        report.file_notes.extend(notes)
    if report.file_errors:
        return report
    seen: dict[str, ImportedTable] = {}
    for t in tables:
        if t.ok and t.document.id in seen:
            other = seen[t.document.id]
            t.notes.append(
                Note("error", "TABLE_DUPLICATE",
                     f"与第 {other.first_line} 行开始的表格是同一项目（同年度、单位、项目名称）",
                     t.file, t.first_line)
            )
        elif t.ok:
            seen[t.document.id] = t
    good = [t for t in tables if t.ok]
    results, failed = {}, {}
    if store is not None and not dry_run and good:
        with store.writing():
            for t in good:
                try:
                    results[t.document.id] = store.put(t.document, action="import-text")
                except StoreError as exc:
                    failed[t.document.id] = exc
                    report.store_errors.append(exc)
    for t in tables:
        if t.ok and t.document.id in failed:
            t.notes.append(Note("error", "STORE_WRITE_FAILED", failed[t.document.id].message, t.file, t.first_line))
            report.outcomes.append(TableOutcome(t, "failed"))
        elif not t.ok:
            report.outcomes.append(TableOutcome(t, "failed"))
        elif dry_run or store is None:
            status = "would-write"
            if store is not None and store.exists(t.document.id):
                from .document import revision

                same = revision(store.get(t.document.id)) == revision(t.document)
                status = "unchanged" if same else "would-update"
            report.outcomes.append(TableOutcome(t, status))
        else:
            r = results[t.document.id]
            status = "unchanged" if not r.changed else ("updated" if r.previous else "new")
            report.outcomes.append(TableOutcome(t, status, r.rev))
    return report
