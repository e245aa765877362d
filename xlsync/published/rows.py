"""Indicator rows: which cell of a row is which column.

Published text often loses the column positions of a row (empty and merged cells vanish,
single spaces separate cells that contain spaces). A row is therefore read by *alignment*:
its cells, in order, are matched to the table's columns (from the header), each column
taking none, one or — for text columns in space-separated rows — several soft-joined
pieces, so that every cell lands in the column its content fits best (categories in the
category columns, numbers in 指标值/分值, operators in 指标方向, units in 计量单位 …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..forms import reading
from ..targets import WORD_OPS
from .memo import short

NEG = float("-inf")

# operators as signs and as words (大于等于, 不低于 …): an 指标方向 column holds either
OPERATORS = {"≥", "≤", "=", ">", "<", ">=", "<=", "＝", "≧", "≦", "＞", "＜", "==", "≥=", "≤=", *WORD_OPS}
NATURES = set(reading.words("natures"))
_NUM_RE = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_TARGET_RE = reading.regex("target_cell")
_UNIT_RE = re.compile(r"^(?:%|‰|[^\d\s,，。；;:：()（）]{1,6}(?:/[^\d\s,，。；;]{1,4})?)$")
TEXT_ROLES = {"name", "target", "target_long", "note", "actual", "skip", "field:text"}


@dataclass
class Tok:
    text: str
    line: int
    soft: bool = False  # joined to the token before by a single space
    bound: bool = False  # the value of the label just before it, in the same cell ('资金总额:704')
    col: int | None = None  # its column where the row's separators say (empty cells counted)
    ncols: int | None = None


@dataclass(frozen=True)
class Role:
    kind: str  # cats | name | target | target_long | actual | unit | op | nature | weight | note
    #            | skip | field:<document key>
    period: str = "annual"
    group: int = 0


def is_num(t: str) -> bool:
    return bool(_NUM_RE.match(t.strip()))


def is_target(t: str) -> bool:
    return bool(_TARGET_RE.match(t.strip()))


def num_or_target(t: str) -> bool:
    return is_num(t) or is_target(t)


def _fit(role: Role, toks: list[Tok], ctx) -> float:
    """How well tokens fit a column (NEG: not at all)."""
    text = " ".join(t.text for t in toks)
    s = text.strip()
    many = len(toks) - 1
    if many and not all(t.soft for t in toks[1:]):
        return NEG
    kind = role.kind
    if kind == "cats":
        return NEG  # categories are placed separately (see align)
    if s in OPERATORS:
        return 3.0 if kind in ("op", "nature") else NEG
    if s in NATURES:
        return 3.0 if kind in ("nature", "op") else (-1.0 if kind in ("target", "value") else NEG)
    if kind in ("op", "nature"):
        return NEG
    if ctx.category(s) and kind not in ("name", "skip", "note"):
        return NEG
    if kind == "l2text":  # a 二级 column holding a name, not a known category
        return NEG if (many or num_or_target(s) or ctx.category(s)) else -1.0
    if kind == "weight":
        if many or not is_num(s):
            return NEG
        try:
            return 2.0 if float(s.replace(",", "")) <= 100 else -2.0
        except ValueError:
            return NEG
    if kind == "unit":
        if many:
            return NEG
        if is_num(s):
            return -2.0
        return 2.0 if _UNIT_RE.match(s) else -1.0
    num = is_num(s)
    if kind == "name":
        score = -3.0 if num else (0.0 if ctx.category(s) else -1.0 if is_target(s) else 1.0)
        inner = sum(2.0 for t in toks[1:] if is_num(t.text) or is_target(t.text)) if many else 0.0
        return score - 0.2 * many - inner
    if kind in ("target", "target_long"):
        if many:
            return (1.0 if not is_target(s) else 0.5) - 1.5 * many
        if ctx.has_value_parts:  # 指标值 beside separate 计量单位 / 指标方向 columns
            return 3.0 if num else (2.0 if is_target(s) else 0.5)
        return 3.0 if is_target(s) else 1.0
    if kind == "actual":
        return -1.0 - many
    if kind == "note":
        numbers = sum(is_num(t.text) for t in toks) if many else 0
        return (-0.5 if num else 0.5) - 0.2 * many - 1.0 * numbers
    if kind == "skip":
        return -1.0 - many
    if kind.startswith("field:"):
        key = kind[6:]
        if key in ("year_amount", "total_amount"):
            return 3.0 if num and not many else NEG
        if key in ("unit_name", "department_name"):
            return 3.0 if re.match(r"^\d{2,12}\s*[-－]", s) else 0.5
        return (1.0 if not num else -2.0) - 0.2 * many
    return NEG


_SKIP = {"name": -2.0, "target": -1.5, "target_long": -1.0, "cats": 0.0, "l2text": 0.0}


def _skip(role: Role) -> float:
    if role.kind.startswith("field:"):
        return -0.4
    return _SKIP.get(role.kind, -0.3)


@dataclass
class Placed:
    role: Role
    toks: list[Tok] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.toks).strip()


def align(toks: list[Tok], roles: list[Role], ctx, max_span: int = 12) -> tuple[float, list[Placed]] | None:
    """Best assignment of the tokens to the roles, in order (None: the row does not fit).

    The answer depends only on the tokens' texts and softness, the roles, `ctx.has_value_parts`
    and what ctx's vocabulary (`ctx.v`) says about categories: it is remembered per vocabulary
    (tables repeat their indicator rows)."""
    memo = ctx.v.memo.setdefault("align", {}) if hasattr(ctx, "v") else None
    if memo is None or not short(tuple(t.text for t in toks)):
        return _align(toks, roles, ctx, max_span)
    key = (tuple((t.text, t.soft) for t in toks), tuple((r.kind, r.period, r.group) for r in roles),
           bool(ctx.has_value_parts), max_span)  # roles as plain tuples: hashed and compared in C
    spans = memo.get(key, False)
    if spans is False:
        got = _align(toks, roles, ctx, max_span)
        if len(memo) >= 1 << 14:
            memo.clear()
        spans = memo[key] = None if got is None else (got[0], tuple(_spans(toks, got[1])))
    if spans is None:
        return None
    return spans[0], [Placed(role, toks[start : start + k]) for role, (start, k) in zip(roles, spans[1], strict=True)]


def _spans(toks: list[Tok], placed: list[Placed]):
    """(start, count) of each placed role's tokens (they follow one another in order)."""
    start = 0
    for p in placed:
        yield start, len(p.toks)
        start += len(p.toks)


def _align(toks: list[Tok], roles: list[Role], ctx, max_span: int) -> tuple[float, list[Placed]] | None:
    n, m = len(toks), len(roles)
    best = [[NEG] * (n + 1) for _ in range(m + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (n + 1) for _ in range(m + 1)]
    best[0][0] = 0.0
    cat = [ctx.category(t.text.strip()) for t in toks]
    for i, role in enumerate(roles):
        for j in range(n + 1):
            here = best[i][j]
            if here == NEG:
                continue
            # the role takes nothing
            s = here + _skip(role)
            if s > best[i + 1][j]:
                best[i + 1][j], back[i + 1][j] = s, (j, 0)
            if role.kind == "cats":
                k = 0
                while j + k < n and cat[j + k] and k < 2 and (k == 0 or ctx.second_category_ok(toks[j].text.strip())):
                    k += 1
                    s = here + 4.0 * k
                    if s > best[i + 1][j + k]:
                        best[i + 1][j + k], back[i + 1][j + k] = s, (j, k)
                continue
            for k in range(1, min(max_span, n - j) + 1):
                f = _fit(role, toks[j : j + k], ctx)
                if f == NEG:
                    if k == 1:
                        continue
                    break
                s = here + f
                if s > best[i + 1][j + k]:
                    best[i + 1][j + k], back[i + 1][j + k] = s, (j, k)
    if best[m][n] == NEG:
        return None
    placed = []
    j = n
    for i in range(m, 0, -1):
        start, k = back[i][j]
        placed.append(Placed(roles[i - 1], toks[start : start + k]))
        j = start
    placed.reverse()
    return best[m][n], placed


def compose_target(parts: dict[str, str]) -> str | None:
    """The 目标值 from its columns: operator + value + unit (`≥` `95` `%` → `≥95%`); a 定性
    marker is not joined, nor a unit that is a number (an Excel date serial), nor a unit or an
    operator the value already carries (`%` | `≥95%` → `≥95%`)."""
    value = parts.get("value")
    if value is None or value == "":
        return None
    op = next((parts[k] for k in ("op", "nature") if parts.get(k) in OPERATORS), "")
    unit = parts.get("unit") or ""
    if is_num(unit) or unit in NATURES:
        unit = ""
    if unit and value.rstrip().endswith(unit.strip()):
        unit = ""  # '% | ≥95%': the value carries its unit already (a 单位 column repeating it)
    if op and value.lstrip().startswith(op):
        op = ""  # '≥ | ≥95%': nor its operator twice
    if value in NATURES:
        return None
    return f"{op}{value}{unit}"
