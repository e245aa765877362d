"""The tidy tables of a consolidation and their column schema (the contract for other tools).

Types: `string`, `integer`, `date` (ISO), `decimal` (exact: a decimal string in CSV and JSON,
decimal128 in Parquet; `scale` decimal places). Amounts are in 元 with two places; percents
are percentage points (45.00 means 45 %) rounded half-up to two places.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from ..document import KEY_ZH
from .collect import Picture

# table → [(column, type, scale, Chinese title, description)]
SCHEMA: dict[str, list[tuple[str, str, int | None, str, str]]] = {
    "projects": [
        ("project_id", "string", None, KEY_ZH["id"], "id of the canonical document"),
        ("year", "integer", None, KEY_ZH["year"], "budget year; empty when the table names none"),
        ("unit_code", "string", None, KEY_ZH["unit_code"], "leading zeros kept"),
        ("unit_name", "string", None, KEY_ZH["unit_name"], ""),
        ("project_name", "string", None, KEY_ZH["name"], ""),
        ("layout", "string", None, KEY_ZH["layout"], "seed, national or an office's form; empty = seed"),
        ("fund_use", "string", None, KEY_ZH["fund_use"], ""),
        ("project_attribute", "string", None, KEY_ZH["project_attribute"], ""),
        ("start_date", "date", None, KEY_ZH["start_date"], ""),
        ("end_date", "date", None, KEY_ZH["end_date"], ""),
        ("total_amount", "decimal", 2, KEY_ZH["total_amount"], "元"),
        ("year_amount", "decimal", 2, KEY_ZH["year_amount"], "元"),
        ("prev_total_amount", "decimal", 2, KEY_ZH["prev_total_amount"], "元, as the table states it"),
        ("prev_year_amount", "decimal", 2, KEY_ZH["prev_year_amount"], "元, as the table states it"),
        ("plan_total", "decimal", 2, "计划合计", "sum of the 实施计划 period amounts, 元"),
        ("indicator_count", "integer", None, "指标数", ""),
        ("error_count", "integer", None, "错误", "validation findings of severity error"),
        ("warning_count", "integer", None, "警告", "validation findings of severity warning"),
        ("conflict", "integer", None, "冲突", "1 when another copy or the store disagrees"),
        ("source_file", "string", None, "来源文件", "the workbook or store document read"),
        ("source_sheet", "string", None, "工作表", "the project's sheet in the workbook"),
        ("spent_amount", "decimal", 2, "全年执行数", "元, from the 绩效自评 (empty without one)"),
        ("execution_rate", "decimal", 2, "预算执行率", "percentage points: 执行数 ÷ 全年预算数"),
        ("total_score", "decimal", 2, "自评总分", "out of 100 by the rule profile; empty: not scorable yet"),
        ("shortfall_count", "integer", None, "未达满分指标数", "indicators of the 绩效自评 below full marks"),
    ],
    "units": [
        ("unit_code", "string", None, "单位编码", ""),
        ("unit_name", "string", None, "单位名称", ""),
        ("project_count", "integer", None, "项目数", ""),
        ("year_amount", "decimal", 2, "本年度金额", "元"),
        ("prev_year_amount", "decimal", 2, "上年度金额", "元; see prev_basis"),
        ("prev_basis", "string", None, "上年度金额口径",
         "previous: last year's projects (--previous); stated: the 项目上年度金额 the tables state"),
        ("change_amount", "decimal", 2, "增减额", "元"),
        ("change_percent", "decimal", 2, "增减率", "percentage points of the previous amount"),
        ("error_count", "integer", None, "错误", ""),
        ("warning_count", "integer", None, "警告", ""),
        ("conflict_count", "integer", None, "冲突", ""),
        ("status", "string", None, "状态", "ready | has_errors | conflict | missing"),
    ],
    "plan_quarters": [
        ("project_id", "string", None, "项目编号", ""),
        ("unit_code", "string", None, "单位编码", ""),
        ("quarter", "integer", None, "季度", "1-4"),
        ("amount", "decimal", 2, "季度金额", "元, months spread evenly over their period"),
        ("cumulative_amount", "decimal", 2, "累计金额", "元"),
        ("cumulative_percent", "decimal", 2, "累计占比", "percent of 本年度金额"),
    ],
    "indicators": [
        ("project_id", "string", None, "项目编号", ""),
        ("unit_code", "string", None, "单位编码", ""),
        ("unit_name", "string", None, "单位名称", ""),
        ("project_name", "string", None, "项目名称", ""),
        ("row", "integer", None, "行", "0-based position in the table"),
        ("period", "string", None, "指标期间", "annual | long_term"),
        ("level1", "string", None, "一级指标", ""),
        ("level2", "string", None, "二级指标", ""),
        ("name", "string", None, "三级指标", ""),
        ("target", "string", None, "目标值", "as written"),
        ("kind", "string", None, "类型", "quantitative | qualitative | placeholder | unparseable | missing"),
        ("op", "string", None, "运算符", "= ≥ ≤ > <"),
        ("number", "decimal", 6, "数值", ""),
        ("unit", "string", None, "计量单位", "%, 人, 亿 …"),
        ("direction", "string", None, "方向", "下降, 提高 … when the target is a change"),
        ("weight", "decimal", 2, "分值", ""),
        ("actual", "string", None, "实际完成值", "绩效自评, as written"),
        ("score", "decimal", 2, "得分", "by the rule profile"),
        ("result", "string", None, "完成情况",
         "met | shortfall | not_applicable | missing | incomparable | grade_missing | drift"),
        ("reason", "string", None, "偏差原因", "as written"),
    ],
    "findings": [
        ("project_id", "string", None, "项目编号", "empty for a file that could not be read"),
        ("unit_code", "string", None, "单位编码", ""),
        ("project_name", "string", None, "项目名称", ""),
        ("severity", "string", None, "级别", "error | warning"),
        ("code", "string", None, "代码", "stable English code"),
        ("title", "string", None, "问题", ""),
        ("message", "string", None, "说明", "Chinese message"),
        ("field", "string", None, "字段", "document key"),
        ("file", "string", None, "来源文件", ""),
        ("sheet", "string", None, "工作表", ""),
        ("cell", "string", None, "单元格", ""),
        ("line", "integer", None, "行号", "text sources"),
    ],
    "conflicts": [
        ("kind", "string", None, "类型", "duplicate: two copies differ; stale: the workbook is older than the store"),
        ("project_id", "string", None, "项目编号", ""),
        ("unit_code", "string", None, "单位编码", ""),
        ("project_name", "string", None, "项目名称", ""),
        ("field", "string", None, "字段", "document key"),
        ("value_a", "string", None, "值 A", "duplicate: the copy counted; stale: the workbook's value (JSON for lists)"),
        ("source_a", "string", None, "来源 A", ""),
        ("value_b", "string", None, "值 B", "duplicate: the other copy; stale: the store's value"),
        ("source_b", "string", None, "来源 B", ""),
        ("base", "string", None, "导出时的值", "stale: the value when the workbook was exported"),
    ],
    "year_changes": [
        ("status", "string", None, "变化", "continued | new | dropped"),
        ("unit_code", "string", None, "单位编码", ""),
        ("unit_name", "string", None, "单位名称", ""),
        ("project_name", "string", None, "项目名称", ""),
        ("prev_year_amount", "decimal", 2, "上年度金额", "元, last year's 本年度金额"),
        ("year_amount", "decimal", 2, "本年度金额", "元"),
        ("change_amount", "decimal", 2, "增减额", "元"),
        ("change_percent", "decimal", 2, "增减率", "percentage points"),
        ("targets_changed", "integer", None, "指标变化数", ""),
        ("project_id", "string", None, "项目编号", ""),
        ("prev_project_id", "string", None, "上年度项目编号", ""),
    ],
    "target_changes": [
        ("status", "string", None, "变化", "changed | added | removed"),
        ("project_id", "string", None, "项目编号", ""),
        ("unit_code", "string", None, "单位编码", ""),
        ("project_name", "string", None, "项目名称", ""),
        ("period", "string", None, "指标期间", ""),
        ("level1", "string", None, "一级指标", ""),
        ("level2", "string", None, "二级指标", ""),
        ("name", "string", None, "三级指标", ""),
        ("prev_target", "string", None, "上年目标值", ""),
        ("target", "string", None, "本年目标值", ""),
    ],
}

UNIT_STATUS = {"就绪": "ready", "有错误": "has_errors", "有冲突": "conflict", "未报送": "missing"}
CENT = Decimal("0.01")


def cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, ROUND_HALF_UP)


def percent(share: Decimal | None) -> Decimal | None:
    """A fraction → percentage points, two places."""
    return None if share is None else (share * 100).quantize(CENT, ROUND_HALF_UP)


def _cum_share(cum: Decimal, whole: Decimal | None) -> Decimal | None:
    return cum / whole if whole else None


def _evaluation_columns(r) -> tuple:
    e = r.evaluation
    if e is None:
        return (None, None, None, None)
    return (e.spent, e.rate, e.total, len(e.shortfalls))


def rows(pic: Picture, table: str) -> Iterator[tuple]:
    """The rows of one table, in schema column order."""
    if table == "projects":
        for r in pic.records:
            yield (r.id, r.year, r.unit_code, r.unit_name, r.name, r.layout, r.fund_use, r.project_attribute,
                   r.start_date, r.end_date, r.total_amount, r.year_amount, r.prev_total_amount,
                   r.prev_year_amount, cents(r.plan_total), len(r.indicators), r.errors, r.warnings,
                   int(r.id in pic.conflict_ids), r.file, r.sheet, *_evaluation_columns(r))
    elif table == "units":
        for u in pic.units:
            yield (u.unit_code, u.unit_name, u.projects, u.year_amount, u.prev_year_amount, pic.prev_basis,
                   u.change, percent(u.change_share), u.errors, u.warnings, u.conflicts,
                   UNIT_STATUS.get(u.status, u.status))
    elif table == "plan_quarters":
        for r in pic.records:
            if not r.quarters:
                continue
            cum = Decimal(0)
            for q, amount in enumerate(r.quarters, 1):
                cum += amount
                yield (r.id, r.unit_code, q, cents(amount), cents(cum), percent(_cum_share(cum, r.year_amount)))
    elif table == "indicators":
        for r in pic.records:
            for n, i in enumerate(r.indicators):
                yield (r.id, r.unit_code, r.unit_name, r.name, n, i.period, i.level1, i.level2, i.name, i.target,
                       i.kind, i.op, i.number, i.unit, i.direction, None if i.weight is None else Decimal(i.weight),
                       i.actual, i.score, i.status, i.reason)
    elif table == "findings":
        for r, f in pic.findings:
            yield (r.id if r else None, r.unit_code if r else None, r.name if r else None, f.severity, f.code,
                   f.title, f.message, f.field, f.file, f.sheet, f.cell, f.line)
    elif table == "conflicts":
        for c in pic.conflicts:
            yield (c.kind, c.project_id, c.unit_code, c.project_name, c.field, c.value_a, c.source_a,
                   c.value_b, c.source_b, c.base)
    elif table == "year_changes":
        for c in pic.year_changes:
            yield (c.status, c.unit_code, c.unit_name, c.project_name, c.prev_year_amount, c.year_amount,
                   c.change, percent(c.change_share), c.targets_changed, c.project_id, c.prev_project_id)
    elif table == "target_changes":
        for t in pic.target_changes:
            yield (t.status, t.project_id, t.unit_code, t.project_name, t.period, t.level1, t.level2, t.name,
                   t.prev_target, t.target)
    else:
        raise KeyError(table)


def table_schema(table: str) -> dict:
    """A Frictionless Table Schema for one table (types mapped; exact decimals noted)."""
    fields = []
    for name, typ, scale, title, description in SCHEMA[table]:
        f = {"name": name, "title": title, "type": "number" if typ == "decimal" else typ}
        if typ == "decimal":
            f["decimalScale"] = scale
            f["description"] = ((description + "; ") if description else "") + \
                "exact decimal: text in CSV and JSON, decimal128 in Parquet"
        elif description:
            f["description"] = description
        fields.append(f)
    return {"fields": fields, "missingValues": [""]}


SCHEMA_BEGIN = "<!-- tidy-schema:begin (python -m xlsync.consolidate.tables --write) -->"
SCHEMA_END = "<!-- tidy-schema:end -->"


def markdown_schema() -> str:
    """The README's column reference of the tidy tables."""
    out = []
    for table, cols in SCHEMA.items():
        out.append(f"**`{table}`**\n\n| column | type | 中文 | meaning |\n|---|---|---|---|")
        for name, typ, scale, title, description in cols:
            t = f"decimal({scale})" if typ == "decimal" else typ
            out.append(f"| `{name}` | {t} | {title} | {description} |")
        out.append("")
    return "\n".join(out).strip()


if __name__ == "__main__":  # python -m xlsync.consolidate.tables --write: refresh the README
    import sys
    from pathlib import Path

    readme = Path(__file__).resolve().parents[2] / "README.md"
    body = readme.read_text(encoding="utf-8")
    head, rest = body.split(SCHEMA_BEGIN, 1)
    _old, tail = rest.split(SCHEMA_END, 1)
    new = f"{head}{SCHEMA_BEGIN}\n{markdown_schema()}\n{SCHEMA_END}{tail}"
    if "--write" in sys.argv:
        readme.write_text(new, encoding="utf-8")
    else:
        print(markdown_schema())
