"""目标值 parsing: operator, number, unit and kind of a target as written.

"=100%" → ("=", 100, "%", quantitative); "≥95%"; "161人"; "30亿"; "下降2%"; "≤1.50%";
"＝9辆" (full width); "健全" → qualitative; "n%", "XX", "*" → placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .forms import reading
from .money import normalize_digits

_OPS = {"=": "=", "＝": "=", "≥": "≥", ">=": "≥", "＞=": "≥", "≧": "≥", "≤": "≤", "<=": "≤", "≦": "≤",
        ">": ">", "＞": ">", "<": "<", "＜": "<"}
_QUANT_RE = reading.regex("quantitative_target")
# operators written as words: 大于等于95% is ≥95%
WORD_OPS = reading.mapping("word_operators")
_DIR_OPS = WORD_OPS
_PLACEHOLDER_RE = re.compile(r"^[=≥≤≧≦><]?\s*(?:[nNxX]{1,3}|\*+|…+|\.{2,})\s*(?:%|[^\d\s]{0,2})?$"
                             r"|^(?:>=|<=|[=≥≤≧≦><])\s*(?:%|‰|[^\d\s=≥≤≧≦><]{1,4})?$")  # '≧ %': the number left out


@dataclass(frozen=True)
class Target:
    text: str | None
    kind: str  # quantitative | qualitative | descriptive | placeholder | unparseable | missing
    op: str | None = None
    number: Decimal | None = None
    unit: str | None = None
    direction: str | None = None  # 下降 / 提高 … when the target is a change

    def as_dict(self) -> dict:
        return {"text": self.text, "kind": self.kind, "op": self.op,
                "number": None if self.number is None else str(self.number),
                "unit": self.unit, "direction": self.direction}


_TAIL_OPS = reading.mapping("tail_operators")
_TAIL_RE = reading.regex("target_with_tail")


def parse_target(text: str | None, placeholders: frozenset[str] = frozenset()) -> Target:
    if text is None or not str(text).strip():
        return Target(text, "missing")
    raw = str(text)
    norm = normalize_digits(raw).replace("＝", "=").replace("％", "%").strip().rstrip("。.;；")
    if norm in placeholders or _PLACEHOLDER_RE.match(norm):
        return Target(raw, "placeholder")
    tail = _TAIL_RE.match(norm)  # '95%以上' → ≥95%
    if tail and not re.match(r"^(?:>=|<=|[=≥≤≧≦><])", tail.group("body")):
        inner = parse_target(tail.group("body"), placeholders)
        if inner.kind == "quantitative" and inner.op == "=" and inner.direction is None:
            return Target(raw, "quantitative", _TAIL_OPS[tail.group("tail")], inner.number, inner.unit)
    m = _QUANT_RE.match(norm)
    if m:
        op = _OPS.get(m.group("op") or "", None)
        direction = m.group("dir")
        if direction in _DIR_OPS:
            op, direction = op or _DIR_OPS[direction], None
        return Target(raw, "quantitative", op or "=", Decimal(m.group("num")), m.group("unit"), direction)
    if not re.search(r"\d", norm):
        return Target(raw, "qualitative")
    if len(norm) > 10 and re.search(r"[\u4e00-\u9fff]{4,}", norm):
        return Target(raw, "descriptive")  # a sentence with figures: readable, not checkable
    return Target(raw, "unparseable")
