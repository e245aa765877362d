"""A project sheet composed from a document and its form: cells, names, tables, dropdowns,
row heights that show every text whole, and page breaks between sections.

Every key of the document gets a cell: the form's blocks place most of them, the 其他信息
block the rest (keys this form does not show, only when they hold something), so a sheet
always reads back into the document it was written from.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal

from ..document import ProjectDocument
from ..plan import compute
from . import textfit
from .coords import get_column_letter
from .fields import BASIS_ZH, LIST_COLUMNS, LISTS, PERIOD_ZH, SCALAR_KINDS, SCALARS, Column
from .model import ChartSpec, Condition, SheetModel, TableSpec, Validation
from .reviewsheet import mark_model
from .sheetform import Block, SheetForm, _placed, sheet_form_of

KIND_STYLE = {"text": "text", "code": "text", "money": "money", "date": "date", "year": "number",
              "int": "number", "month": "number", "percent": "number", "basis": "text",
              "weight": "number", "period": "text", "c_pct": "c_pct", "c_money": "c_money",
              "c_text": "c_text", "c_label": "c_label"}
LINE = textfit.height_for_lines(1)
OTHER_HEADING = "其他信息（本表式未列出的栏目）"
CHART_ROWS = 10


@dataclass(frozen=True)
class ListNames:
    """Workbook names of the dropdown lists of one rule profile (on the hidden _lists sheet)."""

    fund_use: str = "XS_FUND_USE"
    level1: str = "XS_LEVEL1"
    level2_prefix: str = "XS_L2_"


def cell_value(kind: str, value):
    """A document value as it is put into a cell (text stays text: str is never a formula)."""
    if value is None:
        return None
    if kind == "money":
        return Decimal(value)
    if kind == "date":
        return _dt.date.fromisoformat(value)
    if kind == "basis":
        return BASIS_ZH.get(value, value)
    if kind == "period":
        return PERIOD_ZH.get(value, value)
    if kind == "percent":  # a number when it reads back the same, else the text as written
        d = Decimal(value)   # (0.5 typed as a number means 50%; 45.50 would read back 45.5)
        return d if _plain_number(d, value) and not 0 < d < 1 else f"{value}%"
    if kind == "weight":
        d = Decimal(value)
        return d if _plain_number(d, value) else value
    return value


def _plain_number(d: Decimal, written: str) -> bool:
    """Whether a cell number reads back as the text written: canonical, at most 15 digits."""
    return f"{d.normalize():f}" == written and len(d.as_tuple().digits) <= 15


def style_of(kind: str, value) -> str:
    if isinstance(value, str) and kind in ("percent", "weight"):
        return "text"
    return KIND_STYLE.get(kind, "text")


def plan_values(doc: ProjectDocument, tolerance: Decimal) -> tuple[list[dict], list[dict]]:
    """Rows of the plan table and of the quarterly schedule, by column key."""
    figures = compute(doc)

    def r2(v):
        return None if v is None else v.quantize(Decimal("0.01"))

    plan = []
    for p, f in zip(doc.plan, figures.periods, strict=True):
        plan.append({
            "start_year": p.start_year, "start_month": p.start_month, "end_year": p.end_year,
            "end_month": p.end_month, "amount": p.amount, "stated_percent": p.stated_percent,
            "percent_basis": p.percent_basis, "share": r2(f.share),
            "cumulative_amount": r2(f.cumulative_amount), "cumulative_share": r2(f.cumulative_share),
            "check": {None: "", True: "一致", False: "不一致"}[f.agrees(tolerance)],
        })
    if figures.quarters:
        quarters = [{"quarter": f"Q{q.quarter}", "amount": r2(q.amount),
                     "cumulative_amount": r2(q.cumulative_amount), "cumulative_share": r2(q.cumulative_share),
                     "even_share": Decimal(25 * q.quarter)} for q in figures.quarters]
    else:
        quarters = [{"quarter": f"Q{q}", "even_share": Decimal(25 * q)} for q in range(1, 5)]
    return plan, quarters


def period_shown(doc: ProjectDocument) -> int | None:
    """The index in `extra` of a 项目期 written as text (`1年`, not two dates) that the sheet
    shows in its 项目期 row rather than among 其他栏目; None when there is none or the form has
    no 项目期 row (the sheet keeps the index in its hidden name xs_period, the reader puts the
    text back there)."""
    if doc.start_date is not None or doc.end_date is not None or not doc.extra:
        return None
    sf = sheet_form_of(doc)
    labels = set(sf.form.section("labels").get("period", ()))
    if "start_date" not in sf.placed or not labels:
        return None
    return next((i for i, e in enumerate(doc.extra) if e.label in labels and e.value and e.value.strip()), None)


def list_rows(doc: ProjectDocument, key: str, tolerance: Decimal) -> list[dict]:
    if key in ("plan", "quarters"):
        plan, quarters = plan_values(doc, tolerance)
        return plan if key == "plan" else quarters
    if key == "extra":
        shown = period_shown(doc)
        return [item.model_dump() for i, item in enumerate(doc.extra) if i != shown]
    return [item.model_dump() for item in getattr(doc, key)]


def shown_columns(list_key: str, block_columns, rows: list[dict]) -> list[Column]:
    """A table's columns: optional ones only when a row has a value in them; a column the
    form leaves out is added at the end when a row has a value in it (nothing is dropped)."""
    shown = [c for c, optional in block_columns if not optional or any(r.get(c.key) is not None for r in rows)]
    keys = {c.key for c, _o in block_columns} | {"period"}
    return shown + [c for c in LIST_COLUMNS.get(list_key, {}).values()
                    if c.key not in keys and not c.computed and any(r.get(c.key) is not None for r in rows)]


def indicator_runs(doc: ProjectDocument, periods: tuple[str, ...]) -> list[tuple[str, list[dict]]]:
    """The indicators split where their period changes (document order kept), plus an
    empty group for each period the form always shows and the document lacks."""
    runs: list[tuple[str, list[dict]]] = []
    for ind in doc.indicators:
        row = ind.model_dump()
        if runs and runs[-1][0] == ind.period:
            runs[-1][1].append(row)
        else:
            runs.append((ind.period, [row]))
    have = {p for p, _ in runs}
    for p in periods:
        if p in have:
            continue
        if runs and periods.index(p) < (periods.index(runs[0][0]) if runs[0][0] in periods else 99):
            runs.insert(0, (p, []))
        else:
            runs.append((p, []))
    return runs or [("annual", [])]


def _repeated(prev: dict, row: dict) -> tuple[str, ...]:
    """The categories of an indicator row shown once per group (hidden: same as above)."""
    if row.get("level1") != prev.get("level1"):
        return ()
    return ("level1", "level2") if row.get("level2") == prev.get("level2") else ("level1",)


class _Composer:
    def __init__(self, doc, sf: SheetForm, title: str, index: int, tolerance: Decimal, lists: ListNames,
                 blank: dict[str, int] | None = None):
        self.doc, self.sf, self.index, self.tolerance, self.lists = doc, sf, index, tolerance, lists
        self.blank = blank  # a blank project sheet: the empty rows each table offers (form's [workbook.blank])
        self.m = SheetModel(title, list(sf.widths), sf.orientation)
        self.r = 1
        self.side_run: list | None = None  # [text, r1, r2, c1, c2]
        self.index_groups = 0

    # -- helpers ----------------------------------------------------------------------
    @property
    def width(self) -> int:
        return self.m.ncols

    def ensure_cols(self, last: int) -> None:
        while len(self.m.widths) < last:
            self.m.widths.append(9.0)

    def fit(self, r: int, c1: int, c2: int, text, font_pt: float = textfit.FONT_PT) -> None:
        need = textfit.text_height(None if text is None else str(text),
                                   textfit.span_pt(self.m.widths, c1, c2), font_pt)
        self.m.heights[r] = max(self.m.heights.get(r, LINE), need)

    def name(self, key: str, r: int, c: int) -> None:
        self.m.names[f"xs_{key}"] = (r, c)

    def value_box(self, r: int, span, key: str, kind: str | None = None) -> None:
        kind = kind or SCALAR_KINDS[key]
        if key == "start_date" and (at := period_shown(self.doc)) is not None:
            item = self.doc.extra[at]  # 项目期 as written (`1年`): in its row, not among 其他栏目
            self.m.constants["xs_period"] = f"{at}|{item.label}"
            self.m.box(r, span[0], r, span[1], item.value, "text")
            self.name(key, r, span[0])
            self.fit(r, span[0], span[1], item.value)
            return
        value = cell_value(kind, getattr(self.doc, key))
        self.m.box(r, span[0], r, span[1], value, style_of(kind, value))
        self.name(key, r, span[0])
        if isinstance(value, str):
            self.fit(r, span[0], span[1], value)
        self._field_validation(key, r, span[0])

    def label_box(self, r: int, span, text: str) -> None:
        self.m.box(r, span[0], r, span[1], text, "label")
        self.fit(r, span[0], span[1], text)

    def _field_validation(self, key: str, r: int, c: int) -> None:
        if key == "fund_use":
            self.m.validations.append(Validation((r, c, r, c), "list", f"={self.lists.fund_use}",
                                                 message="请从列表中选择资金用途", title="资金用途"))
        elif SCALAR_KINDS.get(key) == "date":
            self.m.validations.append(Validation((r, c, r, c), "date", low="36526",
                                                 message="请输入日期，例如 2020-01-01"))

    def row_done(self, breakable: bool = True) -> None:
        """Finish the current row; a page may start at it when `breakable` and no heading
        above glued it to what came before."""
        self.m.heights.setdefault(self.r, LINE)
        self.m.breakable[self.r] = breakable and self.m.breakable.get(self.r, True) is not False
        self.r += 1

    def side(self, text: str | None, first_col: int) -> None:
        """Open or extend the side label for the block starting at self.r."""
        if text is None:
            self.close_side()
            return
        run = self.side_run
        if run and run[0] == text and run[2] == self.r - 1:
            return
        self.close_side()
        self.side_run = [text, self.r, self.r, self.sf.side, max(self.sf.side, first_col - 1)]

    def side_extend(self) -> None:
        if self.side_run:
            self.side_run[2] = self.r - 1

    def close_side(self) -> None:
        run, self.side_run = self.side_run, None
        if run:
            text, r1, r2, c1, c2 = run
            self.m.box(r1, c1, r2, c2, text, "label")
            need = textfit.text_height(text, textfit.span_pt(self.m.widths, c1, c2))
            have = sum(self.m.heights.get(r, LINE) for r in range(r1, r2 + 1))
            if need > have:  # the label's rows grow so that it shows whole
                self.m.heights[r2] = self.m.heights.get(r2, LINE) + need - have

    def gap(self, next_block: Block | None, side: str | None) -> None:
        if next_block is not None and side is not None and next_block.side == side:
            return
        self.close_side()
        self.m.heights[self.r] = LINE * 0.6
        self.row_done()

    # -- blocks -----------------------------------------------------------------------
    def title(self, b: Block, style: str, height: float) -> None:
        if b.field:
            v = getattr(self.doc, b.field)
            text = b.text.replace("{}", "    " if v is None else str(v))
            self.name(b.field, self.r, 1)
        else:
            text = b.text
        self.m.box(self.r, 1, self.r, self.width, text, style)
        self.m.heights[self.r] = height
        if style == "title":
            self.fit(self.r, 1, self.width, text, 16)
        self.row_done(False)

    def fields(self, b: Block) -> None:
        for row in b.rows:
            if len(row) == 1:
                lab, val = self.sf.one_field
                self.label_box(self.r, lab, self.sf.label(row[0]))
                self.value_box(self.r, val, row[0])
            else:
                l1, v1, l2, v2 = self.sf.two_fields
                self.label_box(self.r, l1, self.sf.label(row[0]))
                self.value_box(self.r, v1, row[0])
                self.label_box(self.r, l2, self.sf.label(row[1]))
                self.value_box(self.r, v2, row[1])
            self.row_done()

    def section(self, text: str, style: str = "section") -> None:
        self.close_side()
        self.m.box(self.r, 1, self.r, self.width, text, style)
        self.m.heights[self.r] = LINE + 2
        self.row_done()
        self.m.breakable[self.r] = False  # a heading stays with what it heads

    def text(self, b: Block) -> None:
        for key in b.fields:
            lab, val = self.sf.one_field
            self.label_box(self.r, lab, self.sf.label(key))
            self.value_box(self.r, val, key)
            self.row_done()

    def goals(self, b: Block) -> None:
        self.side(b.side, b.at)
        for key, span in zip(b.fields, b.spans, strict=True):
            self.m.box(self.r, span[0], self.r, span[1], self.sf.label(key), "header")
            self.fit(self.r, span[0], span[1], self.sf.label(key))
        self.row_done()
        for key, span in zip(b.fields, b.spans, strict=True):
            self.value_box(self.r, span, key)
        self.row_done(False)
        self.side_extend()

    def row(self, b: Block) -> None:
        self.side(b.side, b.at)
        for c in b.cells:
            if c.text is not None:
                self.label_box(self.r, c.span, c.text)
            else:
                self.value_box(self.r, c.span, c.field)
        self.row_done(self.side_run is None or self.side_run[1] == self.r)
        self.side_extend()

    def table(self, key: str, block_columns, at: int, rows: list[dict], table_name: str,
              name_key: str, side: str | None = None) -> TableSpec:
        cols = shown_columns(key, block_columns, rows) or [c for c, _o in block_columns]
        self.ensure_cols(at + len(cols) - 1)
        self.side(side, at)
        top = self.r
        headers = [self.sf.column_label(key, c) for c in cols]
        for j, h in enumerate(headers):
            self.m.put(top, at + j, h, "header")
            self.fit(top, at + j, at + j, h)
        self.row_done(not (self.side_run and self.side_run[1] < top))
        body = rows or [{}]
        if self.blank is not None and key != "quarters":
            body = list(rows) + [{}] * max(0, self.blank.get(key, 1) - len(rows)) or [{}]
        for i, row in enumerate(body, 1):
            r = self.r
            hidden = _repeated(body[i - 2], row) if key == "indicators" and i > 1 else ()
            for j, c in enumerate(cols):
                value = cell_value(c.kind, row.get(c.key))
                self.m.put(r, at + j, value, style_of(c.kind, value))
                if isinstance(value, str) and c.key not in hidden:
                    self.fit(r, at + j, at + j, value)
            self.row_done(3 <= i <= len(body) - 1)
        bottom = self.r - 1
        self.side_extend()
        spec = TableSpec(table_name, top, at, bottom, headers, key, [c.key for c in cols], rows=len(rows))
        self.m.tables.append(spec)
        self.name(name_key, top, at)
        self._table_validations(spec, cols)
        return spec

    def _table_validations(self, t: TableSpec, cols: list[Column]) -> None:
        for j, c in enumerate(cols):
            col = t.left + j
            ref = (t.top + 1, col, t.bottom, col)
            if c.kind == "month":
                self.m.validations.append(Validation(ref, "whole", low="1", high="12", message="月份应为 1 到 12"))
            elif c.kind == "basis":
                self.m.validations.append(Validation(ref, "list", '"累计,本期"', message="比例口径应为“累计”或“本期”"))

    def list_table(self, b: Block, next_block: Block | None) -> None:
        rows = list_rows(self.doc, b.list, self.tolerance)
        spec = self.table(b.list, b.columns, b.at, rows, f"xs{self.index:03d}_{b.list}", b.list, b.side)
        if b.chart and b.list == "quarters":
            first = b.chart
            self.ensure_cols(first)
            rows_needed = CHART_ROWS - (spec.bottom - spec.top + 1)
            for _ in range(max(0, rows_needed)):
                self.row_done(False)
            shares = [float(r["cumulative_share"]) for r in rows if r.get("cumulative_share") is not None]
            self.m.chart = ChartSpec(spec.top, spec.bottom, first, max(first, self.width),
                                     spec.top + max(CHART_ROWS, spec.bottom - spec.top + 1) - 1,
                                     spec.left, [spec.left + spec.columns.index(k) for k in
                                                 ("cumulative_share", "even_share") if k in spec.columns],
                                     max([100.0, *shares]))
            for r in range(spec.top + 1, spec.top + CHART_ROWS):
                self.m.breakable[r] = False
        self.gap(next_block, b.side)

    def indicators(self, b: Block, next_block: Block | None) -> None:
        runs = indicator_runs(self.doc, b.periods)
        headed = b.side != "period" and (len(runs) > 1 or runs[0][0] != "annual")
        for n, (period, rows) in enumerate(runs, 1):
            label = self.sf.period_label(period)
            if headed:
                self.section(label, "subsection")
            key = "indicators" if n == 1 else f"indicators_{n}"
            side = label if b.side == "period" else b.side
            spec = self.table("indicators", b.columns, b.at, rows, f"xs{self.index:03d}_{key}", key, side)
            self._indicator_extras(spec, last=next_block is None and n == len(runs))
            if n < len(runs) and not headed and b.side != "period":
                self.gap(None, None)
        self.gap(next_block, None)

    def _indicator_extras(self, t: TableSpec, last: bool) -> None:
        """Category dropdowns, and repeated 一级/二级 shown once per group."""
        bottom = t.bottom + (200 if last else 0)
        cols = {k: t.left + j for j, k in enumerate(t.columns)}
        if "level1" in cols:
            c1 = cols["level1"]
            self.m.validations.append(Validation((t.top + 1, c1, bottom, c1), "list", f"={self.lists.level1}"))
            if "level2" in cols:
                c2 = cols["level2"]
                a = get_column_letter(c1)
                self.m.validations.append(Validation(
                    (t.top + 1, c2, bottom, c2), "list",
                    f'=INDIRECT("{self.lists.level2_prefix}"&MATCH(${a}{t.top + 1},{self.lists.level1},0))'))
        if t.bottom >= t.top + 2 and "level1" in cols:
            a = get_column_letter(cols["level1"])
            r0 = t.top + 2
            self.m.conditions.append(Condition((r0, cols["level1"], t.bottom, cols["level1"]),
                                               f"=${a}{r0}=${a}{r0 - 1}", "hidden_repeat"))
            if "level2" in cols:
                b_ = get_column_letter(cols["level2"])
                self.m.conditions.append(Condition(
                    (r0, cols["level2"], t.bottom, cols["level2"]),
                    f"=AND(${a}{r0}=${a}{r0 - 1},${b_}{r0}=${b_}{r0 - 1})", "hidden_repeat"))

    def other(self) -> None:
        """Keys this form does not show, when they hold something: nothing is dropped."""
        placed = self.placed | {"layout"}  # the form's name is kept in the sheet's xs_layout name, not printed
        to_review = {i.field for i in self.doc.review}  # an empty value to check gets a cell to fill
        scalars = [k for k in SCALARS if k not in placed and (getattr(self.doc, k) is not None or k in to_review)]
        lists = [k for k in LISTS if k not in placed and getattr(self.doc, k)
                 and (k != "extra" or list_rows(self.doc, k, self.tolerance))]
        if not scalars and not lists:
            return
        self.section(OTHER_HEADING)
        lab, val = self.sf.one_field
        for key in scalars:
            self.label_box(self.r, lab, self.sf.label(key))
            self.value_box(self.r, val, key)
            self.row_done()
        for key in lists:
            self.section(self.sf.label(key), "subsection")
            columns = tuple((c, True) for c in LIST_COLUMNS[key].values()
                            if not c.computed and c.key != "period")
            if key == "plan":
                columns = tuple((c, c.key in ("start_year", "end_year")) for c, _o in columns)
            rows = list_rows(self.doc, key, self.tolerance)
            self.table(key, columns, 1, rows, f"xs{self.index:03d}_{key}", key)
            self.gap(None, None)

    # -- the whole sheet --------------------------------------------------------------
    def build(self) -> SheetModel:
        blocks = list(self.sf.blocks)
        if not any(b.kind == "indicators" for b in blocks):
            blocks.append(self.sf.indicator_block())
        if not any(b.kind == "other" for b in blocks):
            blocks.append(Block("other"))
        blocks = [b for b in blocks if not b.when or self.blank is not None or any(getattr(self.doc, k) for k in b.when)]
        self.placed = _placed(blocks)
        if self.doc.layout:
            self.m.constants["xs_layout"] = self.doc.layout
        for i, b in enumerate(blocks):
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if b.side is None or b.kind == "indicators":
                self.close_side()
            k = b.kind
            if k == "title":
                self.title(b, "title", 30)
            elif k == "subtitle":
                self.title(b, "subtitle", 20)
            elif k == "fields":
                self.fields(b)
            elif k == "section":
                self.section(b.text or "")
            elif k == "text":
                self.text(b)
            elif k == "goals":
                self.goals(b)
            elif k == "row":
                self.row(b)
                if nxt is None or nxt.side != b.side:
                    self.close_side()
            elif k == "table":
                self.list_table(b, nxt)
            elif k == "indicators":
                self.indicators(b, nxt)
            elif k == "other":
                self.other()
        self.close_side()
        m = self.m
        m.last_row = max(m.last_row, self.r - 1)
        heights = [m.heights.get(r, LINE) for r in range(1, m.last_row + 1)]
        breakable = [m.breakable.get(r, False) for r in range(1, m.last_row + 1)]
        if textfit.fits_one_page(heights, m.orientation, m.widths):
            m.fit_pages = 1  # a little over a page: shrunk onto one rather than spilling a few rows
        else:
            m.breaks = textfit.page_breaks(heights, breakable, m.orientation, m.widths, m.title_rows)
        return m


def compose(doc: ProjectDocument, sf: SheetForm, title: str, index: int, tolerance: Decimal,
            lists: ListNames = ListNames(), blank: dict[str, int] | None = None) -> SheetModel:
    """The sheet of one project, laid out by its form; the cells of its review items marked.
    blank: a new project's sheet, its tables offering this many empty rows each (list key →
    rows; the form's [workbook.blank] rows)."""
    m = _Composer(doc, sf, title, index, tolerance, lists, blank).build()
    mark_model(m, doc)
    return m
