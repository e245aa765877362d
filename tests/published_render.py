"""Published tables rendered from facts into every file kind, with the layouts real bodies use.

A layout is a list of text lines (titles, the page text above a table) and tables; a table is
a dense grid of `Cell`s where a position inside a merged cell holds `SPAN` (covered from the
left) or `BELOW` (the lower part of a cell merged over rows, at its first column). The layouts:

- seed: the Zhengzhou 绩效目标表 (tests/tabletext.render) with each field's value merged to the
  row's end and the 一级/二级 cells of the indicator block merged down over their rows;
- national: a 申报表 with merged label cells (项目资金 over its funding rows, 绩效指标 over the
  indicator block), values merged across, 一级/二级 merged down;
- list: a 部门项目支出绩效目标表 of many projects, one row per indicator, the project's columns
  merged down over its rows.

Renderings: txt (what `blocks_to_text` gives for the same grid), docx (python-docx, merged
cells, ruled), xlsx (openpyxl, numbers as numbers, merged ranges), html (rowspan/colspan, a
declared charset), and through LibreOffice pdf (from the docx) and xls (from the xlsx).
"""

from __future__ import annotations

import html as _html
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from xlsync.published.files.astext import one_line

SPAN = "span"
BELOW = "below"


@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    number: str | None = None  # written as a number into workbooks


@dataclass
class Table:
    rows: list[list]  # Cell | SPAN | BELOW
    repeat_header: int | None = None  # the row Word repeats on each page (tblHeader)
    split_at: int | None = None  # Word: the table cut in two here, the header row repeated


Layout = list  # of str | Table

_NUMBER = re.compile(r"^-?\d+\.\d{2}$")


def _cell(text: str) -> Cell:
    return Cell(text, number=text if _NUMBER.match(text) else None)


def grid(rows: list[list[str]], *, across: set[int] = frozenset(), down: dict[int, set[int]] | None = None,
         label_down: list[tuple[int, int, int]] = ()) -> Table:
    """A dense grid from rows of texts (all rows padded to one width).

    across: rows whose value cell runs to the row's end (a non-empty cell followed only by
    empty cells takes them); down: row → columns whose empty cell is the lower part of the
    cell above; label_down: (row, col, rows) cells merged down over that many rows."""
    width = max(len(r) for r in rows)
    cells: list[list] = [[_cell(t) for t in r] + [_cell("") for _ in range(width - len(r))] for r in rows]
    for r, col, n in label_down:
        cells[r][col].rowspan = n
        for k in range(1, n):
            cells[r + k][col] = BELOW
    for r, cols in (down or {}).items():
        for c in sorted(cols):
            if isinstance(cells[r][c], Cell) and not cells[r][c].text:
                above = r - 1
                while cells[above][c] == BELOW:
                    above -= 1
                cells[above][c].rowspan += 1
                cells[r][c] = BELOW
    for r in across:
        row = cells[r]
        last = max((c for c, x in enumerate(row) if isinstance(x, Cell) and x.text), default=None)
        if last is None or any(x == BELOW for x in row[last:]):
            continue
        row[last].colspan = width - last
        for c in range(last + 1, width):
            row[c] = SPAN
    return Table(cells)


# -- layouts from facts ----------------------------------------------------------------------
def _plain(text: str) -> str:
    """tabletext's <p> paragraphs as lines."""
    return "\n".join(p for p in re.split(r"</?p>", text) if p) if "<p>" in text else text


def seed_layout(doc) -> Layout:
    import tabletext

    out: Layout = []
    rows: list[list[str]] = []
    for line in tabletext.render(doc).splitlines():
        if "\t" in line:
            rows.append([_plain(c) for c in line.split("\t")])
        elif line.strip():
            out.append(line.removeprefix("## "))
    head = next(k for k, r in enumerate(rows) if r[0] == "一级指标")
    down = {}
    for r in range(head + 1, len(rows)):
        cols = {0} if not rows[r][0] else set()
        if not rows[r][0] and not rows[r][1]:
            cols.add(1)
        down[r] = cols
    out.append(grid(rows, across=set(range(head)), down=down))
    return out


def _wan(amount: str | None) -> str:
    if amount is None:
        return ""
    return f"{Decimal(amount) / 10000:f}".rstrip("0").rstrip(".") if "." in f"{Decimal(amount) / 10000:f}" \
        else f"{Decimal(amount) / 10000:f}"


def national_layout(doc, year_line: bool = True) -> Layout:
    d = doc.model_dump(mode="json")
    v = lambda x: "" if x is None else str(x)  # noqa: E731
    out: Layout = ["项目支出绩效目标申报表"]
    if year_line and d["year"]:
        out.append(f"（{d['year']}年度）")
    pairs = [("项目名称", d["name"]), ("主管部门", d["department_name"]), ("主管部门编码", d["department_code"]),
             ("预算单位", d["unit_name"]), ("单位编码", d["unit_code"]), ("项目属性", d["project_attribute"]),
             ("项目负责人", d["owner"]), ("联系电话", d["phone"])]
    if d["start_date"] and d["end_date"]:
        s, e = d["start_date"], d["end_date"]
        pairs.append(("项目期", f"{s[:4]}年{int(s[5:7])}月-{e[:4]}年{int(e[5:7])}月"))
    pairs = [(label, value) for label, value in pairs if value]  # an empty value: the pair left out
    rows = [["项目名称", v(d["name"])]] if d["name"] else []
    rest = [p for p in pairs if p[0] != "项目名称"]
    rows += [[a, b, *(c if c else ())] for (a, b), c in zip(rest[::2], [*rest[1::2], None], strict=False)]
    money_at = len(rows)
    rows.append(["项目资金（万元）", "年度资金总额：", _wan(d["year_amount"])])
    for k, f in enumerate(d["funding"]):
        rows.append(["", f"其中：{f['source']}" if k == 0 else f["source"], _wan(f["year_amount"])])
    goals_at = len(rows)
    rows.append(["总体目标", "实施期目标", v(d["overall_goal"])])
    rows.append(["", "年度目标", v(d["annual_goal"])])
    ind_at = len(rows)
    weights = any(i["weight"] for i in d["indicators"])
    notes = any(i["note"] for i in d["indicators"])
    rows.append(["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"] + (["备注"] if notes else [])
                + (["分值"] if weights else []))
    prev = (None, None)
    for i in d["indicators"]:
        l1 = "" if i["level1"] == prev[0] else v(i["level1"])
        l2 = "" if (i["level1"], i["level2"]) == prev else v(i["level2"])
        prev = (i["level1"], i["level2"])
        rows.append(["", l1, l2, v(i["name"]), v(i["target"])] + ([v(i["note"])] if notes else [])
                    + ([v(i["weight"])] if weights else []))
    n_ind = len(rows) - ind_at
    table = grid(rows, across=set(range(money_at)) | {goals_at, goals_at + 1},
                 down={r: {1, 2} if not rows[r][1] else set() for r in range(ind_at + 1, len(rows))},
                 label_down=[(money_at, 0, 1 + len(d["funding"])), (goals_at, 0, 2), (ind_at, 0, n_ind)])
    out.append(table)
    return out


LIST_HEADER = ["单位名称", "项目名称", "年度目标", "一级指标", "二级指标", "三级指标", "指标值"]


def list_layout(docs, title: str = "部门项目支出绩效目标表", repeat_header: bool = True) -> Layout:
    """Many projects in one sheet, one row per indicator, the project's cells merged down."""
    rows = [LIST_HEADER]
    spans = []
    for d in docs:
        first = len(rows)
        for k, i in enumerate(d.indicators):
            lead = [d.unit_name or "", d.name, d.annual_goal or ""] if k == 0 else ["", "", ""]
            rows.append(lead + [i.level1 or "", i.level2 or "", i.name or "", i.target or ""])
        spans.append((first, len(rows) - first))
    t = grid(rows, label_down=[(r, c, n) for r, n in spans for c in (0, 1, 2) if n > 1])
    t.repeat_header = 0 if repeat_header else None
    year = docs[0].year if docs else None
    return [f"{year}年{title}" if year else title, "单位：万元", t]


# -- renderings ----------------------------------------------------------------------------
def to_text(layout: Layout) -> str:
    lines = []
    for item in layout:
        if isinstance(item, str):
            lines.append(item)
            continue
        for row in item.rows:
            cells = ["" if x == BELOW else one_line(x.text) for x in row if x != SPAN]
            while cells and not cells[-1]:
                cells.pop()
            lines.append(" | ".join(cells))
    return "\n".join(lines) + "\n"


def to_docx(layout: Layout, path: Path, ruled: bool = True) -> Path:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    for item in layout:
        if isinstance(item, str):
            document.add_paragraph(item)
            continue
        parts = [item.rows] if item.split_at is None else [item.rows[: item.split_at],
                                                            [item.rows[item.repeat_header or 0]] + item.rows[item.split_at:]]
        for k, rows in enumerate(parts):
            if k:
                document.add_page_break()
                body = document.element.body
                body.remove(body[-2])  # Word's page break paragraph: the tables meet across the break
            _docx_table(document, rows, item, qn, OxmlElement, ruled)
    document.save(path)
    return path


def _docx_table(document, rows, item: Table, qn, OxmlElement, ruled: bool = True) -> None:
    """The table written cell by cell as Word's XML: gridSpan for a cell merged across,
    vMerge restart/continue for one merged down (python-docx's merge() is quadratic)."""
    from docx.table import _Cell

    width = len(rows[0])
    t = document.add_table(rows=0, cols=width)
    if ruled:
        t.style = "Table Grid"
    owner_span: dict[int, int] = {}  # col → colspan of the cell merged down over it
    for r, row in enumerate(rows):
        tr = t._tbl.add_tr()
        tr_pr = tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))  # a row is never cut by a page break
        if item.repeat_header is not None and r == (item.repeat_header if rows is item.rows else 0):
            el = OxmlElement("w:tblHeader")
            el.set(qn("w:val"), "true")
            tr_pr.append(el)
        for c, x in enumerate(row):
            if x == SPAN:
                continue
            tc = tr.add_tc()
            tc_pr = tc.get_or_add_tcPr()
            span = x.colspan if isinstance(x, Cell) else owner_span.get(c, 1)
            if span > 1:
                gs = OxmlElement("w:gridSpan")
                gs.set(qn("w:val"), str(span))
                tc_pr.append(gs)
            if x == BELOW or x.rowspan > 1:
                vm = OxmlElement("w:vMerge")
                if x != BELOW:
                    vm.set(qn("w:val"), "restart")
                    owner_span[c] = span
                tc_pr.append(vm)
            cell = _Cell(tc, t)
            lines = x.text.split("\n") if isinstance(x, Cell) else [""]
            cell.paragraphs[0].text = lines[0]
            for more in lines[1:]:
                cell.add_paragraph(more)


def to_xlsx(layout: Layout, path: Path, sheet: str = "Sheet1") -> Path:
    return to_xlsx_sheets([(sheet, layout)], path)


def to_xlsx_sheets(sheets: list[tuple[str, Layout]], path: Path) -> Path:
    """One sheet per layout (text lines in column A above each table)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, layout in sheets:
        _sheet(wb.create_sheet(name), layout)
    wb.save(path)
    return path


def _sheet(ws, layout: Layout) -> None:
    r0 = 1
    for item in layout:
        if isinstance(item, str):
            ws.cell(r0, 1, item)
            r0 += 1
            continue
        for r, row in enumerate(item.rows):
            for c, x in enumerate(row):
                if not isinstance(x, Cell):
                    continue
                value = Decimal(x.number) if x.number else (x.text or None)
                cell = ws.cell(r0 + r, c + 1, value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # '=100%' is a target written as text, not a formula
                if x.number:
                    cell.number_format = "0.00"
                if x.rowspan > 1 or x.colspan > 1:
                    ws.merge_cells(start_row=r0 + r, start_column=c + 1,
                                   end_row=r0 + r + x.rowspan - 1, end_column=c + x.colspan)
        r0 += len(item.rows)


def to_html(layout: Layout, path: Path, encoding: str = "utf-8", declare: bool = True) -> Path:
    e = _html.escape
    out = ["<!DOCTYPE html>", "<html><head>"]
    if declare:
        out.append(f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">')
    title = next((x for x in layout if isinstance(x, str)), "")
    out.append(f"<title>{e(title)}</title></head><body><div class='article'>")
    first = True
    for item in layout:
        if isinstance(item, str):
            out.append(f"<h2>{e(item)}</h2>" if first else f"<p>{e(item)}</p>")
            first = False
            continue
        out.append('<table border="1" cellspacing="0">')
        for row in item.rows:
            tds = []
            for x in row:
                if not isinstance(x, Cell):
                    continue
                attrs = (f' rowspan="{x.rowspan}"' if x.rowspan > 1 else "") + \
                        (f' colspan="{x.colspan}"' if x.colspan > 1 else "")
                body = "<br>".join(e(p) for p in x.text.split("\n"))
                tds.append(f"<td{attrs}>{body}</td>")
            out.append("<tr>" + "".join(tds) + "</tr>")
        out.append("</table>")
    out.append("</div></body></html>")
    Path(path).write_bytes("\n".join(out).encode(encoding, "xmlcharrefreplace"))  # as a page does
    return path
