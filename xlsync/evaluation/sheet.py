"""Writing the 绩效运行监控表 / 绩效自评表 workbook of a unit-year (openpyxl).

One sheet per project laid out like the national form (A:J): the declared facts filled in and
locked, the cells to enter unlocked and shaded; beside the printed form (K:M) the 达成情况
choice, the score by the rules and how it was found. A hidden _xlsync sheet keeps, per sheet,
the document it was written from (the base of push and pull), as in the target workbooks.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

from ..document import ProjectDocument, StageResult
from ..errors import WorkbookError
from ..validators.profiles import profile_for
from ..workbook import layout as WL
from ..workbook import style
from ..workbook.book import meta_rows, sheet_title, workbook_name
from ..workbook.cells import put_value, quote
from ..workbook.coords import get_column_letter
from ..workbook.textfit import span_pt, text_height
from ..workbook.writer import save_atomic, unit_of
from . import layout as L
from .rules import ScoringRules, scoring_rules
from .scoring import annual_indexes, score_stage, weights


@cache
def _entry_style() -> tuple:
    """(fill, protection) of an entry cell: shaded and unlocked."""
    from openpyxl.styles import PatternFill, Protection

    return PatternFill("solid", fgColor=L.ENTRY_FILL), Protection(locked=False)
WIDTHS = {"A": 6, "B": 10, "C": 16, "D": 26, "E": 12, "F": 13, "G": 8, "H": 9, "I": 18, "J": 18,
          "K": 10, "L": 10, "M": 60, "N": 5}


def stage_of(doc: ProjectDocument, stage: str, month: int | None) -> StageResult | None:
    return next((r for r in doc.results if r.stage == stage
                 and (stage == "evaluate" or r.through_month == month)), None)


def _box(ws, r1, c1, r2=None, c2=None, value=None, kind="text", entry=False):
    """Merge a block, put a value, style it; an entry block is unlocked and shaded."""
    from openpyxl.styles import Alignment

    r2, c2 = r2 or r1, c2 or c1
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            cell = ws.cell(r, c)
            style.apply(cell, kind)
            if entry:
                cell.fill, cell.protection = _entry_style()
    cell = ws.cell(r1, c1)
    if isinstance(value, str) and r1 == r2 and c1 <= L.LAST_PRINTED and not value.startswith("="):
        widths = [WIDTHS[get_column_letter(c)] for c in range(1, L.LAST_PRINTED + 1)]
        need = text_height(value, span_pt(widths, c1, c2) - 4)
        if need > (ws.row_dimensions[r1].height or 15):
            ws.row_dimensions[r1].height = need
    if value is not None:
        put_value(cell, value) if not (isinstance(value, str) and value.startswith("=IF")) else \
            setattr(cell, "value", value)
    if kind in ("text", "c_text"):
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    elif kind in ("number", "money"):
        cell.alignment = Alignment(vertical="center", shrink_to_fit=True)
    return cell


def _money(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def write_sheet(ws, doc: ProjectDocument, stage: str, month: int | None, rules: ScoringRules | None) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    res = stage_of(doc, stage, month)
    evaluate = stage == "evaluate"
    for col, w in WIDTHS.items():
        ws.column_dimensions[col].width = w
    ws.column_dimensions["N"].hidden = True
    title = L.STAGE_TITLES[stage]
    _box(ws, 1, 1, 1, 10, title, "title")
    ws.row_dimensions[1].height = 30
    period = f"（{doc.year or ''}年度）" if evaluate else f"（{doc.year or ''}年1-{month}月）"
    _box(ws, 2, 1, 2, 10, period, "subtitle")
    _box(ws, 3, 1, 3, 2, "项目名称", "label")
    _box(ws, 3, 3, 3, 10, doc.name)
    _box(ws, 4, 1, 4, 2, "主管部门", "label")
    _box(ws, 4, 3, 4, 5, doc.department_name)
    _box(ws, 4, 6, 4, 7, "实施单位", "label")
    _box(ws, 4, 8, 4, 10, doc.implementing_unit or doc.unit_name)
    # money
    sources = [f.source for f in doc.funding if f.source]
    written = {m.source: m for m in (res.money if res else [])}
    sources += [s for s in written if s is not None and s not in sources]
    r0 = 5
    _box(ws, r0, 1, r0 + 1 + len(sources), 2, "项目资金（元）", "label")
    heads = ["", "年初预算数", "全年预算数", L.spent_label(stage, month)]
    for j, h in enumerate(heads):
        _box(ws, r0, L.COL_LABEL + j, value=h, kind="header")
    if evaluate:
        _box(ws, r0, L.COL_POINTS, value="分值", kind="header")
        _box(ws, r0, L.COL_RATE, value="执行率", kind="header")
        _box(ws, r0, L.COL_MONEY_SCORE, r0, 10, "得分", "header")
    else:
        _box(ws, r0, L.COL_POINTS, r0, L.COL_RATE, "执行率", "header")
        _box(ws, r0, L.COL_MONEY_SCORE, r0, 10, "备注", "header")
    declared = {f.source: f.year_amount for f in doc.funding}
    for k, source in enumerate([None, *sources]):
        r = r0 + 1 + k
        m = written.get(source)
        plan = doc.year_amount if source is None else declared.get(source)
        _box(ws, r, L.COL_LABEL, value=L.TOTAL_LABEL if source is None else L.SOURCE_PREFIX + source,
             kind="label")
        for col, value in ((L.COL_INITIAL, m.budget_initial if m else plan),
                           (L.COL_FULL, m.budget_full if m else plan), (L.COL_SPENT, m.spent if m else None)):
            _box(ws, r, col, value=_money(value), kind="money", entry=True)
        e, f = get_column_letter(L.COL_FULL), get_column_letter(L.COL_SPENT)
        rate = f'=IF(OR(N({e}{r})=0,{f}{r}=""),"",{f}{r}/{e}{r})'
        if evaluate:
            _box(ws, r, L.COL_POINTS, value=rules.budget_points if source is None else "—", kind="number")
            c = _box(ws, r, L.COL_RATE, value=rate, kind="number")
            c.number_format = "0.00%"
            budget = score_stage(doc, _unscored(res), rules).budget if res and source is None else None
            _box(ws, r, L.COL_MONEY_SCORE, r, 10, Decimal(m.score) if m and m.score else
                 ("—" if source is not None else (budget.score if budget else None)), "number",
                 entry=source is None)
            if source is None:
                _box(ws, r, L.COL_RULE_SCORE, value=budget.score if budget else None, kind="c_text")
                _box(ws, r, L.COL_RULE, value=_budget_rule(res, rules, doc) if res else "尚未填写", kind="c_text")
        else:
            c = _box(ws, r, L.COL_POINTS, r, L.COL_RATE, rate, "number")
            c.number_format = "0.00%"
            _box(ws, r, L.COL_MONEY_SCORE, r, 10, None)
    # goal
    g = r0 + 2 + len(sources)
    _box(ws, g, 1, g + 1, 2, "年度总体目标", "label")
    _box(ws, g, 3, g, 6, "预期目标", "header")
    _box(ws, g, L.COL_GOAL, g, 10, L.goal_label(stage, month), "header")
    _box(ws, g + 1, 3, g + 1, 6, doc.annual_goal)
    _box(ws, g + 1, L.COL_GOAL, g + 1, 10, res.goal_achieved if res else None, entry=True)
    ws.row_dimensions[g + 1].height = 60
    # indicators
    h = g + 2
    idx = annual_indexes(doc)
    _box(ws, h, 1, h + len(idx), 1, "绩效指标", "label")
    heads = {L.COL_L1: "一级指标", L.COL_L2: "二级指标", L.COL_NAME: "三级指标", L.COL_TARGET: "年度指标值",
             L.COL_ACTUAL: L.actual_label(stage, month), L.COL_REASON: "偏差原因", L.COL_REMEDY: "改进措施"}
    if evaluate:
        heads |= {L.COL_WEIGHT: "分值", L.COL_SCORE: "得分", L.COL_GRADE: "达成情况",
                  L.COL_RULE_SCORE: "按规则得分", L.COL_RULE: "评分依据"}
    else:
        _box(ws, h, L.COL_OUTLOOK, h, L.COL_OUTLOOK + 1, "全年预计完成情况", "header")
        _box(ws, h, L.COL_RULE, value="说明", kind="header")
    for col, text in heads.items():
        _box(ws, h, col, value=text, kind="header")
    _box(ws, h, L.COL_INDEX, value="序号", kind="header")
    by_index = {r.index: r for r in (res.indicators if res else [])}
    scored = score_stage(doc, res, rules) if evaluate and res is not None else None
    # the rule's scores without any written 得分: shown where nobody wrote one, and how the
    # reader tells a score the sheet shows from one the user typed
    bare = score_stage(doc, _unscored(res), rules) if scored else None
    bare_by = {s.index: s.score for s in (bare.indicators if bare else [])}
    ws_weights = weights(doc, rules) if evaluate else {}
    scores = {s.index: s for s in (scored.indicators if scored else [])}
    grade_dv = DataValidation(type="list", formula1='"' + ",".join(rules.grade_names) + '"', allow_blank=True) \
        if evaluate else None
    outlook_dv = DataValidation(type="list", formula1='"' + ",".join(L.OUTLOOKS) + '"', allow_blank=True)
    for k, i in enumerate(idx):
        r = h + 1 + k
        ind, got = doc.indicators[i], by_index.get(i)
        if got is not None and (got.name, got.target) != (ind.name, ind.target):
            # entered against an indicator that has since changed: shown, never re-attached
            _box(ws, r, L.COL_RULE, value=f"原完成情况是按“{got.name}”（指标值“{got.target}”）填写的：实际"
                 f"“{got.actual or ''}”；指标已改动，请按现在的指标重新填写（不填则保留原记录）", kind="c_text")
            got = None
        _box(ws, r, L.COL_L1, value=ind.level1)
        _box(ws, r, L.COL_L2, value=ind.level2)
        _box(ws, r, L.COL_NAME, value=ind.name)
        _box(ws, r, L.COL_TARGET, value=ind.target)
        _box(ws, r, L.COL_ACTUAL, value=got.actual if got else None, entry=True)
        _box(ws, r, L.COL_REASON, value=got.reason if got else None, entry=True)
        _box(ws, r, L.COL_REMEDY, value=got.remedy if got else None, entry=True)
        if evaluate:
            s = scores.get(i)
            w = s.weight if s else ws_weights[i][0]
            _box(ws, r, L.COL_WEIGHT, value=w, kind="number")
            _box(ws, r, L.COL_SCORE, value=Decimal(got.score) if got and got.score else bare_by.get(i),
                 kind="number", entry=True)
            _box(ws, r, L.COL_GRADE, value=got.grade if got else None, entry=True)
            grade_dv.add(ws.cell(r, L.COL_GRADE))
            _box(ws, r, L.COL_RULE_SCORE, value=bare_by.get(i), kind="c_text")
            if ws.cell(r, L.COL_RULE).value is None:
                _box(ws, r, L.COL_RULE, value=_explain(s) if s else "尚未填写", kind="c_text")
        else:
            _box(ws, r, L.COL_OUTLOOK, r, L.COL_OUTLOOK + 1, got.outlook if got else None, entry=True)
            outlook_dv.add(ws.cell(r, L.COL_OUTLOOK))
        _box(ws, r, L.COL_INDEX, value=i)
    t = h + 1 + len(idx)
    if evaluate:
        total_w = rules.budget_points + sum((w for w, _s, _h in ws_weights.values()), Decimal(0))
        _box(ws, t, 1, t, 6, L.TOTAL_ROW_LABEL, "label")
        _box(ws, t, L.COL_WEIGHT, value=total_w, kind="number")
        _box(ws, t, L.COL_SCORE, value=Decimal(res.total_score) if res and res.total_score else
             (bare.total if bare else None), kind="number", entry=True)
        _box(ws, t, L.COL_REASON, t, 10, None)
        _box(ws, t, L.COL_RULE_SCORE, value=bare.total if bare else None, kind="c_text")
        _box(ws, t, L.COL_RULE, value=scored.rule if scored else "尚未填写", kind="c_text")
        ws.add_data_validation(grade_dv)
    else:
        _box(ws, t, 1, t, 10, "说明：全年预计完成情况选“确定能”“有可能”或“完全不可能”；不能完成的请写明偏差原因和改进措施。")
    ws.add_data_validation(outlook_dv)
    _box(ws, t + 1, 1, t + 1, 10, "填表说明：浅黄色单元格由单位填写，其余为申报时的目标（已锁定）。"
         + ("定量指标得分按“实际÷指标值×分值”（越低越好的指标按“指标值÷实际×分值”）计算，不超过分值；"
            "定性指标选择达成情况。" if evaluate else ""), "plain")
    ws.cell(t + 1, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(t + 1, 1).font = Font(name=style.FONT, size=9)
    ws.row_dimensions[t + 1].height = 28
    ws.print_area = f"A1:J{t + 1}"
    style.print_a4(ws, "portrait", "")
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False  # widths and heights may change
    ws.freeze_panes = None


def _unscored(res: StageResult | None) -> StageResult | None:
    if res is None:
        return None
    return res.model_copy(update={
        "indicators": [i.model_copy(update={"score": None}) for i in res.indicators],
        "money": [m.model_copy(update={"score": None}) for m in res.money], "total_score": None})


def _budget_rule(res, rules, doc) -> str:
    b = score_stage(doc, res, rules).budget
    return b.rule + (f"；填写的得分 {b.written:f} 与规则不符" if b.mismatch else "")


def _explain(s) -> str:
    parts = [s.rule, *s.notes]
    if s.mismatch:
        parts.append(f"填写的得分 {s.written:f} 与规则不符")
    return "；".join(p for p in parts if p)


def write_stage_book(entries: list[tuple[ProjectDocument, ProjectDocument]], path: str | Path, stage: str,
                     month: int | None, profile=None, store: str | None = None) -> Path:
    """A stage workbook: entries are (document shown, base it was written from) of one unit-year."""
    from openpyxl import Workbook
    from openpyxl.workbook.defined_name import DefinedName

    path = Path(path)
    wb = Workbook()
    index = wb.active
    index.title = WL.INDEX_SHEET
    first = entries[0][0]
    index["A1"] = f"{L.STAGES[stage]}（{first.year or ''}年" + (f"1-{month}月）" if stage == "monitor" else "度）")
    index["A1"].font = style.TITLE
    index["A2"], index["B2"] = "单位", f"{first.unit_code or ''} {first.unit_name or ''}".strip()
    index["A3"], index["B3"] = "存储位置", store
    index["A5"], index["B5"], index["C5"] = "工作表", "项目名称", "项目编号"
    for c in ("A5", "B5", "C5"):
        style.apply(index[c], "header")
    index.column_dimensions["A"].width, index.column_dimensions["B"].width = 28, 50
    index.column_dimensions["C"].width = 28
    style.print_a4(index, "landscape", "")
    wb.defined_names["XS_STORE"] = DefinedName("XS_STORE", attr_text=f"{quote(WL.INDEX_SHEET)}!$B$3")
    taken = set(WL.INDEX_SHEET for _ in [0]) | {WL.META_SHEET}
    sheets = []
    for k, (doc, base) in enumerate(entries):
        title = sheet_title(doc.name, taken)
        ws = wb.create_sheet(title)
        write_sheet(ws, doc, stage, month, scoring_rules(profile or profile_for(doc)) if stage == "evaluate"
                    else None)
        index.cell(6 + k, 1, title).hyperlink = f"#{quote(title)}!A1"
        index.cell(6 + k, 2, doc.name)
        index.cell(6 + k, 3, doc.id)
        sheets.append((title, base))
    # the rule profile, where the add-in's buttons look for it (the 规则 row of _lists)
    lists = wb.create_sheet(WL.LISTS_SHEET)
    lists.append(["规则", (profile or profile_for(first)).name])
    lists.sheet_state = "hidden"
    meta = wb.create_sheet(WL.META_SHEET)
    rows = meta_rows(sheets, first.unit_code, first.year)
    rows[0] = [L.STAGE_MARKER, WL.FORMAT_VERSION, stage, month]
    for row in rows:
        meta.append(row)
    meta.sheet_state = "hidden"
    save_atomic(wb, path)
    return path


def export_stage(store, out: Path, stage: str, month: int | None, profile=None, unit: str | None = None,
                 year: int | None = None) -> list[Path]:
    """One stage workbook per unit-year of the store (`out` a folder, or a file for one)."""
    docs, errors = store.documents(unit=unit, year=year)
    docs = [d for d in docs if d.status != "withdrawn"]
    if errors:
        raise errors[0]
    groups: dict[tuple, list[ProjectDocument]] = {}
    for d in docs:
        groups.setdefault(unit_of(d), []).append(d)
    if not groups:
        raise WorkbookError(f"存储 {store.root} 中没有符合条件的项目")
    out = Path(out)
    single = out.suffix.lower() == ".xlsx"
    if single and len(groups) > 1:
        raise WorkbookError("存储中有多个单位或年度，请用 --unit/--year 选择，或用 --out-dir 导出到文件夹")
    location = str(Path(store.root).resolve())
    written = []
    for _key, group in sorted(groups.items(), key=lambda kv: tuple(str(k) for k in kv[0])):
        target = out if single else out / workbook_name(group[0]).replace(".xlsx", f"-{L.STAGES[stage]}.xlsx")
        target.parent.mkdir(parents=True, exist_ok=True)
        written.append(write_stage_book([(d, d) for d in group], target, stage, month, profile, location))
    return written


def rewrite_stage_book(book: Path, content, entries: list[tuple[ProjectDocument, ProjectDocument]],
                       profile=None) -> Path:
    """After a push or pull: the stage workbook written again from the documents it now shows."""
    return write_stage_book(entries, book, content.stage, content.through_month, profile, content.store_setting)
