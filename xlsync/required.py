"""What a form requires: the fields of its [required] section, each reported by `validate`
when missing (FIELD_MISSING, at the field's cell).

Plain document keys, or a group standing for a part of the form:
  period      项目期: both dates, or the period as written (an extra 项目期 of `1年`)
  money       项目资金: the total or the year's amount (or a 资金来源 amount)
  goals       总体目标: 实施期 or 年度目标
  indicators  绩效指标: at least one
"""

from __future__ import annotations

from .document import ProjectDocument
from .findings import FIELD_ZH, make
from .forms import form_of

GROUPS = {"period": ("项目期", "start_date"), "money": ("项目资金", "total_amount"),
          "goals": ("总体目标", "annual_goal"), "indicators": ("绩效指标", "indicators")}


def required_fields(doc: ProjectDocument, shown=frozenset()) -> tuple[str, ...]:
    """The form's required fields; `where_shown` ones only when the source has a place for
    them (shown: the document keys its sheet has cells for)."""
    section = form_of(doc).section("required")
    return tuple(str(k) for k in section.get("fields", ())) + tuple(
        str(k) for k in section.get("where_shown", ()) if k in shown)


def _period_text(doc: ProjectDocument) -> str | None:
    labels = set(form_of(doc).section("labels").get("period", ())) | {"项目期"}
    return next((e.value for e in doc.extra if e.label in labels and e.value and e.value.strip()), None)


def _filled(value) -> bool:
    if isinstance(value, list):
        return bool(value)
    return value is not None and str(value).strip() != ""


def is_filled(doc: ProjectDocument, key: str) -> bool:
    if key == "period":
        return (doc.start_date is not None and doc.end_date is not None) or _period_text(doc) is not None
    if key == "money":
        return doc.total_amount is not None or doc.year_amount is not None or any(
            f.total_amount is not None or f.year_amount is not None for f in doc.funding)
    if key == "goals":
        return _filled(doc.overall_goal) or _filled(doc.annual_goal)
    return _filled(getattr(doc, key, None))


def missing_required(doc: ProjectDocument, severity: str = "error", shown=frozenset()) -> list:
    """A FIELD_MISSING finding for each required field of the document's form it lacks."""
    out = []
    for key in required_fields(doc, shown):
        if is_filled(doc, key):
            continue
        label, field = GROUPS.get(key, (FIELD_ZH.get(key, key), key))
        if key == "period":
            message = f"“{label}”不能为空（开始时间与结束时间，或写明项目期）"
        elif key == "indicators":
            message = "没有填写任何绩效指标"
        else:
            message = f"“{label}”不能为空"
        out.append(make(doc, "FIELD_MISSING", field, message, None, None, severity))
    return out
