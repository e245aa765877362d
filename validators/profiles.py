"""Rule profiles: which categories exist and are required, target vocabulary, tolerances."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path

from xlsync.forms import form_of

from xlsync.codes import CODES, default_severity
from xlsync.errors import XlsyncError

BUILTIN = ("seed", "national")
DEFAULT = "seed"


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    level1: dict[str, tuple[str, ...]]  # 一级 → its 二级, in order
    required_level1: tuple[str, ...]
    required_level2: tuple[tuple[str, str], ...]
    required_fields: tuple[str, ...]
    fund_use: tuple[str, ...]
    qualitative: frozenset[str]
    placeholders: frozenset[str]
    rate_suffixes: tuple[str, ...]
    plan_percent_points: Decimal
    amount_yuan: Decimal
    severity: dict[str, str] = field(default_factory=dict)
    source: str = ""
    also_pairs: frozenset[tuple[str, str]] = frozenset()  # (一级, 二级) accepted besides level1's
    # a required 一级 (or 一级/二级) counts as present when one of these pairs has an indicator
    required_also: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    weight_total: Decimal | None = None  # the 分值/权重 of a table's indicators add up to this
    unit_code_pattern: str = r"\d{6}"
    scoring: dict = field(default_factory=dict)  # [scoring]: xlsync.evaluation.rules reads it
    # [checks] off: checks switched off, by name ("PHONE_INVALID:phone") or by code (every check
    # of that code, the plan's too); `xlsync schema --checks` lists them
    checks_off: frozenset[str] = frozenset()

    def severity_of(self, code: str) -> str:
        """The profile's [severity] for the code, else the registry's default (xlsync.codes)."""
        return self.severity.get(code) or default_severity(code)

    def level1_of(self, level2: str) -> str | None:
        for l1, l2s in self.level1.items():
            if level2 in l2s:
                return l1
        return None


def _profile_from(data: dict, source: str) -> Profile:
    try:
        level1 = {e["name"]: tuple(e.get("level2", ())) for e in data["level1"]}
        tol = data.get("tolerances", {})
        return Profile(
            name=str(data["name"]),
            title=str(data.get("title", data["name"])),
            level1=level1,
            required_level1=tuple(e["name"] for e in data["level1"] if e.get("required")),
            required_level2=tuple(
                (e["name"], l2) for e in data["level1"] for l2 in e.get("required_level2", ())
            ),
            required_fields=tuple(data.get("required_fields", {}).get("fields", ())),
            fund_use=tuple(data.get("fund_use", {}).get("values", ())),
            qualitative=frozenset(data.get("targets", {}).get("qualitative", ())),
            placeholders=frozenset(data.get("targets", {}).get("placeholders", ())),
            rate_suffixes=tuple(data.get("targets", {}).get("rate_suffixes", ())),
            plan_percent_points=Decimal(str(tol.get("plan_percent_points", "1"))),
            amount_yuan=Decimal(str(tol.get("amount_yuan", "0"))),
            severity={k: v for k, v in data.get("severity", {}).items()},
            source=source,
            also_pairs=frozenset((e["name"], l2) for e in data["level1"] for l2 in e.get("also_level2", ())),
            required_also={e["name"]: tuple(tuple(x.split("/", 1)) for x in e.get("required_also", ()))
                           for e in data["level1"] if e.get("required_also")},
            weight_total=Decimal(str(tol["weight_total"])) if "weight_total" in tol else None,
            unit_code_pattern=str(data.get("unit_code", {}).get("pattern", r"\d{6}")),
            scoring=dict(data.get("scoring", {})),
            checks_off=_checks_off(data.get("checks", {}).get("off", ()), source),
        )
    except (KeyError, TypeError, InvalidOperation) as exc:
        raise XlsyncError(f"{source}: 规则文件缺少或写错了键: {exc}") from None


def _checks_off(names, source: str) -> frozenset[str]:
    """[checks] off: each a registered finding code, or a code:field check name."""
    for name in names:
        code = str(name).partition(":")[0]
        if code not in CODES or "finding" not in CODES[code].kinds:
            raise XlsyncError(f"{source}: [checks] off 中的“{name}”不是校验代码（见 README 的代码表或 "
                              "`xlsync schema --checks`）")
    return frozenset(str(n) for n in names)


@cache
def load_profile(name_or_path: str | None = None) -> Profile:
    """A shipped profile by name ('seed', 'national') or a profile file by path."""
    name_or_path = name_or_path or DEFAULT
    if name_or_path in BUILTIN:
        ref = resources.files("xlsync.validators") / "profiles" / f"{name_or_path}.toml"
        text, source = ref.read_text(encoding="utf-8"), f"profiles/{name_or_path}.toml"
    else:
        path = Path(name_or_path)
        if not path.is_file():
            raise XlsyncError(f"规则文件不存在: {path}（内置规则: {', '.join(BUILTIN)}）")
        text, source = path.read_text(encoding="utf-8"), str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise XlsyncError(f"{source}: 规则文件 TOML 语法错误: {exc}") from None
    return _profile_from(data, source)


@cache
def vocabulary() -> tuple[frozenset[str], dict[str, str]]:
    """All shipped 一级 names, and every shipped 二级 name → its 一级."""
    level1: set[str] = set()
    level2: dict[str, str] = {}
    for name in BUILTIN:
        p = load_profile(name)
        level1.update(p.level1)
        for l1, l2s in p.level1.items():
            for l2 in l2s:
                level2.setdefault(l2, l1)
    return frozenset(level1), level2


def profile_for(doc, rules: str | None = None) -> Profile:
    """The rule profile a document is checked with: `rules` when given, else its form's."""
    if rules:
        return load_profile(rules)

    return load_profile(form_of(doc).profile)
