"""Bringing published-table text files into the store.

Files and tables are independent: a file that cannot be read is named and the others are
imported; a table that is incomplete (or cut off) is not written, the complete ones are. A
table already in the store is merged field by field against the revision the last import
wrote (`xlsync.sync.merge`): what the office changed since (a push from a workbook) is kept,
the text's changes are taken, and a field changed on both sides is a conflict — nothing of
that table is written. A file larger than XLSYNC_MAX_TEXT_MB is refused before it is read.
A table the store cannot take (disk full, read-only) is reported as failed and the others are
still tried: each document in the store is then the old one or the new one, whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .document import ProjectDocument, revision
from .errors import ImportTextError, StoreError
from .forms import load_form
from .longtext import cell_limit, too_long
from .published import ImportedTable, Note, ReadOptions
from .published.files import read_published
from .store import JournalPending, Store
from .sync import Merge, merge

ACTION = "import-text"
TEXT_ACTIONS = (ACTION, "convert")  # history actions that wrote a table as its text said
WRITTEN = ("new", "updated", "unchanged", "review")  # the outcomes of a table that is in the store


@dataclass
class TableOutcome:
    table: ImportedTable
    status: str  # new | updated | unchanged | review | failed | truncated | conflict | would-write | would-update
    rev: str | None = None
    merge: Merge | None = None
    # a table whose stored document still has review items (guesses) is `review` (待核对):
    # `written` says what happened in the store (new | updated | unchanged), `review` the items
    written: str | None = None
    review: list = field(default_factory=list)

    def as_dict(self) -> dict:
        doc = self.table.document
        return {
            "file": self.table.file,
            "line": self.table.first_line,
            "last_line": self.table.last_line,
            "form": self.table.form,
            "status": self.status,
            "id": doc.id if doc else None,
            "name": doc.name if doc else None,
            "unit_code": doc.unit_code if doc else None,
            "indicators": len(doc.indicators) if doc else None,
            "rev": self.rev,
            "conflicts": [c.as_dict() for c in self.merge.conflicts] if self.merge else [],
            "notes": [n.as_dict() for n in self.table.notes],
            "written": self.written or (self.status if self.status in WRITTEN else None),
            "review": [i.model_dump() for i in self.review],
        }


@dataclass
class ImportReport:
    outcomes: list[TableOutcome] = field(default_factory=list)
    file_notes: list[Note] = field(default_factory=list)
    file_errors: list[ImportTextError] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    store_errors: list[StoreError] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.file_errors or self.store_errors:
            return 2
        if any(o.status == "conflict" for o in self.outcomes):
            return 3
        return 1 if any(o.status in ("failed", "truncated", "review") or o.review for o in self.outcomes) else 0

    def file_outcomes(self) -> list[tuple[str, str]]:
        """(file, outcome in words) for every file named."""
        out = []
        errors = {e.location.file if e.location else None: e for e in self.file_errors}
        for f in self.files:
            if f in errors:
                out.append((f, f"未读取: {errors[f].message}"))
                continue
            mine = [o for o in self.outcomes if o.table.file == f]
            counts: dict[str, int] = {}
            for o in mine:
                counts[o.status] = counts.get(o.status, 0) + 1
            out.append((f, ", ".join(f"{k} {v}" for k, v in counts.items()) or "无表格"))
        return out


def _import_base(store: Store, doc_id: str) -> ProjectDocument | None:
    """The document as the last import of published text wrote it (the base of a re-import)."""
    try:
        for entry in reversed(store.log(doc_id)):
            if entry.action.split(" ")[0] in TEXT_ACTIONS:  # what that text said, not the merge
                return store.revision_of(doc_id, entry.source or entry.rev)
    except StoreError:
        return None
    return None


def import_text(paths: list[str | Path], store: Store | None, dry_run: bool = False,
                options: ReadOptions | None = None, allow_truncated: bool = False) -> ImportReport:
    """Read every file and write each complete table to the store (see the module doc)."""
    report = ImportReport(files=[str(p) for p in paths])
    tables: list[ImportedTable] = []
    for path in paths:
        try:
            found, notes = read_published(path, options)  # any kind: text, docx, xlsx, xls, html, pdf
        except ImportTextError as exc:
            report.file_errors.append(exc)
            continue
        tables.extend(found)
        report.file_notes.extend(notes)
    _refuse_long_texts(tables)
    seen: dict[str, ImportedTable] = {}
    writable: list[ImportedTable] = []
    for t in tables:
        usable = t.ok or (allow_truncated and t.truncated and t.document is not None)
        if not usable:
            continue
        if t.document.id in seen:
            other = seen[t.document.id]
            t.notes.append(Note("error", "TABLE_DUPLICATE",
                                f"与 {other.file} 第 {other.first_line} 行开始的表格是同一项目（同年度、单位、项目名称）",
                                t.file, t.first_line))
            continue
        seen[t.document.id] = t
        writable.append(t)
    decided: dict[int, TableOutcome] = {}
    if store is not None and writable and not dry_run and options is not None and options.form:
        store.keep_form(load_form(options.form))
    if store is not None and writable:
        try:
            with store.transaction(ACTION):  # the tables of one import are committed together
                for t in writable:
                    try:
                        decided[id(t)] = write_table(store, t, dry_run)
                    except StoreError as exc:
                        report.store_errors.append(exc)
                        t.notes.append(Note("error", "STORE_WRITE_FAILED", exc.message, t.file, t.first_line))
                        decided[id(t)] = TableOutcome(t, "failed")
        except JournalPending as exc:  # committed: the next command that opens the store completes it
            report.store_errors.append(exc)
            for t in writable:
                if decided.get(id(t)) is not None and decided[id(t)].status in ("new", "updated"):
                    t.notes.append(Note("error", "STORE_JOURNAL_PENDING", exc.message, t.file, t.first_line))
        except StoreError as exc:  # the commit failed: none of the staged tables is in the store
            report.store_errors.append(exc)
            for t in writable:
                if decided.get(id(t)) is None or decided[id(t)].status in ("new", "updated"):
                    t.notes.append(Note("error", "STORE_WRITE_FAILED", exc.message, t.file, t.first_line))
                    decided[id(t)] = TableOutcome(t, "failed")
    for t in tables:
        if id(t) in decided:
            report.outcomes.append(decided[id(t)])
        elif t.truncated:
            report.outcomes.append(TableOutcome(t, "truncated"))
        elif t in writable:  # no store: reading only
            report.outcomes.append(needs_review(TableOutcome(t, "would-write")))
        else:
            report.outcomes.append(TableOutcome(t, "failed"))
    return report


def _refuse_long_texts(tables: list[ImportedTable]) -> None:
    """A text longer than a workbook cell holds is refused (never cut later): an error note
    naming its line and length, so the table is not written."""
    limit = cell_limit()
    for t in tables:
        if t.document is None:
            continue
        for key, length in too_long(t.document, limit):
            where = t.provenance.get(key.split("[")[0]) or t.provenance.get(key)
            line = where.line if where is not None and where.line else t.first_line
            t.notes.append(Note("error", "TEXT_TOO_LONG",
                                f"{key} 有 {length} 个字符，超过工作簿单元格能容纳的 {limit} 个字符"
                                "（XLSYNC_MAX_CELL_CHARS）：此表未导入，请缩短该文字", t.file, line))


def write_table(store: Store, t: ImportedTable, dry_run: bool = False, action: str = ACTION) -> TableOutcome:
    """One table into the store (under the store's lock): new, or merged against the revision
    its last import wrote. A table whose stored document holds review items (what the reader
    guessed, and nobody has looked at yet) comes out `review` (待核对)."""
    return needs_review(_write_table(store, t, dry_run, action))


def needs_review(o: TableOutcome) -> TableOutcome:
    """`review` instead of new/updated/unchanged while the stored document has open items."""
    doc = o.merge.result if o.merge is not None and o.merge.result is not None else o.table.document
    if o.status in ("new", "updated", "unchanged", "would-write", "would-update") and doc is not None:
        o.review = list(doc.review)
        if o.review and not o.status.startswith("would"):
            o.written, o.status = o.status, "review"
    return o


def _write_table(store: Store, t: ImportedTable, dry_run: bool, action: str) -> TableOutcome:
    doc = t.document
    current = store.get(doc.id) if store.exists(doc.id) else None
    if current is None:
        if dry_run:
            return TableOutcome(t, "would-write")
        r = store.put(doc, action)
        return TableOutcome(t, "new", r.rev)
    m = merge(_import_base(store, doc.id), doc, current)
    if m.conflicts:
        return TableOutcome(t, "conflict", revision(current), m)
    if revision(m.result) == revision(current):
        return TableOutcome(t, "unchanged", revision(current), m)
    if dry_run:
        return TableOutcome(t, "would-update", None, m)
    r = store.put(m.result, action, expect=revision(current), source=doc)
    return TableOutcome(t, "updated", r.rev, m)
