"""Documents → tidy tables (pandas), one row per project, indicator, 项目构成 row and required
category, and the plan tables (per project, plan period, month and unreadable plan amount). Each row keeps the project id and the document key it came from, so a
schema failure maps back to the project, the row and the cell."""

from __future__ import annotations

from decimal import Decimal

from .document import MONEY_FIELDS, ProjectDocument
from .plan import PlanFigures, compute, month_rows, plan_problems
from .targets import parse_target


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


LISTS = {"plan", "composition", "indicators", "funding", "extra"}
_SCALARS = (str, int, float, Decimal, type(None))


def _project_row(doc: ProjectDocument) -> dict:
    """The document's fields but its lists, as model_dump would give them."""
    row = {k: v for k, v in doc.__dict__.items() if k not in LISTS}
    if not all(isinstance(v, _SCALARS) for v in row.values()):
        row = doc.model_dump(exclude=LISTS)
    return row


def tidy_tables(docs: list[ProjectDocument], profile, plans: bool = True) -> dict:
    """The documents as the tables the profile's schemas check (pandas DataFrames); `plans`:
    with the plan tables (`xlsync validate` checks those rows in plain Python: plan_rows)."""
    import pandas as pd

    projects, indicators, composition, categories, weights = [], [], [], [], []
    targets: dict = {}
    for doc in docs:
        row = _project_row(doc)
        for key in MONEY_FIELDS:
            row[key] = _dec(row[key])
        row["project_id"] = doc.id
        row["composition_rows"] = len(doc.composition)
        projects.append(row)
        for i, ind in enumerate(doc.indicators):
            t = targets.get(ind.target)
            if t is None:
                t = targets[ind.target] = parse_target(ind.target, profile.placeholders)
            indicators.append({
                "project_id": doc.id, "row": i, "period": ind.period, "level1": ind.level1,
                "level2": ind.level2, "name": ind.name, "target": ind.target, "kind": t.kind, "op": t.op,
                "number": t.number, "unit": t.unit,
            })
        for i, c in enumerate(doc.composition):
            composition.append({
                "project_id": doc.id, "row": i, "item": c.item, "amount": _dec(c.amount),
                "year_amount": _dec(doc.year_amount),
            })
        present = {(i.level1, i.level2) for i in doc.indicators if i.name or i.target}
        for l1 in profile.required_level1:
            also = set(profile.required_also.get(l1, ()))
            n = sum(1 for a, b in present if a == l1 or (a, b) in also)
            categories.append({"project_id": doc.id, "level1": l1, "level2": None, "count": n})
        for l1, l2 in profile.required_level2:
            also = set(profile.required_also.get(l1, ()))
            categories.append({"project_id": doc.id, "level1": l1, "level2": l2,
                               "count": int((l1, l2) in present or bool(present & also))})
        if profile.weight_total is not None:
            for period in sorted({i.period for i in doc.indicators if i.weight is not None}):
                ws = [Decimal(i.weight) for i in doc.indicators if i.period == period and i.weight is not None]
                weights.append({"project_id": doc.id, "period": period, "total": sum(ws, Decimal(0)),
                                "count": len(ws), "expected": profile.weight_total})
    cols = {
        "indicators": ["project_id", "row", "period", "level1", "level2", "name", "target", "kind", "op", "number",
                       "unit"],
        "weights": ["project_id", "period", "total", "count", "expected"],
        "composition": ["project_id", "row", "item", "amount", "year_amount"],
        "categories": ["project_id", "level1", "level2", "count"],
    }

    def frame(rows, name=None):
        """Object columns holding the values as given (None, never NaN)."""
        df = pd.DataFrame(rows, columns=cols.get(name), dtype=object)
        if name is None and len(df) and df.isna().to_numpy().any():  # rows without some keys
            df = df.where(df.notna(), None)
        return df

    return {
        "projects": frame(projects),
        "indicators": frame(indicators, "indicators"),
        "composition": frame(composition, "composition"),
        "categories": frame(categories, "categories"),
        "weights": frame(weights, "weights"),
        **(plan_tables(docs) if plans else {}),
    }


PLAN_COLUMNS = {
    # one row per project: its plan as a whole
    "plans": ["project_id", "plan_text", "year_amount", "total", "periods", "quantified"],
    # one row per plan period (document key plan[row]), with its figures (xlsync.plan.compute)
    "plan": ["project_id", "row", "start_month", "end_month", "amount", "share", "cumulative_amount",
             "cumulative_share", "stated_percent", "percent_basis"],
    # one row per month 1-12 of a plan with periods (xlsync.plan.month_rows)
    "plan_months": ["project_id", "month", "periods", "in_project", "in_span", "overlap_row", "gap_row",
                    "outside_row"],
    # one row per amount of the plan text that is not exact money (xlsync.plan.plan_problems)
    "plan_problems": ["project_id", "row", "problem"],
}


def plan_rows(docs: list[ProjectDocument], figures: dict[str, PlanFigures] | None = None) -> dict[str, list[dict]]:
    """The plan tables of the documents as plain records (each with every column of
    PLAN_COLUMNS), what `xlsync plan` checks without pandas (`figures`: their compute(doc) by
    id, when at hand)."""
    rows: dict[str, list[dict]] = {name: [] for name in PLAN_COLUMNS}
    for doc in docs:
        fig = figures[doc.id] if figures and doc.id in figures else compute(doc)
        for i, problem in enumerate(plan_problems(doc.plan_text) if doc.plan_text else ()):
            rows["plan_problems"].append({"project_id": doc.id, "row": i, "problem": problem})
        rows["plans"].append({
            "project_id": doc.id, "plan_text": doc.plan_text, "year_amount": fig.year_amount, "total": fig.total,
            "periods": len(fig.periods),
            "quantified": sum(p.amount is not None or p.stated_percent is not None for p in fig.periods),
        })
        for p in fig.periods:
            rows["plan"].append({
                "project_id": doc.id, "row": p.index, "start_month": p.start_month, "end_month": p.end_month,
                "amount": p.amount, "share": p.share, "cumulative_amount": p.cumulative_amount,
                "cumulative_share": p.cumulative_share, "stated_percent": p.stated_percent,
                "percent_basis": p.percent_basis,
            })
        rows["plan_months"].extend(month_rows(doc, fig))
    return rows


def plan_tables(docs: list[ProjectDocument], figures: dict[str, PlanFigures] | None = None) -> dict:
    """The plan tables of the documents as DataFrames (object columns), for the pandera schemas."""
    import pandas as pd

    rows = plan_rows(docs, figures)
    return {name: pd.DataFrame(rows[name], columns=cols, dtype=object) for name, cols in PLAN_COLUMNS.items()}
