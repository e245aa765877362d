"""Three-way merge of base / workbook / store documents, field by field. No I/O.

A field changed on one side only takes that side's value; changed on both sides to different
values it is a conflict. Lists (plan, 项目构成, indicators) are one field each; the review items
merge as a set (xlsync.review.merge_items). Without a base
(the workbook lost its hidden metadata) every difference is a conflict: a two-way comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .document import FIELDS, ProjectDocument, validate_data
from .review import merge_items

IDENTITY = ("schema_version", "id")


@dataclass
class Conflict:
    field: str
    base: object
    ours: object  # the side being pushed/pulled from (workbook on push, store on pull)
    theirs: object  # the side being written to

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Merge:
    result: ProjectDocument | None
    changed: list[str] = field(default_factory=list)  # fields the target side receives
    conflicts: list[Conflict] = field(default_factory=list)
    two_way: bool = False
    forced: list[Conflict] = field(default_factory=list)  # conflicts overwritten by --force

    @property
    def ok(self) -> bool:
        return not self.conflicts


def merge(base: ProjectDocument | None, ours: ProjectDocument, theirs: ProjectDocument | None,
          force: bool = False) -> Merge:
    """Bring `ours` (the source) into `theirs` (the target)."""
    if theirs is None:
        return Merge(ours, [k for k in FIELDS if k not in IDENTITY])
    o, t = ours.model_dump(mode="json"), theirs.model_dump(mode="json")
    b = base.model_dump(mode="json") if base is not None else None
    result = dict(t)
    m = Merge(None, two_way=b is None)
    for key in FIELDS:
        if key in IDENTITY or o[key] == t[key]:
            continue
        if key == "review":  # a set: cleared items go, new ones come, never a conflict

            items = merge_items(base.review if base is not None else None, ours.review, theirs.review)
            result[key] = [i.model_dump(mode="json") for i in items]
            if result[key] != t[key]:
                m.changed.append(key)
            continue
        if b is not None and t[key] == b[key]:
            result[key] = o[key]
            m.changed.append(key)
        elif b is not None and o[key] == b[key]:
            continue  # only the target changed: keep it
        else:
            m.conflicts.append(Conflict(key, None if b is None else b[key], o[key], t[key]))
            if force:
                result[key] = o[key]
                m.changed.append(key)
    if force:
        m.forced, m.conflicts = m.conflicts, []
    m.result = validate_data(result)
    return m
