"""Reading unit workbooks back into documents, with the cell each value came from.

Any sheet-like object works: an openpyxl worksheet, the Grids the Excel add-in builds from
what Excel sends, or a direct-XML grid. What is used: ``title``, ``cell(row, col)`` (with
``value``, ``coordinate``, ``number_format``), ``ws[coord]``, ``defined_names`` (name → object
with ``attr_text``), ``tables`` (name → object with ``ref``, or the ref itself), ``max_row``,
``iter_rows`` and ``merged_cells`` (label fallback only).

Cells are found by their sheet-scoped defined names (``xs_<key>``); when a program dropped
the names the reader falls back to the printed labels of the sheet's form. Table columns
are found by their header labels, so optional columns and a user's reordering read alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..document import OPTIONAL_FIELDS, loads, make_id, new_document
from ..errors import DocumentError, Location, WorkbookError
from ..evaluation.sheetread import is_stage_meta, read_stage_sheets
from . import layout as L
from .book import INDEX_HEADERS, meta_json
from .content import SheetProject, WorkbookContent  # noqa: F401 - also reached through this module
from .coords import get_column_letter
from .fields import BASIS_FROM_ZH, LABELS, LIST_COLUMNS, PERIOD_ZH, PERIODS, SCALAR_KINDS, SCALARS
from .reviewsheet import read_review
from .sheetform import SheetForm, sheet_form_named
from .values import (
    CellValueError,
    read_code,
    read_date,
    read_int,
    read_money,
    read_month,
    read_percent,
    read_text,
    read_weight,
)
from .xlsxgrid import read_book

_KIND_READERS = {"text": read_text, "code": read_code, "money": read_money, "date": read_date,
                 "int": read_int, "month": read_month, "weight": read_weight}
PERIOD_FROM_ZH = {v: k for k, v in PERIOD_ZH.items()} | {p: p for p in PERIODS}


# -- where things are ---------------------------------------------------------------------
def _coord(attr_text: str) -> tuple[str, str] | None:
    m = re.match(r"^=?(?:'((?:[^']|'')+)'|([^!']+))!\$?([A-Z]+)\$?(\d+)", attr_text or "")
    if not m:
        return None
    sheet = (m.group(1) or m.group(2)).replace("''", "'")
    return sheet, f"{m.group(3)}{m.group(4)}"


def _rc(coord: str) -> tuple[int, int]:
    m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", coord)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def named_cells(ws) -> dict[str, str]:
    """Key → cell coordinate on this sheet, from its sheet-scoped names (xs_<key>)."""
    found = {}
    for name, dn in list(ws.defined_names.items()):
        if name.startswith("xs_") and (c := _coord(dn.attr_text)):
            found[name[3:]] = c[1]
    return found


def _table_end(ws, header: str) -> int | None:
    """The last row of the Excel table whose header row starts at `header`, if there is one
    (openpyxl tables, or the "A1:D9" refs of a Grid)."""
    for t in ws.tables.values():
        start, _, stop = (t.ref if hasattr(t, "ref") else t).replace("$", "").partition(":")
        if start == header:
            return int(re.search(r"\d+$", stop).group())
    return None


@dataclass
class TableShape:
    list: str                  # composition | funding | plan | extra | quarters | indicators
    key: str                   # its name key: indicators, indicators_2 …
    row: int                   # header row
    col: int                   # first column
    columns: list[str | None]  # column keys, None for a column xlsync does not know
    end: int | None            # last row of the Excel table (None: up to the first blank row)
    period: str | None = None  # indicator tables: their period group

    @property
    def header(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"

    @property
    def capacity(self) -> int:
        return (self.end - self.row) if self.end else 0


@dataclass
class Shape:
    """Where a project sheet keeps each key: scalar cells and the tables of its lists."""

    form: SheetForm
    cells: dict[str, str]
    tables: list[TableShape]

    def tables_of(self, key: str) -> list[TableShape]:
        return [t for t in self.tables if t.list == key]


def _column_keys(sf: SheetForm, list_key: str) -> dict[str, str]:
    """Header label → column key, the form's labels and xlsync's own."""
    out = {}
    for col in LIST_COLUMNS[list_key].values():
        out[col.label] = col.key
        out[sf.column_label(list_key, col)] = col.key
    return out


def _text(ws, r: int, c: int) -> str | None:
    if r < 1 or c < 1:
        return None
    v = ws.cell(r, c).value
    return v.strip() if isinstance(v, str) and v.strip() else None


def _period_of(ws, sf: SheetForm, row: int, col: int) -> str:
    labels = {sf.period_label(p): p for p in PERIODS} | {LABELS[f"period.{p}"]: p for p in PERIODS}
    for c in range(col - 1, 0, -1):  # a side label left of the header
        if (t := _text(ws, row, c)) in labels:
            return labels[t]
    for c in range(1, col + 8):      # a heading above the table
        if (t := _text(ws, row - 1, c)) in labels:
            return labels[t]
    return "annual"


def _table_shape(ws, sf: SheetForm, list_key: str, key: str, coord: str) -> TableShape:
    row, col = _rc(coord)
    known = _column_keys(sf, list_key)
    columns: list[str | None] = []
    c = col
    end = _table_end(ws, coord)
    width = None
    if end is not None:
        for t in ws.tables.values():
            ref = (t.ref if hasattr(t, "ref") else t).replace("$", "")
            if ref.startswith(coord + ":"):
                width = _rc(ref.split(":")[1])[1] - col + 1
    while (width is None and _text(ws, row, c) is not None) or (width is not None and c < col + width):
        columns.append(known.get(_text(ws, row, c) or ""))
        c += 1
    period = _period_of(ws, sf, row, col) if list_key == "indicators" else None
    return TableShape(list_key, key, row, col, columns, end, period)


def _list_of(key: str) -> str | None:
    base = re.sub(r"_\d+$", "", key)
    return base if base in LIST_COLUMNS else None


def form_name(ws) -> str | None:
    """The form a project sheet is laid out by, from its sheet-scoped name xs_layout (a text
    constant such as "national"; the name travels with a copied sheet). None: the default."""
    dn = ws.defined_names.get("xs_layout") if hasattr(ws.defined_names, "get") else None
    text = (getattr(dn, "attr_text", None) or "").strip().lstrip("=").strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('""', '"') or None
    return None


def _period_slot(ws) -> tuple[int, str] | None:
    """(index in extra, label) of a 项目期 the sheet shows as written in its 项目期 row."""
    dn = ws.defined_names.get("xs_period") if hasattr(ws.defined_names, "get") else None
    text = (getattr(dn, "attr_text", None) or "").strip().lstrip("=").strip().strip('"')
    at, _, label = text.partition("|")
    return (int(at), label) if at.isdigit() and label else None


def sheet_shape(ws, cells: dict[str, str] | None = None) -> Shape:
    """The shape of a project sheet: its form (its xs_layout name (a text constant), or in workbooks written
    before it its printed 表式 cell) and where each key is."""
    cells = dict(named_cells(ws) if cells is None else cells)
    layout = read_text(ws[cells["layout"]].value) if "layout" in cells else form_name(ws)
    try:
        sf = sheet_form_named(layout)
    except Exception as exc:  # noqa: BLE001 - an unknown form: say so with the cell
        raise WorkbookError(f"表式 {layout!r} 无法使用: {exc}",
                            Location("", sheet=ws.title, cell=cells.get("layout"))) from None
    tables = []
    for key, coord in list(cells.items()):
        lst = _list_of(key)
        if lst:
            tables.append(_table_shape(ws, sf, lst, key, coord))
            del cells[key]
    tables.sort(key=lambda t: (t.row, t.col))
    return Shape(sf, cells, tables)


def _by_labels(ws, sf: SheetForm) -> dict[str, str]:
    """Fallback when a program dropped the names: value cells by their printed labels."""
    found: dict[str, str] = {}
    labels = {sf.label(k): k for k in SCALARS} | {LABELS[k]: k for k in SCALARS}
    firsts = {}
    for lst, cols in LIST_COLUMNS.items():
        first = next(iter(cols.values()))
        firsts[first.label] = lst
        firsts[sf.column_label(lst, first)] = lst
    firsts.pop("指标期间", None)
    firsts[sf.column_label("indicators", LIST_COLUMNS["indicators"]["level1"])] = "indicators"
    counts: dict[str, int] = {}
    merged = getattr(ws, "merged_cells", set())
    for row in ws.iter_rows():
        for c in row:
            if not isinstance(c.value, str):
                continue
            v = c.value.strip()
            if v in firsts and (lst := firsts[v]):
                n = counts[lst] = counts.get(lst, 0) + 1
                found[lst if n == 1 else f"{lst}_{n}"] = c.coordinate
            elif v in labels and labels[v] not in found:
                nxt = ws.cell(c.row, c.column + 1)
                while nxt.coordinate in merged and nxt.value is None and nxt.column < c.column + 6:
                    nxt = ws.cell(c.row, nxt.column + 1)
                found[labels[v]] = nxt.coordinate
    for b in sf.blocks:
        if b.kind in ("title", "subtitle") and b.field and b.field not in found:
            found[b.field] = "A1" if b.kind == "title" else "A2"
    return found


def _is_date_text(text: str) -> bool:
    try:
        read_date(text)
    except CellValueError:
        return False
    return True


def index_rows(ws) -> list[tuple[int, str]]:
    """(row, project id) of each project listed on the 目录 sheet."""
    header = next((r for r in range(1, 20) if ws.cell(r, L.INDEX_ID_COL).value == INDEX_HEADERS[L.INDEX_ID_COL - 1]), None)
    rows = []
    r = (header or ws.max_row) + 1
    while header and ws.cell(r, L.INDEX_ID_COL).value:
        rows.append((r, str(ws.cell(r, L.INDEX_ID_COL).value)))
        r += 1
    return rows


def table_capacity(ws, cells: dict[str, str]) -> dict[str, int] | None:
    """Body rows of each table on the sheet by name key, or None when a table is missing."""
    shape = sheet_shape(ws, cells)
    out = {t.key: t.capacity for t in shape.tables}
    return out if all(t.end is not None for t in shape.tables) else None


def table_rows(ws, t: TableShape) -> list[tuple[int, list]]:
    """(row number, cells) of a table's body: up to the table's end, or the first blank row."""
    rows = []
    r = t.row + 1
    width = len(t.columns)
    while r <= (t.end or ws.max_row):
        cells = [ws.cell(r, t.col + j) for j in range(width)]
        blank = all(c.value is None or (isinstance(c.value, str) and not c.value.strip())
                    for c, k in zip(cells, t.columns, strict=True) if k and not _computed(t.list, k))
        if blank:
            if t.end is None:
                break
        else:
            rows.append((r, cells))
        r += 1
    return rows


def _computed(list_key: str, col: str) -> bool:
    return LIST_COLUMNS[list_key][col].computed


def _untemplate(text: str | None, template: str) -> str | None:
    if text is None:
        return None
    pre, _, post = template.partition("{}")
    if text.startswith(pre) and text.endswith(post) and len(text) >= len(pre) + len(post):
        text = text[len(pre):len(text) - len(post)]
    return text if text.strip() else None


def _read_cell(kind: str, cell):
    if kind == "percent":
        return read_percent(cell.value, getattr(cell, "number_format", "General"))
    if kind == "basis":
        t = read_text(cell.value)
        if t is not None and t.strip() not in BASIS_FROM_ZH:
            raise CellValueError(f"比例口径应为“累计”或“本期”，得到 {t!r}")
        return None if t is None else BASIS_FROM_ZH[t.strip()]
    if kind == "period":
        t = read_text(cell.value)
        if t is not None and t.strip() not in PERIOD_FROM_ZH:
            raise CellValueError(f"指标期间应为“长期”或“年度”，得到 {t!r}")
        return None if t is None else PERIOD_FROM_ZH[t.strip()]
    return _KIND_READERS[kind](cell.value)


def _read_sheet(path: Path, ws, meta: dict) -> SheetProject | None:
    cells = named_cells(ws)
    if "name" not in cells and not any(k.startswith("indicators") for k in cells):
        labelled = _by_labels(ws, sheet_form_named(None))
        if "name" not in labelled:
            return None
        cells = {**labelled, **cells}
    sp = SheetProject(ws.title, None)
    loc = lambda coord: Location(str(path), sheet=ws.title, cell=coord)  # noqa: E731

    def fail(coord, message):
        sp.errors.append(WorkbookError(message, loc(coord)))

    try:
        shape = sheet_shape(ws, cells)
    except WorkbookError as exc:
        sp.errors.append(WorkbookError(exc.message, loc(exc.location.cell if exc.location else "A1")))
        return sp
    sf = shape.form
    sp.shape = shape
    data: dict = {}
    period_slot, period_text = _period_slot(ws), None
    for key in SCALARS:
        coord = shape.cells.get(key)
        if coord is None:
            data[key] = form_name(ws) if key == "layout" else None
            continue
        sp.provenance[key] = loc(coord)
        template = sf.template(key)
        try:
            if template is not None:
                text = _untemplate(read_text(ws[coord].value), template)
                if SCALAR_KINDS[key] == "year":
                    m = re.fullmatch(r"\s*(\d{4})\s*", text or "")
                    if text is not None and not m:
                        raise CellValueError(f"预算年度应为四位数字，得到 {text!r}")
                    text = int(m.group(1)) if m else None
                data[key] = text
            elif SCALAR_KINDS[key] == "year":
                data[key] = read_int(ws[coord].value)
            elif key == "start_date" and period_slot and isinstance(ws[coord].value, str) \
                    and ws[coord].value.strip() and not _is_date_text(ws[coord].value):
                data[key], period_text = None, ws[coord].value.strip()  # 项目期 as written (`1年`)
            else:
                data[key] = _KIND_READERS[SCALAR_KINDS[key]](ws[coord].value)
        except CellValueError as exc:
            fail(coord, str(exc))
    lists: dict[str, list] = {"composition": [], "funding": [], "plan": [], "extra": [], "indicators": []}
    seen: dict[str, int] = {}
    for t in shape.tables:
        if t.list == "quarters":
            continue
        if t.key == t.list:
            sp.provenance[t.list] = loc(t.header)
        for r, row in table_rows(ws, t):
            i = seen[t.list] = seen.get(t.list, -1) + 1
            item: dict = {}
            try:
                for cell, k in zip(row, t.columns, strict=True):
                    if k is None or _computed(t.list, k):
                        continue
                    sp.provenance[f"{t.list}[{i}].{k}"] = loc(cell.coordinate)
                    item[k] = _read_cell(LIST_COLUMNS[t.list][k].kind, cell)
            except CellValueError as exc:
                fail(cell.coordinate, str(exc))
                continue
            sp.provenance[f"{t.list}[{i}]"] = loc(row[0].coordinate)
            for k, col in LIST_COLUMNS[t.list].items():  # a column the sheet does not show: empty
                if not col.computed:
                    item.setdefault(k, None)
            if t.list == "indicators":
                item["period"] = item["period"] or t.period
            elif t.list == "plan":
                if item.get("start_month") is None or item.get("end_month") is None:
                    fail(row[0].coordinate, f"第 {r} 行的开始月、结束月应为 1-12")
                    continue
                if item.get("start_year") is None and item.get("end_year") is None \
                        and item["start_month"] > item["end_month"]:
                    fail(row[0].coordinate, f"第 {r} 行的开始月晚于结束月")
                    continue
            elif t.list == "composition":
                item["item"] = item.get("item") or ""
            elif t.list == "funding":
                item["source"] = item.get("source") or ""
            elif t.list == "extra":
                item["label"] = item.get("label") or ""
            lists[t.list].append(item)
    if period_text is not None:
        at, label = period_slot
        lists["extra"].insert(min(at, len(lists["extra"])), {"label": label, "value": period_text})
    meta_entry = meta.get(ws.title)
    base = None
    if meta_entry and meta_entry[2]:
        try:
            base = loads(meta_entry[2], source=f"{path} [{L.META_SHEET}]")
        except DocumentError:
            base = None
    if sp.errors:
        return sp
    doc_id = meta_entry[0] if meta_entry and meta_entry[0] else None
    try:
        doc_id = doc_id or make_id(data["year"], data.get("unit_code"), data.get("name"),
                                   unit_name=data.get("unit_name"), department=data.get("department_name"),
                                   form=data.get("form"))
        # keys the sheet does not show (review items, status, last year's link) are carried
        # from the copy the workbook was written from: a push leaves them as they were
        carried = {k: getattr(base, k) for k in OPTIONAL_FIELDS} if base is not None else {}
        sp.document = new_document(id=doc_id, **lists, **data, **carried)
    except DocumentError as exc:
        fail("A1", exc.message)
    sp.base, sp.base_rev = base, (meta_entry[1] if meta_entry else None)
    sp.listed = meta_entry is not None
    sp.fresh = bool(meta) and not (meta_entry and meta_entry[0])
    return sp


def read_workbook(path: str | Path) -> WorkbookContent:
    """Every project sheet of a workbook; errors per cell, never a half-read document.

    The file is read by xlsxgrid (numbers as the decimals in the file, never floats; the
    limits checked first; encrypted, .xls and damaged files named as such)."""
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
        meta = meta_json(meta_ws)
    store_setting = None
    coord = _coord(store_ref) if store_ref else None
    if coord and coord[0] in by_title:
        store_setting = read_text(by_title[coord[0]][coord[1]].value)
    if is_stage_meta(meta_ws):  # a 绩效运行监控表 / 绩效自评表 workbook (xlsync.evaluation)
        return read_stage_sheets(path, sheets, meta_ws, store_setting)
    projects = []
    for ws in sheets:
        if ws.title in (L.INDEX_SHEET, L.META_SHEET, L.LISTS_SHEET, L.FINDINGS_SHEET, L.REVIEW_SHEET):
            continue
        sp = _read_sheet(path, ws, meta)
        if sp is not None:
            projects.append(sp)
    if not projects:
        raise WorkbookError("工作簿中没有项目工作表（找不到“项目名称”）", Location(str(path)))
    content = WorkbookContent(path, projects, has_meta, store_setting,
                              claims=_claims(path, meta_ws if has_meta else None, by_title.get(L.INDEX_SHEET)))
    content.missing = [(t, e[0]) for t, e in meta.items() if e[0] and t not in by_title]
    index = by_title.get(L.INDEX_SHEET)
    if index is not None:
        for r, pid in index_rows(index):
            status = read_text(index.cell(r, L.INDEX_STATUS_COL).value)
            if status:
                content.index_status[pid] = status.strip()
    if L.REVIEW_SHEET in by_title:
        content.review_sheet = True
        content.ticked = read_review(by_title[L.REVIEW_SHEET])[0]
    return content


def _claims(path: Path, meta_ws, index_ws) -> list[tuple[str, object, Location]]:
    """The unit and year the metadata (B2, B3) and the 目录 (C2, C4) give, as written."""
    out = []
    for ws, cells in ((meta_ws, (("unit_code", "B2"), ("year", "B3"))),
                      (index_ws, (("unit_code", "C2"), ("year", "C4")))):
        if ws is None:
            continue
        for key, coord in cells:
            value = ws[coord].value
            if value is not None and str(value).strip():
                out.append((key, str(value).strip(), Location(str(path), sheet=ws.title, cell=coord)))
    return out


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
