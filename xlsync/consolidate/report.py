"""What `xlsync consolidate` prints: totals, what was written, conflicts and unreadable files."""

from __future__ import annotations

from ..findings import FIELD_ZH

PUSH_ZH = {"written": "已写入", "unchanged": "未变", "conflict": "冲突", "failed": "失败"}
LIMIT = 30


def render(result) -> tuple[str, str]:
    """(stdout text, stderr text)."""
    pic = result.picture
    errors = sum(f.severity == "error" for _r, f in pic.findings)
    warnings = sum(f.severity != "error" for _r, f in pic.findings)
    units = [u for u in pic.units if u.projects]
    missing = [u for u in pic.units if not u.projects]
    unknown = sum(r.year_amount is None for r in pic.records)
    if unknown == len(pic.records):  # no amount known: no total (never a 0.00 read as a real zero)
        total = f"本年度金额均未填（{unknown} 个项目）"
    else:
        total = f"本年度金额合计 {pic.total.year_amount:,.2f} 元" + (
            f"（另有 {unknown} 个项目未填金额，未计入）" if unknown else "")
    out = [f"已汇总 {pic.year or ''}{'年度 ' if pic.year else ''}{len(units)} 个单位、{len(pic.records)} 个项目，"
           f"{total}（{errors} 个错误，{warnings} 个警告）"]
    if missing:
        out.append(f"未报送 {len(missing)} 个单位: " + "、".join(u.unit_name or u.unit_code or "?" for u in missing))
    if pic.identical:
        out.append(f"相同的项目副本 {len(pic.identical)} 份，已只计一次")
    if pic.other_years:
        out.append(f"另有 {pic.other_years} 个其他年度的项目未计入（--year 选择年度）")
    for p in result.pushes:
        out.append(f"[{PUSH_ZH.get(p.status, p.status)}] {p.file}  {p.detail}")
    for path in result.outputs:
        out.append(f"已写入 (written): {path}")
    err = []
    for c in pic.conflicts[:LIMIT]:
        err.append(f"冲突 (conflict): {c.kind_zh}  {c.project_id}  {c.project_name or ''}  "
                   f"{FIELD_ZH.get(c.field, c.field)}: {_short(c.value_a)} ({c.source_a}) ≠ {_short(c.value_b)} ({c.source_b})")
    if len(pic.conflicts) > LIMIT:
        err.append(f"… 共 {len(pic.conflicts)} 处冲突，见汇总表“冲突”")
    for p in pic.problems[:LIMIT]:
        where = p.file or ""
        if p.sheet:
            where += f" [{p.sheet}{'!' + p.cell if p.cell else ''}]"
        err.append(f"错误 (error): {where}: {p.message}")
    if len(pic.problems) > LIMIT:
        err.append(f"… 共 {len(pic.problems)} 个无法读取的文件或单元格，见汇总表“校验”")
    return "\n".join(out), "\n".join(err)


def _short(value, width: int = 40) -> str:
    text = "(空)" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"
