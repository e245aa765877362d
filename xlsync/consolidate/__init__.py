"""Consolidation: many units' workbooks and stores → one summary workbook, tidy tables, and
optionally one store (every write through the push merge).

Sources are read one at a time (in N processes with `jobs`), each reduced to compact records;
the summary is written from the records, so memory grows with the projects' facts, not with
their workbooks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from ..document import loads, revision
from ..errors import StoreError, XlsyncError
from ..exchange import push_content
from ..parallel import imap
from ..store import Store
from ..workbook.content import SheetProject, WorkbookContent
from .collect import Collector, Picture, choose_year, picture
from .records import digest, findings_by_id, problem_row, record_of
from .sources import Entry, expand, is_store
from .summary import write_summary
from .tidyout import write_csv, write_json, write_parquet

__all__ = ["Consolidation", "consolidate"]

# what the reading workers use: imported once in the process they are started from
PRELOAD = ["xlsync.consolidate.records", "xlsync.validate", "xlsync.validators.schemas", "xlsync.tidy",
           "xlsync.workbook.reader", "xlsync.plan", "pandas", "pandera.pandas", "openpyxl"]


@dataclass
class PushOutcome:
    file: str
    status: str  # written | unchanged | conflict | failed
    detail: str = ""


@dataclass
class Consolidation:
    picture: Picture
    outputs: list[Path] = field(default_factory=list)
    pushes: list[PushOutcome] = field(default_factory=list)
    store_failed: str | None = None  # the --into-store commit failed: nothing of it was written

    @property
    def exit_code(self) -> int:
        """3 when a conflict was found, 1 when an input could not be read, 2 when the store
        could not be written, else 0."""
        if self.store_failed:
            return 2
        if self.picture.conflicts:
            return 3
        return 1 if self.picture.problems else 0


def _store_units(root: Path) -> dict:
    """{year or None: {unit key: (code, name)}} of a store, reading one document per unit."""
    out: dict = {}
    if not root.is_dir():
        return out
    for files in Store(root).unit_year_files():
        try:
            d = loads(files[0].read_bytes(), source=str(files[0]))
        except (OSError, XlsyncError):
            continue
        out.setdefault(d.year, {})[d.unit_code or f"~{d.unit_name or ''}"] = (d.unit_code, d.unit_name)
    return out


def _push(d, accepted: set[str], store, col: Collector, rules: str | None) -> PushOutcome:
    label = str(d.source.path if d.source.kind == "workbook" or not d.source.files else d.source.files[0].parent)
    if d.source.kind == "workbook":
        content = d.content
        if content is None:
            return PushOutcome(label, "failed", "无法读取")
        projects = [sp for sp in content.projects if sp.document is not None and sp.document.id in accepted]
        content = replace(content, projects=projects)
    else:
        projects = [SheetProject(None, r_doc) for r_doc in d.content if r_doc.id in accepted]
        content = WorkbookContent(d.source.path, projects, has_meta=False)
    if not content.projects:
        return PushOutcome(label, "unchanged", "没有可写入的项目")
    try:
        report, results = push_content(content, store, label=Path(label).name)
    except XlsyncError as exc:
        return PushOutcome(label, "failed", str(exc))
    if report.conflicts:
        for change in report.conflicts:
            col.add_stale(change, label)
        return PushOutcome(label, "conflict", f"{len(report.conflicts)} 个项目与存储冲突，未写入")
    _show_merged(content, results, col, rules)
    changed = [c for c in report.changes if c.status in ("new", "updated")]
    return PushOutcome(label, "written" if changed else "unchanged", f"{len(changed)} 个项目写入")


def _show_merged(content, results: dict, col: Collector, rules: str | None) -> None:
    """The summary shows what the store now holds: a merge that kept newer store values
    replaces the record read from the (older) workbook."""
    entries = []
    for sp in content.projects:
        doc_id = sp.document.id
        if revision(results[doc_id]) != revision(sp.document):
            read = col.records[doc_id]
            entries.append(Entry(results[doc_id], read.file, read.sheet, sp.provenance))
    if entries:
        found = findings_by_id(entries, rules)
        for e in entries:
            col.records[e.document.id] = record_of(e, found.get(e.document.id, ()), rules=rules)


def consolidate(inputs: Iterable[Path], output: Path | None = None, *, previous: Iterable[Path] = (),
                into_store: Path | None = None, rules: str | None = None, year: int | None = None,
                jobs: int = 1, json_path: Path | None = None, csv_dir: Path | None = None,
                parquet_dir: Path | None = None,
                progress: Callable[[int, int, str], None] | None = None,
                include_withdrawn: bool = False) -> Consolidation:
    """Read every input, write the summary and the tidy tables; see `Consolidation.exit_code`."""
    skip = [p for p in (output, into_store, json_path, csv_dir, parquet_dir) if p is not None]
    sources, problems = expand(list(inputs), skip)
    prev_sources, prev_problems = expand(list(previous), skip) if previous else ([], [])
    if not sources and not problems:
        raise XlsyncError("没有可汇总的工作簿或存储")
    col = Collector()
    col.problems.extend(problem_row(p) for p in problems + prev_problems)
    store = None
    expected = {}
    if into_store is not None:
        into_store = Path(into_store)
        if into_store.exists() and any(into_store.iterdir()) and not is_store(into_store):
            raise XlsyncError(f"--into-store {into_store} 不是空文件夹，也不是存储")
        expected = _store_units(into_store)
        store = Store(into_store)
    pushes: list[PushOutcome] = []
    store_failed = None
    total = len(sources) + len(prev_sources)
    done = 0
    try:  # the store writes of the whole consolidation are one transaction
        with store.transaction("consolidate") if store is not None else nullcontext():
            for d in imap(partial(digest, rules=rules, keep_content=store is not None,
                                  include_withdrawn=include_withdrawn), sources, jobs, preload=PRELOAD):
                accepted = col.add(d)
                if store is not None:
                    pushes.append(_push(d, accepted, store, col, rules))
                d.content = None
                done += 1
                if progress:
                    progress(done, total, d.source.label)
    except StoreError as exc:  # the commit failed: what the pushes staged is not in the store
        store_failed = exc.message
        for p in pushes:
            if p.status == "written":
                p.status, p.detail = "failed", f"{p.detail}，但未能写入存储: {exc.message}"
    prev_records = None
    if previous:
        prev_records, seen = [], set()
        for d in imap(partial(digest, rules=rules, validate=False, include_withdrawn=include_withdrawn),
                      prev_sources, jobs, preload=PRELOAD):
            col.problems.extend(d.problems)
            prev_records.extend(r for r in d.records if r.id not in seen and not seen.add(r.id))
            done += 1
            if progress:
                progress(done, total, d.source.label)
    col.describe_duplicates()
    year = choose_year(col.records.values(), year)
    pic = picture(col, year, prev_records, expected.get(year, {}))
    result = Consolidation(pic, pushes=pushes, store_failed=store_failed)
    if output is not None:
        result.outputs.append(write_summary(pic, Path(output)))
    if json_path is not None:
        result.outputs.append(write_json(pic, Path(json_path)))
    if csv_dir is not None:
        write_csv(pic, Path(csv_dir))
        result.outputs.append(Path(csv_dir))
    if parquet_dir is not None:
        write_parquet(pic, Path(parquet_dir))
        result.outputs.append(Path(parquet_dir))
    return result
