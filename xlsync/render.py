"""Reports for the terminal: a short summary first (counts, what to do next), details on
request. Chinese for finance users, every message with its stable English code."""

from __future__ import annotations

from .findings import CODES, field_zh, sort_key
from .plan import pct
from .review import CLEARED_ZH, describe
from .review import field_zh as review_field_zh
from .term import counted, money, next_step, say, table

STATUS_ZH = {
    "new": "新增",
    "updated": "已更新",
    "unchanged": "未变",
    "failed": "未导入",
    "would-write": "将新增",
    "would-update": "将更新",
    "truncated": "被截断，未导入",
    "conflict": "冲突，未写入",
    "review": "待核对",
}
LEVEL_ZH = {"error": "错误", "warning": "警告", "info": "说明"}


def _tally(statuses) -> str:
    counts: dict[str, int] = {}
    for s in statuses:
        counts[s] = counts.get(s, 0) + 1
    return "，".join(f"{STATUS_ZH.get(k, k)} {v} ({k})" for k, v in counts.items())


# -- import-text ------------------------------------------------------------------------
def render_import_report(report, store=None) -> str:
    """Counts, one line per table, the notes that need a look (errors, warnings); the
    informational notes are counted (all of them are in --format json)."""
    file_errors = [f"错误 (error) [{err.code}]: {err}" for err in report.file_errors]
    if report.file_errors and not report.outcomes:
        file_errors.append(say("NOTHING_WRITTEN", "未写入任何内容：请改正上面的文件后重新运行 (nothing written)。"))
        return "\n".join(file_errors)
    outcomes = report.outcomes
    files = {o.table.file for o in outcomes}
    lines = [f"导入 (import-text)：{len(report.files)} 个文件，共 {len(outcomes)} 张表 — "
             f"{_tally(o.status for o in outcomes) or '无'}。"]
    lines.extend(file_errors)
    if file_errors:
        lines.append(say("FILES_SKIPPED", f"{len(file_errors)} 个文件未读取（见上）；其余文件照常导入。"))
    rows = []
    for o in outcomes:
        doc = o.table.document
        span = f"{o.table.first_line}-{o.table.last_line}" if o.table.last_line else o.table.first_line
        where = span if len(files) == 1 else f"{o.table.file}:{span}"
        rows.append([STATUS_ZH.get(o.status, o.status), (doc.unit_code or doc.unit_name) if doc else None,
                     doc.title if doc else None, doc.id if doc else None,
                     len(doc.indicators) if doc else None, o.table.form, where])
    if rows:
        lines.append(table(["状态", "单位", "项目名称", "项目编号 (id)", "指标数", "表单",
                            "行" if len(files) == 1 else "来源"], rows, right=[4], indent=2))
    conflicts = [o for o in outcomes if o.status == "conflict"]
    for o in conflicts:
        fields = "、".join(c.field for c in o.merge.conflicts)
        lines.append(say("SYNC_CONFLICT", f"{o.table.document.title}：文本与存储中后来的修改冲突（{fields}），"
                                          f"未写入；请在工作簿中核对后推送，或先恢复该项目"))
    notes = [*report.file_notes, *(n for o in outcomes for n in o.table.notes)]
    shown = sorted((n for n in notes if n.level != "info"), key=lambda n: n.level != "error")
    infos = len(notes) - len(shown)
    if notes:
        by_level = {lv: sum(n.level == lv for n in notes) for lv in ("error", "warning")}
        lines.append(f"识别提示 (notes)：{by_level['error']} 条错误、{by_level['warning']} 条警告、"
                     f"{infos} 条说明（说明只记录读取时的自动调整，不影响导入；--format json 列出全部）")
    for n in shown:
        where = f"{n.file}:{n.line}" if n.line else n.file
        lines.append(f"  [{LEVEL_ZH.get(n.level, n.level)}] {n.code} {where}: {n.message}")
    lines.extend(_review_lines(outcomes, len(files) > 1))
    failed = [o for o in outcomes if o.status == "failed"]
    unstored = [o for o in failed if any(n.code == "STORE_WRITE_FAILED" for n in o.table.notes)]
    failed = [o for o in failed if o not in unstored]
    cut = [o for o in outcomes if o.status == "truncated"]
    written = any(o.status in ("new", "updated", "unchanged", "review") for o in outcomes)
    rest = "其余的表已导入。" if written else "没有导入任何表。"
    if unstored:  # the text is fine: the store could not take it (disk full, no permission)
        lines.append(say("STORE_WRITE_FAILED", f"{len(unstored)} 张表未能写入存储（原因见上，文本本身没有问题）："
                                               f"请处理磁盘空间或权限后重新导入；" + rest))
    if failed:
        lines.append(say("TABLE_INCOMPLETE", f"{len(failed)} 张表有无法读取的内容，未导入：按上面的错误改正文本后"
                                             f"重新导入；" + rest))
    if cut:
        lines.append(say("TABLE_TRUNCATED", f"{len(cut)} 张表在文本中被截断，未导入：请找到完整的表；如只需已有部分，"
                                            f"加 --allow-truncated 导入。" + ("" if failed else rest)))
    if any(o.status.startswith("would") for o in outcomes):
        lines.append(say("DRY_RUN", "试运行：未写入任何内容 (dry run, nothing written)。"))
    elif store is not None and any(o.status == "review" for o in outcomes):
        lines.append(next_step(f"xlsync export --store {store} --out-dir 工作簿文件夹   # 每个单位一个工作簿，"
                               "待核对的单元格标了颜色，“核对”表列出每一项",
                               "在工作簿中核对每一项：值不对就改正单元格，值对就在“核对”表的“已核对”列填 ✓",
                               "xlsync push 工作簿文件夹/*.xlsx --store " f"{store}   # 推送后这些项即清除，历史记录核对人"))
    elif store is not None and any(o.status in ("new", "updated", "unchanged") for o in outcomes):
        lines.append(next_step(f"xlsync validate --store {store}   # 校验",
                               f"xlsync export --store {store} --out-dir 工作簿文件夹   # 每个单位一个工作簿"))
    return "\n".join(lines)


def _review_lines(outcomes, many_files: bool) -> list[str]:
    """The tables written 待核对: each item briefly (field, line, source text, why)."""
    held = [o for o in outcomes if o.review]
    if not held:
        return []
    n = sum(len(o.review) for o in held)
    lines = [say("REVIEW_PENDING", f"{len(held)} 张表有 {n} 处读取时不确定（猜测），已按原文写入并标为待核对，"
                                   "请逐项核对:")]
    for o in held:
        where = f"{o.table.file}:{o.table.first_line}" if many_files else f"第 {o.table.first_line} 行起"
        lines.append(f"  ■ {o.table.document.title}（{where}）")
        lines.extend(f"    - {describe(item)}" for item in o.review)
    return lines


# -- plan --------------------------------------------------------------------------------
def _count(findings) -> tuple[int, int]:
    errors = sum(f.severity == "error" for f in findings)
    return errors, len(findings) - errors


def _projects_line(what: str, per_project: list[tuple[int, int]]) -> str:
    bad = sum(1 for e, _w in per_project if e)
    warned = sum(1 for e, w in per_project if not e and w)
    clean = len(per_project) - bad - warned
    errors, warnings = sum(e for e, _ in per_project), sum(w for _, w in per_project)
    return (f"{what}：{len(per_project)} 个项目 (projects) — {bad} 个有错误，{warned} 个只有警告，"
            f"{clean} 个无问题；共 {counted(errors, warnings)}。")


def render_plan_report(items, store, verbose: bool) -> str:
    """items: (doc, figures, findings) of every project; one row each, then (verbose) every
    project's periods, then what to do next."""
    lines = [_projects_line("实施计划 (plan)", [_count(f) for _d, _fig, f in items])]
    rows = []
    for doc, figures, findings in items:
        e, w = _count(findings)
        rows.append([doc.unit_code, doc.name, money(doc.year_amount), money(figures.total),
                     pct(figures.total_share), len(figures.periods), e, w])
    if rows:
        lines.append(table(["单位", "项目名称", "本年度金额(元)", "计划合计(元)", "计划占比%",
                            "时间段", "错误", "警告"], rows, right=[2, 3, 4, 5, 6, 7], indent=2))
    if verbose:
        lines += ["", "\n\n".join(render_plan(*item) for item in items)]
    errors = sum(_count(f)[0] for _d, _fig, f in items)
    steps = []
    if not verbose:
        steps.append(f"xlsync plan --store {store} --verbose   # 各项目的时间段、占比、季度和问题")
    if errors:
        steps.append("在工作簿的“项目实施计划”中改正金额或比例，再 xlsync import 工作簿 --store "
                     f"{store}")
    if steps:
        lines.append(next_step(*steps))
    return "\n".join(lines)


def render_plan(doc, figures, findings) -> str:
    """One project's plan: periods computed vs stated, the quarterly schedule, findings."""
    lines = [f"■ {doc.unit_code}  {doc.name}  ({doc.id})  本年度金额 {money(doc.year_amount)} 元"]
    if not figures.periods:
        lines.append("  实施计划没有可识别的时间段")
    else:
        rows = []
        for p in figures.periods:
            basis = {"share": "本期", "cumulative": "累计"}.get(p.percent_basis or "", "")
            stated = p.stated_percent if p.stated_percent is not None else None
            rows.append([p.label, money(p.amount) if p.amount is not None else None, pct(p.share),
                         money(p.cumulative_amount) if p.cumulative_amount is not None else None,
                         pct(p.cumulative_share), stated, basis])
        if figures.total is not None:
            rows.append(["合计", money(figures.total), pct(figures.total_share), "", "", "", ""])
        lines.append(table(["时间段", "金额(元)", "占比%", "累计(元)", "累计%", "写明%", "写明口径"],
                           rows, right=[1, 2, 3, 4, 5], indent=2))
    if figures.quarters:
        lines.append(table(["季度", "金额(元)", "累计(元)", "累计%"],
                           [[f"Q{q.quarter}", money(q.amount), money(q.cumulative_amount),
                             pct(q.cumulative_share)] for q in figures.quarters],
                           right=[1, 2, 3], indent=2))
    for f in findings:
        tag = "错误" if f.severity == "error" else "警告"
        lines.append(f"  [{tag}] {f.code} {field_zh(f.field)}: {f.message}")
    return "\n".join(lines)


# -- validate ----------------------------------------------------------------------------
def render_validation(checked, verbose: bool, store=None, books=(), write_back: bool = False) -> str:
    """Counts by project and by code, where the details are, what to do next."""
    findings = checked.findings
    per_project: dict[str, list[int]] = {}
    for f in findings:
        per_project.setdefault(f.project_id, [0, 0])[0 if f.severity == "error" else 1] += 1
    counts = [tuple(v) for v in per_project.values()]
    counts += [(0, 0)] * max(checked.projects - len(counts), 0)
    lines = [_projects_line("校验 (validate)", counts)]
    rules = getattr(checked, "rules", {})
    if rules:
        lines.append("  校验规则 (rules): " + "；".join(f"{name} {n} 个项目" for name, n in rules.items()))
    by_code: dict[str, list] = {}
    for f in findings:
        entry = by_code.setdefault(f.code, [0, 0, set()])
        entry[0 if f.severity == "error" else 1] += 1
        entry[2].add(f.project_id)
    if by_code:
        rows = [[code, CODES.get(code, code), e, w, len(ids)]
                for code, (e, w, ids) in sorted(by_code.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))]
        lines.append(table(["代码 (code)", "问题", "错误", "警告", "项目数"], rows, right=[2, 3, 4], indent=2))
    for book, rows_written, cells in checked.written:
        lines.append(say("FINDINGS_WRITTEN", f"已写入 {book}：“校验结果”表 {rows_written} 条，"
                                             f"标记 {cells} 个单元格（颜色和批注）。"))
    if verbose and findings:
        lines.append("")
        lines.append(render_findings(findings))
    steps = []
    if findings and not verbose:
        target = f"--store {store}" if store else " ".join(str(b) for b in books)
        steps.append(f"xlsync validate {target} --verbose   # 每个问题：项目、字段、单元格、实际值和应为值")
    if checked.written:
        steps.append("在 Excel 中打开工作簿，见“校验结果”表：每条问题链接到对应单元格")
    elif findings and books:
        steps.append(f"xlsync validate {' '.join(str(b) for b in books)} --write-back   "
                     "# 写入工作簿的“校验结果”表并标记单元格")
    elif findings and store:
        steps.append(f"xlsync export --store {store} --out-dir 工作簿文件夹   # 在工作簿中改正，再 xlsync import")
    if steps:
        lines.append(next_step(*steps))
    return "\n".join(lines)


def render_findings(findings) -> str:
    """Every finding, grouped by unit and project (the project named once), errors first."""
    lines: list[str] = []
    current = None
    for f in sorted(findings, key=sort_key):
        key = (f.unit_code, f.project_id)
        loc = f.location
        if key != current:
            current = key
            source = f"  {loc.file}" + (f" [{loc.sheet}]" if loc.sheet else "") if loc and loc.file else ""
            lines.append(f"■ {f.unit_code}  {f.project_name}  ({f.project_id}){source}")
        tag = "错误" if f.severity == "error" else "警告"
        where = f"  @ {loc.cell}" if loc and loc.cell else (f"  @ 第 {loc.line} 行" if loc and loc.line else "")
        lines.append(f"  [{tag}] {f.code} {f.title} — {field_zh(f.field)}: {f.message}{where}")
        if f.found is not None or f.expected is not None:
            lines.append(f"         实际: {f.found if f.found is not None else '-'}   "
                         f"应为: {f.expected if f.expected is not None else '-'}")
    return "\n".join(lines)


# -- push / pull -------------------------------------------------------------------------
SYNC_ZH = {"new": "新增", "updated": "已更新", "unchanged": "未变", "conflict": "冲突"}


def _short(value, width: int = 60) -> str:
    text = "（空）" if value in (None, "", []) else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _full(value) -> str:
    return "（空）" if value in (None, "", []) else str(value)


def render_sync(report, dry_run: bool = False, book=None, store=None, verbose: bool = False) -> str:
    """What a push or pull did: counts, one line per project that changes (its name once;
    the unchanged ones too when verbose), conflicts and forced fields with their values, and
    what to do about conflicts."""
    push = report.direction == "push"
    ours, theirs = ("工作簿", "存储") if push else ("存储", "工作簿")
    book_arg, store_arg = book or "工作簿.xlsx", store or "存储文件夹"
    verb = "推送 (push)" if push else "拉取 (pull)"
    head = verb + ((f" {book} → 存储" if push else f" 存储 → {book}") if book else "")
    lines = [f"{head}：{len(report.changes)} 个项目 — {_tally_sync(report.changes)}。"]
    lines += [n if n.startswith("[") else say("WORKBOOK_NOT_UPDATED" if getattr(report, "book_stale", False)
              and n.startswith("已写入存储") else "NO_BASE", n) for n in report.notes]  # a note with its own code
    for c in report.changes:
        if c.status == "unchanged" and not verbose:
            continue
        sheet = ("（新工作表）" if c.sheet is None
                 else f"（工作表“{c.sheet}”）" if c.sheet != c.name else "")
        lines.append(f"[{SYNC_ZH.get(c.status, c.status)}] {c.name}{sheet}  {c.id}")
        m = c.merge
        if m and m.changed and c.status not in ("conflict", "new"):  # a new project: every field is new
            lines.append(f"    {theirs}中更新的字段: " + "、".join(field_zh(f) for f in m.changed))
        if getattr(c, "cleared", None) and c.status != "conflict":
            lines.append(f"    已核对，清除 {len(c.cleared)} 项待核对: " + "、".join(
                f"{review_field_zh(i.field)}（{CLEARED_ZH[how]}）" for i, how in c.cleared))
        left = _open_items(c, m)
        if left and c.status != "conflict":
            lines.append(f"    仍有 {left} 项待核对（见工作簿的“核对”表）")
        for conflict in (m.conflicts if m else []):
            lines.append(f"    冲突 {field_zh(conflict.field)} ({conflict.field}):")
            lines.append(f"      导出时: {_short(conflict.base)}")
            lines.append(f"      {ours}: {_short(conflict.ours)}")
            lines.append(f"      {theirs}: {_short(conflict.theirs)}")
        for conflict in (m.forced if m else []):
            if push:
                lines.append(f"    已强制覆盖 {field_zh(conflict.field)}：存储的原值留在存储的历史中"
                             f"（xlsync log {c.id} --store {store_arg}，可用 xlsync restore 找回）")
            else:
                lines.append(f"    已强制覆盖 {field_zh(conflict.field)}：工作簿的原值已被存储的值替换，"
                             "不在存储中，只记录在这里（和 --format json 的 forced 中）:")
                lines.append(f"      工作簿原值: {_full(conflict.theirs)}")
    if report.conflicts:
        lines.append(say("SYNC_CONFLICT", f"{len(report.conflicts)} 个项目冲突：工作簿和存储在导出后都改了同一字段，"
                                          "未做任何修改 (nothing written)。任选其一:"))
        lines.append(f"  保留工作簿的值: xlsync push {book_arg} --store {store_arg} --force"
                     "   # 存储的原值留在历史中")
        lines.append(f"  保留存储的值:   xlsync pull {book_arg} --store {store_arg} --force"
                     "   # 工作簿的原值列在报告中")
    elif dry_run:
        lines.append(say("DRY_RUN", "试运行：未做任何修改 (dry run, nothing written)。"))
    elif push and report.written:
        n = sum(c.status in ("new", "updated") for c in report.changes)
        shown = ("工作簿未能更新（见上）：请运行 pull。" if getattr(report, "book_stale", False)
                 else "工作簿显示合并后的结果。")
        lines.append(say("STORE_UPDATED", f"已写入存储 {store_arg}：{n} 个项目（之前的版本留在历史中）；{shown}") if n
                     else say("STORE_CURRENT", "存储已是最新，未修改。"))
    elif not push and report.written:
        lines.append(say("WORKBOOK_UPDATED", f"已把存储的更改写入 {book_arg}（其他工作表和格式保留）。"))
    elif not push:
        lines.append(say("WORKBOOK_CURRENT", f"{book_arg} 已是最新，未修改。"))
    return "\n".join(lines)


def _open_items(change, m) -> int:
    return len(m.result.review) if m is not None and m.result is not None else 0


def _tally_sync(changes) -> str:
    counts: dict[str, int] = {}
    for c in changes:
        counts[c.status] = counts.get(c.status, 0) + 1
    return "，".join(f"{SYNC_ZH.get(k, k)} {v}" for k, v in counts.items()) or "无"


# -- store listings ----------------------------------------------------------------------
def render_list(rows) -> str:
    units = {r["unit_code"] for r in rows}
    lines = [f"{len(rows)} 个项目 (projects)，{len(units)} 个单位 (units)。"]
    if rows:
        lines.append(table(["项目编号 (id)", "年度", "单位", "本年度金额(元)", "待核对", "项目名称"],
                           [[r["id"], r["year"], r["unit_code"], money(r["year_amount"]), r.get("review", 0),
                             r["name"]] for r in rows], right=[3, 4]))
    held = [r for r in rows if r.get("review")]
    if held:
        lines.append(say("REVIEW_PENDING", f"{len(held)} 个项目共 {sum(r['review'] for r in held)} 项待核对："
                                           "导出工作簿，在“核对”表逐项核对后推送"))
    return "\n".join(lines)


def _when(at: str) -> str:
    """'2026-01-02T03:04:05+00:00' → '2026-01-02 03:04:05 UTC'."""
    if at.endswith("+00:00") and "T" in at:
        return at[:-6].replace("T", " ") + " UTC"
    return at


def render_log(doc_id: str, entries) -> str:
    lines = [f"{doc_id}：{len(entries)} 个版本 (revisions)，最早的在前。"]
    if entries:
        lines.append(table(["时间", "版本 (rev)", "上一版本", "操作 (action)", "作者 (author)"],
                           [[_when(e.at), e.rev, e.previous or "(新建)", e.action,
                             getattr(e, "author", None) or "-"] for e in entries]))
    for e in entries:
        if getattr(e, "cleared", None):
            done = "、".join(f"{field_zh(c['field'])}（{CLEARED_ZH.get(c.get('how'), c.get('how'))}）"
                            for c in e.cleared)
            lines.append(f"  {_when(e.at)} {e.author or '-'} 核对并清除了 {len(e.cleared)} 项待核对: {done}")
    return "\n".join(lines)


def render_export(paths, store) -> str:
    lines = [say("WORKBOOKS_WRITTEN", f"已写入 {len(paths)} 个工作簿 (written):")]
    lines += [f"  {p}" for p in paths]
    first = paths[0] if paths else "工作簿.xlsx"
    lines.append(next_step(
        f"用 Excel 打开工作簿填写；xlsync validate {first} --write-back   # 校验，写入“校验结果”表",
        f"xlsync import {first} --store {store}   # 把修改推送回存储"))
    return "\n".join(lines)


BOOK_ZH = {"written": "已写入", "unchanged": "未变", "conflict": "冲突", "failed": "失败", "would-write": "将写入"}


def render_batch(outcomes, dry_run: bool = False, store=None, verbose: bool = False) -> str:
    """Each workbook's push/pull report (a failed one: why, and that it was left as it was),
    then, for several workbooks or any failure, every workbook's outcome in one list."""
    lines = []
    for o in outcomes:
        if o.report is not None:
            lines.append(render_sync(o.report, dry_run, o.book, store, verbose))
        else:
            lines.append(say("WORKBOOK_FAILED", f"{o.book}：失败，此工作簿和存储均未改动 — {o.error}"))
    if len(outcomes) > 1 or any(o.status == "failed" for o in outcomes):
        counts = {k: sum(o.status == k for o in outcomes) for k in BOOK_ZH}
        summary = "，".join(f"{BOOK_ZH[k]} {n}" for k, n in counts.items() if n)
        lines.append(f"合计 {len(outcomes)} 个工作簿：{summary}")
        lines += [f"  [{BOOK_ZH.get(o.status, o.status)}] {o.book}" for o in outcomes]
    return "\n".join(line for line in lines if line)


def render_explain(report) -> str:
    """`import-text --explain`: every line of every table with what the reader made of it
    (title, a field's label or value, a funding row, an indicator row with its columns, the
    footer, or unplaced), then the table's review items — what a finance officer needs to fix a
    text, and what a developer needs to see why."""
    out: list[str] = []
    for o in report.outcomes:
        t = o.table
        doc = t.document
        name = doc.title if doc is not None else "（未读出）"
        out.append(f"== {t.file} 第 {t.first_line}-{t.last_line} 行：{name}（表单 {t.form}）")
        rows = [(n, role, _short(text.replace("\n", " "), 70)) for n, role, text in t.explain]
        out.append(table(["行", "读作", "原文"], rows, right=[0], indent=2))
        items = doc.review if doc is not None else []
        if items:
            out.append(f"  待核对 {len(items)} 项:")
            for r in items:
                where = f"第 {r.line} 行" if r.line else (r.location or "")
                out.append(f"    - {r.field} {where} [{r.code}] {r.message}"
                           + (f"（建议: {r.proposed}）" if r.proposed else ""))
        out.append("")
    return "\n".join(out)


def render_new_project(new) -> str:
    """What 新增项目 says: the sheet added, and the project's id or when it will get one."""
    if new.registered:
        return say("PROJECT_NEW", f"已新增项目“{new.document.name}”（工作表“{new.title}”），"
                                  f"项目编号 {new.document.id}，已存入存储（单位 {new.document.unit_code}，"
                                  f"{new.document.year} 年）：填写后推送")
    return say("PROJECT_NEW", f"已新增项目工作表“{new.title}”：填写后推送，推送时生成项目编号并写回工作簿")
