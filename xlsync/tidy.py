"""Documents → tidy tables (pandas), one row per project, indicator, plan period, 项目构成 row
and required category. Each row keeps the project id and the document key it came from, so a
schema failure maps back to the project, the row and the cell."""

from __future__ import annotations

from decimal import Decimal

from .document import MONEY_FIELDS, ProjectDocument
from .targets import parse_target


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def tidy_tables(docs: list[ProjectDocument], profile) -> dict:
    import pandas as pd

    projects, indicators, composition, categories, weights = [], [], [], [], []
    for doc in docs:
        row = doc.model_dump(exclude={"plan", "composition", "indicators", "funding", "extra"})
        for key in MONEY_FIELDS:
            row[key] = _dec(row[key])
        row["project_id"] = doc.id
        row["composition_rows"] = len(doc.composition)
        projects.append(row)
        for i, ind in enumerate(doc.indicators):
            t = parse_target(ind.target, profile.placeholders)
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
        df = pd.DataFrame(rows, columns=cols.get(name)) if name else pd.DataFrame(rows)
        return df.astype(object).where(df.notna(), None) if len(df) else df.astype(object)

    return {
        "projects": frame(projects),
        "indicators": frame(indicators, "indicators"),
        "composition": frame(composition, "composition"),
        "categories": frame(categories, "categories"),
        "weights": frame(weights, "weights"),
    }
