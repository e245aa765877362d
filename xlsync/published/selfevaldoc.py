"""The 自评表 reader's last stage: what was read → one document (facts, targets as
`indicators`, the year's `results`), money in the unit the table states (never scaled when none
is stated), every guess a review item."""

from __future__ import annotations

import re

from ..document import ReviewItem, new_document
from ..errors import DocumentError, Location
from ..fieldtext import split_code, split_person_phone
from ..forms import SELF_EVALUATION, reading
from ..money import MoneyError, format_amount, parse_amount
from .notes import ImportedTable
from .selfevalread import BLANKISH, NUM, PLACEHOLDER, State
from .vocab import norm


# -- the document -----------------------------------------------------------------------------
def _pct(text: str | None) -> str | None:
    if text is None:
        return None
    t = norm(text).rstrip("%")
    return t if NUM.match(t) and not t.startswith("-") else None


def _weight(st: State, text: str | None, line: int, field_: str) -> str | None:
    if text is None or norm(text) in BLANKISH:
        return None
    t = norm(text)
    if NUM.match(t):
        return t
    st.note("warning", "WEIGHT_UNREADABLE", f"“{text}”不是可以读取的分值/得分，未导入；请核对", line, field_, text)
    return None


def _amount(st: State, text: str | None, line: int, field_: str, what: str, page_unit: str | None) -> str | None:
    if text is None:
        return None
    t = norm(text)
    if t in BLANKISH:
        return None
    um = re.fullmatch(r"(-?\d+(?:\.\d+)?)(万元|元|亿元)", t)
    if um:
        t, unit = um.group(1), um.group(2)
    else:
        unit = st.money_unit
    if not NUM.match(t):
        st.note("warning", "AMOUNT_UNREADABLE", f"{what}“{text}”不是可以读取的金额，未导入；请核对", line, field_, text)
        return None
    if unit is None and page_unit:
        unit = page_unit
        st.note("warning", "MONEY_UNIT_FROM_PAGE", f"{what}“{text}”没有写单位，按表格上方写明的“{page_unit}”读取；请核对",
                line, field_, text)
    if unit is None:
        st.note("warning", "MONEY_UNIT_UNKNOWN", f"{what}“{text}”没有写明单位（元还是万元），未导入；请核对后填写",
                line, field_, text, f"{t} 元 或 {t} 万元")
        return None
    try:
        return format_amount(parse_amount(t, unit))
    except MoneyError as exc:
        st.note("warning", "AMOUNT_UNREADABLE", f"{what}“{text}”不是可以读取的金额，未导入: {exc}", line, field_, text)
        return None


def _money_results(st: State, page_unit: str | None) -> list[dict]:
    cols = [c for c in st.money_cols if c != "reason"] + (["reason"] if "reason" in st.money_cols else [])
    out = []
    for m, row in enumerate(st.money_rows):
        cells = [c for c in row["cells"] if not PLACEHOLDER.search(norm(c.text))]
        values = {}
        full = [c for c in cols if c != "reason"]
        short = [c for c in full if c not in ("weight", "score")]  # a source row: 分值/得分 merged away
        n = len(cells)
        if n in (len(full), len(cols)):
            use = cols
        elif n == len(short) and not row["total"]:
            use = short
        else:  # cells missing or added: from left to right, and said so
            use = full if row["total"] else short
            filled = [c for c in cells if norm(c.text) not in ("", "/")]
            if filled and st.money_cols:
                st.note("warning", "SPLIT_GUESSED", f"资金行“{row['label']}”有 {len(filled)} 个数，与 {len(use)} 列对不齐，"
                        f"按从左到右对应{'、'.join(_MONEY_ZH[c] for c in use[:len(filled)])}；请核对", row["line"],
                        f"results[0].money[{m}]", " ".join(c.text for c in cells))
            cells = filled
        for role, c in zip(use, cells, strict=False):
            values[role] = c
        for c in cells[len(use):]:
            if norm(c.text) not in BLANKISH:
                st.note("warning", "LINE_UNPLACED", f"资金行“{row['label']}”多出的内容“{c.text[:40]}”没有对应的列，未导入；请核对",
                        c.line, f"results[0].money[{m}]", c.text)
        src = None if row["total"] else row["label"]
        what = f"“{row['label']}”的{{}}"
        entry = {"source": src}
        for key in ("budget_initial", "budget_full", "spent"):
            c = values.get(key)
            entry[key] = _amount(st, c.text if c else None, c.line if c else row["line"],
                                 f"results[0].money[{m}].{key}", what.format(_MONEY_ZH[key]), page_unit)
        c = values.get("rate")
        entry["rate"] = _pct(c.text) if c else None
        c = values.get("score")
        entry["score"] = _weight(st, c.text, c.line, f"results[0].money[{m}].score") if c else None
        out.append(entry)
    return out


_MONEY_ZH = {"budget_initial": "年初预算数", "budget_full": "全年预算数", "spent": "全年执行数", "weight": "分值",
             "rate": "执行率", "score": "得分", "reason": "原因"}


def finish(st: State, file: str, first: int, last_line: int, year, title, page_unit, options) -> ImportedTable:
    table = ImportedTable(file, first, None, st.notes, {}, last_line, "selfeval", st.truncated)
    data: dict = {}
    prov: dict[str, int] = {}
    for key, (value, line) in st.facts.items():
        prov[key] = line
        if key == "owner_phone":
            data["owner"], data["phone"] = split_person_phone(re.sub(r"[(（][^)）]*[)）]$", "", value))
        elif key == "name":
            code, name = split_code(value)
            m = re.match(r"^([0-9A-Z]{15,30})[-－—](.+)$", value)
            if m:
                data["name"] = m.group(2).strip()
                st.extra.append(("项目编码", m.group(1)))
            else:
                data["name"] = value
        elif key in ("department_name", "unit_name"):
            code, name = split_code(value)
            data[key] = name or value
            if code:
                data["department_code" if key == "department_name" else "unit_code"] = code
        else:
            data[key] = value
    if "unit_name" in data:
        data["implementing_unit"] = data["unit_name"]
    if options.unit_code and not data.get("unit_code"):
        data["unit_code"] = options.unit_code
    if options.unit_name and not data.get("unit_name"):
        data["unit_name"] = options.unit_name
    indicators, results = [], []
    for row in st.rows:
        if row["cut"] and not row["target"]:
            continue
        idx = len(indicators)
        if row["guessed"]:
            st.note("warning", "ROW_UNPLACED", f"指标“{row['name']}”这一行的单元格与表头对不齐，按顺序读取；请核对",
                    row["line"], f"indicators[{idx}]", row["name"])
        weight = _weight(st, row["weight"], row["line"], f"results[0].indicators[{idx}].weight")
        score = _weight(st, row["score"], row["line"], f"results[0].indicators[{idx}].score")
        if row["level2"] is None and "level2" in st.roles and not row["guessed"]:
            st.note("warning", "ROW_UNPLACED", f"指标“{row['name']}”没有二级指标（表头有二级指标列）；请核对", row["line"],
                    f"indicators[{idx}].level2", row["name"])
        if row["level1"] is None:
            st.note("warning", "CATEGORY_INHERITED", f"指标“{row['name']}”上方没有一级指标；请核对", row["line"],
                    f"indicators[{idx}].level1")
        indicators.append({"level1": row["level1"], "level2": row["level2"], "name": row["name"],
                           "target": row["target"], "weight": weight, "note": row.get("note")})
        results.append({"index": idx, "name": row["name"], "target": row["target"], "actual": row["actual"],
                        "weight": weight, "score": score, "reason": row["reason"], "remedy": row.get("remedy"),
                        "outlook": row.get("outlook")})
        prov[f"indicators[{idx}]"] = row["line"]
    money = _money_results(st, page_unit)
    total = next((m for m in money if m["source"] is None), None)
    if total and (total["budget_initial"] or total["budget_full"]):  # the year's amount the targets were set for
        data["year_amount"] = total["budget_initial"] or total["budget_full"]
        st.note("info", "YEAR_AMOUNT_FROM_BUDGET", "项目本年度金额取年度资金总额的"
                f"{'年初预算数' if total['budget_initial'] else '全年预算数'}", last_line)
    monitor = bool(title and reading.words("selfeval.monitor")[0] in title)
    stage = {"stage": "monitor" if monitor else "evaluate", "through_month": st.through_month if monitor else None,
             "money": money,
             "goal_achieved": st.done[0] if st.done and st.done[0] else None, "indicators": results,
             "total_score": _weight(st, st.total_score, last_line, "results[0].total_score")}
    if st.goal:
        data["annual_goal"] = st.goal[0].strip()
        prov["annual_goal"] = st.goal[1]
    if title is None:
        st.note("info", "TITLE_MISSING", "表格没有自评表标题，按指标表头（完成值、得分）认作自评表", first)
    if year is None:
        st.note("warning", "YEAR_MISSING", "表格没有写明年度（可用 --year 指定）", first)
    if not indicators and not st.truncated:
        st.note("error", "TABLE_INCOMPLETE", "自评表中没有读出任何指标", first)
    form = None
    if title:
        m = reading.regex("selfeval.form_in_title").search(re.sub(r"\s+", "", title))
        form = m.group(1) if m else None
        form = re.sub(r"^\d{4}年", "", form or "") or None
    table.provenance = {k: Location(file, line=n) for k, n in prov.items()}
    if any(n.level == "error" and n.code != "TABLE_TRUNCATED" for n in st.notes):
        return table
    try:
        doc = new_document(year=year, form=form or "项目支出绩效自评表", layout=SELF_EVALUATION, indicators=indicators,
                           extra=[{"label": lb, "value": val} for lb, val in st.extra], results=[stage], **data)
    except DocumentError as exc:
        st.note("error", "DOCUMENT_INVALID", exc.message, file and None or None)
        return table
    review = [ReviewItem(code=n.code, field=n.field or "(document)", message=n.message, source=n.source, line=n.line,
                         proposed=n.proposed) for n in st.notes if n.review]
    table.document = doc.model_copy(update={"review": review}) if review else doc
    return table
