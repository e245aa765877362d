"""Plain-text reports for the terminal (Chinese for finance users, codes in English)."""

from __future__ import annotations

STATUS_ZH = {
    "new": "新增",
    "updated": "已更新",
    "unchanged": "未变",
    "failed": "未导入",
    "would-write": "将新增",
    "would-update": "将更新",
}


def render_import_report(report) -> str:
    lines = []
    for err in report.file_errors:
        lines.append(f"错误 (error): {err}")
    if report.file_errors:
        lines.append("未写入任何内容 (nothing written).")
        return "\n".join(lines)
    for note in report.file_notes:
        lines.append(str(note))
    for o in report.outcomes:
        doc = o.table.document
        head = f"[{STATUS_ZH.get(o.status, o.status)}] {o.table.file}:{o.table.first_line}"
        if doc:
            head += f"  {doc.id}  {doc.unit_code}  {doc.name}  ({len(doc.indicators)} 个指标)"
        lines.append(head)
        for note in o.table.notes:
            line = f"line {note.line}" if note.line else ""
            lines.append(f"    {line:>9}  [{note.level}] {note.code}: {note.message}")
    counts: dict[str, int] = {}
    for o in report.outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    summary = ", ".join(f"{STATUS_ZH.get(k, k)} {v}" for k, v in counts.items())
    lines.append(f"共 {len(report.outcomes)} 张表: {summary}")
    return "\n".join(lines)


def render_plan(doc, figures, findings) -> str:
    """One project's plan: periods computed vs stated, the quarterly schedule, findings."""
    from .findings import field_zh
    from .plan import pct, yuan

    lines = [f"■ {doc.unit_code}  {doc.name}  ({doc.id})  本年度金额 {doc.year_amount or '-'} 元"]
    if not figures.periods:
        lines.append("  实施计划没有可识别的时间段")
    else:
        lines.append(f"  {'时间段':<8}{'金额(元)':>14}{'占比%':>9}{'累计(元)':>14}{'累计%':>9}{'写明%':>8}  口径")
        for p in figures.periods:
            basis = {"share": "本期", "cumulative": "累计"}.get(p.percent_basis or "", "")
            stated = f"{p.stated_percent}" if p.stated_percent is not None else "-"
            lines.append(
                f"  {p.label:<8}{yuan(p.amount) or '-':>14}{pct(p.share) or '-':>9}"
                f"{yuan(p.cumulative_amount) or '-':>14}{pct(p.cumulative_share) or '-':>9}{stated:>8}  {basis}"
            )
        if figures.total is not None:
            lines.append(f"  {'合计':<8}{yuan(figures.total):>14}{pct(figures.total_share) or '-':>9}")
    if figures.quarters:
        lines.append("  季度  " + "  ".join(
            f"Q{q.quarter} {yuan(q.amount)} (累计 {pct(q.cumulative_share) or '-'}%)" for q in figures.quarters))
    for f in findings:
        tag = "错误" if f.severity == "error" else "警告"
        lines.append(f"  [{tag}] {f.code} {field_zh(f.field)}: {f.message}")
    return "\n".join(lines)


SYNC_ZH = {"new": "新增", "updated": "已更新", "unchanged": "未变", "conflict": "冲突"}


def _short(value, width: int = 60) -> str:
    text = "（空）" if value in (None, "", []) else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def render_sync(report, dry_run: bool = False) -> str:
    from .findings import field_zh

    ours, theirs = ("工作簿", "存储") if report.direction == "push" else ("存储", "工作簿")
    lines = [f"注意: {n}" for n in report.notes]
    for c in report.changes:
        lines.append(f"[{SYNC_ZH.get(c.status, c.status)}] {c.sheet or '(新工作表)'}  {c.id}  {c.name}")
        m = c.merge
        if m and m.changed and c.status != "conflict":
            lines.append("    字段: " + "、".join(field_zh(f) for f in m.changed))
        for conflict in (m.conflicts if m else []):
            lines.append(f"    冲突 {field_zh(conflict.field)} ({conflict.field}):")
            lines.append(f"      导出时: {_short(conflict.base)}")
            lines.append(f"      {ours}: {_short(conflict.ours)}")
            lines.append(f"      {theirs}: {_short(conflict.theirs)}")
        for conflict in (m.forced if m else []):
            lines.append(f"    已强制覆盖 {field_zh(conflict.field)}（原值保留在历史中）")
    if report.conflicts:
        lines.append(f"有 {len(report.conflicts)} 个项目冲突，未做任何修改。可先拉取 (pull) 合并，或用 --force 覆盖。")
    elif dry_run:
        lines.append("试运行 (dry run)：未做任何修改。")
    return "\n".join(lines)


BOOK_ZH = {"written": "已写入", "unchanged": "未变", "conflict": "冲突", "failed": "失败", "would-write": "将写入"}


def render_batch(outcomes, dry_run: bool = False) -> str:
    """Each workbook's push/pull report, then one line per outcome kind: what was written is
    said, and a failed workbook is named with its reason."""
    lines = []
    for o in outcomes:
        lines.append(f"== {o.book}  [{BOOK_ZH.get(o.status, o.status)}]")
        if o.report is not None:
            lines.append(render_sync(o.report, dry_run))
        if o.error:
            lines.append(f"错误 (error): {o.error}")
            lines.append("此工作簿未做任何修改。")
    if len(outcomes) > 1 or any(o.status == "failed" for o in outcomes):
        counts = {k: sum(o.status == k for o in outcomes) for k in BOOK_ZH}
        summary = "，".join(f"{BOOK_ZH[k]} {n}" for k, n in counts.items() if n)
        lines.append(f"合计 {len(outcomes)} 个工作簿：{summary}")
    return "\n".join(line for line in lines if line)
