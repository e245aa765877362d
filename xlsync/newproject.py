"""新增项目: a new project sheet in a unit workbook, and the ids new sheets get on push.

`new_project` is the one library function behind every 新增项目 (the CLI `xlsync new-project`
through `add_project`, the desktop macro and the task-pane button through
`xlsync.excel.new_project`): the blank document of a project of the workbook's form, unit and
year, and its sheet's title. Without a store the sheet is listed in 目录 and in the hidden
metadata without an id; with one (the server; `--store`) the project is created there at
once and the sheet carries its id. `claim_new_projects` runs at
the start of a push: each sheet without an id (a new project, or a sheet the user copied)
gets a stable id, which the push writes back into the workbook; a second push then updates
that project instead of creating another.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .document import ProjectDocument, make_id
from .errors import Location, WorkbookError
from .templates import blank_document, is_blank
from .validators.profiles import load_profile
from .workbook import layout as L
from .workbook.book import compose_index, list_names, lists_profiles, meta_rows, sheet_title
from .workbook.compose import compose
from .workbook.reader import read_workbook
from .workbook.sheetform import sheet_form_of
from .workbook.writer import RESERVED, blank_rows, render_openpyxl, restore_charts, save_atomic


@dataclass
class NewSheet:
    """What 新增项目 adds: the sheet's title and the blank document it shows."""

    title: str
    document: ProjectDocument
    store: str | None = None  # the store the workbook names (目录 存储位置), if any
    registered: bool = False  # created in the store at once (with its id)


def workbook_unit(content) -> tuple[str | None, str | None, int | None, str | None]:
    """(unit code, unit name, year, form name) of a read unit workbook, from its projects."""
    docs = [sp.document for sp in content.projects if sp.document is not None]
    if not docs:
        raise WorkbookError("工作簿中没有可读取的项目工作表，无法判断单位和年度：请先修正标出的单元格",
                            Location(str(content.path)))
    first = docs[0]
    return first.unit_code, first.unit_name, first.year, first.layout


def new_project(name: str, unit_code: str | None, unit_name: str | None, year: int | None,
                layout: str | None, names: dict[str, str], taken: set[str], store=None,
                where: str = "") -> NewSheet:
    """新增项目, the one function behind every route: the blank document of a new project of
    the form, unit and year, and its sheet's title. Refused (nothing changes) when the name is
    empty or a sheet already has it (names: project name → sheet). With a store (the server,
    or a desktop workbook's store) the project is created there at once, with its id; without
    one the first push gives it one."""
    name = (name or "").strip()
    if not name:
        raise WorkbookError("请给出新项目的名称（项目名称不能为空）", Location(where) if where else None)
    if name in names:
        raise WorkbookError(f"工作表“{names[name]}”已是项目“{name}”：新项目请用另一个名称",
                            Location(where, sheet=names[name]) if where else None)
    if year is None:
        raise WorkbookError("工作簿中没有预算年度：请给出新项目的年度", Location(where) if where else None)
    doc = blank_document(year=year, unit_code=unit_code, layout=layout, unit_name=unit_name, name=name)
    new = NewSheet(sheet_title(name, set(taken)), doc)
    if store is not None:
        with store.writing():
            docs, _errors = store.documents(unit=unit_code, year=year)
            same = next((d for d in docs if d.name == name and d.status != "withdrawn"), None)
            if same is not None:
                raise WorkbookError(f"存储中已是项目“{name}”（{same.id}）：新项目请用另一个名称（要编辑它请拉取）",
                                    Location(where) if where else None)
            doc = doc.model_copy(update={"id": _free_id(doc, store, set())})
            store.put(doc, "new-project")
        new.document, new.registered = doc, True
    return new


def plan_new_project(content, name: str, taken: set[str], store=None) -> NewSheet:
    """new_project for a read workbook: its form, unit and year."""
    unit_code, unit_name, year, layout = workbook_unit(content)
    names = {sp.document.name: sp.sheet for sp in content.projects if sp.document is not None}
    return new_project(name, unit_code, unit_name, year, layout, names, taken, store, str(content.path))


def add_project(book: str | Path, name: str, store=None) -> NewSheet:
    """新增项目 in a workbook file: a blank project sheet of its form after the last project
    sheet, a row in 目录, an entry without id in the hidden metadata (with a store: the project
    is created there at once and the entry names its id). Saved atomically."""
    from openpyxl import load_workbook

    book = Path(book)
    content = read_workbook(book)
    wb = load_workbook(book, keep_vba=book.suffix.lower() == ".xlsm")
    if L.META_SHEET not in wb.sheetnames:
        raise WorkbookError("工作簿中没有 xlsync 的隐藏元数据（不是 xlsync 导出或 template 生成的工作簿）："
                            "请用 xlsync template 或 export 生成本单位的工作簿后再新增项目", Location(str(book)))
    new = plan_new_project(content, name, set(wb.sheetnames) | RESERVED, store)
    sf = sheet_form_of(new.document)
    profile = load_profile(sf.form.profile)
    slots = lists_profiles(wb[L.LISTS_SHEET]) if L.LISTS_SHEET in wb.sheetnames else []
    slot = slots.index(profile.name) if profile.name in slots else 0
    used = [int(t[2:5]) for ws in wb.worksheets for t in ws.tables if t[:2] == "xs" and t[2:5].isdigit()]
    last = max((wb.sheetnames.index(sp.sheet) for sp in content.projects if sp.sheet in wb.sheetnames), default=0)
    ws = wb.create_sheet(new.title, last + 1)
    render_openpyxl(wb, ws, compose(new.document, sf, new.title, max(used, default=0) + 1,
                                    profile.plan_percent_points, list_names(slot), blank_rows(sf)))
    # 目录: every project sheet in order, the new one last
    entries = [(sp.sheet, sp.document) for sp in content.projects if sp.document is not None]
    entries.append((new.title, new.document))
    unit_code, unit_name, year, _layout = workbook_unit(content)
    index = wb[L.INDEX_SHEET] if L.INDEX_SHEET in wb.sheetnames else None
    store = index["C5"].value if index is not None else None
    fresh = {sp.document.id for sp in content.projects if sp.fresh and sp.document is not None}
    if not new.registered:
        fresh.add(new.document.id)
    if index is not None:
        del wb[L.INDEX_SHEET]
    index = wb.create_sheet(L.INDEX_SHEET, 0)
    render_openpyxl(wb, index, compose_index(entries, unit_code, unit_name, year, store,
                                             fresh=fresh))
    meta = wb[L.META_SHEET]
    row = meta_rows([(new.title, new.document if new.registered else None)], None, None)[-1]
    r = meta.max_row + 1
    for j, value in enumerate(row, 1):
        meta.cell(r, j).value = value
    restore_charts(wb)
    wb.active = 0
    save_atomic(wb, book)
    new.store = store if isinstance(store, str) and store.strip() else None
    return new


# -- push: ids for sheets without one --------------------------------------------------------
def _free_id(doc: ProjectDocument, store, claimed: set[str]) -> str:
    base = make_id(doc.year, doc.unit_code, doc.name, unit_name=doc.unit_name,
                   department=doc.department_name, form=doc.form)
    candidate, n = base, 2
    while candidate in claimed or store.exists(candidate):
        candidate = make_id(doc.year, doc.unit_code, f"{doc.name}\x1f{n}", unit_name=doc.unit_name,
                            department=doc.department_name, form=doc.form)
        n += 1
    return candidate


def claim_new_projects(content, store) -> list[str]:
    """Give each sheet without an id (新增项目, a template's blank sheet, a copied sheet) the id
    of a new project, in place in `content`; returns the notes for the push report.

    A sheet still blank is left out (nothing to push yet). A copy that still has the name of
    another sheet is left out and named: once its name differs it becomes a new project."""
    notes: list[str] = []
    fresh = [sp for sp in content.projects if sp.fresh and sp.document is not None]
    if not fresh:
        return notes
    claimed = {sp.document.id for sp in content.projects if not sp.fresh and sp.document is not None}
    names = {sp.document.name: sp.sheet for sp in content.projects if not sp.fresh and sp.document is not None}
    keep = []
    for sp in content.projects:
        if sp not in fresh:
            keep.append(sp)
            continue
        doc = sp.document
        if is_blank(doc):
            notes.append(f"[SHEET_BLANK] 工作表“{sp.sheet}”还是空白的新项目：未推送（填写后再推送）")
            continue
        if doc.name in names:
            notes.append(f"[SHEET_COPIED] 工作表“{sp.sheet}”与“{names[doc.name]}”的项目名称相同（复制的工作表？）："
                         "本次未推送该表；改成新的项目名称后再推送，它即成为一个新项目")
            continue
        new_id = _free_id(doc, store, claimed)
        claimed.add(new_id)
        names[doc.name] = sp.sheet
        sp.document = doc.model_copy(update={"id": new_id})
        sp.base, sp.base_rev = None, None
        how = "新增的项目" if sp.listed else "复制来的工作表，项目名称已不同"
        notes.append(f"[PROJECT_NEW] 工作表“{sp.sheet}”（{how}）作为新项目推送，项目编号 {new_id}（已写回工作簿）")
        keep.append(sp)
    content.projects[:] = keep
    return notes


def missing_sheet_notes(content) -> list[str]:
    """A project sheet deleted from the workbook is reported; the project stays as it is (a
    withdrawal is said explicitly: 撤回 in 目录, or `xlsync withdraw`)."""
    return [f"[SHEET_DELETED] 项目 {pid} 的工作表“{title}”已不在工作簿中：存储中的该项目未做任何改动"
            "（要撤回项目，请在目录的“状态”栏填“撤回”后推送，或用 xlsync withdraw）"
            for title, pid in content.missing]
