"""Review items in a unit workbook: each item's cell marked (fill and note), and the 核对 sheet
that lists every open item with a tick column (已核对) the user fills.

What a push does with the edits and ticks is xlsync.review.clear; this module only writes and
reads the workbook side. A composed sheet (compose) carries its marks in the model; a sheet
changed in place (openpyxl) is marked here, after the marks of the previous 核对 sheet were
taken off (each cell gets back the fill it had, kept in the sheet's hidden 原底色 column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import ProjectDocument, ReviewItem
from ..findings import cell_ref, parse_cell_ref, plain_rgb
from ..review import WHOLE, field_zh, key_text
from . import layout as L
from . import style, textfit
from .cells import quote
from .coords import get_column_letter
from .model import SheetModel, Validation

HEADERS = ["序号", "项目", "字段", "单元格", "原文", "原文行", "为什么要核对", "建议读法", "已核对",
           "项目编号", "核对键", "位置", "原底色"]
WIDTHS = [5, 28, 18, 8, 28, 7, 40, 14, 8, 24, 20, 20, 8]
TICK_COL, ID_COL, KEY_COL, REF_COL, FILL_COL = 9, 10, 11, 12, 13
TOP = 4  # the header row
NOTHING = "没有待核对的事项 (nothing to review)"
HOW = ("核对方法：值不对，就在项目表中改正标色的单元格；值对，就在本表“已核对”列填 ✓。"
       "推送（xlsync push 或“推送”按钮）后，改过或勾选的事项即清除，历史中记下核对人。")
NOTE_HEAD = "待核对 "  # how the note on a marked cell begins
_NOT_TICKED = {"", "否", "未核对", "FALSE", "0", "×", "✗", "N", "NO"}


@dataclass
class ReviewRow:
    sheet: str
    doc: ProjectDocument
    item: ReviewItem
    cell: str | None     # the marked cell on the project sheet (None: the item has no cell)
    fill: str | None     # that cell's own fill before marking (RGB hex)


# -- where an item is ----------------------------------------------------------------------
_PATH = re.compile(r"(\w+)(?:\[(\d+)\](?:\.(\w+))?)?")


def model_cell(m: SheetModel, path: str) -> tuple[int, int] | None:
    """The cell of a document key or path on a composed sheet, or None."""
    if path == WHOLE:
        return None
    match = _PATH.fullmatch(path)
    if match is None:
        return None
    key, index, sub = match.group(1), match.group(2), match.group(3)
    if index is None:
        return m.names.get(f"xs_{key}")
    i = int(index)
    for t in m.tables:
        if t.key != key:
            continue
        if i < t.rows:
            col = t.left + t.columns.index(sub) if sub in t.columns else t.left
            return t.top + 1 + i, col
        i -= t.rows
    return m.names.get(f"xs_{key}")


def _coord(r: int, c: int) -> str:
    return f"{get_column_letter(c)}{r}"


def note(item: ReviewItem) -> str:
    """The note on a marked cell."""
    lines = [f"{NOTE_HEAD}[{item.code}]：{item.message}"]
    if item.source is not None:
        where = f"第 {item.line} 行" if item.line else (item.location or "")
        lines.append(f"原文{f'（{where}）' if where else ''}：{item.source}")
    if item.proposed:
        lines.append(f"建议读法：{item.proposed}")
    lines.append("值不对就改正本单元格；值对就在“核对”表勾选“已核对”；然后推送。")
    return "\n".join(lines)


def _merge_of(m: SheetModel, r: int, c: int) -> tuple[int, int, int, int]:
    for r1, c1, r2, c2 in m.merges:
        if r1 <= r <= r2 and c1 <= c <= c2:
            return r1, c1, r2, c2
    return r, c, r, c


def mark_model(m: SheetModel, doc: ProjectDocument) -> None:
    """Mark the cells of the document's review items on its composed sheet (every cell of a
    merged box gets the fill; the top-left cell the note). m.review: the rows for 核对."""
    m.review = []
    notes: dict[tuple[int, int], list[str]] = {}
    for item in doc.review:
        at = model_cell(m, item.field)
        if at is None or at not in m.cells:
            m.review.append(ReviewRow(m.title, doc, item, None, None))
            continue
        r1, c1, r2, c2 = _merge_of(m, *at)
        value, key = m.cells[(r1, c1)]
        base = key.removeprefix("review:")
        m.review.append(ReviewRow(m.title, doc, item, _coord(r1, c1), style.STYLES[base].get("fill")))
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                v, k = m.cells.get((r, c), (None, base))
                m.cells[(r, c)] = (v, style.marked(k.removeprefix("review:")))
        notes.setdefault((r1, c1), []).append(note(item))
    for at, texts in notes.items():
        m.comments[at] = "\n\n".join(texts)


# -- the 核对 sheet ------------------------------------------------------------------------
def compose_review(rows: list[ReviewRow], unit: str | None, year,
                   ticks: dict[str, set[str]] | None = None) -> SheetModel:
    """The 核对 sheet: one line per open item, a link to its project and its cell. ticks:
    project id → keys of items ticked on the sheet this one replaces (a pull keeps them)."""
    ticks = ticks or {}
    m = SheetModel(L.REVIEW_SHEET, list(WIDTHS), "landscape", title_rows=TOP, freeze_row=TOP + 1)
    m.hidden_cols = [ID_COL, KEY_COL, REF_COL, FILL_COL]
    head = " ".join(p for p in (unit, f"{year}年" if year is not None else None) if p)
    m.box(1, 1, 1, TICK_COL, f"{head} 待核对事项（读取已发布表格时不确定的内容）".strip(), "title")
    m.heights[1] = 30
    m.box(2, 1, 2, TICK_COL, HOW, "text")
    m.heights[2] = textfit.text_height(HOW, textfit.span_pt(m.widths, 1, TICK_COL)) + 10
    m.box(3, 1, 3, TICK_COL, f"共 {len(rows)} 项" if rows else NOTHING, "subsection")
    for j, h in enumerate(HEADERS, 1):
        m.put(TOP, j, h, "header")
    for i, row in enumerate(rows, 1):
        r = TOP + i
        item = row.item
        values = [(i, "number"), (row.doc.name or row.doc.title, "link"), (field_zh(item.field), "text"),
                  (row.cell, "link" if row.cell else "text"), (item.source, "text"), (item.line, "number"),
                  (f"{item.message} [{item.code}]", "text"), (item.proposed, "text"),
                  ("✓" if key_text(item) in ticks.get(row.doc.id, ()) else None, "text"),
                  (row.doc.id, "text"), (key_text(item), "text"),
                  (cell_ref(row.sheet, row.cell) if row.cell else None, "text"), (row.fill, "text")]
        for j, (v, s) in enumerate(values, 1):
            m.put(r, j, v, s)
        m.links[(r, 2)] = f"{quote(row.sheet)}!A1"
        if row.cell:
            m.links[(r, 4)] = f"{quote(row.sheet)}!{row.cell}"
        m.heights[r] = textfit.row_height([v for v, _s in values[:TICK_COL]], m.widths[:TICK_COL])
    last = TOP + max(len(rows), 1)
    if rows:
        m.validations.append(Validation((TOP + 1, TICK_COL, last, TICK_COL), "list", '"✓"'))
    m.last_row = last
    m.widths = m.widths[:FILL_COL]
    return m


# -- reading it back -----------------------------------------------------------------------
def _header(ws) -> int | None:
    for r in range(1, 10):
        if str(ws.cell(r, TICK_COL).value or "").strip() == HEADERS[TICK_COL - 1] \
                and str(ws.cell(r, ID_COL).value or "").strip() == HEADERS[ID_COL - 1]:
            return r
    return None


def ticked(v) -> bool:
    if v is None or v is False:
        return False
    return str(v).strip().upper() not in _NOT_TICKED


def read_review(ws) -> tuple[dict[str, set[str]], list[tuple[str, str, str | None]]]:
    """From a 核对 sheet (openpyxl worksheet or Grid): project id → keys of the ticked items,
    and (sheet, cell, own fill) of every cell it marked."""
    top = _header(ws)
    ticks: dict[str, set[str]] = {}
    marks: list[tuple[str, str, str | None]] = []
    if top is None:
        return ticks, marks
    r = top + 1
    while r <= ws.max_row:
        doc_id, key = ws.cell(r, ID_COL).value, ws.cell(r, KEY_COL).value
        if doc_id and key:
            if ticked(ws.cell(r, TICK_COL).value):
                ticks.setdefault(str(doc_id), set()).add(str(key))
            ref = parse_cell_ref(ws.cell(r, REF_COL).value)
            if ref:
                marks.append((*ref, plain_rgb(ws.cell(r, FILL_COL).value)))
        r += 1
    return ticks, marks


# -- changing an existing workbook (openpyxl) ----------------------------------------------
def _fill(color: str | None):
    from openpyxl.styles import PatternFill

    return PatternFill("solid", fgColor=color) if color else PatternFill(fill_type=None)


def _box(ws, coord: str) -> list:
    for rng in ws.merged_cells.ranges:
        if coord in rng:
            return [ws.cell(r, c) for r in range(rng.min_row, rng.max_row + 1)
                    for c in range(rng.min_col, rng.max_col + 1)]
    return [ws[coord]]


def unmark(ws, coord: str, fill: str | None) -> None:
    for c in _box(ws, coord):
        c.fill = _fill(fill)
    cell = ws[coord]
    if cell.comment is not None and (cell.comment.author == L.REVIEW_AUTHOR  # Calc drops authors:
                                     or cell.comment.text.startswith(NOTE_HEAD)):  # ours by its text
        cell.comment = None


def mark(ws, coord: str, items: list[ReviewItem]) -> str | None:
    """Mark a cell of a sheet changed in place; its own fill before (RGB hex)."""
    from openpyxl.comments import Comment

    cell = ws[coord]
    own = plain_rgb(cell.fill.fgColor.rgb) if cell.fill is not None and cell.fill.fill_type == "solid" else None
    for c in _box(ws, coord):
        c.fill = _fill(style.REVIEW_COLOR)
    cell.comment = Comment("\n\n".join(note(i) for i in items), L.REVIEW_AUTHOR, width=360, height=160)
    return None if own == style.REVIEW_COLOR else own
