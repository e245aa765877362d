"""Workbooks ⇄ store: export, push (workbook → store) and pull (store → workbook).

Push and pull merge field by field against the revision the workbook was exported from
(kept hidden in the workbook). A field changed on both sides is a conflict: nothing is
written and every conflicting field is reported. --force overwrites; what it overwrites
stays in the store's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .document import ProjectDocument, revision
from .errors import WorkbookError
from .store import Store
from .sync import Merge, merge


@dataclass
class ProjectChange:
    sheet: str | None
    id: str
    name: str
    status: str  # new | updated | unchanged | conflict
    merge: Merge | None = None

    def as_dict(self) -> dict:
        m = self.merge
        return {
            "sheet": self.sheet, "id": self.id, "name": self.name, "status": self.status,
            "fields": m.changed if m else [],
            "conflicts": [c.as_dict() for c in m.conflicts] if m else [],
            "forced": [c.as_dict() for c in m.forced] if m else [],
            "two_way": m.two_way if m else False,
        }


@dataclass
class SyncReport:
    direction: str  # push | pull
    changes: list[ProjectChange] = field(default_factory=list)
    written: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def conflicts(self) -> list[ProjectChange]:
        return [c for c in self.changes if c.status == "conflict"]


def workbook_name(doc: ProjectDocument) -> str:
    """The file name of a unit-year workbook: `<unit code>-<year>.xlsx`; a unit without a
    code is named by its name, a table without a year says `undated`."""
    import re

    from .document import year_folder

    unit = doc.unit_code or doc.unit_name or doc.department_name or "unit"
    unit = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", unit).strip(" .")[:60] or "unit"
    return f"{unit}-{year_folder(doc.year)}.xlsx"


def export(store: Store, out: Path, profile=None, unit: str | None = None, year: int | None = None,
           progress=None) -> list[Path]:
    """One workbook per unit and year. `out` is a file (one unit-year) or a folder.

    Each workbook's 目录 names the store by its absolute path (存储位置), which the 推送/拉取
    buttons use. progress: wraps the iterable of (unit, year) groups (a progress bar).
    profile: the rule profile for every sheet; None: each document's form names its own."""
    from .workbook.writer import unit_of, write_workbook

    docs, errors = store.documents(unit=unit, year=year)
    if errors:
        raise errors[0]
    groups: dict[tuple, list[ProjectDocument]] = {}
    for d in docs:
        groups.setdefault(unit_of(d), []).append(d)
    if not groups:
        raise WorkbookError(f"存储 {store.root} 中没有符合条件的项目")
    out, location = Path(out), str(Path(store.root).resolve())
    if out.suffix.lower() in (".xlsx", ".xlsm"):
        if len(groups) > 1:
            raise WorkbookError("存储中有多个单位或年度，请用 --unit/--year 选择，或用 --out-dir 导出到文件夹")
        (key, group), = groups.items()
        return [write_workbook(group, out, profile, store=location)]
    paths, names = [], set()
    items = sorted(groups.items(), key=lambda kv: tuple(str(k) for k in kv[0]))
    for _key, group in (progress(items) if progress else items):
        name = workbook_name(group[0])
        while name in names:
            name = name.replace(".xlsx", "_.xlsx")
        names.add(name)
        paths.append(write_workbook(group, out / name, profile, store=location))
    return paths


def _read(book: Path):
    from .workbook.reader import read_workbook

    content = read_workbook(book)
    if content.errors:
        lines = "\n".join(f"  {e}" for e in content.errors)
        raise WorkbookError(f"工作簿有 {len(content.errors)} 处无法读取的单元格，未做任何修改:\n{lines}")
    return content


def push_content(content, store: Store, force: bool = False, dry_run: bool = False,
                 label: str = "workbook") -> tuple[SyncReport, dict[str, ProjectDocument]]:
    """Merge a read workbook's projects into the store; returns the report and merged docs."""
    report = SyncReport("push")
    if not content.has_meta:
        report.notes.append("工作簿中没有导出时的版本信息（可能被其他程序删除），改为两方比较：任何不同都视为冲突")
    results: dict[str, ProjectDocument] = {}
    with store.lock():
        plans = []
        for sp in content.projects:
            doc = sp.document
            current = store.get(doc.id) if store.exists(doc.id) else None
            if not content.has_meta and current is not None and sp.unshown:
                # the sheet says nothing about keys it does not show: keep the store's
                doc = doc.model_copy(update={k: getattr(current, k) for k in sp.unshown})
            m = merge(sp.base if content.has_meta else None, doc, current, force=force)
            if m.conflicts:
                status = "conflict"
            elif current is None:
                status = "new"
            else:
                status = "updated" if revision(m.result) != revision(current) else "unchanged"
            report.changes.append(ProjectChange(sp.sheet, doc.id, doc.name, status, m))
            plans.append((m, current))
            results[doc.id] = m.result
        if report.conflicts or dry_run:
            return report, results
        for m, current in plans:
            if current is None or revision(m.result) != revision(current):
                store.put(m.result, f"push {label}", None if current is None else revision(current))
        report.written = True
    return report, results


def push(book: Path, store: Store, profile, force: bool = False, dry_run: bool = False) -> SyncReport:
    """The workbook's projects into the store; the workbook then shows the merged result."""
    content = _read(book)
    report, results = push_content(content, store, force, dry_run, Path(book).name)
    if report.written:
        _refresh_after(book, content, results, profile)
    return report


def _refresh_after(book: Path, content, results: dict[str, ProjectDocument], profile) -> None:
    """After a push the workbook shows the merged documents, with them as its new base."""
    from .workbook.book import meta_rows
    from .workbook.metapatch import patch_meta
    from .workbook.writer import update_workbook

    projects = [(sp.sheet, results[sp.document.id], results[sp.document.id],
                 revision(sp.document) != revision(results[sp.document.id])) for sp in content.projects]
    if content.has_meta and not any(p[3] for p in projects):
        first = projects[0][1]
        patch_meta(book, meta_rows([(t, b) for t, _d, b, _r in projects], first.unit_code, first.year))
    else:
        update_workbook(book, projects, profile, content)


def pull_content(content, store: Store, force: bool = False):
    """What a pull brings: (report, [(sheet or None, doc to show, new base, changed)])."""
    report = SyncReport("pull")
    if not content.has_meta:
        report.notes.append("工作簿中没有导出时的版本信息，改为两方比较：任何不同都视为冲突")
    projects = []
    for sp in content.projects:
        doc = sp.document
        if not store.exists(doc.id):
            report.changes.append(ProjectChange(sp.sheet, doc.id, doc.name, "unchanged"))
            projects.append((sp.sheet, doc, sp.base or doc, False))
            continue
        current = store.get(doc.id)
        m = merge(sp.base if content.has_meta else None, current, doc, force=force)
        status = "conflict" if m.conflicts else ("updated" if m.changed else "unchanged")
        report.changes.append(ProjectChange(sp.sheet, doc.id, doc.name, status, m))
        projects.append((sp.sheet, m.result, current, bool(m.changed)))
    from .workbook.writer import unit_of

    first = content.projects[0].document
    ids = {sp.document.id for sp in content.projects}
    extra, _errors = store.documents(unit=first.unit_code, year=first.year)
    for d in extra:
        if d.id not in ids and unit_of(d) == unit_of(first):
            report.changes.append(ProjectChange(None, d.id, d.name, "new"))
            projects.append((None, d, d, True))
    return report, projects


def pull(book: Path, store: Store, profile, force: bool = False, dry_run: bool = False) -> SyncReport:
    """Store changes into an existing workbook (its other sheets are kept)."""
    from .workbook.writer import update_workbook

    content = _read(book)
    report, projects = pull_content(content, store, force)
    if report.conflicts or dry_run:
        return report
    base_moved = any(sp.base is None or revision(sp.base) != revision(b)
                     for sp, (_t, _d, b, _r) in zip(content.projects, projects, strict=False))
    if any(p[3] for p in projects) or base_moved or not content.has_meta:
        update_workbook(book, projects, profile, content)
        report.written = True
    return report
