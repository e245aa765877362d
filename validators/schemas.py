"""pandera schemas over the tidy tables, built from a rule profile.

Every check is named "CODE" or "CODE:field"; the code is the finding code, the field the
document key the finding points at. Checks that span rows (duplicates, sums per project,
required categories) are DataFrame-level pandera checks.
"""

from __future__ import annotations

import re

from xlsync.document import MONEY_FIELDS


def _filled(v) -> bool:
    return v is not None and str(v).strip() != ""


def _rowwise(fn):
    """A DataFrame-level check evaluated row by row (rows are dicts)."""
    return lambda df: df.apply(lambda r: bool(fn(r)), axis=1) if len(df) else df.index.to_series(dtype=bool)


def build_schemas(profile) -> dict:
    import pandera.pandas as pa

    Check, Column = pa.Check, pa.Column

    def col(*checks):
        return Column(None, nullable=True, required=False, checks=list(checks))

    def each(fn, name):
        return Check(lambda v: bool(fn(v)), element_wise=True, name=name)

    project_checks = [
        Check(_rowwise(lambda r, c=c: _filled(r.get(c))), name=f"FIELD_MISSING:{c}")
        for c in profile.required_fields if c != "composition"
    ]
    project_checks += [
        Check(_rowwise(lambda r: r["year_amount"] is None or r["total_amount"] is None
                       or r["year_amount"] <= r["total_amount"]), name="AMOUNT_INCONSISTENT:year_amount"),
        Check(_rowwise(lambda r: r["prev_year_amount"] is None or r["prev_total_amount"] is None
                       or r["prev_year_amount"] <= r["prev_total_amount"]),
              name="AMOUNT_INCONSISTENT:prev_year_amount"),
        *([Check(_rowwise(lambda r: not r["year_amount"] or r["composition_rows"] > 0),
                 name="FIELD_MISSING:composition")] if "composition" in profile.required_fields else []),
        Check(_rowwise(lambda r: r["start_date"] is None or r["end_date"] is None
                       or r["start_date"] <= r["end_date"]), name="DATE_INVALID:end_date"),
        Check(_rowwise(lambda r: r["start_date"] is None or r["year"] is None or int(r["start_date"][:4]) <= r["year"]),
              name="DATE_INVALID:start_date"),
        Check(_rowwise(lambda r: r["end_date"] is None or r["year"] is None or int(r["end_date"][:4]) >= r["year"]),
              name="DATE_INVALID:end_date"),
    ]
    project_cols = {
        "project_id": Column(str, unique=True),
        "unit_code": col(each(lambda v: re.fullmatch(profile.unit_code_pattern, str(v)),
                              "UNIT_CODE_INVALID:unit_code")),
        "phone": col(each(
            lambda v: re.fullmatch(r"(?=(?:.*\d){2})[\d*]{2,5}-?[\d*]{5,11}", str(v).replace(" ", "")),
            "PHONE_INVALID:phone")),
        **{m: col(each(lambda v: v >= 0, f"AMOUNT_INVALID:{m}")) for m in MONEY_FIELDS},
    }
    if profile.fund_use:
        project_cols["fund_use"] = col(each(lambda v: v in profile.fund_use, "FIELD_INVALID:fund_use"))

    level1_known = set(profile.level1)
    pairs = {(a, b) for a, bs in profile.level1.items() for b in bs} | set(profile.also_pairs)
    rate = tuple(profile.rate_suffixes)
    indicators = pa.DataFrameSchema(
        {
            "level1": col(each(lambda v: v in level1_known, "CATEGORY_UNKNOWN:level1")),
            "target": col(),
            "name": col(),
        },
        checks=[
            Check(_rowwise(lambda r: r["level1"] not in level1_known or (r["level1"], r["level2"]) in pairs),
                  name="CATEGORY_UNKNOWN:level2"),
            Check(lambda df: (~df.duplicated(["project_id", "period", "name"], keep="first") | df["name"].isna())
                  if len(df) else df.index.to_series(dtype=bool), name="INDICATOR_DUPLICATE:name"),
            Check(_rowwise(lambda r: _filled(r["name"])), name="FIELD_MISSING:name"),
            Check(_rowwise(lambda r: r["kind"] != "missing"), name="TARGET_MISSING:target"),
            Check(_rowwise(lambda r: r["kind"] != "placeholder"), name="TARGET_PLACEHOLDER:target"),
            Check(_rowwise(lambda r: r["kind"] != "unparseable"), name="TARGET_UNPARSEABLE:target"),
            Check(_rowwise(lambda r: r["kind"] != "descriptive"), name="TARGET_DESCRIPTIVE:target"),
            Check(_rowwise(lambda r: not (r["kind"] == "quantitative" and r["unit"] is None
                                          and str(r["name"] or "").endswith(rate))),
                  name="TARGET_UNIT_MISSING:target"),
        ],
    )
    tol = profile.amount_yuan

    def composition_sums(df):
        if not len(df):
            return df.index.to_series(dtype=bool)
        ok = df.index.to_series().map(lambda _i: True)
        for _pid, g in df.groupby("project_id", sort=False):
            amounts = [a for a in g["amount"] if a is not None]
            year = g["year_amount"].iloc[0]
            if year is not None and abs(sum(amounts) - year) > tol:
                ok[g.index[-1]] = False
        return ok

    composition = pa.DataFrameSchema(
        {"amount": col(each(lambda v: v >= 0, "AMOUNT_INVALID:amount"))},
        checks=[
            Check(_rowwise(lambda r: r["amount"] is not None), name="AMOUNT_INVALID:amount"),
            Check(composition_sums, name="AMOUNT_INCONSISTENT:composition"),
        ],
    )
    categories = pa.DataFrameSchema(
        {"count": col(each(lambda v: v > 0, "CATEGORY_REQUIRED"))},
    )
    weights = pa.DataFrameSchema(
        checks=[Check(_rowwise(lambda r: r["total"] == r["expected"]), name="WEIGHT_TOTAL:weight")],
    )
    return {
        "projects": pa.DataFrameSchema(project_cols, checks=project_checks),
        "indicators": indicators,
        "composition": composition,
        "categories": categories,
        "weights": weights,
    }


def failures(schema, df) -> list[tuple[str, int]]:
    """(check name, row index) of every failure, each once, in row order."""
    import pandera.pandas as pa

    if not len(df):
        return []
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        fc = fc[fc["index"].notna()]
        pairs = {(str(c), int(i)) for c, i in zip(fc["check"], fc["index"], strict=True)}
        return sorted(pairs, key=lambda p: (p[1], p[0]))
    return []
