"""目标值 parsing: operator, number, unit and kind of a target as written.

"=100%" → ("=", 100, "%", quantitative); "≥95%"; "161人"; "30亿"; "下降2%"; "≤1.50%";
"＝9辆" (full width); "健全" → qualitative; "n%", "XX", "*" → placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .money import normalize_digits

_OPS = {"=": "=", "＝": "=", "≥": "≥", ">=": "≥", "＞=": "≥", "≧": "≥", "≤": "≤", "<=": "≤", "≦": "≤",
        ">": ">", "＞": ">", "<": "<", "＜": "<"}
_QUANT_RE = re.compile(
    r"^(?P<op>>=|<=|[=＝≥≧≤≦><＞＜])?\s*"
    r"(?P<dir>下降|降低|减少|上升|提高|增长|增加|不低于|不高于|不少于|不超过|达到|大于|小于)?\s*"
    r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>%|‰|[^\d\s%]{1,6})?$"
)
_DIR_OPS = {"不低于": "≥", "不少于": "≥", "达到": "≥", "大于": ">", "不高于": "≤", "不超过": "≤", "小于": "<"}
_PLACEHOLDER_RE = re.compile(r"^[=≥≤><]?\s*(?:[nNxX]{1,3}|\*+|…+|\.{2,})\s*(?:%|[^\d\s]{0,2})?$")


@dataclass(frozen=True)
class Target:
    text: str | None
    kind: str  # quantitative | qualitative | placeholder | unparseable | missing
    op: str | None = None
    number: Decimal | None = None
    unit: str | None = None
    direction: str | None = None  # 下降 / 提高 … when the target is a change

    def as_dict(self) -> dict:
        return {"text": self.text, "kind": self.kind, "op": self.op,
                "number": None if self.number is None else str(self.number),
                "unit": self.unit, "direction": self.direction}


def parse_target(text: str | None, placeholders: frozenset[str] = frozenset()) -> Target:
    if text is None or not str(text).strip():
        return Target(text, "missing")
    raw = str(text)
    norm = normalize_digits(raw).replace("＝", "=").replace("％", "%").strip()
    if norm in placeholders or _PLACEHOLDER_RE.match(norm):
        return Target(raw, "placeholder")
    m = _QUANT_RE.match(norm)
    if m:
        op = _OPS.get(m.group("op") or "", None)
        direction = m.group("dir")
        if direction in _DIR_OPS:
            op, direction = op or _DIR_OPS[direction], None
        return Target(raw, "quantitative", op or "=", Decimal(m.group("num")), m.group("unit"), direction)
    if not re.search(r"\d", norm):
        return Target(raw, "qualitative")
    return Target(raw, "unparseable")
