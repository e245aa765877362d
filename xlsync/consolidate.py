"""Many units' projects → one summary workbook (and optionally one store)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from .document import ProjectDocument
from .plan import compute


def summary_rows(docs: list[ProjectDocument], findings) -> dict[str, list[list]]:
    """The tables of the summary: projects, units, quarters, indicators."""
    counts: dict[str, list[int]] = {}
    for f in findings:
        counts.setdefault(f.project_id, [0, 0])[0 if f.severity == "error" else 1] += 1
    projects, units, quarters, indicators = [], {}, [], []
    for d in sorted(docs, key=lambda d: (d.unit_code or "", d.id)):
        fig = compute(d)
        e, w = counts.get(d.id, [0, 0])
        projects.append([d.unit_code, d.unit_name, d.name, d.fund_use, d.total_amount, d.year_amount,
                         None if fig.total is None else f"{fig.total:.2f}", len(d.indicators), e, w, d.id])
        u = units.setdefault(d.unit_code, [d.unit_code, d.unit_name, 0, Decimal(0), Decimal(0), 0, 0])
        u[2] += 1
        u[3] += Decimal(d.total_amount or 0)
        u[4] += Decimal(d.year_amount or 0)
        u[5] += e
        u[6] += w
        row = [d.unit_code, d.name]
        for q in fig.quarters or []:
            row.append(f"{q.amount:.2f}")
        quarters.append(row + [None] * (6 - len(row)))
        for i in d.indicators:
            indicators.append([d.unit_code, d.name, i.level1, i.level2, i.name, i.target])
    unit_rows = [[c, n, k, f"{t:.2f}", f"{y:.2f}", e, w] for c, n, k, t, y, e, w in units.values()]
    total = [["合计", None, sum(r[2] for r in unit_rows), f"{sum(Decimal(r[3]) for r in unit_rows):.2f}",
              f"{sum(Decimal(r[4]) for r in unit_rows):.2f}", sum(r[5] for r in unit_rows),
              sum(r[6] for r in unit_rows)]]
    return {"projects": projects, "units": unit_rows + total, "quarters": quarters, "indicators": indicators}


HEADERS = {
    "单位汇总": ("units", ["单位编码", "单位名称", "项目数", "项目总金额（元）", "本年度金额（元）", "错误", "警告"],
             [None, None, None, "money", "money", None, None]),
    "项目汇总": ("projects", ["单位编码", "单位名称", "项目名称", "资金用途", "项目总金额（元）", "本年度金额（元）",
                         "计划合计（元）", "指标数", "错误", "警告", "项目编号"],
             [None, None, None, None, "money", "money", "money", None, None, None, None]),
    "季度计划": ("quarters", ["单位编码", "项目名称", "一季度（元）", "二季度（元）", "三季度（元）", "四季度（元）"],
             [None, None, "money", "money", "money", "money"]),
    "绩效指标": ("indicators", ["单位编码", "项目名称", "一级指标", "二级指标", "三级指标", "目标值"], [None] * 6),
}


def write_summary(docs: list[ProjectDocument], findings, path: Path) -> Path:
    from openpyxl import Workbook

    from .workbook import style
    from .workbook.cells import put_money, put_text
    from .workbook.writer import save_atomic

    tables = summary_rows(docs, findings)
    wb = Workbook()
    wb.remove(wb.active)
    for title, (key, headers, kinds) in HEADERS.items():
        ws = wb.create_sheet(title)
        for j, h in enumerate(headers, 1):
            c = ws.cell(1, j, h)
            c.font, c.fill, c.border = style.LABEL, style.HEADER_FILL, style.BOX
            ws.column_dimensions[c.column_letter].width = 16 if j > 2 else 14
        for i, row in enumerate(tables[key], 2):
            for j, (v, kind) in enumerate(zip(row, kinds, strict=False), 1):
                c = ws.cell(i, j)
                if kind == "money":
                    put_money(c, v)
                elif isinstance(v, int):
                    c.value = v
                else:
                    put_text(c, v)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
    save_atomic(wb, Path(path))
    return Path(path)


def consolidate(store=None, books: list[Path] = (), profile=None, output: Path | None = None,
                into_store=None):
    """Documents from a store and/or unit workbooks → findings and a summary workbook."""
    from .validate import validate_documents
    from .workbook.reader import read_workbooks, readable_projects

    docs: dict[str, ProjectDocument] = {}
    contents, problems = read_workbooks(books)
    if store is not None:
        found, errors = store.documents()
        problems = errors + problems
        docs.update({d.id: d for d in found})
    for content in contents:
        docs.update({sp.document.id: sp.document for sp in readable_projects(content)})
    ordered = list(docs.values())
    findings = validate_documents(ordered, profile) if ordered else []
    if into_store is not None and ordered:
        into_store.put_many(ordered, action="consolidate")
    if output is not None:
        write_summary(ordered, findings, output)
    return ordered, findings, problems
