"""Workbooks ⇄ store: export, push (workbook → store) and pull (store → workbook).

Push and pull merge field by field against the revision the workbook was exported from
(kept hidden in the workbook). A field changed on both sides is a conflict: nothing is
written and every conflicting field is reported. --force overwrites; what it overwrites
stays in the store's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .document import ProjectDocument, revision, unit_folder, year_folder
from .errors import Location, StoreError, WorkbookError, XlsyncError
from .evaluation.sheet import rewrite_stage_book
from .longtext import EXCEL_CELL_CHARS, keep_whole, too_long
from .newproject import claim_new_projects, missing_sheet_notes
from .review import clear as clear_review
from .review import cleared_record, item_key
from .safefile import reason
from .store import JournalPending, Store
from .sync import Merge, merge
from .withdraw import apply_index_status, visible
from .workbook.book import meta_rows, workbook_name
from .workbook.cells import unwritable_chars
from .workbook.metapatch import patch_meta
from .workbook.reader import read_workbook
from .workbook.writer import unit_of, update_workbook, write_workbook


@dataclass
class ProjectChange:
    sheet: str | None
    id: str
    name: str
    status: str  # new | updated | unchanged | conflict
    merge: Merge | None = None
    cleared: list = field(default_factory=list)  # (review item, how): what the user looked at

    def as_dict(self) -> dict:
        m = self.merge
        return {
            "sheet": self.sheet, "id": self.id, "name": self.name, "status": self.status,
            "fields": m.changed if m else [],
            "conflicts": [c.as_dict() for c in m.conflicts] if m else [],
            "forced": [c.as_dict() for c in m.forced] if m else [],
            "two_way": m.two_way if m else False,
            "cleared": [{**i.model_dump(), "how": how} for i, how in self.cleared],
        }


@dataclass
class SyncReport:
    direction: str  # push | pull
    changes: list[ProjectChange] = field(default_factory=list)
    written: bool = False
    notes: list[str] = field(default_factory=list)
    book_stale: bool = False  # push: the store has it, the workbook could not be rewritten

    @property
    def conflicts(self) -> list[ProjectChange]:
        return [c for c in self.changes if c.status == "conflict"]


class Exported(list):
    """The workbooks written (a list of paths), and what was left out: store files that could
    not be read (skipped), unit-years not written because one of their files is broken
    (failed), texts changed to be writable (notes)."""

    def __init__(self):
        super().__init__()
        self.skipped: list[StoreError] = []
        self.failed: list[str] = []
        self.notes: list[str] = []


def unwritable_notes(doc: ProjectDocument) -> list[str]:
    """What writing a document into a workbook removes: control characters, by field."""
    found = []
    for key, value in doc.model_dump(mode="json").items():
        if isinstance(value, str):
            found.append((key, unwritable_chars(value)))
        elif isinstance(value, list):
            for i, row in enumerate(value):
                items = row.items() if isinstance(row, dict) else [("", row)]
                found += [(f"{key}[{i}]" + (f".{k}" if k else ""), unwritable_chars(v))
                          for k, v in items if isinstance(v, str)]
    return [f"{doc.name} ({doc.id}) {key}: 已删除工作簿无法保存的控制字符 {' '.join(sorted(set(chars)))}"
            for key, chars in found if chars]


def export(store: Store, out: Path, profile=None, unit: str | None = None, year: int | None = None,
           progress=None, include_withdrawn: bool = False) -> Exported:
    """One workbook per unit and year. `out` is a file (one unit-year) or a folder.

    Each workbook's 目录 names the store by its absolute path (存储位置), which the 推送/拉取
    buttons use. progress: wraps the iterable of (unit, year) groups (a progress bar).
    profile: the rule profile for every sheet; None: each document's form names its own.
    A broken store file of another unit or year is skipped (and listed); a unit-year with a
    broken file is not written, since its workbook would lack that project."""
    docs, errors = store.documents(unit=unit, year=year)
    docs = visible(docs, include_withdrawn)  # a withdrawn project (撤回) only when asked
    result = Exported()
    result.skipped = errors
    groups: dict[tuple, list[ProjectDocument]] = {}
    for d in docs:
        groups.setdefault(unit_of(d), []).append(d)
    folders = {key: {store.path_for_id(d.id).parent for d in group} for key, group in groups.items()}
    broken = {key: [e for e in errors if e.path.parent in folders[key]] for key in groups}
    if not groups:
        if errors:
            raise errors[0]
        raise WorkbookError(f"存储 {store.root} 中没有符合条件的项目")
    out, location = Path(out), str(Path(store.root).resolve())
    single = out.suffix.lower() in (".xlsx", ".xlsm")
    if single and len(groups) > 1:
        raise WorkbookError("存储中有多个单位或年度，请用 --unit/--year 选择，或用 --out-dir 导出到文件夹")
    names: set[str] = set()
    items = sorted(groups.items(), key=lambda kv: tuple(str(k) for k in kv[0]))
    for key, group in (progress(items) if progress and not single else items):
        if broken[key]:
            message = (f"{workbook_name(group[0])} 未导出：其中 {len(broken[key])} 个项目文件"
                       f"已损坏（{broken[key][0].path}）")
            if single:
                raise StoreError(message)
            result.failed.append(message)
            continue
        for doc in group:
            result.notes.extend(unwritable_notes(doc))
            result.notes.extend(
                f"{doc.name[:40]} ({doc.id}) {key}: 有 {n} 个字符，工作簿单元格只能显示前 {EXCEL_CELL_CHARS} 个；"
                "存储中保留完整文字，推送时未修改的该单元格不会截断存储中的文字" for key, n in too_long(doc, EXCEL_CELL_CHARS))
        if single:
            target = out
        else:
            name = workbook_name(group[0])
            while name in names:
                name = name.replace(".xlsx", "_.xlsx")
            names.add(name)
            target = out / name
        try:
            result.append(write_workbook(group, target, profile, store=location))
        except OSError as exc:  # disk full, no permission: name the file and what was written
            done = f"已写入 {len(result)} 个工作簿（{', '.join(str(p) for p in result)}）" if result else "没有写入任何工作簿"
            message = f"{target}: 写入失败（{reason(exc)}），该工作簿未写入（原有文件未改动）；{done}"
            if single:
                raise WorkbookError(message) from None
            result.failed.append(message)
    return result


def _read(book: Path):
    content = read_workbook(book)
    if content.errors:
        lines = "\n".join(f"  {e}" for e in content.errors)
        raise WorkbookError(f"工作簿有 {len(content.errors)} 处无法读取的单元格，未做任何修改:\n{lines}")
    return content


def push_content(content, store: Store, force: bool = False, dry_run: bool = False,
                 label: str = "workbook", create: bool = True) -> tuple[SyncReport, dict[str, ProjectDocument]]:
    """Merge a read workbook's projects into the store; returns the report and merged docs.
    create=False: a project not in the store is refused (a pushed workbook without metadata),
    but for the sheets the new-project path added (they get their ids here)."""
    report = SyncReport("push")
    if not content.has_meta:
        report.notes.append("工作簿中没有导出时的版本信息（可能被其他程序删除），改为两方比较：任何不同都视为冲突")
    # sheets without an id become new projects; deleted sheets are named; 目录's 撤回 withdraws
    report.notes += claim_new_projects(content, store) + missing_sheet_notes(content) + apply_index_status(content)
    check_identity(content)
    bases = trusted_bases(content, report)
    results: dict[str, ProjectDocument] = {}
    with store.transaction(f"push {label}"):  # the workbook's projects are written together or not at all
        plans = []
        for sp in content.projects:
            doc = sp.document
            current = store.get(doc.id) if store.exists(doc.id) else None
            if current is not None and current.unit_code != doc.unit_code:
                raise WorkbookError(
                    f"工作表“{sp.sheet}”的项目 {doc.id} 在存储中属于单位 {current.unit_code}，"
                    f"工作表中的单位编码却是 {doc.unit_code}：未做任何修改", Location(str(content.path), sheet=sp.sheet))
            doc = keep_whole(doc, bases.get(sp.sheet) or current)  # a cut long text stays whole
            if current is None and not create and not getattr(sp, "fresh", False):
                raise WorkbookError(
                    f"工作表“{sp.sheet}”的项目“{doc.name}”({doc.id}) 不在存储中，而此工作簿没有 xlsync 的隐藏元数据："
                    "不能用它新建项目，未做任何修改。新项目请用新建项目的方式 (xlsync new-project) 加入存储，"
                    "或从存储重新导出本单位的工作簿", Location(str(content.path), sheet=sp.sheet))
            if not content.has_meta and current is not None and sp.unshown:
                # the sheet says nothing about keys it does not show: keep the store's
                doc = doc.model_copy(update={k: getattr(current, k) for k in sp.unshown})
            # review items the user looked at (edited the cell, or ticked 已核对) are cleared
            doc, cleared = clear_review(bases.get(sp.sheet), doc, content.ticked.get(doc.id, ()))
            if current is not None:
                open_now = {item_key(i) for i in current.review}
                cleared = [(i, how) for i, how in cleared if item_key(i) in open_now]
            m = merge(bases.get(sp.sheet), doc, current, force=force)
            if m.conflicts:
                status = "conflict"
            elif current is None:
                status = "new"
            else:
                status = "updated" if revision(m.result) != revision(current) else "unchanged"
            report.changes.append(ProjectChange(sp.sheet, doc.id, doc.name, status, m, cleared))
            plans.append((m, current, cleared))
            results[doc.id] = m.result
        if report.conflicts or dry_run:
            return report, results
        for m, current, cleared in plans:
            if current is None or revision(m.result) != revision(current):
                store.put(m.result, f"push {label}", None if current is None else revision(current),
                          cleared=cleared_record(cleared))
        report.written = True
    return report, results


def _id_prefixes(doc: ProjectDocument) -> set[str]:
    """The id beginnings a document of its year and unit can have (document.make_id)."""
    names = [doc.unit_code] if doc.unit_code else [doc.unit_name, doc.department_name, None]
    return {f"{year_folder(doc.year)}-{unit_folder(name)}-" for name in names}


def check_identity(content) -> None:
    """Refuse a workbook whose sheets claim projects they cannot be: the hidden metadata names a
    project of another unit or year than the sheet shows, or two sheets are the same project.
    Nothing is written for such a workbook."""
    problems, seen = _speaks_for_one_unit(content), {}
    for sp in content.projects:
        doc = sp.document
        if doc is None:
            continue
        if not any(doc.id.startswith(prefix) for prefix in _id_prefixes(doc)):
            problems.append(
                f"工作表“{sp.sheet}”的隐藏元数据把它标为项目 {doc.id}，但表中是 {doc.year} 年、单位 {doc.unit_code}："
                "不能用它改写另一个单位或年度的项目（请从存储重新导出本单位的工作簿，或删除该工作表）")
        if doc.id in seen:
            problems.append(f"工作表“{sp.sheet}”和“{seen[doc.id]}”是同一个项目 {doc.id}（复制的工作表？）：请删除其中一个")
        seen.setdefault(doc.id, sp.sheet)
    if problems:
        raise WorkbookError("工作簿中的项目身份有误，未做任何修改:\n" + "\n".join(f"  {p}" for p in problems),
                            Location(str(content.path)))


def _speaks_for_one_unit(content) -> list[str]:
    """A workbook speaks for one unit and year: its hidden metadata, its 目录 and every project
    sheet must name the same ones. Each cell that differs from the first claim is named."""
    claims = list(getattr(content, "claims", []))
    for sp in content.projects:
        if sp.document is None:
            continue
        for key in ("unit_code", "year"):
            value = getattr(sp.document, key)
            where = sp.provenance.get(key) or Location(str(content.path), sheet=sp.sheet)
            if value is not None and str(value).strip():
                claims.append((key, str(value).strip(), where))
    problems = []
    words = {"unit_code": "单位编码", "year": "预算年度"}
    for key in ("unit_code", "year"):
        mine = [(v, w) for k, v, w in claims if k == key]
        if not mine:
            continue
        first, where = mine[0]
        for value, at in mine[1:]:
            if value != first:
                problems.append(f"{at.sheet}!{at.cell or 'A1'} 的{words[key]}是 {value}，但 {where.sheet}!{where.cell} "
                                f"是 {first}：一个工作簿只能写入它自己的单位和年度的项目")
    return problems


def trusted_bases(content, report: SyncReport) -> dict[str, ProjectDocument]:
    """sheet → the exported revision to merge against. Hidden metadata that is garbled (does not
    parse, or is not the revision it claims) is reported and not used: that sheet is compared
    two-way, so any difference is a conflict rather than a silent overwrite."""
    bases = {}
    if not content.has_meta:
        return bases
    for sp in content.projects:
        if sp.document is None:
            continue
        if sp.base is not None and sp.base.id == sp.document.id and revision(sp.base) == sp.base_rev:
            bases[sp.sheet] = sp.base
        elif sp.base is not None or sp.base_rev:
            report.notes.append(
                f"工作表“{sp.sheet}”的隐藏同步信息已损坏或被改动，未使用；改为两方比较：任何不同都视为冲突")
    return bases


def push(book: Path, store: Store, profile, force: bool = False, dry_run: bool = False) -> SyncReport:
    """The workbook's projects into the store; the workbook then shows the merged result."""
    content = _read(book)
    try:
        report, results = push_content(content, store, force, dry_run, Path(book).name,
                                       create=content.has_meta)
    except JournalPending as exc:  # committed: the store has it (completed by the next command)
        report = SyncReport("push", written=True, book_stale=True)
        report.changes = [ProjectChange(sp.sheet, sp.document.id, sp.document.name, "updated")
                          for sp in content.projects if sp.document is not None]
        report.notes.append(f"已写入存储，但工作簿 {book} 未更新: {exc.message}；"
                            f"请在补全后运行 xlsync pull {book} --store {store.root} 更新工作簿 (run pull)")
        return report
    if report.written and content.projects:
        try:
            _refresh_after(book, content, results, profile)
        except (XlsyncError, OSError) as exc:
            report.book_stale = True
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            report.notes.append(f"已写入存储，但未能更新工作簿 {book} 本身（{why}）：工作簿仍是推送前的内容，"
                                f"请运行 xlsync pull {book} --store {store.root} 更新它 (the store has it; run pull)")
    return report


def _refresh_after(book: Path, content, results: dict[str, ProjectDocument], profile) -> None:
    """After a push the workbook shows the merged documents, with them as its new base."""
    if getattr(content, "stage", None):  # a 绩效运行监控表 / 绩效自评表 workbook: rewritten whole
        docs = [results[sp.document.id] for sp in content.projects]
        rewrite_stage_book(book, content, [(d, d) for d in docs], profile)
        return
    projects = [(sp.sheet, results[sp.document.id], results[sp.document.id],
                 sp.fresh or revision(sp.document) != revision(results[sp.document.id])) for sp in content.projects]
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
    fresh = [sp for sp in content.projects if sp.fresh]
    if fresh:  # new projects (no id yet) have nothing in the store to pull: the next push creates them
        report.notes += [f"[SHEET_NEW] 工作表“{sp.sheet}”是还没有项目编号的新项目：未拉取（推送后才在存储中）"
                         for sp in fresh]
        content.projects[:] = [sp for sp in content.projects if not sp.fresh]
        if not content.projects:
            return report, []
    check_identity(content)
    bases = trusted_bases(content, report)
    projects = []
    for sp in content.projects:
        doc = sp.document
        if not store.exists(doc.id):
            report.changes.append(ProjectChange(sp.sheet, doc.id, doc.name, "unchanged"))
            projects.append((sp.sheet, doc, bases.get(sp.sheet) or doc, False))
            continue
        current = store.get(doc.id)
        m = merge(bases.get(sp.sheet), current, doc, force=force)
        status = "conflict" if m.conflicts else ("updated" if m.changed else "unchanged")
        report.changes.append(ProjectChange(sp.sheet, doc.id, doc.name, status, m))
        projects.append((sp.sheet, m.result, current, bool(m.changed)))
    first = content.projects[0].document
    ids = {sp.document.id for sp in content.projects}
    extra, _errors = store.documents(unit=first.unit_code, year=first.year)
    extra = visible(extra)  # a withdrawn project is not brought back into the workbook
    for d in extra:
        if d.id not in ids and unit_of(d) == unit_of(first):
            report.changes.append(ProjectChange(None, d.id, d.name, "new"))
            projects.append((None, d, d, True))
    return report, projects


def pull(book: Path, store: Store, profile, force: bool = False, dry_run: bool = False) -> SyncReport:
    """Store changes into an existing workbook (its other sheets are kept)."""
    content = _read(book)
    report, projects = pull_content(content, store, force)
    if report.conflicts or dry_run:
        return report
    base_moved = any(sp.base is None or revision(sp.base) != revision(b)
                     for sp, (_t, _d, b, _r) in zip(content.projects, projects, strict=False))
    if getattr(content, "stage", None) and (any(p[3] for p in projects) or base_moved):
        rewrite_stage_book(book, content, [(d, b) for _t, d, b, _r in projects], profile)
        report.written = True
    elif any(p[3] for p in projects) or base_moved or not content.has_meta:
        update_workbook(book, projects, profile, content)
        report.written = True
    return report


@dataclass
class BookOutcome:
    """What a push or pull did with one workbook."""

    book: Path
    status: str  # written | unchanged | conflict | failed | would-write
    report: SyncReport | None = None
    error: str | None = None

    def as_dict(self) -> dict:
        r = self.report
        return {"book": str(self.book), "status": self.status, "error": self.error,
                "direction": r.direction if r else None, "written": bool(r and r.written),
                "notes": r.notes if r else [], "projects": [c.as_dict() for c in r.changes] if r else []}


def _status(report: SyncReport, dry_run: bool) -> str:
    if report.conflicts:
        return "conflict"
    changed = any(c.status in ("new", "updated") for c in report.changes)
    if dry_run:
        return "would-write" if changed else "unchanged"
    if report.direction == "push":
        return "written" if changed else "unchanged"
    return "written" if report.written else "unchanged"


def sync_books(books, store: Store, profile, direction: str = "push", force: bool = False,
               dry_run: bool = False) -> list[BookOutcome]:
    """Push (or pull) each workbook in turn. A workbook that fails (unreadable, refused, store
    not writable) is reported and the next one still runs; each either is written whole or
    leaves the store and itself unchanged."""
    fn = push if direction == "push" else pull
    outcomes = []
    for book in books:
        try:
            report = fn(Path(book), store, profile, force=force, dry_run=dry_run)
        except XlsyncError as exc:
            outcomes.append(BookOutcome(Path(book), "failed", error=str(exc)))
            continue
        except OSError as exc:  # the lock timed out, a file vanished, the disk is full
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            outcomes.append(BookOutcome(Path(book), "failed", error=f"{where}{reason(exc)}"))
            continue
        outcomes.append(BookOutcome(Path(book), _status(report, dry_run), report))
    return outcomes


def batch_exit_code(outcomes: list[BookOutcome]) -> int:
    """2 when any workbook failed, 3 when any had a conflict, else 0."""
    if any(o.status == "failed" for o in outcomes):
        return 2
    return 3 if any(o.status == "conflict" for o in outcomes) else 0
