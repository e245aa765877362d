"""Carry a budget year forward: next year's drafts of the projects that continue (延续项目).

`xlsync rollover --from 2026 --to 2027 --store S [--unit CODE] [--all]`. Each draft copies the
project's names, units, indicators and goals; last year's amounts move to the 上年 fields
(prev_total_amount, prev_year_amount); what belongs to the new year (its amount, plan, the
amounts of its composition and funding, its dates) is left empty and named in the draft's
review items (待核对), the dates with the shifted date proposed; what is copied but may have
changed (total amount, annual goal, indicators) is named for checking. Each draft links to
last year's project by `previous_id` (consolidation's 跨年对比 follows the link). An existing
draft is never overwritten; a withdrawn project is not carried.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from .document import ProjectDocument, ReviewItem, make_id
from .errors import XlsyncError
from .store import Store

CONTINUING = "延续"  # a 项目属性 naming it (延续项目, 延续性项目) continues


class RolloverError(XlsyncError):
    code = "ROLLOVER_INVALID"


@dataclass
class RolloverReport:
    from_year: int
    to_year: int
    drafts: list[tuple[ProjectDocument, ProjectDocument]] = field(default_factory=list)  # (last year, draft)
    existing: list[tuple[ProjectDocument, str]] = field(default_factory=list)  # a draft is there already
    not_continuing: list[ProjectDocument] = field(default_factory=list)
    withdrawn: list[ProjectDocument] = field(default_factory=list)
    skipped_files: list = field(default_factory=list)


def continues(doc: ProjectDocument) -> bool:
    return CONTINUING in (doc.project_attribute or "")


def _shift(date: str | None, years: int) -> str | None:
    if date is None:
        return None
    d = _dt.date.fromisoformat(date)
    try:
        return d.replace(year=d.year + years).isoformat()
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28).isoformat()


def _review(code: str, key: str, message: str, source=None, proposed=None) -> ReviewItem:
    return ReviewItem(code=code, field=key, message=message, source=source, location=None,
                      proposed=proposed)


def draft(doc: ProjectDocument, to_year: int) -> ProjectDocument:
    """Next year's draft of one project (not stored)."""
    years = to_year - (doc.year or to_year)
    review: list[ReviewItem] = []
    reenter = "ROLLOVER_REENTER"
    review.append(_review(reenter, "year_amount",
                          f"{to_year} 年的项目本年度金额需重新填写（{doc.year} 年为 {doc.year_amount or '空'} 元，"
                          "已移到“项目上年度金额”）", doc.year_amount))
    if doc.plan or doc.plan_text:
        review.append(_review(reenter, "plan", f"项目实施计划需按 {to_year} 年重新填写（上年的计划未沿用）",
                              doc.plan_text))
    if any(c.amount is not None for c in doc.composition):
        review.append(_review(reenter, "composition",
                              f"项目构成各科目的金额需按 {to_year} 年重新填写（科目已沿用，金额已清空）"))
    if any(f.year_amount is not None for f in doc.funding):
        review.append(_review(reenter, "funding", f"资金来源的年度金额需按 {to_year} 年重新填写"))
    for key, label in (("start_date", "开始时间"), ("end_date", "结束时间")):
        value = getattr(doc, key)
        if value is not None:
            review.append(_review("ROLLOVER_DATE", key,
                                  f"{label}需重新填写：上年为 {value}，顺延一年为 {_shift(value, years)}",
                                  value, _shift(value, years)))
    if doc.total_amount is not None:
        review.append(_review("ROLLOVER_CHECK", "total_amount",
                              f"项目总金额沿用上年（{doc.total_amount} 元），请核对", doc.total_amount))
    if doc.annual_goal:
        review.append(_review("ROLLOVER_CHECK", "annual_goal", "年度绩效目标沿用上年，请按本年修改", doc.annual_goal))
    if doc.indicators:
        review.append(_review("ROLLOVER_CHECK", "indicators",
                              f"绩效指标及目标值沿用上年（{len(doc.indicators)} 项），请按本年核对"))
    new_id = make_id(to_year, doc.unit_code, doc.name, unit_name=doc.unit_name,
                     department=doc.department_name, form=doc.form)
    return doc.model_copy(update={
        "id": new_id, "year": to_year, "previous_id": doc.id, "status": None, "review": review,
        "prev_total_amount": doc.total_amount, "prev_year_amount": doc.year_amount, "year_amount": None,
        "start_date": None, "end_date": None, "plan": [], "plan_text": None,
        "composition": [c.model_copy(update={"amount": None}) for c in doc.composition],
        "funding": [f.model_copy(update={"year_amount": None}) for f in doc.funding],
    })


def rollover(store: Store, from_year: int, to_year: int, unit: str | None = None,
             all_projects: bool = False, dry_run: bool = False) -> RolloverReport:
    """Write next year's drafts of last year's continuing projects (every project with
    all_projects) into the store."""
    if to_year <= from_year:
        raise RolloverError(f"--to {to_year} 应晚于 --from {from_year}")
    docs, errors = store.documents(unit=unit, year=from_year)
    report = RolloverReport(from_year, to_year, skipped_files=errors)
    if not docs and not errors:
        where = f"单位 {unit} " if unit else ""
        raise RolloverError(f"存储 {store.root} 中没有{where}{from_year} 年的项目")
    with store.writing():
        for doc in sorted(docs, key=lambda d: (d.unit_code or "", d.name or "", d.id)):
            if doc.status == "withdrawn":
                report.withdrawn.append(doc)
                continue
            if not all_projects and not continues(doc):
                report.not_continuing.append(doc)
                continue
            new = draft(doc, to_year)
            if store.exists(new.id):
                report.existing.append((doc, new.id))
                continue
            if not dry_run:
                store.put(new, f"rollover {doc.id}")
            report.drafts.append((doc, new))
    return report


def render_rollover(report: RolloverReport, store_dir) -> str:
    lines = [f"[ROLLOVER] {report.from_year} → {report.to_year}：新建草稿 {len(report.drafts)} 个，"
             f"已有草稿 {len(report.existing)} 个，非延续项目 {len(report.not_continuing)} 个（未结转，"
             f"全部结转用 --all），已撤回 {len(report.withdrawn)} 个"]
    for old, new in report.drafts:
        lines.append(f"  [新建] {new.name}  {new.id}（上年 {old.id}；待核对 {len(new.review)} 项）")
    for old, new_id in report.existing:
        lines.append(f"  [已有] {old.name}  {new_id}（未改动）")
    for old in report.not_continuing:
        lines.append(f"  [未结转] {old.name}  {old.id}（项目属性：{old.project_attribute or '空'}）")
    if report.drafts:
        lines.append("下一步 (next): 导出新年度的工作簿，填写带“待核对”的栏目后推送:")
        lines.append(f"  xlsync export --store {store_dir} --year {report.to_year} --out-dir {report.to_year}年工作簿")
    return "\n".join(lines)
