"""Reading unit workbooks back into documents, with the cell each value came from.

Cells are found by their sheet-scoped defined names; when a program dropped the names (some
do on save) the reader falls back to the printed labels. A workbook saved by Excel or
LibreOffice Calc reads the same as one written by xlsync.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..document import ProjectDocument, loads, make_id, new_document
from ..errors import DocumentError, Location, WorkbookError
from . import layout as L
from .values import (
    CellValueError,
    read_code,
    read_date,
    read_money,
    read_month,
    read_percent,
    read_text,
)

_KIND_READERS = {"text": read_text, "code": read_code, "money": read_money, "date": read_date}
FIELD_KINDS = {k: t for row in L.FACT_ROWS for _l, k, t in row} | {
    k: "text" for _l, k in L.NARRATIVE_ROWS + L.GOAL_ROWS + [L.REMARK]}
FIELD_LABELS = {label: k for row in L.FACT_ROWS for label, k, _t in row} | {
    label: k for label, k in L.NARRATIVE_ROWS + L.GOAL_ROWS + [L.REMARK]}


@dataclass
class SheetProject:
    sheet: str
    document: ProjectDocument | None
    provenance: dict[str, Location] = field(default_factory=dict)
    base_rev: str | None = None
    base: ProjectDocument | None = None
    errors: list[WorkbookError] = field(default_factory=list)
    unshown: frozenset[str] = frozenset()  # document keys the sheet has no cells for


@dataclass
class WorkbookContent:
    path: Path
    projects: list[SheetProject]
    has_meta: bool
    store_setting: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[WorkbookError]:
        return [e for p in self.projects for e in p.errors]


def _coord(attr_text: str) -> tuple[str, str] | None:
    m = re.match(r"^(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]+)\$?(\d+)", attr_text or "")
    if not m:
        return None
    sheet = (m.group(1) or m.group(2)).replace("''", "'")
    return sheet, f"{m.group(3)}{m.group(4)}"


def named_cells(ws) -> dict[str, str]:
    """Field key → cell coordinate on this sheet, from sheet-scoped (or workbook) names."""
    found = {}
    for name, dn in list(ws.defined_names.items()):
        if name.startswith("xs_") and (c := _coord(dn.attr_text)):
            found[name[3:]] = c[1]
    return found


def _by_labels(ws) -> dict[str, str]:
    """Fallback: find value cells by their printed labels."""
    found: dict[str, str] = {}
    headers = {L.COMPOSITION_HEADERS[0]: "composition", L.PLAN_HEADERS[0]: "plan",
               L.INDICATOR_HEADERS[0]: "indicators", L.QUARTER_HEADERS[0]: "quarters"}
    for row in ws.iter_rows():
        for c in row:
            if not isinstance(c.value, str):
                continue
            v = c.value.strip()
            if v in FIELD_LABELS and FIELD_LABELS[v] not in found:
                nxt = ws.cell(c.row, c.column + 1)
                # merged label cells (E:F) hold their value two columns right
                while nxt.coordinate in ws.merged_cells and nxt.value is None and nxt.column < c.column + 3:
                    nxt = ws.cell(c.row, nxt.column + 1)
                found[FIELD_LABELS[v]] = nxt.coordinate
            elif v in headers and headers[v] not in found:
                found[headers[v]] = c.coordinate
            elif v.endswith("支出项目绩效目标表") and "unit_name" not in found:
                found["unit_name"] = c.coordinate
            elif re.fullmatch(r"[（(]\d{4}年[）)]", v) and "year" not in found:
                found["year"] = c.coordinate
    return found


def index_rows(ws) -> list[tuple[int, str]]:
    """(row, project id) of each project listed on the 目录 sheet."""
    header = next((r for r in range(1, 20) if ws.cell(r, L.INDEX_ID_COL).value == "项目编号"), None)
    rows = []
    r = (header or ws.max_row) + 1
    while header and ws.cell(r, L.INDEX_ID_COL).value:
        rows.append((r, str(ws.cell(r, L.INDEX_ID_COL).value)))
        r += 1
    return rows


def _table_end(ws, header: str) -> int | None:
    """The last row of the Excel table whose header row starts at `header`, if there is one
    (openpyxl tables, or the "A1:D9" refs of a Grid)."""
    for t in ws.tables.values():
        start, _, stop = (t.ref if hasattr(t, "ref") else t).replace("$", "").partition(":")
        if start == header:
            return int(re.search(r"\d+$", stop).group())
    return None


def table_capacity(ws, cells: dict[str, str]) -> dict[str, int] | None:
    """Body rows of the composition, plan and indicator tables, or None when one is missing."""
    out = {}
    for key in ("composition", "plan", "indicators"):
        end = _table_end(ws, cells[key]) if key in cells else None
        if end is None:
            return None
        out[key] = end - int(re.search(r"\d+$", cells[key]).group())
    return out


def _table_rows(ws, header: str, width: int) -> list[tuple[int, list]]:
    """(row number, cells) of a table's body: up to the table's end, or the first blank row."""
    hdr = ws[header]
    end = _table_end(ws, header)
    rows = []
    r = hdr.row + 1
    while r <= (end or ws.max_row):
        cells = [ws.cell(r, hdr.column + j) for j in range(width)]
        if all(c.value is None or (isinstance(c.value, str) and not c.value.strip()) for c in cells):
            if end is None:
                break
        else:
            rows.append((r, cells))
        r += 1
    return rows


def _read_sheet(path: Path, ws, meta: dict) -> SheetProject | None:
    cells = named_cells(ws)
    if "name" not in cells:
        labelled = _by_labels(ws)
        if "name" not in labelled:
            return None
        cells = {**labelled, **cells}
    sp = SheetProject(ws.title, None)
    loc = lambda coord: Location(str(path), sheet=ws.title, cell=coord)  # noqa: E731
    data: dict = {}

    def fail(coord, message):
        sp.errors.append(WorkbookError(message, loc(coord)))

    for key, kind in FIELD_KINDS.items():
        coord = cells.get(key)
        if coord is None:
            fail("A1", f"找不到字段“{key}”的单元格")
            continue
        sp.provenance[key] = loc(coord)
        try:
            data[key] = _KIND_READERS[kind](ws[coord].value)
        except CellValueError as exc:
            fail(coord, str(exc))
    title = read_text(ws[cells["unit_name"]].value) if "unit_name" in cells else None
    data["unit_name"] = title.removesuffix("支出项目绩效目标表").strip() or None if title else None
    year_text = read_text(ws[cells["year"]].value) if "year" in cells else None
    m = re.search(r"(\d{4})", year_text or "")
    meta_entry = meta.get(ws.title)
    base = None
    if meta_entry and meta_entry[2]:
        try:
            base = loads(meta_entry[2], source=f"{path} [{L.META_SHEET}]")
        except DocumentError:
            base = None
    if m:
        data["year"] = int(m.group(1))
    elif base:
        data["year"] = base.year
    else:
        fail(cells.get("year", "A2"), "找不到预算年度（应为“（2020年）”）")
    composition, plan, indicators = [], [], []
    for key in ("composition", "plan", "indicators"):
        if key in cells:
            sp.provenance[key] = loc(cells[key])
    if "composition" in cells:
        for i, (_r, row) in enumerate(_table_rows(ws, cells["composition"], 2)):
            sp.provenance[f"composition[{i}]"] = loc(row[0].coordinate)
            sp.provenance[f"composition[{i}].amount"] = loc(row[1].coordinate)
            try:
                composition.append({"item": read_text(row[0].value) or "", "amount": read_money(row[1].value)})
            except CellValueError as exc:
                fail(row[1].coordinate, str(exc))
    if "plan" in cells:
        for i, (r, row) in enumerate(_table_rows(ws, cells["plan"], L.PLAN_INPUT_COLS)):
            sp.provenance[f"plan[{i}]"] = loc(row[0].coordinate)
            sp.provenance[f"plan[{i}].amount"] = loc(row[2].coordinate)
            sp.provenance[f"plan[{i}].stated_percent"] = loc(row[3].coordinate)
            try:
                basis_text = read_text(row[4].value)
                if basis_text is not None and basis_text.strip() not in L.BASIS_FROM_ZH:
                    raise CellValueError(f"比例口径应为“累计”或“本期”，得到 {basis_text!r}")
                start, end = read_month(row[0].value), read_month(row[1].value)
                if start is None or end is None or start > end:
                    raise CellValueError(f"第 {r} 行的开始月、结束月应为 1-12 且开始不晚于结束")
                plan.append({
                    "start_month": start, "end_month": end, "amount": read_money(row[2].value),
                    "stated_percent": read_percent(row[3].value, row[3].number_format),
                    "percent_basis": L.BASIS_FROM_ZH.get((basis_text or "").strip()),
                })
            except CellValueError as exc:
                fail(row[0].coordinate, str(exc))
    if "indicators" in cells:
        for i, (_r, row) in enumerate(_table_rows(ws, cells["indicators"], 4)):
            sp.provenance[f"indicators[{i}]"] = loc(row[2].coordinate)
            for j, sub in enumerate(("level1", "level2", "name", "target")):
                sp.provenance[f"indicators[{i}].{sub}"] = loc(row[j].coordinate)
            vals = [read_text(c.value) for c in row]
            indicators.append({"level1": vals[0] or "", "level2": vals[1] or "", "name": vals[2] or "",
                               "target": vals[3]})
    if sp.errors:
        return sp
    doc_id = meta_entry[0] if meta_entry and meta_entry[0] else None
    if not data.get("name"):
        fail(cells["name"], "项目名称不能为空")
        return sp
    shown = set(data) | {"id", "plan", "composition", "indicators", "schema_version"}
    from ..document import FIELDS

    sp.unshown = frozenset(k for k in FIELDS if k not in shown)
    if base is not None:  # keys this sheet does not show come from the exported document
        data.update({k: v for k, v in base.model_dump(mode="json").items() if k not in shown})
        for i, ind in enumerate(indicators):
            if i < len(base.indicators):
                old = base.indicators[i]
                ind.update(period=old.period, note=old.note, weight=old.weight)
        for i, p in enumerate(plan):
            if i < len(base.plan):
                p.update(start_year=base.plan[i].start_year, end_year=base.plan[i].end_year)
    try:
        doc_id = doc_id or make_id(data["year"], data.get("unit_code"), data["name"])
        sp.document = new_document(id=doc_id, plan=plan, composition=composition, indicators=indicators, **data)
    except DocumentError as exc:
        fail("A1", exc.message)
    sp.base, sp.base_rev = base, (meta_entry[1] if meta_entry else None)
    return sp


def read_workbook(path: str | Path) -> WorkbookContent:
    """Every project sheet of a workbook; errors per cell, never a half-read document.

    The file is read by xlsxgrid (numbers as the decimals in the file, never floats; the
    limits checked first; encrypted, .xls and damaged files named as such)."""
    from .xlsxgrid import read_book

    path = Path(path)
    if not path.exists():
        raise WorkbookError("文件不存在", Location(str(path)))
    if path.suffix.lower() in (".txt", ".md", ".csv"):
        raise WorkbookError("这是文本文件，不是工作簿；已发布的文本表格请用 xlsync import-text 导入", Location(str(path)))
    book = read_book(path)
    try:
        return read_sheets(path, book.sheets, book.names.get("XS_STORE"))
    except CellValueError as exc:  # a value read outside the per-cell checks
        where = Location(str(path), sheet=getattr(exc, "sheet", None), cell=getattr(exc, "cell", None))
        raise WorkbookError(str(exc), where) from None


def read_sheets(path, sheets, store_ref: str | None = None) -> WorkbookContent:
    """Project documents from worksheets (openpyxl worksheets or Grids)."""
    path = Path(path)
    by_title = {ws.title: ws for ws in sheets}
    meta: dict = {}
    meta_ws = by_title.get(L.META_SHEET)
    has_meta = meta_ws is not None and meta_ws["A1"].value == L.MARKER
    if has_meta:
        from .writer import meta_json

        meta = meta_json(meta_ws)
    store_setting = None
    coord = _coord(store_ref) if store_ref else None
    if coord and coord[0] in by_title:
        store_setting = read_text(by_title[coord[0]][coord[1]].value)
    projects = []
    for ws in sheets:
        if ws.title in (L.INDEX_SHEET, L.META_SHEET, L.LISTS_SHEET, L.FINDINGS_SHEET):
            continue
        sp = _read_sheet(path, ws, meta)
        if sp is not None:
            projects.append(sp)
    if not projects:
        raise WorkbookError("工作簿中没有项目工作表（找不到“项目名称”）", Location(str(path)))
    return WorkbookContent(path, projects, has_meta, store_setting)


def read_workbooks(paths) -> tuple[list[WorkbookContent], list[WorkbookError]]:
    """Every readable workbook, and the problems: unreadable files and unreadable cells.
    Sheets with unreadable cells have no document; the rest of the workbook still counts."""
    contents, problems = [], []
    for path in paths:
        try:
            content = read_workbook(path)
        except WorkbookError as exc:
            problems.append(exc)
            continue
        problems.extend(content.errors)
        contents.append(content)
    return contents, problems


def readable_projects(content: WorkbookContent) -> list[SheetProject]:
    return [p for p in content.projects if p.document is not None]
