"""The parts of a unit workbook around its project sheets: sheet titles, the 目录 sheet (with
its 合计 row), the hidden dropdown lists of each rule profile, and the hidden metadata."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

from ..document import ProjectDocument, dumps, year_folder
from ..forms import form_of, load_form
from . import layout as L
from . import textfit
from .cells import json_escaped, quote, writable_text
from .compose import ListNames
from .coords import get_column_letter
from .model import SheetModel, TableSpec, Validation

CHUNK = 30000
# Excel forbids []:*?/\ in sheet names; ' and ! are allowed but break references elsewhere
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\'!\x00-\x1f]")
LIST_BLOCK_COLS = 12  # columns of the _lists sheet each rule profile takes
RULE_ROW = 20




def xml_safe(text: str) -> str:
    """Text a workbook can hold (cells.writable_text): characters XML forbids and invisible
    controls are removed (exchange.export names them), never a broken file."""
    return writable_text(text)


def _utf16_prefix(text: str, units: int) -> str:
    """The longest prefix of at most `units` UTF-16 code units (how Excel counts)."""
    out, n = [], 0
    for ch in text:
        n += 2 if ord(ch) > 0xFFFF else 1
        if n > units:
            break
        out.append(ch)
    return "".join(out)


def sheet_title(name: str | None, taken: set[str]) -> str:
    base = xml_safe(_BAD_SHEET_CHARS.sub("_", name or "项目")).strip() or "项目"
    base = _utf16_prefix(base, 26)
    title, n = base, 2
    lowered = {t.lower() for t in taken}
    while title.lower() in lowered:
        title, n = f"{base}({n})", n + 1
    taken.add(title)
    return title


def abs_ref(title: str, r: int, c: int) -> str:
    return f"{quote(title)}!${get_column_letter(c)}${r}"


# -- 目录 ------------------------------------------------------------------------------------
INDEX_HEADERS = ["序号", "项目名称", "项目编号", "项目总金额（元）", "本年度金额（元）", "状态", "工作表"]
INDEX_TOP = 7


def _index_title(entries: list[tuple[str, ProjectDocument]]) -> str:
    """The 目录's title after the unit and year: the [workbook] index_title of the first
    project's form (the default form's when that form gives none, or there is no project)."""
    form = form_of(entries[0][1]) if entries else load_form()
    return str(form.workbook.get("index_title") or load_form().workbook["index_title"])


NO_ID_YET = "（推送后生成）"
WITHDRAWN_ZH = "撤回"


def compose_index(entries: list[tuple[str, ProjectDocument]], unit_code, unit_name, year,
                  store: str | None, status: dict[str, str] | None = None,
                  fresh: set[str] | frozenset[str] = frozenset()) -> SheetModel:
    """The 目录: the unit, where its store is, one line per project sheet, and their 合计.
    fresh: ids of sheets that are new projects without an id yet (shown as such). A withdrawn
    project's 状态 says 撤回 (typing 撤回 there and pushing withdraws a project)."""
    status = status or {}
    m = SheetModel(L.INDEX_SHEET, [6, 40, 32, 18, 18, 16, 30], "landscape", title_rows=INDEX_TOP,
                   freeze_row=INDEX_TOP + 1)
    head = " ".join(p for p in (unit_name or unit_code, f"{year}年" if year is not None else None) if p)
    m.box(1, 1, 1, 7, f"{head} {_index_title(entries)}".strip(), "title")
    m.heights[1] = 30
    facts = [("单位编码", unit_code), ("单位名称", unit_name),
             ("预算年度", None if year is None else str(year)), ("存储位置", store)]
    for r, (label, value) in enumerate(facts, 2):
        m.box(r, 1, r, 2, label, "label")
        m.box(r, 3, r, 7, value, "text")
    m.box(6, 1, 6, 7, f"新增项目：xlsync new-project 或“新增项目”按钮；撤回项目：在“状态”栏选“{WITHDRAWN_ZH}”后推送"
                      "（删除工作表不会撤回项目）", "note")
    m.book_names["XS_UNIT_CODE"] = (2, 3)
    m.book_names["XS_STORE"] = (5, 3)
    top = INDEX_TOP
    for j, h in enumerate(INDEX_HEADERS, 1):
        m.put(top, j, h, "header")
    rows = entries or [("", None)]
    for i, (title, doc) in enumerate(rows, 1):
        r = top + i
        if doc is None:
            for j in range(1, 8):
                m.put(r, j, None, "text")
            continue
        shown_status = WITHDRAWN_ZH if doc.status == "withdrawn" else status.get(
            doc.id, f"待核对 {len(doc.review)} 项" if doc.review else "未校验")
        # the name is plain text so that it wraps whole (a hyperlinked cell does not wrap in
        # every program); the 序号 is the link to the sheet
        values = [(i, "link"), (doc.name, "text"), (NO_ID_YET if doc.id in fresh else doc.id, "text"),
                  (None if doc.total_amount is None else Decimal(doc.total_amount), "money"),
                  (None if doc.year_amount is None else Decimal(doc.year_amount), "money"),
                  (shown_status, "text"), (title, "text")]
        for j, (v, style) in enumerate(values, 1):
            m.put(r, j, v, style)
        m.links[(r, 1)] = f"{quote(title)}!A1"
        m.heights[r] = textfit.row_height([v for v, _s in values], m.widths)  # names shown whole
    bottom = top + len(rows)
    m.validations.append(Validation((top + 1, 6, bottom, 6), "list", f'"{WITHDRAWN_ZH}"'))  # a hint, not a rule
    m.tables.append(TableSpec("xs_index", top, 1, bottom, INDEX_HEADERS, "index",
                              ["no", "name", "id", "total_amount", "year_amount", "status", "sheet"]))
    m.names["xs_index"] = (top, 1)
    total_row = bottom + 1
    # an unknown amount is left out of 合计 and counted; a column of unknowns has no total
    # (an empty cell, never a 0.00 a finance officer would read as a real zero)
    unknown = {key: sum(getattr(d, key) is None for _t, d in entries) for key in ("total_amount", "year_amount")}
    label = f"合计（{len(entries)} 个项目）"
    if any(unknown.values()):
        parts = [f"{zh} {unknown[k]} 个" for k, zh in (("total_amount", "总金额"), ("year_amount", "本年度金额"))
                 if unknown[k]]
        label = f"合计（{len(entries)} 个项目；未填金额未计入：{'，'.join(parts)}）"
    m.put(total_row, 1, None, "total_label")
    m.box(total_row, 2, total_row, 3, label, "total_label")
    m.heights[total_row] = textfit.text_height(label, textfit.span_pt(m.widths, 2, 3))
    for col, key in ((4, "total_amount"), (5, "year_amount")):
        amounts = [Decimal(getattr(d, key)) for _t, d in entries if getattr(d, key) is not None]
        letter = get_column_letter(col)
        m.put(total_row, col, None, "total")
        if amounts:
            m.formulas[(total_row, col)] = (f"=SUM({letter}{top + 1}:{letter}{bottom})", sum(amounts, Decimal(0)))
    for col in (6, 7):
        m.put(total_row, col, None, "total_label")
    m.last_row = total_row
    return m


# -- dropdown lists ----------------------------------------------------------------------
def list_names(slot: int) -> ListNames:
    sfx = "" if slot == 0 else f"_{slot + 1}"
    return ListNames(f"XS_FUND_USE{sfx}", f"XS_LEVEL1{sfx}", f"XS_L2{sfx}_")


def lists_columns(profile, slot: int) -> tuple[list[tuple[int, list[str]]], dict[str, tuple[int, int, int]]]:
    """([(column, [header, values…])], {name: (column, first row, last row)}) of one profile."""
    base = 1 + slot * LIST_BLOCK_COLS
    names = list_names(slot)
    cols = [(base, ["资金用途", *profile.fund_use]), (base + 1, ["一级指标", *profile.level1])]
    refs = {names.fund_use: (base, 2, max(len(profile.fund_use), 1) + 1),
            names.level1: (base + 1, 2, max(len(profile.level1), 1) + 1)}
    for j, (l1, l2s) in enumerate(profile.level1.items(), 1):
        cols.append((base + 1 + j, [l1, *l2s]))
        refs[f"{names.level2_prefix}{j}"] = (base + 1 + j, 2, max(len(l2s), 1) + 1)
    return cols, refs


def lists_cells(profiles: list) -> tuple[dict[tuple[int, int], str], dict[str, str]]:
    """Cells and workbook names of the hidden _lists sheet for the profiles, slot by slot."""
    cells: dict[tuple[int, int], str] = {}
    names: dict[str, str] = {}
    for slot, profile in enumerate(profiles):
        cols, refs = lists_columns(profile, slot)
        for col, values in cols:
            for i, v in enumerate(values, 1):
                cells[(i, col)] = v
        base = 1 + slot * LIST_BLOCK_COLS
        cells[(RULE_ROW, base)] = "规则"
        cells[(RULE_ROW, base + 1)] = profile.name
        for name, (col, r1, r2) in refs.items():
            letter = get_column_letter(col)
            names[name] = f"{L.LISTS_SHEET}!${letter}${r1}:${letter}${r2}"
    return cells, names


def lists_profiles(ws) -> list[str]:
    """Profile names of the slots of an existing _lists sheet, in slot order."""
    out = []
    for slot in range(0, 50):
        col = 1 + slot * LIST_BLOCK_COLS
        if ws.cell(RULE_ROW, col).value != "规则":
            break
        out.append(str(ws.cell(RULE_ROW, col + 1).value))
    return out


# -- hidden metadata ---------------------------------------------------------------------
def meta_rows(entries: list[tuple[str, ProjectDocument | None]], unit_code, year) -> list[list]:
    """The hidden metadata: for each project sheet, the id, revision and content it shows.
    A sheet whose entry has no document is a new project (新增项目) without an id yet: a push
    gives it one and writes it here."""
    rows: list[list] = [[L.MARKER, L.FORMAT_VERSION], ["unit_code", unit_code], ["year", year], [],
                        ["sheet", "id", "base_rev", "base_json"]]
    for title, doc in entries:
        if doc is None:
            rows.append([title])
            continue
        raw = dumps(doc)
        rev = hashlib.sha256(raw).hexdigest()[:16]  # = revision(doc), without a second dumps
        text = json_escaped(raw.decode("utf-8", "surrogatepass"))  # what xml_safe removes, escaped
        rows.append([title, doc.id, rev] + [text[j : j + CHUNK] for j in range(0, len(text), CHUNK)])
    return rows


def meta_json(ws_meta) -> dict[str, tuple[str, str, str]]:
    """sheet title → (id, base revision, base JSON) from the hidden metadata sheet."""
    out = {}
    for row in ws_meta.iter_rows(min_row=6, values_only=True):
        if not row or not row[0]:
            continue
        row = tuple(row) + (None, None, None)
        chunks = "".join(str(c) for c in row[3:] if c)
        out[str(row[0])] = (str(row[1] or ""), str(row[2] or ""), chunks)
    return out


def workbook_name(doc: ProjectDocument) -> str:
    """The file name of a unit-year workbook: `<unit code>-<year>.xlsx`; a unit without a
    code is named by its name, a table without a year says `undated`."""
    unit = doc.unit_code or doc.unit_name or doc.department_name or "unit"
    unit = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", unit).strip(" .")[:60] or "unit"
    return f"{unit}-{year_folder(doc.year)}.xlsx"
