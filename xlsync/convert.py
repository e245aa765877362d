"""Batch conversion: text tables and workbooks in, unit workbooks of the store out.

Per file: read (in N processes), then write into the store in this process under the store
lock — text through the importer, workbooks through the push merge —, then each unit-year
touched is written out as a workbook (in N processes, each file atomically). One bad file is
reported with its outcome and stops nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .document import ProjectDocument, revision, unit_folder, year_folder
from .errors import XlsyncError
from .exchange import push_content
from .ingest import import_text, write_table
from .parallel import context, imap
from .published.files import sniff
from .store import Store
from .validators.profiles import load_profile
from .workbook.reader import read_workbook
from .workbook.writer import write_workbook

WORKBOOKS = (".xlsx", ".xlsm")
TEXTS = (".txt", ".md", ".text")
PUBLISHED = (".docx", ".xls", ".html", ".htm", ".pdf")  # published tables, read by kind (xlsync.published.files)
PRELOAD = ["xlsync.convert", "xlsync.ingest", "xlsync.published", "xlsync.workbook.reader",
           "xlsync.workbook.writer", "xlsync.validators.profiles", "openpyxl"]
STATUS_ZH = {"written": "已写入", "unchanged": "未变", "conflict": "冲突", "failed": "失败",
             "review": "待核对"}


@dataclass
class FileOutcome:
    file: str
    kind: str  # text | workbook | output
    status: str  # written | unchanged | conflict | failed | review (written, with guesses to check)
    detail: str = ""
    units: set = field(default_factory=set)  # (unit_code, year) it brought projects of
    changed: bool | None = None  # whether the store changed (None: status is "written")

    def as_dict(self) -> dict:
        return {"file": self.file, "kind": self.kind, "status": self.status, "detail": self.detail}


@dataclass
class ConvertReport:
    files: list[FileOutcome] = field(default_factory=list)
    outputs: list[FileOutcome] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """1 when a file failed or needs review (待核对), 3 when one was a conflict, else 0."""
        every = self.files + self.outputs
        if any(o.status in ("failed", "review") for o in every):
            return 1
        return 3 if any(o.status == "conflict" for o in every) else 0

    def counts(self, which: str = "files") -> dict[str, int]:
        out = dict.fromkeys(STATUS_ZH, 0)
        for o in getattr(self, which):
            out[o.status] += 1
        return out


def sources(paths: Iterable[Path], skip: Iterable[Path] = ()) -> tuple[list[Path], list[FileOutcome]]:
    """The files to convert (folders searched recursively), and what cannot be one."""
    skip_set = {Path(p).resolve() for p in skip}
    found, bad = [], []

    def walk(folder: Path):
        for p in sorted(folder.iterdir()):
            if p.name.startswith((".", "~$")) or p.resolve() in skip_set:
                continue
            if p.is_dir():
                walk(p)
            elif p.suffix.lower() in WORKBOOKS + TEXTS + PUBLISHED:
                found.append(p)

    for raw in paths:
        p = Path(raw)
        if not p.exists():
            bad.append(FileOutcome(str(p), "text", "failed", "文件或文件夹不存在"))
        elif p.is_dir():
            walk(p)
        else:
            found.append(p)
    unique = list(dict.fromkeys(found))
    return unique, bad


@dataclass
class _Parsed:
    path: Path
    kind: str
    report: object | None = None  # ImportReport (text)
    content: object | None = None  # WorkbookContent (workbook)
    error: str | None = None


def _parse(path: Path) -> _Parsed:
    """Runs in a worker: read one file, write nothing. A workbook is xlsync's own (pushed) unless
    its content shows a published table's workbook (imported as text is)."""
    if path.suffix.lower() in WORKBOOKS and not _published_workbook(path):
        try:
            content = read_workbook(path)
        except XlsyncError as exc:
            return _Parsed(path, "workbook", error=exc.message)
        except Exception as exc:  # a damaged file must not stop the batch
            return _Parsed(path, "workbook", error=f"无法读取: {exc}")
        if content.errors:
            return _Parsed(path, "workbook", error="；".join(str(e) for e in content.errors[:5]))
        return _Parsed(path, "workbook", content=content)
    try:
        report = import_text([path], None)
    except XlsyncError as exc:
        return _Parsed(path, "text", error=exc.message)
    except Exception as exc:
        return _Parsed(path, "text", error=f"无法读取: {exc}")
    if report.file_errors:
        return _Parsed(path, "text", error="；".join(f"[{e.code}] {e.message}" for e in report.file_errors))
    return _Parsed(path, "text", report=report)


def _published_workbook(path: Path) -> bool:
    try:
        return sniff(path) == "xlsx"
    except XlsyncError:  # xlsync's own, or broken: the workbook reader names it
        return False


class _Seen:
    """The projects this run has written: a second, different copy is a conflict."""

    def __init__(self):
        self.revs: dict[str, tuple[str, str]] = {}

    def clash(self, doc: ProjectDocument, file: str) -> str | None:
        seen = self.revs.get(doc.id)
        if seen is None:
            self.revs[doc.id] = (revision(doc), file)
            return None
        return None if seen[0] == revision(doc) else seen[1]


def _write_text(parsed: _Parsed, store, seen: _Seen) -> FileOutcome:
    name = str(parsed.path)
    report = parsed.report
    failed = [o for o in report.outcomes if o.status not in ("would-write",)]
    tables = [o.table for o in report.outcomes if o.status == "would-write"]
    good = [t.document for t in tables]
    clashes = [(d, other) for d in good if (other := seen.clash(d, name))]
    if clashes:
        d, other = clashes[0]
        return FileOutcome(name, "text", "conflict",
                           f"“{d.title}”与 {other} 中的同一项目内容不同，本文件未写入")
    with store.transaction(f"convert {parsed.path.name}"):  # merged against each table's last import
        results = [write_table(store, t, action=f"convert {parsed.path.name}") for t in tables]
    stale = [r for r in results if r.status == "conflict"]
    if stale:
        fields = sorted({c.field for r in stale for c in r.merge.conflicts})
        return FileOutcome(name, "text", "conflict",
                           f"{len(stale)} 张表与存储中后来的修改冲突（{', '.join(fields)}），这些表未写入")
    changed = sum((r.written or r.status) in ("new", "updated") for r in results)
    units = {(_unit_key(d), d.year) for d in good}
    detail = f"{len(good)} 张表，{changed} 张有变化"
    held = [r for r in results if r.review]
    if failed:
        lines = [f"第 {o.table.first_line} 行的表不完整" for o in failed]
        return FileOutcome(name, "text", "failed", detail + "；" + "，".join(lines) + "，未导入", units)
    if held:
        items = sum(len(r.review) for r in held)
        return FileOutcome(name, "text", "review", detail + f"；{len(held)} 张表有 {items} 处待核对"
                           "（在导出的工作簿中核对后推送）", units, changed=bool(changed))
    return FileOutcome(name, "text", "written" if changed else "unchanged", detail, units)


def _write_workbook(parsed: _Parsed, store, seen: _Seen) -> FileOutcome:
    name = str(parsed.path)
    content = parsed.content
    docs = [sp.document for sp in content.projects if sp.document is not None]
    clashes = [(d, other) for d in docs if (other := seen.clash(d, name))]
    if clashes:
        d, other = clashes[0]
        return FileOutcome(name, "workbook", "conflict", f"“{d.title}”与 {other} 中的同一项目内容不同，本文件未写入")
    report, _results = push_content(content, store, label=parsed.path.name)
    units = {(_unit_key(d), d.year) for d in docs}
    if report.conflicts:
        fields = sorted({c.field for ch in report.conflicts for c in ch.merge.conflicts})
        return FileOutcome(name, "workbook", "conflict",
                           f"{len(report.conflicts)} 个项目与存储冲突（{', '.join(fields)}），未写入")
    changed = sum(c.status in ("new", "updated") for c in report.changes)
    return FileOutcome(name, "workbook", "written" if changed else "unchanged",
                       f"{len(docs)} 个项目，{changed} 个有变化", units)


def _export(task: tuple, rules: str | None = None) -> FileOutcome:
    """Runs in a worker: one unit-year of the store → its workbook (atomic)."""
    root, unit_code, year, out = task
    try:
        store = Store(root)
        with store.using_forms():
            docs = store.unit_year(unit_code, year)
            write_workbook(docs, out, load_profile(rules) if rules else None, store=str(root))
    except XlsyncError as exc:
        return FileOutcome(str(out), "output", "failed", str(exc))
    except Exception as exc:
        return FileOutcome(str(out), "output", "failed", f"无法写入: {exc}")
    return FileOutcome(str(out), "output", "written", f"{len(docs)} 个项目")


def _unit_key(doc: ProjectDocument) -> str | None:
    """The unit a document's workbook is for: its code, or without one the store's folder for
    its unit (a list-form sheet naming units without codes)."""
    if doc.unit_code:
        return doc.unit_code
    parts = doc.id.split("-")
    return parts[1] if len(parts) == 3 else None


def output_name(unit_code: str | None, year: int | None) -> str:
    return f"{unit_folder(unit_code)}-{year_folder(year)}.xlsx"


def _units(parsed: _Parsed) -> set:
    """The unit-years a read file brings projects of."""
    if parsed.error:
        return set()
    if parsed.kind == "text":
        docs = [o.table.document for o in parsed.report.outcomes if o.status != "failed"]
    else:
        docs = [sp.document for sp in parsed.content.projects if sp.document is not None]
    return {(_unit_key(d), d.year) for d in docs}


def convert(paths: Iterable[Path], out_dir: Path, store_dir: Path | None = None, rules: str | None = None,
            jobs: int = 1, progress: Callable[[int, int, ConvertReport], None] | None = None) -> ConvertReport:
    """Convert every file; see `ConvertReport.exit_code`.

    Files are read first (N processes); then written into the store one by one in this
    process, and each unit-year's workbook is handed to a worker as soon as the last file that
    brings projects of it has been written, so writing and exporting overlap.
    """
    from concurrent.futures import ProcessPoolExecutor

    out_dir = Path(out_dir)
    store = Store(store_dir or out_dir / "store")
    files, bad = sources(paths, skip=[out_dir, store.root])
    report = ConvertReport(files=list(bad))
    if not files and not bad:
        raise XlsyncError("没有找到要转换的文本表格或工作簿")
    total, done = 2 * len(files), 0

    def step(advance: int = 1, more: int = 0) -> None:
        nonlocal done, total
        done, total = done + advance, total + more
        if progress:
            progress(done, total, report)

    step(0)
    parsed_all = []
    for parsed in imap(_parse, files, jobs, preload=PRELOAD):
        parsed_all.append(parsed)
        step()
    units_of = [_units(p) for p in parsed_all]
    last = {unit: i for i, units in enumerate(units_of) for unit in units}
    seen = _Seen()
    changed: dict[tuple, bool] = {}
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context(PRELOAD)) if jobs > 1 else None
    pending: list = []
    try:
        for i, parsed in enumerate(parsed_all):
            if parsed.error:
                outcome = FileOutcome(str(parsed.path), parsed.kind, "failed", parsed.error)
            else:
                try:
                    write = _write_text if parsed.kind == "text" else _write_workbook
                    outcome = write(parsed, store, seen)
                except XlsyncError as exc:
                    outcome = FileOutcome(str(parsed.path), parsed.kind, "failed", str(exc))
            parsed_all[i] = None  # its documents are in the store now
            for unit in outcome.units:
                changed[unit] = changed.get(unit, False) or (
                    outcome.status == "written" if outcome.changed is None else outcome.changed)
            report.files.append(outcome)
            step()
            for unit in sorted((u for u in units_of[i] if last[u] == i and u in changed),
                               key=lambda u: (str(u[0]), str(u[1]))):
                out = out_dir / output_name(*unit)
                if not changed[unit] and out.exists():
                    report.outputs.append(FileOutcome(str(out), "output", "unchanged", "存储中没有变化"))
                    continue
                task = (store.root, unit[0], unit[1], out)
                pending.append(pool.submit(_export, task, rules) if pool else task)
                step(0, 1)
        for item in pending:
            report.outputs.append(item.result() if pool else _export(item, rules))
            step()
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
    report.outputs.sort(key=lambda o: o.file)
    return report
