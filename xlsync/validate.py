"""Validation: documents → tidy tables → pandera schemas → findings pointing back at cells.

Plan findings (PLAN_*) come from xlsync.plan, the same code the `plan` command uses.
"""

from __future__ import annotations

from decimal import Decimal

from .document import ProjectDocument
from .errors import Location
from .findings import FIELD_ZH, Finding, make, sort_key
from .plan import check_with_profile


def _message(code: str, field: str, row: dict, doc: ProjectDocument) -> tuple[str, object, object]:
    """(zh-CN message, value found, value expected) for one failed check."""
    label = FIELD_ZH.get(field, field)
    if code == "FIELD_MISSING":
        if field == "composition":
            return "没有填写项目构成（经济科目及金额）", None, "至少一行"
        if field == "name" and "row" in row:
            return f"第 {row['row'] + 1} 行指标没有三级指标名称", None, None
        return f"“{label}”不能为空", None, None
    if code == "FIELD_INVALID":
        return f"“{label}”的取值“{row.get(field)}”不在允许的选项中", row.get(field), None
    if code == "UNIT_CODE_INVALID":
        return "单位编码格式不对（应为数字，如 095001）", row.get("unit_code"), "数字编码"
    if code == "WEIGHT_TOTAL":
        period = "实施期" if row.get("period") == "long_term" else "年度"
        return (f"{period}绩效指标的分值合计 {row['total']:f}，应为 {row['expected']:f}",
                f"{row['total']:f}", f"{row['expected']:f}")
    if code == "PHONE_INVALID":
        return "联系电话应为固定电话（可含区号）或 11 位手机号", row.get("phone"), None
    if code == "AMOUNT_INVALID":
        value = row.get(field if field != "amount" else "amount")
        what = "项目构成金额" if field == "amount" else label
        return (f"“{what}”为空" if value is None else f"“{what}”不能为负数"), value, "≥ 0"
    if code == "AMOUNT_INCONSISTENT":
        if field == "year_amount":
            return "项目本年度金额大于项目总金额", row["year_amount"], f"≤ {row['total_amount']}"
        if field == "prev_year_amount":
            return "项目上年度金额大于上年度项目总金额", row["prev_year_amount"], f"≤ {row['prev_total_amount']}"
        total = sum((Decimal(c.amount) for c in doc.composition if c.amount is not None), Decimal(0))
        return (f"项目构成合计 {total:.2f} 元，与本年度金额 {doc.year_amount} 元不一致",
                f"{total:.2f}", doc.year_amount)
    if code == "DATE_INVALID":
        if field == "end_date" and row.get("start_date") and row.get("end_date") and row["start_date"] > row["end_date"]:
            return "结束时间早于开始时间", row["end_date"], f"≥ {row['start_date']}"
        return f"“{label}”与预算年度 {doc.year} 不符", row.get(field), f"{doc.year} 年内"
    if code == "CATEGORY_UNKNOWN":
        value = row["level1"] if field == "level1" else row["level2"]
        level = "一级" if field == "level1" else "二级"
        return f"{level}指标“{value}”不在当前指标体系中（第 {row['row'] + 1} 行“{row['name']}”）", value, None
    if code == "CATEGORY_REQUIRED":
        cat = row["level1"] + (f" / {row['level2']}" if row.get("level2") else "")
        return f"必填的指标类别“{cat}”下没有任何三级指标", "0 个", "≥ 1 个"
    if code == "INDICATOR_DUPLICATE":
        return f"三级指标“{row['name']}”在本表中重复出现", row["name"], None
    if code == "TARGET_PLACEHOLDER":
        return f"“{row['name']}”的目标值“{row['target']}”是占位符，请填写实际目标", row["target"], None
    if code == "TARGET_UNPARSEABLE":
        return f"“{row['name']}”的目标值“{row['target']}”无法识别（应为 =100%、≥95%、161人 或 健全 等）", row["target"], None
    if code == "TARGET_DESCRIPTIVE":
        return (f"“{row['name'] or '（无名称）'}”的目标值是一句话，无法核对完成情况；建议写成“≥95%”“161人”这样的"
                f"数值（原文：{row['target']}）", row["target"], None)
    if code == "TARGET_UNIT_MISSING":
        return f"“{row['name']}”是比率，目标值“{row['target']}”缺少 %", row["target"], f"{row['target']}%"
    if code == "TARGET_MISSING":
        return f"“{row['name']}”没有填写目标值", None, None
    return f"{code}: {field}", None, None


def _field_key(table: str, field: str, row: dict) -> str:
    if table == "indicators":
        return f"indicators[{row['row']}].{field}"
    if table == "composition":
        return "composition" if field == "composition" else f"composition[{row['row']}].amount"
    if table in ("categories", "weights"):
        return "indicators"
    return field


def locate(prov: dict[str, Location] | None, key: str, fallback: Location | None) -> Location | None:
    """The most precise known location of a document key."""
    if prov:
        probe = key
        while probe:
            if probe in prov:
                return prov[probe]
            if "." in probe:
                probe = probe.rsplit(".", 1)[0]
            elif "[" in probe:
                probe = probe.split("[", 1)[0]
            else:
                break
    return fallback


def validate_documents(
    docs: list[ProjectDocument],
    profile=None,
    provenance: dict[str, dict[str, Location]] | None = None,
    sources: dict[str, Location] | None = None,
) -> list[Finding]:
    """All findings for the documents, sorted by unit, project, errors first. Without a
    profile each document is checked with its form's (a national table with the national
    framework, a Zhengzhou table with the seed's)."""
    if profile is None:
        from .validators.profiles import profile_for

        groups: dict[str, tuple] = {}
        for d in docs:
            p = profile_for(d)
            groups.setdefault(p.source, (p, []))[1].append(d)
        found = [f for p, ds in groups.values() for f in _validate(ds, p, provenance, sources)]
        return sorted(found, key=sort_key)
    return _validate(docs, profile, provenance, sources)


def _validate(docs, profile, provenance, sources) -> list[Finding]:
    from .tidy import tidy_tables
    from .validators.schemas import build_schemas, failures

    provenance, sources = provenance or {}, sources or {}
    by_id = {d.id: d for d in docs}
    tables = tidy_tables(docs, profile)
    schemas = build_schemas(profile)
    findings: list[Finding] = []
    for name, schema in schemas.items():
        df = tables[name]
        columns = {c: df[c].tolist() for c in df.columns}
        for check, index in failures(schema, df):
            code, _, field = check.partition(":")
            row = {c: values[index] for c, values in columns.items()}
            doc = by_id[row["project_id"]]
            if code == "CATEGORY_REQUIRED":
                field = "count"
            message, found, expected = _message(code, field, row, doc)
            key = _field_key(name, field, row)
            f = make(doc, code, key, message, found, expected, profile.severity_of(code))
            f.location = locate(provenance.get(doc.id), key, sources.get(doc.id))
            findings.append(f)
    from .required import missing_required

    for doc in docs:
        for f in check_with_profile(doc, profile):
            f.location = locate(provenance.get(doc.id), f.field, sources.get(doc.id))
            findings.append(f)
        if doc.results:  # the year's results (监控 / 自评): xlsync.evaluation.checks
            from .evaluation.checks import check_results

            for f in check_results(doc, profile):
                f.location = locate(provenance.get(doc.id), f.field, sources.get(doc.id))
                findings.append(f)
        for f in review_pending(doc, profile):
            f.location = locate(provenance.get(doc.id), f.field, sources.get(doc.id))
            findings.append(f)
        # the form's own required fields (forms/*.toml [required]), each once
        reported = {(f.project_id, f.code, f.field) for f in findings}
        for f in missing_required(doc, profile.severity_of("FIELD_MISSING"), set(provenance.get(doc.id) or ())):
            if (f.project_id, f.code, f.field) not in reported:
                f.location = locate(provenance.get(doc.id), f.field, sources.get(doc.id))
                findings.append(f)
    return sorted(findings, key=sort_key)


def review_pending(doc: ProjectDocument, profile) -> list[Finding]:
    """REVIEW_PENDING for each open review item: a warning unless the profile raises it."""
    from .review import WHOLE, field_zh

    out = []
    for item in doc.review:
        source = f"（原文“{item.source}”{f'，第 {item.line} 行' if item.line else ''}）" if item.source else ""
        how = "核对后" if item.field == WHOLE else "核对后改正该单元格，或"
        message = f"“{field_zh(item.field)}”待核对：{item.message}{source}。{how}在工作簿的“核对”表勾选“已核对”，再推送"
        out.append(make(doc, "REVIEW_PENDING", item.field, message, item.source, item.proposed,
                        profile.severity.get("REVIEW_PENDING", "warning")))
    return out
