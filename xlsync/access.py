"""Unit scopes: which projects a user of `xlsync serve` may push and pull."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .document import ProjectDocument, unit_folder
from .errors import AccessDenied

_ID_UNIT = re.compile(r"^[^-]+-([0-9A-Za-z_]{1,32})-[0-9a-f]{12}$")


def check_units(docs: Iterable[ProjectDocument], units: Iterable[str], user: str) -> None:
    """AccessDenied unless every document belongs to one of the units, by its unit code and
    by the unit its id (and so its place in the store) names."""
    allowed = set(units)
    for doc in docs:
        m = _ID_UNIT.match(doc.id or "")
        ok = doc.unit_code in allowed and m is not None and m.group(1) == unit_folder(doc.unit_code)
        if not ok:
            raise AccessDenied(
                f"用户 {user} 无权推送或拉取单位 {doc.unit_code or '（无单位编码）'} 的项目“{doc.name}”"
                f"（项目编号 {doc.id}）；可用单位: {', '.join(sorted(allowed)) or '无'}")
