"""A form's [workbook] section, read and checked: the blocks its sheet is built from.

The section is data a finance office edits (see forms/seed.toml): column widths, where
labelled fields sit, and an ordered list of blocks (title, fields, text, section, table,
row, goals, indicators, other). Mistakes are reported with the form file and the block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import XlsyncError
from ..forms import Form, form_of, load_form
from .coords import column_index_from_string, get_column_letter
from .fields import LABELS, LIST_COLUMNS, LISTS, PERIODS, SCALAR_KINDS, Column

KINDS = ("title", "subtitle", "fields", "section", "text", "table", "row", "goals", "indicators", "other")
Span = tuple[int, int]  # first and last column, 1-based


@dataclass(frozen=True)
class Cellspec:
    span: Span
    text: str | None = None
    field: str | None = None


@dataclass(frozen=True)
class Block:
    kind: str
    text: str | None = None
    field: str | None = None
    rows: tuple[tuple[str, ...], ...] = ()
    fields: tuple[str, ...] = ()
    list: str | None = None
    columns: tuple[tuple[Column, bool], ...] = ()  # (column, optional)
    at: int = 1
    side: str | None = None
    cells: tuple[Cellspec, ...] = ()
    spans: tuple[Span, ...] = ()
    chart: int | None = None
    periods: tuple[str, ...] = ()
    when: tuple[str, ...] = ()  # shown only when the document has one of these keys filled


@dataclass(frozen=True)
class SheetForm:
    form: Form
    widths: tuple[float, ...]
    orientation: str
    one_field: tuple[Span, Span]
    two_fields: tuple[Span, Span, Span, Span]
    side: int
    labels: dict[str, str]
    blocks: tuple[Block, ...]
    placed: frozenset[str] = field(default=frozenset())

    @property
    def name(self) -> str:
        return self.form.name

    @property
    def ncols(self) -> int:
        return len(self.widths)

    def label(self, key: str) -> str:
        return self.labels.get(key) or LABELS.get(key, key)

    def column_label(self, list_key: str, col: Column) -> str:
        return self.labels.get(f"{list_key}.{col.key}") or col.label

    def template(self, key: str) -> str | None:
        """The title text a field is shown in ("{}支出项目绩效目标表"), if it is one."""
        for b in self.blocks:
            if b.kind in ("title", "subtitle") and b.field == key:
                return b.text or "{}"
        return None

    def period_label(self, period: str) -> str:
        return self.label(f"period.{period}")

    def indicator_block(self) -> Block:
        return next((b for b in self.blocks if b.kind == "indicators"), _DEFAULT_INDICATORS)


_DEFAULT_INDICATORS = Block(
    "indicators", columns=tuple((c, c.key in ("note", "weight", "period"))
                                for c in LIST_COLUMNS["indicators"].values() if c.key != "period"),
    periods=("annual",))


class FormLayoutError(XlsyncError):
    pass


def _span(text, where: str) -> Span:
    m = re.fullmatch(r"([A-Z]{1,3})(?::([A-Z]{1,3}))?", str(text).strip().upper())
    if not m:
        raise FormLayoutError(f"{where}: 列范围应写成 \"B\" 或 \"B:D\"，得到 {text!r}")
    a = column_index_from_string(m.group(1))
    b = column_index_from_string(m.group(2)) if m.group(2) else a
    if b < a:
        raise FormLayoutError(f"{where}: 列范围 {text!r} 的结束列在开始列之前")
    return a, b


def _columns(list_key: str, names, where: str) -> tuple[tuple[Column, bool], ...]:
    known = LIST_COLUMNS[list_key]
    out = []
    for name in names or list(known):
        optional = str(name).endswith("?")
        key = str(name).rstrip("?")
        if key not in known:
            raise FormLayoutError(f"{where}: 列表 {list_key} 没有列 {key!r}（可用: {', '.join(known)}）")
        out.append((known[key], optional))
    return tuple(out)


def _scalar(key, where: str) -> str:
    if key not in SCALAR_KINDS:
        raise FormLayoutError(f"{where}: 不认识的字段 {key!r}（可用: {', '.join(SCALAR_KINDS)}）")
    return key


def _block(raw: dict, where: str) -> Block:
    from dataclasses import replace

    when = raw.get("when", ())
    when = (when,) if isinstance(when, str) else tuple(when)
    for key in when:
        if key not in SCALAR_KINDS and key not in LISTS:
            raise FormLayoutError(f"{where}: when 中不认识的字段 {key!r}")
    block = _block_body(raw, where)
    return replace(block, when=when) if when else block


def _block_body(raw: dict, where: str) -> Block:
    kind = raw.get("kind")
    if kind not in KINDS:
        raise FormLayoutError(f"{where}: kind 应为 {' / '.join(KINDS)} 之一，得到 {kind!r}")
    at = _span(raw["at"], where)[0] if "at" in raw else 1
    side = raw.get("side")
    chart = _span(raw["chart"], where)[0] if raw.get("chart") else None
    if kind in ("title", "subtitle"):
        f = _scalar(raw["field"], where) if raw.get("field") else None
        text = str(raw.get("text", "{}" if f else ""))
        if f and text.count("{}") != 1:
            raise FormLayoutError(f"{where}: 带字段的标题 text 应含一个 {{}}，得到 {text!r}")
        return Block(kind, text=text, field=f)
    if kind == "section":
        return Block(kind, text=str(raw.get("text", "")))
    if kind == "fields":
        rows = tuple(tuple(_scalar(k, where) for k in row) for row in raw.get("rows", ()))
        if any(len(r) not in (1, 2) for r in rows):
            raise FormLayoutError(f"{where}: fields 的每一行放一个或两个字段")
        return Block(kind, rows=rows)
    if kind == "text":
        return Block(kind, fields=tuple(_scalar(k, where) for k in raw.get("fields", ())))
    if kind == "goals":
        fields = tuple(_scalar(k, where) for k in raw.get("fields", ()))
        spans = tuple(_span(s, where) for s in raw.get("spans", ()))
        if len(spans) != len(fields) or not fields:
            raise FormLayoutError(f"{where}: goals 的 fields 与 spans 应一一对应")
        return Block(kind, fields=fields, spans=spans, side=side, at=spans[0][0])
    if kind == "row":
        cells = []
        for c in raw.get("cells", ()):
            if not isinstance(c, dict) or "at" not in c or ("text" in c) == ("field" in c):
                raise FormLayoutError(f"{where}: row 的每个单元格写成 {{ at = \"C\", text = \"…\" }} 或 {{ at = \"D\", field = \"…\" }}")
            cells.append(Cellspec(_span(c["at"], where), c.get("text"),
                                  _scalar(c["field"], where) if "field" in c else None))
        if not cells:
            raise FormLayoutError(f"{where}: row 没有单元格")
        return Block(kind, cells=tuple(cells), side=side, at=min(c.span[0] for c in cells))
    if kind == "table":
        lst = raw.get("list")
        if lst not in (*LISTS, "quarters") or lst == "indicators":
            raise FormLayoutError(f"{where}: table 的 list 应为 funding / composition / plan / extra / quarters，得到 {lst!r}（绩效指标用 kind = \"indicators\"）")
        return Block(kind, list=lst, columns=_columns(lst, raw.get("columns"), where), at=at, side=side,
                     chart=chart)
    if kind == "indicators":
        periods = tuple(raw.get("periods", ("annual",)))
        if any(p not in PERIODS for p in periods):
            raise FormLayoutError(f"{where}: periods 只能是 long_term / annual")
        return Block(kind, list="indicators", columns=_columns("indicators", raw.get("columns"), where),
                     at=at, side=side, periods=periods)
    return Block(kind, text=raw.get("text"))


def _placed(blocks) -> frozenset[str]:
    keys: set[str] = set()
    for b in blocks:
        keys.update(k for row in b.rows for k in row)
        keys.update(b.fields)
        keys.update(c.field for c in b.cells if c.field)
        if b.field:
            keys.add(b.field)
        if b.list:
            keys.add(b.list)
    return frozenset(keys)


_CACHE: dict[tuple[str, str, int], SheetForm] = {}


def sheet_form(form: Form) -> SheetForm:
    """The checked [workbook] section of a form (read once per form and process)."""
    key = (form.name, form.source, id(form.data))
    if key not in _CACHE:
        _CACHE[key] = _parse(form)
    return _CACHE[key]


def _parse(form: Form) -> SheetForm:
    wb = form.workbook
    src = f"{form.source} [workbook]"
    widths = tuple(float(w) for w in wb.get("columns", ()))
    if not widths or any(not 0 < w <= 255 for w in widths):
        raise FormLayoutError(f"{src}: columns 应为各列宽度（字符数）的列表，例如 [12, 12, 30]")
    one = wb.get("one_field", ["A", "B:" + _letter(len(widths))])
    two = wb.get("two_fields")
    if len(one) != 2 or (two is not None and len(two) != 4):
        raise FormLayoutError(f"{src}: one_field 是 [标签, 值] 两个列范围，two_fields 是四个")
    one_field = tuple(_span(s, src) for s in one)
    two_fields = tuple(_span(s, src) for s in two) if two else (
        one_field[0], (one_field[1][0], one_field[1][0]), one_field[0], one_field[1])
    orientation = wb.get("orientation", "portrait")
    if orientation not in ("portrait", "landscape"):
        raise FormLayoutError(f"{src}: orientation 应为 portrait 或 landscape")
    labels = {str(k): str(v) for k, v in wb.get("labels", {}).items()}
    raw_blocks = wb.get("block", [])
    if not raw_blocks:
        raise FormLayoutError(f"{src}: 没有 [[workbook.block]]")
    blocks = tuple(_block(b, f"{src} 第 {i} 个 block") for i, b in enumerate(raw_blocks, 1))
    if sum(b.kind == "indicators" for b in blocks) > 1:
        raise FormLayoutError(f"{src}: 只能有一个 indicators block")
    return SheetForm(form, widths, orientation, one_field, two_fields,
                     _span(wb.get("side", "A"), src)[0], labels, blocks, _placed(blocks))


def _letter(n: int) -> str:
    return get_column_letter(n)


def sheet_form_of(doc) -> SheetForm:
    return sheet_form(form_of(doc))


def sheet_form_named(layout: str | None) -> SheetForm:
    return sheet_form(load_form(layout))
