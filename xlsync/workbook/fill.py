"""The values a project sheet shows for a document, as (top-left cell, rows) blocks, for
writing into an existing sheet: the add-in writes whole ranges, pull writes the cells in
place. Cells are found as the reader finds them (names and header labels), so a sheet the
user rearranged is filled where its cells now are."""

from __future__ import annotations

from decimal import Decimal

from ..document import ProjectDocument
from .compose import cell_value, indicator_runs, list_rows
from .coords import get_column_letter
from .fields import LIST_COLUMNS, LISTS, SCALAR_KINDS, SCALARS
from .reader import Shape, TableShape, sheet_shape
from .sheetform import sheet_form_named


class NotFit(Exception):
    """The document needs a cell or table rows the sheet does not have: rebuild the sheet."""


def _coord(r: int, c: int) -> str:
    return f"{get_column_letter(c)}{r}"


def scalar_value(shape: Shape, key: str, doc: ProjectDocument):
    value = getattr(doc, key)
    template = shape.form.template(key)
    if template is not None:
        return template.replace("{}", "    " if value is None else str(value))
    if SCALAR_KINDS[key] == "year":
        return value
    return cell_value(SCALAR_KINDS[key], value)


def _table_blocks(t: TableShape, rows: list[dict], strict: bool, only_computed: bool = False):
    cols = LIST_COLUMNS[t.list]
    needed = {k for r in rows for k, v in r.items() if v is not None and k in cols and k != "period"}
    missing = {k for k in needed - set(t.columns) if not cols[k].computed}
    if strict and (t.end is None or len(rows) > t.capacity or missing):
        raise NotFit(f"{t.key}: {len(rows)} 行 / {t.capacity}，缺少列 {sorted(missing)}")
    capacity = t.capacity if t.end is not None else len(rows)
    values = [[None if k is None else cell_value(cols[k].kind, r.get(k)) for k in t.columns] for r in rows]
    values += [[None] * len(t.columns)] * max(0, capacity - len(rows))
    blocks, j = [], 0
    while j < len(t.columns):  # contiguous runs of the columns xlsync knows
        k = t.columns[j]
        if k is None or (only_computed and not cols[k].computed):
            j += 1
            continue
        start = j
        while j < len(t.columns) and t.columns[j] is not None and not (only_computed and not cols[t.columns[j]].computed):
            j += 1
        if values:
            blocks.append((_coord(t.row + 1, t.col + start), [row[start:j] for row in values]))
    return blocks


def plan_blocks(doc: ProjectDocument, ws, tolerance: Decimal, typed: bool = False, shape: Shape | None = None,
                strict: bool = False):
    """The plan table and the quarterly schedule. typed=False: only the computed columns (the
    计算计划 action leaves what the user typed alone)."""
    shape = shape or sheet_shape(ws)
    blocks = []
    for key in ("plan", "quarters"):
        for t in shape.tables_of(key):
            rows = list_rows(doc, key, tolerance)
            blocks += _table_blocks(t, rows, strict and key == "plan", only_computed=not typed)
    return blocks


def document_blocks(doc: ProjectDocument, ws, tolerance: Decimal, shape: Shape | None = None,
                    strict: bool = False):
    """Every field cell and table body of a project sheet for the document.

    strict: raise NotFit when the document needs cells or rows the sheet lacks (pull then
    rebuilds the sheet); else what fits is written and longer lists run on below their table.
    """
    shape = shape or sheet_shape(ws)
    blocks = []
    for key in SCALARS:
        coord = shape.cells.get(key)
        if coord is None:
            if strict and getattr(doc, key) is not None and not (key == "layout" and sheet_form_named(doc.layout).name == shape.form.name):
                raise NotFit(key)
            continue
        blocks.append((coord, [[scalar_value(shape, key, doc)]]))
    for key in LISTS:
        tables = shape.tables_of(key)
        if key == "indicators":
            runs = indicator_runs(doc, shape.form.indicator_block().periods)
            runs = [r for r in runs if r[1]] if len(tables) < len(runs) and not strict else runs
            if strict and [p for p, _r in runs] != [t.period for t in tables]:
                raise NotFit("indicator groups")
            for t, (_p, rows) in zip(tables, runs, strict=False):
                blocks += _table_blocks(t, rows, strict)
            continue
        rows = list_rows(doc, key, tolerance)
        if not tables:
            if strict and rows:
                raise NotFit(key)
            continue
        if key == "plan":
            blocks += plan_blocks(doc, ws, tolerance, typed=True, shape=shape, strict=strict)
        else:
            blocks += _table_blocks(tables[0], rows, strict)
    if "plan" not in [t.list for t in shape.tables]:
        blocks += plan_blocks(doc, ws, tolerance, typed=False, shape=shape)
    return blocks
