"""Reading 绩效运行监控表 / 绩效自评表 sheets back: the document each was written from, with
this stage's results as the sheet shows them, and the cell of every value.

Rows are found by their printed labels (年度资金总额, 其中：…, 一级指标, 总分) and each indicator
row by its hidden 序号 (the indicator's index in the document), so a user's row heights or
an extra note row read alike. Numbers come from the cell XML (xlsxgrid): exact decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..document import loads, validate_data
from ..errors import DocumentError, Location, WorkbookError
from ..workbook import layout as WL
from ..workbook.book import meta_json
from ..workbook.content import SheetProject, WorkbookContent
from ..workbook.values import CellValueError, read_money, read_text, read_weight
from . import layout as L

_STAGE_ORDER = {"monitor": 0, "evaluate": 1}


@dataclass
class StageContent(WorkbookContent):
    stage: str = "evaluate"
    through_month: int | None = None


def stage_meta_row(content) -> list | None:
    """The first row of the hidden _xlsync sheet of a stage workbook (None for others)."""
    if not getattr(content, "stage", None):
        return None
    return [L.STAGE_MARKER, WL.FORMAT_VERSION, content.stage, content.through_month]


def is_stage_meta(meta_ws) -> bool:
    return meta_ws is not None and meta_ws["A1"].value == L.STAGE_MARKER


def _text(ws, r, c):
    v = ws.cell(r, c).value
    return read_text(v).strip() if isinstance(v, str) and v.strip() else (None if v is None else read_text(v))


def _find(ws, col: int, pred, start: int = 1) -> int | None:
    for r in range(start, (ws.max_row or 0) + 1):
        t = _text(ws, r, col)
        if t is not None and pred(t):
            return r
    return None


def _actual(cell) -> str | None:
    """实际完成值 as written: text as typed; a number as its digits (a percent-formatted
    number as the percent the user sees)."""
    v = cell.value
    if v is None:
        return None
    if not isinstance(v, str) and "%" in (getattr(cell, "number_format", "") or ""):
        from decimal import Decimal

        d = Decimal(str(v)) * 100
        return f"{d.normalize():f}%"
    t = read_text(v)
    return t.strip() if t else None


def read_stage_sheet(path: Path, ws, meta_entry, stage: str, month: int | None) -> SheetProject | None:
    if not meta_entry or not meta_entry[2]:
        return None
    sp = SheetProject(ws.title, None)
    loc = lambda r, c: Location(str(path), sheet=ws.title, cell=ws.cell(r, c).coordinate)  # noqa: E731
    try:
        base = loads(meta_entry[2], source=f"{path} [{WL.META_SHEET}]")
    except DocumentError as exc:
        sp.errors.append(WorkbookError(f"隐藏的同步信息已损坏，无法读取本表: {exc.message}", loc(1, 1)))
        return sp
    sp.base, sp.base_rev = base, meta_entry[1]
    others = [r for r in base.results if not (r.stage == stage and (stage == "evaluate" or r.through_month == month))]
    k = sum(1 for r in others if (_STAGE_ORDER[r.stage], r.through_month or 0) <
            (_STAGE_ORDER[stage], month or 0))
    pre = f"results[{k}]"

    def cell(r, c, reader, key):
        sp.provenance[key] = loc(r, c)
        try:
            return reader(ws.cell(r, c).value)
        except CellValueError as exc:
            sp.errors.append(WorkbookError(str(exc), loc(r, c)))
            return None

    def typed_score(r, c, key):
        """A 得分 the user wrote: one equal to the rule's score the sheet shows is the rule's."""
        value = cell(r, c, read_weight, key)
        shown = ws.cell(r, L.COL_RULE_SCORE).value
        if value is not None and shown is not None and not isinstance(shown, str) \
                and Decimal(value) == Decimal(str(shown)):
            return None
        return value

    money = []
    top = _find(ws, L.COL_LABEL, lambda t: t == L.TOTAL_LABEL)
    if top is None:
        sp.errors.append(WorkbookError(f"找不到“{L.TOTAL_LABEL}”一行（表格被改动？请重新导出）", loc(5, L.COL_LABEL)))
        return sp
    r = top
    while (label := _text(ws, r, L.COL_LABEL)) and (r == top or label.startswith(L.SOURCE_PREFIX)):
        j = len(money)
        key = f"{pre}.money[{j}]"
        sp.provenance[key] = loc(r, L.COL_LABEL)
        item = {"source": None if r == top else label.removeprefix(L.SOURCE_PREFIX),
                "budget_initial": cell(r, L.COL_INITIAL, read_money, f"{key}.budget_initial"),
                "budget_full": cell(r, L.COL_FULL, read_money, f"{key}.budget_full"),
                "spent": cell(r, L.COL_SPENT, read_money, f"{key}.spent"),
                "score": typed_score(r, L.COL_MONEY_SCORE, f"{key}.score")
                if stage == "evaluate" and r == top else None}
        money.append(item)
        r += 1
    goal_head = _find(ws, L.COL_GOAL, lambda t: t.endswith(L.goal_label("evaluate", None)), r)
    goal = None
    if goal_head is not None:
        goal = cell(goal_head + 1, L.COL_GOAL, read_text, f"{pre}.goal_achieved")
    head = _find(ws, L.COL_L1, lambda t: t == L.INDICATOR_HEADER, r)
    if head is None:
        sp.errors.append(WorkbookError("找不到绩效指标的表头“一级指标”（表格被改动？请重新导出）", loc(r, L.COL_L1)))
        return sp
    indicators, total = [], None
    rows_of: dict[int, int] = {}
    r = head + 1
    while r <= (ws.max_row or 0):
        if _text(ws, r, 1) == L.TOTAL_ROW_LABEL:
            if stage == "evaluate":
                total = typed_score(r, L.COL_SCORE, f"{pre}.total_score")
            break
        raw_index = ws.cell(r, L.COL_INDEX).value
        if raw_index is None:
            if _text(ws, r, L.COL_NAME) is None and _text(ws, r, L.COL_ACTUAL) is None:
                break
            sp.errors.append(WorkbookError("这一行没有隐藏的序号（插入的行？指标请在申报表中增加）", loc(r, L.COL_NAME)))
            r += 1
            continue
        try:
            index = int(str(raw_index))
            declared = base.indicators[index]
        except (ValueError, IndexError):
            sp.errors.append(WorkbookError(f"隐藏的序号 {raw_index!r} 不是本项目的指标", loc(r, L.COL_INDEX)))
            r += 1
            continue
        sp.provenance[f"indicators[{index}]"] = loc(r, L.COL_NAME)
        sp.provenance[f"indicators[{index}].target"] = loc(r, L.COL_TARGET)
        rows_of[index] = r
        key = f"{pre}.indicators[@{index}]"  # numbered once the list is complete (below)
        sp.provenance[key] = loc(r, L.COL_ACTUAL)
        sp.provenance[f"{key}.actual"] = loc(r, L.COL_ACTUAL)
        item = {"index": index, "name": _text(ws, r, L.COL_NAME), "target": _text(ws, r, L.COL_TARGET),
                "actual": _actual(ws.cell(r, L.COL_ACTUAL)),
                "reason": cell(r, L.COL_REASON, read_text, f"{key}.reason"),
                "remedy": cell(r, L.COL_REMEDY, read_text, f"{key}.remedy")}
        if stage == "evaluate":
            item["score"] = typed_score(r, L.COL_SCORE, f"{key}.score")
            item["grade"] = cell(r, L.COL_GRADE, read_text, f"{key}.grade")
        else:
            item["outlook"] = cell(r, L.COL_OUTLOOK, read_text, f"{key}.outlook")
        if item["name"] != declared.name or item["target"] != declared.target:
            # what the sheet shows is what the user entered against
            item["name"], item["target"] = item["name"] or declared.name, item["target"] or declared.target
        if any(item.get(f) for f in ("actual", "reason", "remedy", "score", "grade", "outlook")):
            indicators.append(item)
        r += 1
    if sp.errors:
        return sp
    # results entered against an indicator that has since changed, whose row was left empty,
    # stay as they were (still reported as drift), never re-attached to the new indicator
    current = next((r for r in base.results if r.stage == stage
                    and (stage == "evaluate" or r.through_month == month)), None)
    done = {i["index"] for i in indicators}
    for old in current.indicators if current else ():
        declared = base.indicators[old.index] if old.index < len(base.indicators) else None
        if old.index not in done and (declared is None or (old.name, old.target) != (declared.name, declared.target)):
            indicators.append(old.model_dump(mode="json"))
    indicators.sort(key=lambda i: i["index"])
    place = {f"[@{i['index']}]": f"[{j}]" for j, i in enumerate(indicators)}
    for key in [k for k in sp.provenance if "[@" in k]:
        where = sp.provenance.pop(key)
        tag = key[key.index("[@"):key.index("]", key.index("[@")) + 1]
        if tag in place:
            sp.provenance[key.replace(tag, place[tag])] = where
    for j, i in enumerate(indicators):  # a kept result: at the row of its indicator's index
        r = rows_of.get(i["index"])
        if r is not None and f"{pre}.indicators[{j}]" not in sp.provenance:
            sp.provenance[f"{pre}.indicators[{j}]"] = loc(r, L.COL_ACTUAL)
    entered = goal or total or indicators or any(m["spent"] or m["score"] for m in money)
    results = [r.model_dump(mode="json") for r in others]
    if entered:
        results.insert(k, {"stage": stage, "through_month": month if stage == "monitor" else None,
                           "money": money, "goal_achieved": goal, "indicators": indicators,
                           "total_score": total})
    try:
        sp.document = validate_data({**base.model_dump(mode="json"), "results": results})
    except DocumentError as exc:
        sp.errors.append(WorkbookError(exc.message, loc(1, 1)))
    return sp


def read_stage_sheets(path, sheets, meta_ws, store_setting: str | None) -> StageContent:
    stage = str(meta_ws["C1"].value or "evaluate")
    month_raw = meta_ws["D1"].value
    month = int(str(month_raw)) if month_raw is not None and stage == "monitor" else None
    meta = meta_json(meta_ws)
    projects = []
    for ws in sheets:
        if ws.title in (WL.INDEX_SHEET, WL.META_SHEET, WL.LISTS_SHEET, WL.FINDINGS_SHEET):
            continue
        sp = read_stage_sheet(Path(path), ws, meta.get(ws.title), stage, month)
        if sp is not None:
            projects.append(sp)
    if not projects:
        raise WorkbookError(f"{L.STAGES.get(stage, stage)}工作簿中没有项目工作表", Location(str(path)))
    return StageContent(Path(path), projects, True, store_setting, stage=stage, through_month=month)
