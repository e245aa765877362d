"""Writing unit workbooks: a 目录 sheet, one sheet per project laid out like the official
绩效目标表, dropdown lists, and hidden sync metadata (the exported revision and content)."""

from __future__ import annotations

import os
import re
import tempfile
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from ..document import ProjectDocument, dumps, revision
from ..errors import WorkbookError
from ..plan import compute
from ..store import default_mode
from . import layout as L
from . import style
from .cells import json_escaped, put, put_number, put_text, put_value

CHUNK = 30000
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\'\x00-\x1f\x7f-\x9f]")


def _abs(ws, coord: str) -> str:
    col, row = re.match(r"([A-Z]+)(\d+)", coord).groups()
    return f"{quote_sheetname(ws.title)}!${col}${row}"


def _local_name(ws, key: str, coord: str) -> None:
    ws.defined_names[L.name_for(key)] = DefinedName(L.name_for(key), attr_text=_abs(ws, coord))


def sheet_title(name: str, taken: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("_", name or "项目").strip() or "项目"
    base = base[:28]
    title, n = base, 2
    while title.lower() in {t.lower() for t in taken}:
        title, n = f"{base}({n})", n + 1
    taken.add(title)
    return title


def _row_height(text: str | None, chars_per_line: int = 58) -> float:
    if not text:
        return 18
    lines = sum(max(1, -(-len(p) // chars_per_line)) for p in text.split("\n"))
    return min(409, 16 * lines + 4)


def _label(ws, coord: str, text: str) -> None:
    c = ws[coord]
    c.value = text
    c.font, c.fill, c.border, c.alignment = style.LABEL, style.LABEL_FILL, style.BOX, style.CENTER


def _value_box(ws, rng: str) -> None:
    for row in ws[rng]:
        for c in row:
            c.border = style.BOX
            c.font = style.BODY
            c.alignment = style.WRAP


def _text_row(ws, r: int, label: str, key: str, value: str | None) -> None:
    """A label in A and a wrapped text value across B:I, named for its field."""
    _label(ws, f"A{r}", label)
    ws.merge_cells(f"B{r}:I{r}")
    put_text(ws[f"B{r}"], value)
    _value_box(ws, f"B{r}:I{r}")
    ws.row_dimensions[r].height = _row_height(value)
    _local_name(ws, key, f"B{r}")


def _section(ws, row: int, text: str) -> None:
    ws.merge_cells(f"A{row}:I{row}")
    c = ws[f"A{row}"]
    c.value, c.font, c.fill = text, style.SECTION, style.HEADER_FILL


def _table(ws, top: int, headers: list[str], rows: list[list], name: str, key: str,
           kinds: list[str], widths_from: int = 1) -> int:
    """An Excel table (ListObject) with a header row at `top`; returns the last row used."""
    for j, h in enumerate(headers):
        c = ws.cell(top, widths_from + j, h)
        c.font, c.fill, c.border, c.alignment = style.LABEL, style.HEADER_FILL, style.BOX, style.CENTER
    body = rows or [[None] * len(headers)]
    for i, values in enumerate(body, 1):
        for j, (value, kind) in enumerate(zip(values, kinds, strict=False)):
            c = ws.cell(top + i, widths_from + j)
            if kind == "money":
                put(c, "money", value)
            elif kind == "number":
                put_number(c, value)
            elif kind == "pct":
                put_number(c, value, style.PCT_FMT)
            elif kind == "computed_money":
                put_number(c, value, style.MONEY_FMT)
            else:
                put_text(c, value)
            c.border, c.font = style.BOX, style.BODY
            c.alignment = style.WRAP
            if kind.startswith("computed") or kind == "pct":
                c.fill = style.COMPUTED_FILL
    last = top + len(body)
    ref = f"{get_column_letter(widths_from)}{top}:{get_column_letter(widths_from + len(headers) - 1)}{last}"
    t = Table(displayName=name, ref=ref)
    t.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(t)
    _local_name(ws, key, f"{get_column_letter(widths_from)}{top}")
    return last


def plan_rows(doc: ProjectDocument, figures, tolerance: Decimal) -> list[list]:
    """The plan table: the typed columns, then the computed share, cumulative and 核对."""
    rows = []
    for p, f in zip(doc.plan, figures.periods, strict=True):
        check = {None: "", True: "一致", False: "不一致"}[f.agrees(tolerance)]
        rows.append([
            p.start_month, p.end_month, p.amount,
            None if p.stated_percent is None else Decimal(p.stated_percent),
            L.BASIS_ZH.get(p.percent_basis or ""),
            _round(f.share), _round(f.cumulative_amount), _round(f.cumulative_share), check,
        ])
    return rows


def _round(v: Decimal | None) -> Decimal | None:
    return None if v is None else v.quantize(Decimal("0.01"))


def quarter_rows(figures) -> list[list]:
    if not figures.quarters:
        return [[f"Q{q}", None, None, None, 25 * q] for q in range(1, 5)]
    return [[f"Q{q.quarter}", _round(q.amount), _round(q.cumulative_amount), _round(q.cumulative_share),
             25 * q.quarter] for q in figures.quarters]


def add_plan_chart(ws, q_top: int) -> None:
    """The cumulative spending curve against the even-spending line, next to the quarters."""
    chart = LineChart()
    chart.title = "累计支出进度"
    chart.y_axis.title = "%"
    chart.height, chart.width = 6.5, 11
    data = Reference(ws, min_col=4, max_col=5, min_row=q_top, max_row=q_top + 4)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=q_top + 1, max_row=q_top + 4))
    ws.add_chart(chart, f"F{q_top}")


def restore_charts(wb) -> None:
    """openpyxl drops charts when it loads a file: put ours back on every project sheet."""
    for ws in wb.worksheets:
        dn = ws.defined_names.get(L.name_for("quarters"))
        if dn is not None and not ws._charts:
            m = re.search(r"\$(\d+)$", dn.attr_text)
            if m:
                add_plan_chart(ws, int(m.group(1)))


def build_project_sheet(wb, ws, doc: ProjectDocument, index: int, profile) -> None:
    """Lay out one project like the official table. Cells are named (sheet scope)."""
    for col, width in style.COL_WIDTHS.items():
        ws.column_dimensions[col].width = width
    ws.merge_cells("A1:I1")
    put_text(ws["A1"], f"{doc.unit_name or ''}支出项目绩效目标表")
    ws["A1"].font, ws["A1"].alignment = style.TITLE, style.CENTER
    ws.row_dimensions[1].height = 30
    _local_name(ws, "unit_name", "A1")
    ws.merge_cells("A2:I2")
    ws["A2"].value = f"（{doc.year}年）"
    ws["A2"].alignment = style.CENTER
    _local_name(ws, "year", "A2")
    r = 3
    for row in L.FACT_ROWS:
        if len(row) == 1:
            label, key, kind = row[0]
            _label(ws, f"A{r}", label)
            ws.merge_cells(f"B{r}:I{r}")
            put(ws[f"B{r}"], kind, getattr(doc, key))
            _value_box(ws, f"B{r}:I{r}")
            _local_name(ws, key, f"B{r}")
        else:
            (l1, k1, t1), (l2, k2, t2) = row
            _label(ws, f"A{r}", l1)
            ws.merge_cells(f"B{r}:D{r}")
            put(ws[f"B{r}"], t1, getattr(doc, k1))
            _value_box(ws, f"B{r}:D{r}")
            _local_name(ws, k1, f"B{r}")
            ws.merge_cells(f"E{r}:F{r}")
            _label(ws, f"E{r}", l2)
            ws.merge_cells(f"G{r}:I{r}")
            put(ws[f"G{r}"], t2, getattr(doc, k2))
            _value_box(ws, f"G{r}:I{r}")
            _local_name(ws, k2, f"G{r}")
        r += 1
    _section(ws, r, "项目详细信息")
    r += 1
    for label, key in L.NARRATIVE_ROWS:
        _text_row(ws, r, label, key, getattr(doc, key))
        r += 1
    _section(ws, r, "项目构成")
    r += 1
    comp = [[c.item, c.amount] for c in doc.composition]
    r = _table(ws, r, L.COMPOSITION_HEADERS, comp, L.table_name(index, "composition"), "composition",
               ["text", "money"]) + 2
    _text_row(ws, r, *L.REMARK, doc.remark)
    r += 2
    _section(ws, r, "项目实施计划分期（金额、写明比例可修改；绿色为计算值）")
    r += 1
    figures = compute(doc)
    r = _table(ws, r, L.PLAN_HEADERS, plan_rows(doc, figures, profile.plan_percent_points),
               L.table_name(index, "plan"), "plan",
               ["number", "number", "money", "number", "text", "pct", "computed_money", "pct", "computed"]) + 2
    q_top = r
    _table(ws, r, L.QUARTER_HEADERS, quarter_rows(figures), L.table_name(index, "quarters"), "quarters",
           ["text", "computed_money", "computed_money", "pct", "pct"])
    add_plan_chart(ws, q_top)
    r = q_top + 14
    _section(ws, r, "项目绩效目标")
    r += 1
    for label, key in L.GOAL_ROWS:
        _text_row(ws, r, label, key, getattr(doc, key))
        r += 1
    r += 1
    inds = [[i.level1, i.level2, i.name, i.target] for i in doc.indicators]
    top = r
    last = _table(ws, r, L.INDICATOR_HEADERS, inds, L.table_name(index, "indicators"), "indicators",
                  ["text"] * 4)
    _validations(ws, doc, top, last, profile)
    ws.print_area = f"A1:I{last}"
    style.print_a4(ws, "portrait", "1:2")
    ws.freeze_panes = "A3"


def _validations(ws, doc, top: int, last: int, profile) -> None:
    spare = last + 200  # rows a user may add to the indicator table
    fund = DataValidation(type="list", formula1="=XS_FUND_USE", allow_blank=True,
                          error="请从列表中选择资金用途", errorTitle="资金用途", showErrorMessage=True)
    ws.add_data_validation(fund)
    fund.add(ws.defined_names[L.name_for("fund_use")].attr_text.rsplit("!", 1)[1].replace("$", ""))
    l1 = DataValidation(type="list", formula1="=XS_LEVEL1", allow_blank=True, showErrorMessage=False)
    l2 = DataValidation(type="list", formula1=f'=INDIRECT("XS_L2_"&MATCH($A{top + 1},XS_LEVEL1,0))',
                        allow_blank=True, showErrorMessage=False)
    ws.add_data_validation(l1)
    ws.add_data_validation(l2)
    l1.add(f"A{top + 1}:A{spare}")
    l2.add(f"B{top + 1}:B{spare}")
    months = DataValidation(type="whole", operator="between", formula1="1", formula2="12",
                            allow_blank=True, error="月份应为 1 到 12", showErrorMessage=True)
    ws.add_data_validation(months)
    plan_top = int(re.search(r"\$(\d+)$", ws.defined_names[L.name_for("plan")].attr_text).group(1))
    months.add(f"A{plan_top + 1}:B{plan_top + 60}")
    for key in ("start_date", "end_date"):
        dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True,
                            error="请输入日期，例如 2020-01-01", showErrorMessage=True)
        ws.add_data_validation(dv)
        dv.add(ws.defined_names[L.name_for(key)].attr_text.rsplit("!", 1)[1].replace("$", ""))


def _lists_sheet(wb, profile) -> None:
    ws = wb.create_sheet(L.LISTS_SHEET)
    ws.sheet_state = "hidden"
    put_text(ws["A1"], "资金用途")
    for i, v in enumerate(profile.fund_use, 2):
        put_text(ws.cell(i, 1), v)
    n = max(len(profile.fund_use), 1)
    wb.defined_names["XS_FUND_USE"] = DefinedName("XS_FUND_USE", attr_text=f"{L.LISTS_SHEET}!$A$2:$A${n + 1}")
    put_text(ws["B1"], "一级指标")
    for i, l1 in enumerate(profile.level1, 2):
        put_text(ws.cell(i, 2), l1)
    m = len(profile.level1)
    wb.defined_names["XS_LEVEL1"] = DefinedName("XS_LEVEL1", attr_text=f"{L.LISTS_SHEET}!$B$2:$B${m + 1}")
    for j, (l1, l2s) in enumerate(profile.level1.items(), 1):
        col = get_column_letter(2 + j)
        put_text(ws[f"{col}1"], l1)
        for i, l2 in enumerate(l2s, 2):
            put_text(ws[f"{col}{i}"], l2)
        wb.defined_names[f"XS_L2_{j}"] = DefinedName(
            f"XS_L2_{j}", attr_text=f"{L.LISTS_SHEET}!${col}$2:${col}${max(len(l2s), 1) + 1}")
    put_text(ws["A20"], "规则")
    put_text(ws["B20"], profile.name)


def meta_rows(entries: list[tuple[str, ProjectDocument]], unit_code, year) -> list[list]:
    """The hidden metadata: for each project sheet, the id, revision and content it shows."""
    rows: list[list] = [[L.MARKER, L.FORMAT_VERSION], ["unit_code", unit_code], ["year", year], [],
                        ["sheet", "id", "base_rev", "base_json"]]
    for title, doc in entries:
        raw = json_escaped(dumps(doc).decode("utf-8"))  # the base stays exact in a cell
        rows.append([title, doc.id, revision(doc)] + [raw[j : j + CHUNK] for j in range(0, len(raw), CHUNK)])
    return rows


def write_meta(wb, entries: list[tuple[str, ProjectDocument]], unit_code, year) -> None:
    if L.META_SHEET in wb.sheetnames:
        del wb[L.META_SHEET]
    ws = wb.create_sheet(L.META_SHEET)
    ws.sheet_state = "veryHidden"
    for i, row in enumerate(meta_rows(entries, unit_code, year), 1):
        for j, value in enumerate(row, 1):
            if isinstance(value, int):
                ws.cell(i, j, value)
            else:
                put_text(ws.cell(i, j), value)


def index_sheet(wb, ws, entries, unit_code, unit_name, year, store: str | None, status=None) -> None:
    status = status or {}
    for col, width in {"A": 6, "B": 40, "C": 26, "D": 18, "E": 18, "F": 16, "G": 30}.items():
        ws.column_dimensions[col].width = width
    ws.merge_cells("A1:G1")
    put_text(ws["A1"], f"{unit_name or unit_code} {year}年 项目支出绩效目标表")
    ws["A1"].font, ws["A1"].alignment = style.TITLE, style.CENTER
    for r, (label, value) in enumerate(
        [("单位编码", unit_code), ("单位名称", unit_name), ("预算年度", str(year)), ("存储位置", store)], 2
    ):
        ws.merge_cells(f"A{r}:B{r}")
        _label(ws, f"A{r}", label)
        put_text(ws[f"C{r}"], value)
        ws[f"C{r}"].border = style.BOX
    wb.defined_names["XS_STORE"] = DefinedName("XS_STORE", attr_text=f"{quote_sheetname(ws.title)}!$C$5")
    wb.defined_names["XS_UNIT_CODE"] = DefinedName("XS_UNIT_CODE", attr_text=f"{quote_sheetname(ws.title)}!$C$2")
    headers = ["序号", "项目名称", "项目编号", "项目总金额（元）", "本年度金额（元）", "状态", "工作表"]
    top = 7
    rows = [[i, doc.name, doc.id, doc.total_amount, doc.year_amount, status.get(doc.id, "未校验"), title]
            for i, (title, doc) in enumerate(entries, 1)]
    _table(ws, top, headers, rows, "xs_index", "index",
           ["number", "text", "text", "money", "money", "text", "text"])
    for i, (title, _doc) in enumerate(entries, 1):
        c = ws.cell(top + i, 2)
        c.hyperlink = f"#{quote_sheetname(title)}!A1"
        c.font = style.LINK
    ws.freeze_panes = f"A{top + 1}"
    style.print_a4(ws, "landscape", f"{top}:{top}")


def write_workbook(docs: list[ProjectDocument], path: str | Path, profile, store: str | None = None) -> Path:
    """A new unit-year workbook for the documents (all of one unit and year)."""
    path = Path(path)
    if not docs:
        raise WorkbookError("没有可导出的项目", None)
    units = {(d.unit_code, d.year) for d in docs}
    if len(units) > 1:
        raise WorkbookError(f"一个工作簿只放一个单位一个年度的项目，得到: {sorted(units)}")
    unit_code, year = next(iter(units))
    wb = Workbook()
    wb.remove(wb.active)
    index = wb.create_sheet(L.INDEX_SHEET)
    taken = {L.INDEX_SHEET, L.META_SHEET, L.LISTS_SHEET, L.FINDINGS_SHEET}
    entries = []
    for i, doc in enumerate(sorted(docs, key=lambda d: d.id), 1):
        ws = wb.create_sheet(sheet_title(doc.name, taken))
        build_project_sheet(wb, ws, doc, i, profile)
        entries.append((ws.title, doc))
    index_sheet(wb, index, entries, unit_code, docs[0].unit_name, year, store)
    _lists_sheet(wb, profile)
    write_meta(wb, entries, unit_code, year)
    wb.active = 0
    save_atomic(wb, path)
    return path


def save_atomic(wb, path: Path) -> None:
    """Save next to the target and rename over it: the user's file is never half-written.
    An .xlsm comes out with xlsync's macros and ribbon (see macrobook)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        if path.suffix.lower() == ".xlsm":
            from .macrobook import make_macro_workbook

            make_macro_workbook(tmp)
        os.chmod(tmp, default_mode())
        os.replace(tmp, path)
    except PermissionError:
        Path(tmp).unlink(missing_ok=True)
        raise WorkbookError(f"无法写入 {path}：文件可能正在 Excel 中打开，请关闭后重试") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def meta_json(ws_meta) -> dict[str, tuple[str, str, str]]:
    """sheet title → (id, base revision, base JSON) from the hidden metadata sheet."""
    out = {}
    for row in ws_meta.iter_rows(min_row=6, values_only=True):
        if not row or not row[0]:
            continue
        chunks = "".join(str(c) for c in row[3:] if c)
        out[str(row[0])] = (str(row[1] or ""), str(row[2] or ""), chunks)
    return out



def update_in_place(ws, doc: ProjectDocument, tolerance: Decimal) -> bool:
    """Write a document into an existing project sheet, keeping its formatting. False when it
    does not fit (a list is longer than its table): the caller then rebuilds the sheet."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    from .fill import document_blocks
    from .reader import named_cells, table_capacity

    cells = named_cells(ws)
    capacity = table_capacity(ws, cells)
    lengths = {"composition": len(doc.composition), "plan": len(doc.plan), "indicators": len(doc.indicators)}
    if capacity is None or any(lengths[k] > capacity[k] for k in lengths):
        return False
    for coord, rows in document_blocks(doc, cells, capacity, tolerance):
        col, row = coordinate_from_string(coord)
        c0 = column_index_from_string(col)
        for i, values in enumerate(rows):
            for j, value in enumerate(values):
                # the user's styles and number formats stay; text stays text ('=100%' is no formula)
                put_value(ws.cell(row + i, c0 + j), value)
    return True


def update_workbook(path: str | Path, projects: list[tuple[str | None, ProjectDocument, ProjectDocument, bool]],
                    profile) -> None:
    """Rebuild project sheets in an existing workbook, keeping its other sheets.

    projects: (sheet title or None for a new sheet, document to show, base document for the
    hidden metadata, whether the sheet must be rebuilt). The 目录 and metadata are rewritten.
    Saved atomically.
    """
    path = Path(path)
    wb = load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
    used = {int(m.group(1)) for ws in wb.worksheets for t in ws.tables
            if (m := re.match(r"xs(\d{3})_", t))}
    next_index = max(used, default=0) + 1
    taken = set(wb.sheetnames) | {L.INDEX_SHEET, L.META_SHEET, L.LISTS_SHEET, L.FINDINGS_SHEET}
    entries, shown = [], []
    for title, doc, base, rebuild in projects:
        if title and title in wb.sheetnames:
            if rebuild and not update_in_place(wb[title], doc, profile.plan_percent_points):
                pos = wb.sheetnames.index(title)
                del wb[title]
                ws = wb.create_sheet(title, pos)
                build_project_sheet(wb, ws, doc, next_index, profile)
                next_index += 1
        else:
            ws = wb.create_sheet(sheet_title(doc.name, taken))
            build_project_sheet(wb, ws, doc, next_index, profile)
            next_index += 1
            title = ws.title
        entries.append((title, base))
        shown.append((title, doc))
    unit_code, year = shown[0][1].unit_code, shown[0][1].year
    store = None
    if L.INDEX_SHEET in wb.sheetnames:
        store = wb[L.INDEX_SHEET]["C5"].value
        del wb[L.INDEX_SHEET]
    index = wb.create_sheet(L.INDEX_SHEET, 0)
    index_sheet(wb, index, shown, unit_code, shown[0][1].unit_name, year, store)
    if L.LISTS_SHEET not in wb.sheetnames:
        _lists_sheet(wb, profile)
    restore_charts(wb)
    write_meta(wb, entries, unit_code, year)
    wb.active = 0
    save_atomic(wb, path)
