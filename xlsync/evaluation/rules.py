"""The scoring rules of a rule profile: its [scoring] section as typed, exact values."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..errors import XlsyncError


@dataclass(frozen=True)
class Grade:
    """A 定性 grade: a written 得分 must lie in [low, high] × 分值; `default` × 分值 when none is written."""

    name: str
    low: Decimal
    high: Decimal
    default: Decimal


@dataclass(frozen=True)
class ScoringRules:
    budget_points: Decimal
    indicator_points: Decimal
    split: dict[str, Decimal]  # 一级 → its points when no 分值 is declared
    grades: tuple[Grade, ...]
    places: int = 2
    not_applicable: str = "rescale"  # rescale | full
    not_applicable_grade: str = "不适用"
    source: str = ""
    counts_as: dict[str, str] = field(default_factory=dict)  # "一级" or "一级/二级" → the 一级 it counts with

    def home(self, level1: str, level2: str | None) -> str:
        """The 一级 of the default split an indicator counts with."""
        return self.counts_as.get(f"{level1}/{level2 or ''}", self.counts_as.get(level1, level1))

    def grade(self, name: str | None) -> Grade | None:
        name = (name or "").strip()
        return next((g for g in self.grades if g.name == name), None)

    @property
    def grade_names(self) -> tuple[str, ...]:
        return (*(g.name for g in self.grades), self.not_applicable_grade)

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.places)


def scoring_rules(profile) -> ScoringRules:
    """The profile's [scoring] section; a profile without one cannot score (a clear error)."""
    data = getattr(profile, "scoring", None) or {}
    source = getattr(profile, "source", "")
    if not data:
        raise XlsyncError(f"[SCORING_RULES_MISSING] 规则文件 {source} 没有 [scoring] 评分规则，无法计算得分")
    try:
        grades = tuple(Grade(str(g["name"]), Decimal(str(g["low"])), Decimal(str(g["high"])),
                             Decimal(str(g["default"]))) for g in data["grades"])
        rules = ScoringRules(
            budget_points=Decimal(str(data["budget_points"])),
            indicator_points=Decimal(str(data["indicator_points"])),
            split={str(k): Decimal(str(v)) for k, v in data.get("split", {}).items()},
            grades=grades,
            places=int(data.get("places", 2)),
            not_applicable=str(data.get("not_applicable", "rescale")),
            not_applicable_grade=str(data.get("not_applicable_grade", "不适用")),
            source=source,
            counts_as={str(k): str(v) for k, v in data.get("counts_as", {}).items()},
        )
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise XlsyncError(f"[SCORING_RULES_INVALID] 规则文件 {source} 的 [scoring] 缺少或写错了键: {exc}") from None
    if rules.not_applicable not in ("rescale", "full"):
        raise XlsyncError(f"[SCORING_RULES_INVALID] 规则文件 {source}: not_applicable 应为 rescale 或 full，"
                          f"得到 {rules.not_applicable!r}")
    for g in grades:
        if not (0 <= g.low <= g.default <= g.high <= 1):
            raise XlsyncError(f"[SCORING_RULES_INVALID] 规则文件 {source}: 档次“{g.name}”应满足 "
                              "0 ≤ low ≤ default ≤ high ≤ 1")
    return rules
