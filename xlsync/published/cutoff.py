"""A text that stops inside its indicator table before the framework's later families: the
block holds only the first family (产出), the others (效益, 满意度 …) never come, and the last
row is begun but not finished: a target without its number ('≧ %', '≥', '不低于'), or a
category with no indicator under it ('时效指标 |'). Such a table is cut off, never complete (no
complete table read so far has only 产出; an unfilled template row inside a table is kept as
written)."""

from __future__ import annotations

import re

# operators as signs (≧ ≦ are the JIS forms of ≥ ≤) and as words
OPERATOR = (r"(?:>=|<=|=>|=<|[=＝≥≧≤≦><＞＜]|大于等于|大于或等于|小于等于|小于或等于|不低于|不高于|不少于|不多于|"
            r"不超过|不小于|不大于|大于|小于|高于|低于)")
_OPEN_TARGET = re.compile(rf"^\s*{OPERATOR}?\s*(?:%|％|‰|[^\d\s=＝≥≧≤≦><＞＜]{{1,4}})?\s*$")


def open_target(target: str | None) -> bool:
    """A target begun but without its number: an operator, a unit, or both ('≧ %', '≥', '%')."""
    if target is None or not target.strip():
        return False
    t = target.strip()
    return bool(re.match(rf"^\s*{OPERATOR}", t) or re.fullmatch(r"[%％‰]", t)) and bool(_OPEN_TARGET.match(t))


def first_family_only(level1s: set[str], required: tuple[str, ...]) -> bool:
    """Only the framework's first family is present (产出), none of its later required ones."""
    return bool(required) and bool(level1s) and not (level1s & set(required[1:])) and required[0] in level1s


def cut_in_first_family(indicators: list[dict], seen: set[str], required: tuple[str, ...],
                        end: int | None = None, dangling: str | None = None) -> str | None:
    """Why the text is cut off inside the indicator table's first family, or None. `dangling`:
    the category the text ends on when no indicator row follows it ('时效指标 |')."""
    if not indicators:
        return None
    last = indicators[-1]
    level1s = {i.get("level1") for i in indicators if i.get("level1")} | set(seen)
    if not first_family_only(level1s, required):
        return None
    missing = "、".join(required[1:])
    if open_target(last.get("target")):
        return (f"文本在第 {end or last.get('line')} 行结束于指标“{last.get('name')}”的指标值“{last.get('target')}”"
                "（有运算符或单位，没有数值），"
                f"指标表只有{required[0]}，没有{missing}（文件可能被截断）")
    if dangling:
        return (f"文本在第 {end or last.get('line')} 行的指标类别“{dangling}”处结束，其下没有指标；"
                f"指标表只有{required[0]}，没有{missing}（文件可能被截断）")
    return None
