"""Validation: documents → tidy tables → pandera schemas → findings pointing back at cells.

The plan's findings (PLAN_*) come from the plan tables' schemas like every other finding;
`plan_findings` runs the same plan checks' declarations alone in plain Python (no pandas),
for the `plan` command.
"""

from __future__ import annotations

from decimal import Decimal

from .codes import CODES
from .document import ProjectDocument
from .errors import Location
from .evaluation.checks import check_results
from .findings import FIELD_ZH, Finding, make, sort_key
from .plan import PlanFigures, months_text, pct, yuan
from .required import missing_required
from .review import WHOLE, field_zh
from .tidy import PLAN_COLUMNS, plan_rows, tidy_tables
from .validators.plan_checks import PLAN_CHECKS, plain_failures
from .validators.profiles import Profile, profile_for
from .validators.schemas import build_schemas, failures


def _message(code: str, field: str, row: dict, doc: ProjectDocument, profile) -> tuple[str, object, object]:
    """(zh-CN message, value found, value expected) for one failed check, rendered from the
    code's template in xlsync.codes; here only which template and the values it needs."""
    entry = CODES.get(code)
    if entry is None or not entry.messages:
        return f"{code}: {field}", None, None
    values = {**row, "label": FIELD_ZH.get(field, field), "value": row.get(field), "doc_year": doc.year,
              "row_no": row.get("row", 0) + 1}
    variant = ""
    if code == "FIELD_MISSING":
        variant = "composition" if field == "composition" else "indicator" if field == "name" and "row" in row else ""
    elif code == "WEIGHT_TOTAL":
        values["period_zh"] = "实施期" if row.get("period") == "long_term" else "年度"
    elif code == "AMOUNT_INVALID":
        values["what"] = "项目构成金额" if field == "amount" else values["label"]
        variant = "empty" if values["value"] is None else ""
    elif code == "AMOUNT_INCONSISTENT":
        variant = field if field in ("year_amount", "prev_year_amount") else "composition"
        values["sum"] = sum((Decimal(c.amount) for c in doc.composition if c.amount is not None), Decimal(0))
        values["doc_year_amount"] = doc.year_amount
    elif code == "DATE_INVALID":
        if field == "end_date" and row.get("start_date") and row.get("end_date") and row["start_date"] > row["end_date"]:
            variant = "order"
    elif code == "CATEGORY_UNKNOWN":
        values["value"] = row["level1"] if field == "level1" else row["level2"]
        values["level"] = "一级" if field == "level1" else "二级"
    elif code == "CATEGORY_REQUIRED":
        values["category"] = row["level1"] + (f" / {row['level2']}" if row.get("level2") else "")
    elif code == "TARGET_DESCRIPTIVE":
        values["name_or_none"] = row["name"] or "（无名称）"
    elif code == "PLAN_TOTAL_MISMATCH":
        values.update(total_yuan=yuan(row["total"]), year_yuan=yuan(row["year_amount"]),
                      difference_yuan=yuan(row["total"] - row["year_amount"]))
    elif code == "PLAN_PERCENT_MISMATCH":
        variant = "share" if row["percent_basis"] == "share" else "cumulative"
        a, b = row["start_month"], row["end_month"]
        values.update(period=f"{a}月" if a == b else f"{a}-{b}月", tolerance=profile.plan_percent_points,
                      computed_pct=pct(row["share"] if variant == "share" else row["cumulative_share"]))
    elif code == "PLAN_OUTSIDE_PROJECT":
        values.update(start_date=doc.start_date, end_date=doc.end_date)
    return entry.render(values, variant)


# the plan_months column naming the plan row a finding about a run of months points at
ANCHOR = {"PLAN_PERIOD_OVERLAP": "overlap_row", "PLAN_PERIOD_GAP": "gap_row", "PLAN_OUTSIDE_PROJECT": "outside_row"}


def _field_key(table: str, field: str, row: dict, code: str) -> str:
    if table == "plan":
        return f"plan[{row['row']}].{field}"
    if table == "plan_months":
        return f"plan[{row[ANCHOR[code]]}]"
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
        groups: dict[str, tuple] = {}
        for d in docs:
            p = profile_for(d)
            groups.setdefault(p.source, (p, []))[1].append(d)
        found = [f for p, ds in groups.values() for f in _validate(ds, p, provenance, sources)]
        return sorted(found, key=sort_key)
    return _validate(docs, profile, provenance, sources)


def _validate(docs, profile, provenance, sources) -> list[Finding]:
    provenance, sources = provenance or {}, sources or {}
    findings = _schema_findings(docs, profile, tidy_tables(docs, profile, plans=False), provenance, sources,
                                _plain_plan_failures(docs, profile))
    for doc in docs:
        if doc.results:  # the year's results (监控 / 自评): xlsync.evaluation.checks
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


def _plain_plan_failures(docs, profile, figures=None) -> dict[str, tuple]:
    """The plan checks' failures per plan table ({table: (its row by index, [(check, index)])}),
    their declarations run in plain Python over the plan rows: the failures their pandera
    schemas give (tests/test_plan_checks.py holds the two equal), without a DataFrame per
    plan table."""
    rows = plan_rows(docs, figures)
    return {name: (_record_of(rows[name], PLAN_COLUMNS[name]), found)
            for name, found in plain_failures(profile, rows).items()}


def _schema_findings(docs, profile, tables: dict, provenance, sources, plain: dict | None = None) -> list[Finding]:
    """The findings of the profile's schemas over the tables (those of them given; `plain`:
    failures already found, by table), each rendered from its code's template and located
    at the cell of its document key, in the schemas' order."""
    failed = {}
    plain = plain or {}
    for name, schema in build_schemas(profile).items():
        if name in plain:
            failed[name] = plain[name]
        elif name in tables:
            df = tables[name]
            columns = {c: df[c].tolist() for c in df.columns}
            failed[name] = (_row_of(columns), failures(schema, df))
    return _findings(docs, profile, failed, provenance, sources)


def _row_of(columns: dict[str, list]):
    """A table's row by its index, as a dict of its columns' values."""
    return lambda index: {c: values[index] for c, values in columns.items()}


def _findings(docs, profile, failed: dict[str, tuple], provenance, sources) -> list[Finding]:
    """The findings of the failures per table ({table: (its row by index, [(check, index)])})."""
    by_id = {d.id: d for d in docs}
    findings: list[Finding] = []
    for name, (row_of, table_failed) in failed.items():
        if name == "plan_months":
            table_failed = _month_runs(table_failed, row_of)
        for check, index, *extra in table_failed:
            code, _, field = check.partition(":")
            row = row_of(index)
            if extra:
                row["months"] = extra[0]
            doc = by_id[row["project_id"]]
            if code == "CATEGORY_REQUIRED":
                field = "count"
            message, found, expected = _message(code, field, row, doc, profile)
            key = _field_key(name, field, row, code)
            f = make(doc, code, key, message, found, expected, profile.severity_of(code))
            f.location = locate(provenance.get(doc.id), key, sources.get(doc.id))
            findings.append(f)
    return findings


def _month_runs(failed: list[tuple[str, int]], row_of) -> list[tuple[str, int, str]]:
    """The failures of a plan_months check in one project make one finding: (check, the
    first failing month's row, the months as text: "1-2月、11-12月")."""
    runs: dict[tuple[str, str], list[int]] = {}
    for check, index in failed:
        runs.setdefault((check, row_of(index)["project_id"]), []).append(index)
    return [(check, rows[0], months_text(sorted(row_of(i)["month"] for i in rows)))
            for (check, _pid), rows in runs.items()]


def plan_findings(docs: list[ProjectDocument], rules=None,
                  figures: dict[str, PlanFigures] | None = None) -> dict[str, list[Finding]]:
    """The plan's findings (what `xlsync plan` reports) by document id, in the order the plan
    checks are declared: each document by `rules` (a profile, a profile's name or path), else
    by its form's profile. `figures`: the documents' xlsync.plan.compute, when at hand. The
    plan checks' declarations run in plain Python over the plan tables' rows (no pandas):
    the same failures `xlsync validate` finds with their pandera schemas."""
    order = {spec.code: i for i, spec in enumerate(PLAN_CHECKS)}
    groups: dict[int, tuple] = {}
    for d in docs:
        p = rules if isinstance(rules, Profile) else profile_for(d, rules)
        groups.setdefault(id(p), (p, []))[1].append(d)
    out: dict[str, list[Finding]] = {d.id: [] for d in docs}
    for profile, group in groups.values():
        for f in _findings(group, profile, _plain_plan_failures(group, profile, figures), {}, {}):
            out[f.project_id].append(f)
    return {pid: sorted(found, key=lambda f: order[f.code]) for pid, found in out.items()}


def _record_of(records: list[dict], columns: list[str]):
    """A plain table's row by its index, as a dict of its columns' values (a copy)."""
    return lambda index: {c: records[index].get(c) for c in columns}


def review_pending(doc: ProjectDocument, profile) -> list[Finding]:
    """REVIEW_PENDING for each open review item: a warning unless the profile raises it."""
    out = []
    for item in doc.review:
        source = f"（原文“{item.source}”{f'，第 {item.line} 行' if item.line else ''}）" if item.source else ""
        how = "核对后" if item.field == WHOLE else "核对后改正该单元格，或"
        message = f"“{field_zh(item.field)}”待核对：{item.message}{source}。{how}在工作簿的“核对”表勾选“已核对”，再推送"
        out.append(make(doc, "REVIEW_PENDING", item.field, message, item.source, item.proposed,
                        profile.severity_of("REVIEW_PENDING")))
    return out
