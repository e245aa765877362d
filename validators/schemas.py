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


def _passes(df, fn, *columns):
    """A DataFrame-level check computed over whole columns at once: fn gets one row's values
    (None for a column the table lacks) and says whether the row passes."""
    import pandas as pd

    if not len(df):
        return df.index.to_series(dtype=bool)
    cols = [df[c].tolist() if c in df else [None] * len(df) for c in columns]
    return pd.Series([bool(fn(*vals)) for vals in zip(*cols, strict=True)], index=df.index, dtype=bool)


def _rows(fn, *columns):
    return lambda df: _passes(df, fn, *columns)


def _each(fn):
    """A column check over the column's non-null values at once."""
    import pandas as pd

    return lambda s: pd.Series([bool(fn(v)) for v in s.tolist()], index=s.index, dtype=bool)


def build_schemas(profile) -> dict:
    """The schemas of a profile, built once per profile object and reused."""
    cached = _SCHEMAS.get(id(profile))
    if cached is None or cached[0] is not profile:
        cached = _SCHEMAS[id(profile)] = (profile, _build_schemas(profile))
    return cached[1]


_SCHEMAS: dict[int, tuple] = {}


def _build_schemas(profile) -> dict:
    import pandera.pandas as pa

    Check, Column = pa.Check, pa.Column

    def col(*checks):
        return Column(None, nullable=True, required=False, checks=list(checks))

    def each(fn, name):
        return Check(_each(fn), name=name)

    def row(check, name):
        """A DataFrame-level check. ignore_na=False spares pandera a null scan of the whole
        table per check; it only matters for rows whose every cell is null, which tidy tables
        never have (project_id is always set)."""
        return Check(check, name=name, ignore_na=False)

    unit_re = re.compile(profile.unit_code_pattern)
    phone_re = re.compile(r"(?=(?:.*\d){2})[\d*]{2,5}-?[\d*]{5,11}")
    project_checks = [
        row(_rows(_filled, c), name=f"FIELD_MISSING:{c}")
        for c in profile.required_fields if c != "composition"
    ]
    project_checks += [
        row(_rows(lambda y, t: y is None or t is None or y <= t, "year_amount", "total_amount"),
              name="AMOUNT_INCONSISTENT:year_amount"),
        row(_rows(lambda y, t: y is None or t is None or y <= t, "prev_year_amount", "prev_total_amount"),
              name="AMOUNT_INCONSISTENT:prev_year_amount"),
        *([row(_rows(lambda y, n: not y or n > 0, "year_amount", "composition_rows"),
                name="FIELD_MISSING:composition")] if "composition" in profile.required_fields else []),
        row(_rows(lambda s, e: s is None or e is None or s <= e, "start_date", "end_date"),
              name="DATE_INVALID:end_date"),
        row(_rows(lambda s, y: s is None or y is None or int(s[:4]) <= y, "start_date", "year"),
              name="DATE_INVALID:start_date"),
        row(_rows(lambda e, y: e is None or y is None or int(e[:4]) >= y, "end_date", "year"),
              name="DATE_INVALID:end_date"),
    ]
    project_cols = {
        "project_id": Column(str, unique=True),
        "unit_code": col(each(lambda v: unit_re.fullmatch(str(v)), "UNIT_CODE_INVALID:unit_code")),
        "phone": col(each(lambda v: phone_re.fullmatch(str(v).replace(" ", "")), "PHONE_INVALID:phone")),
        **{m: col(each(lambda v: v >= 0, f"AMOUNT_INVALID:{m}")) for m in MONEY_FIELDS},
    }
    if profile.fund_use:
        fund_use = set(profile.fund_use)
        project_cols["fund_use"] = col(each(lambda v: v in fund_use, "FIELD_INVALID:fund_use"))

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
            row(_rows(lambda l1, l2: l1 not in level1_known or (l1, l2) in pairs, "level1", "level2"),
                  name="CATEGORY_UNKNOWN:level2"),
            row(lambda df: (~df.duplicated(["project_id", "period", "name"], keep="first") | df["name"].isna())
                if len(df) else df.index.to_series(dtype=bool), name="INDICATOR_DUPLICATE:name"),
            row(_rows(_filled, "name"), name="FIELD_MISSING:name"),
            row(_rows(lambda k: k != "missing", "kind"), name="TARGET_MISSING:target"),
            row(_rows(lambda k: k != "placeholder", "kind"), name="TARGET_PLACEHOLDER:target"),
            row(_rows(lambda k: k != "unparseable", "kind"), name="TARGET_UNPARSEABLE:target"),
            row(_rows(lambda k: k != "descriptive", "kind"), name="TARGET_DESCRIPTIVE:target"),
            row(_rows(lambda k, u, n: not (k == "quantitative" and u is None and str(n or "").endswith(rate)),
                        "kind", "unit", "name"),
                  name="TARGET_UNIT_MISSING:target"),
        ],
    )
    tol = profile.amount_yuan

    def composition_sums(df):
        """Per project, 项目构成 must add up to 本年度金额; a failure marks the project's last row."""
        if not len(df):
            return df.index.to_series(dtype=bool)
        sums: dict = {}
        for pid, amount, year, index in zip(df["project_id"].tolist(), df["amount"].tolist(),
                                            df["year_amount"].tolist(), df.index, strict=True):
            entry = sums.setdefault(pid, [[], year, index])
            if amount is not None:
                entry[0].append(amount)
            entry[2] = index
        ok = df.index.to_series().map(lambda _i: True)
        for amounts, year, last in sums.values():
            if year is not None and abs(sum(amounts) - year) > tol:
                ok[last] = False
        return ok

    composition = pa.DataFrameSchema(
        {"amount": col(each(lambda v: v >= 0, "AMOUNT_INVALID:amount"))},
        checks=[
            row(_rows(lambda a: a is not None, "amount"), name="AMOUNT_INVALID:amount"),
            row(composition_sums, name="AMOUNT_INCONSISTENT:composition"),
        ],
    )
    weights = pa.DataFrameSchema(
        checks=[row(_rows(lambda total, expected: total == expected, "total", "expected"),
                    name="WEIGHT_TOTAL:weight")],
    )
    categories = pa.DataFrameSchema(
        {"count": col(each(lambda v: v > 0, "CATEGORY_REQUIRED"))},
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
        pairs = {(str(c), int(i)) for c, i in zip(fc["check"].tolist(), fc["index"].tolist(), strict=True)}
        return sorted(pairs, key=lambda p: (p[1], p[0]))
    return []
