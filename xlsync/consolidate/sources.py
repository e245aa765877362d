"""What consolidation reads: unit workbooks, folders of them, and stores, expanded into sources.

A source is one unit of work a process can read on its own: one workbook, or the documents
of one unit-year folder of a store. Reading yields entries (document, where it came from,
and for workbooks the revision it was exported from), never a whole office in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..document import ProjectDocument, loads
from ..errors import DocumentError, Location, XlsyncError
from ..store import Store
from ..workbook.reader import read_workbook, readable_projects

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Source:
    kind: str  # workbook | store
    path: Path  # the workbook, or the store root
    files: tuple[Path, ...] = ()  # store: the documents of this chunk

    @property
    def label(self) -> str:
        return str(self.path) if self.kind == "workbook" else f"{self.path}（存储）"


@dataclass
class Entry:
    document: ProjectDocument
    file: str  # the workbook or the store document
    sheet: str | None = None
    provenance: dict[str, Location] = field(default_factory=dict)


def is_store(folder: Path) -> bool:
    """A folder holding a store (the store knows its own layout)."""
    return Store.is_store(folder)


def store_chunks(root: Path) -> list[Source]:
    """One source per unit-year folder of a store."""
    return [Source("store", root, tuple(files)) for files in Store(root).unit_year_files()]


def _walk(folder: Path, skip: set[Path]) -> Iterator[Source]:
    if folder.resolve() in skip:
        return
    if is_store(folder):
        yield from store_chunks(folder)
        return
    for p in sorted(folder.iterdir()):
        if p.name.startswith((".", "~$")) or p.resolve() in skip:
            continue
        if p.is_dir():
            yield from _walk(p, skip)
        elif p.suffix.lower() in WORKBOOK_SUFFIXES:
            yield Source("workbook", p)


def expand(inputs: Iterable[Path], skip: Iterable[Path] = ()) -> tuple[list[Source], list[XlsyncError]]:
    """Sources of the inputs (files, folders, stores); problems for what is not one."""
    skip_set = {Path(p).resolve() for p in skip}
    sources: list[Source] = []
    problems: list[XlsyncError] = []
    for raw in inputs:
        path = Path(raw)
        if not path.exists():
            problems.append(XlsyncError("文件或文件夹不存在", Location(str(path))))
        elif path.is_dir():
            found = list(_walk(path, skip_set))
            if not found:
                problems.append(XlsyncError("文件夹中没有工作簿 (.xlsx/.xlsm) 或存储", Location(str(path))))
            sources.extend(found)
        elif path.suffix.lower() in WORKBOOK_SUFFIXES:
            sources.append(Source("workbook", path))
        else:
            problems.append(XlsyncError("不是工作簿 (.xlsx/.xlsm)、工作簿文件夹或存储文件夹", Location(str(path))))
    seen: set[tuple] = set()
    unique = []
    for s in sources:
        key = (s.kind, s.path.resolve(), s.files)
        if key not in seen:
            seen.add(key)
            unique.append(s)
    return unique, problems


def read_source(source: Source, keep_content: bool = False):
    """(entries, problems, content): content, when asked for, is the WorkbookContent of a
    workbook or the documents of a store chunk."""
    if source.kind == "store":
        entries, problems = [], []
        for path in source.files:
            try:
                doc = loads(path.read_bytes(), source=str(path))
            except DocumentError as exc:
                problems.append(exc)
                continue
            except OSError as exc:
                problems.append(XlsyncError(f"无法读取: {exc.strerror}", Location(str(path))))
                continue
            entries.append(Entry(doc, str(path)))
        return entries, problems, [e.document for e in entries] if keep_content else None
    try:
        content = read_workbook(source.path)
    except XlsyncError as exc:
        return [], [exc], None
    entries = [Entry(sp.document, str(source.path), sp.sheet, sp.provenance)
               for sp in readable_projects(content)]
    return entries, list(content.errors), content if keep_content else None


def load_document(file: str, doc_id: str) -> ProjectDocument | None:
    """One document again, from the workbook or store file it was read from."""
    if file.endswith(".json"):
        try:
            return loads(Path(file).read_bytes(), source=file)
        except (OSError, XlsyncError):
            return None
    entries, _problems, _content = read_source(Source("workbook", Path(file)))
    return next((e.document for e in entries if e.document.id == doc_id), None)
