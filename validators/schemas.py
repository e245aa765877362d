"""pandera schemas over the tidy tables, built from a rule profile.

Columns are typed: `text` (Python str), `decimal` (amounts: Python Decimals, never floats),
`integer` (counts and row numbers: Python ints), each an object column where None is a missing
value (checked with one pass over the values). Every check is a named
pandera Check, "CODE" or "CODE:field": the code is the finding code (registered in
xlsync.codes, with its title and default severity), the field the document key the finding
points at. Checks that span rows (duplicates, sums per project, required categories) are
DataFrame-level checks. The plan's checks run over the plan tables (per project, plan period,
month and unreadable amount), whose figures xlsync.plan computes in exact Decimals; they are
declared as plain data in xlsync.validators.plan_checks and built into pandera checks here. `check_specs(profile)`
declares every check once; `xlsync schema --checks` prints them, and a profile switches any of
them off by name or by code (`[checks] off = ["PHONE_INVALID"]`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from xlsync.bykey import per_object
from xlsync.codes import CODES
from xlsync.document import MONEY_FIELDS

from .checkspec import CheckSpec
from .plan_checks import PLAN_CHECKS


def check_specs(profile) -> list[CheckSpec]:
    """Every check a profile's schemas run (switched-off ones included), and the plan's."""
    S = CheckSpec
    specs = [S(f"FIELD_MISSING:{c}", "projects", None, f"{c} is filled")
             for c in profile.required_fields if c != "composition"]
    specs += [
        S("AMOUNT_INCONSISTENT:year_amount", "projects", None, "year_amount ≤ total_amount"),
        S("AMOUNT_INCONSISTENT:prev_year_amount", "projects", None, "prev_year_amount ≤ prev_total_amount"),
        *([S("FIELD_MISSING:composition", "projects", None, "a project with a year_amount has 项目构成 rows")]
          if "composition" in profile.required_fields else []),
        S("DATE_INVALID:end_date", "projects", None, "start_date ≤ end_date"),
        S("DATE_INVALID:start_date", "projects", None, "start_date's year ≤ the budget year"),
        S("DATE_INVALID:end_date", "projects", None, "end_date's year ≥ the budget year"),
        S("UNIT_CODE_INVALID:unit_code", "projects", "unit_code", f"matches {profile.unit_code_pattern}"),
        S("PHONE_INVALID:phone", "projects", "phone", "a landline (with area code) or mobile number"),
        *(S(f"AMOUNT_INVALID:{m}", "projects", m, "≥ 0") for m in MONEY_FIELDS),
        *([S("FIELD_INVALID:fund_use", "projects", "fund_use", "one of the profile's fund_use values")]
          if profile.fund_use else []),
        S("CATEGORY_UNKNOWN:level1", "indicators", "level1", "a 一级 of the profile's framework"),
        S("CATEGORY_UNKNOWN:level2", "indicators", None, "a 二级 of its 一级 (or an also_level2 pair)"),
        S("INDICATOR_DUPLICATE:name", "indicators", None, "no 三级 name twice in a project and period"),
        S("FIELD_MISSING:name", "indicators", None, "every indicator has a 三级 name"),
        S("TARGET_MISSING:target", "indicators", None, "a target is given"),
        S("TARGET_PLACEHOLDER:target", "indicators", None, "the target is not a placeholder"),
        S("TARGET_UNPARSEABLE:target", "indicators", None, "the target can be read"),
        S("TARGET_DESCRIPTIVE:target", "indicators", None, "the target is not a sentence"),
        S("TARGET_UNIT_MISSING:target", "indicators", None, "a rate's number has a %"),
        S("AMOUNT_INVALID:amount", "composition", "amount", "≥ 0"),
        S("AMOUNT_INVALID:amount", "composition", None, "every 项目构成 row has an amount"),
        S("AMOUNT_INCONSISTENT:composition", "composition", None, "项目构成 adds up to year_amount (tolerance)"),
        S("WEIGHT_TOTAL:weight", "weights", None, "the 分值 of a period's indicators add up to weight_total"),
        S("CATEGORY_REQUIRED", "categories", "count", "each required category has an indicator"),
        *PLAN_CHECKS,
    ]
    for spec in specs:
        assert spec.code in CODES, f"check {spec.name}: code not in xlsync.codes"
    return specs


def describe(profile) -> list[dict]:
    """The checks of a profile as rows: what `xlsync schema --checks` prints."""
    return [{"table": s.table, "column": s.column, "check": s.name, "code": s.code,
             "title": CODES[s.code].title, "severity": profile.severity_of(s.code),
             "enabled": s.enabled(profile), "passes": s.passes} for s in check_specs(profile)]


@cache
def dtypes() -> dict:
    """The pandera data types of the tidy tables' object columns (registered once)."""
    import pandas as pd
    from pandera import dtypes as pdt
    from pandera.engines import pandas_engine

    def python_type(kind: type, label: str):
        @pandas_engine.Engine.register_dtype
        @pdt.immutable
        class PythonValues(pandas_engine.DataType):
            type = pd.api.types.pandas_dtype(object)

            def check(self, pandera_dtype, data_container=None):
                if data_container is None:
                    return str(pandera_dtype) == "object"
                return pd.Series([v is None or type(v) is kind for v in data_container.tolist()],
                                 index=data_container.index, dtype=bool)

            def __str__(self) -> str:
                return label

        PythonValues.__name__ = PythonValues.__qualname__ = f"Python{label.title()}"
        return PythonValues

    return {"decimal": python_type(Decimal, "decimal"), "integer": python_type(int, "integer"),
            "text": python_type(str, "text"), "boolean": python_type(bool, "boolean")}


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


@per_object
def build_schemas(profile) -> dict:
    """The schemas of a profile, built once per profile object and reused."""
    return _build_schemas(profile)


def _build_schemas(profile) -> dict:
    import pandera.pandas as pa

    Check, Column = pa.Check, pa.Column
    off = getattr(profile, "checks_off", frozenset())
    types = dtypes()

    def on(checks):
        """The checks the profile has not switched off (by name or by code)."""
        return [c for c in checks if c.name not in off and c.name.partition(":")[0] not in off]

    def col(kind, *checks):
        return Column(types[kind], nullable=True, required=False, checks=on(checks))

    def text(*checks):
        return col("text", *checks)

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
        "project_id": Column(types["text"], unique=True),
        "year": col("integer"),
        "unit_code": text(each(lambda v: unit_re.fullmatch(str(v)), "UNIT_CODE_INVALID:unit_code")),
        "phone": text(each(lambda v: phone_re.fullmatch(str(v).replace(" ", "")), "PHONE_INVALID:phone")),
        "start_date": text(),
        "end_date": text(),
        "composition_rows": col("integer"),
        **{m: col("decimal", each(lambda v: v >= 0, f"AMOUNT_INVALID:{m}")) for m in MONEY_FIELDS},
    }
    fund_use = set(profile.fund_use)
    project_cols["fund_use"] = text(*([each(lambda v: v in fund_use, "FIELD_INVALID:fund_use")]
                                      if profile.fund_use else []))

    level1_known = set(profile.level1)
    pairs = {(a, b) for a, bs in profile.level1.items() for b in bs} | set(profile.also_pairs)
    rate = tuple(profile.rate_suffixes)
    indicators = pa.DataFrameSchema(
        {
            "project_id": Column(types["text"]),
            "row": col("integer"),
            "period": text(),
            "level1": text(each(lambda v: v in level1_known, "CATEGORY_UNKNOWN:level1")),
            "level2": text(),
            "name": text(),
            "target": text(),
            "kind": text(),
            "op": text(),
            "number": col("decimal"),
            "unit": text(),
        },
        checks=on([
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
        ]),
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
        {"project_id": Column(types["text"]), "row": col("integer"), "item": text(),
         "amount": col("decimal", each(lambda v: v >= 0, "AMOUNT_INVALID:amount")), "year_amount": col("decimal")},
        checks=on([
            row(_rows(lambda a: a is not None, "amount"), name="AMOUNT_INVALID:amount"),
            row(composition_sums, name="AMOUNT_INCONSISTENT:composition"),
        ]),
    )
    weights = pa.DataFrameSchema(
        {"project_id": Column(types["text"]), "period": text(), "total": col("decimal"), "count": col("integer"),
         "expected": col("decimal")},
        checks=on([row(_rows(lambda total, expected: total == expected, "total", "expected"),
                       name="WEIGHT_TOTAL:weight")]),
    )
    categories = pa.DataFrameSchema(
        {"project_id": Column(types["text"]), "level1": text(), "level2": text(),
         "count": col("integer", each(lambda v: v > 0, "CATEGORY_REQUIRED"))},
    )
    return {
        "projects": pa.DataFrameSchema(project_cols, checks=on(project_checks)),
        "indicators": indicators,
        "composition": composition,
        "categories": categories,
        "weights": weights,
        **_plan_schemas(profile, pa, types, on, col, text, each, row),
    }


def _plan_schemas(profile, pa, types, on, col, text, each, row) -> dict:
    """The plan tables' schemas: amounts and percentages as exact Decimals; their checks built
    from the plan checks' declarations (xlsync.validators.plan_checks), each with the profile's
    parameters it names (the stated percentages within plan_percent_points of the computed ones)."""
    table_checks: dict[str, list] = {}
    column_checks: dict[tuple[str, str], list] = {}
    for spec in PLAN_CHECKS:
        passes = spec.bind(profile)
        if spec.column is not None:
            column_checks.setdefault((spec.table, spec.column), []).append(each(passes, spec.name))
        else:
            table_checks.setdefault(spec.table, []).append(row(_rows(passes, *spec.reads), name=spec.name))

    def schema(table: str, columns: dict):
        columns = {c: pa.Column(types["text"]) if c == "project_id" else
                   col(kind, *column_checks.get((table, c), ())) for c, kind in columns.items()}
        return pa.DataFrameSchema(columns, checks=on(table_checks.get(table, [])))

    return {
        "plan_problems": schema("plan_problems", {"project_id": "text", "row": "integer", "problem": "text"}),
        "plans": schema("plans", {"project_id": "text", "plan_text": "text", "year_amount": "decimal",
                                  "total": "decimal", "periods": "integer", "quantified": "integer"}),
        "plan": schema("plan", {"project_id": "text", "row": "integer", "start_month": "integer",
                                "end_month": "integer", "amount": "decimal", "share": "decimal",
                                "cumulative_amount": "decimal", "cumulative_share": "decimal",
                                "stated_percent": "decimal", "percent_basis": "text"}),
        "plan_months": schema("plan_months", {"project_id": "text", "month": "integer", "periods": "integer",
                                              "in_project": "boolean", "in_span": "boolean",
                                              "overlap_row": "integer", "gap_row": "integer",
                                              "outside_row": "integer"}),
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
        typed = fc[fc["check"].astype(str).str.startswith("dtype(")]
        if len(typed):  # the tidy tables give every column its type: a failure here is a bug
            raise TypeError(f"tidy table column {typed['column'].iloc[0]!r} holds "
                            f"{typed['failure_case'].iloc[0]!r}, not {typed['check'].iloc[0]}") from exc
        fc = fc[fc["index"].notna()]
        pairs = {(str(c), int(i)) for c, i in zip(fc["check"].tolist(), fc["index"].tolist(), strict=True)}
        return sorted(pairs, key=lambda p: (p[1], p[0]))
    return []
