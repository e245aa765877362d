"""The canonical project document: typed model, exact money, deterministic JSON, JSON Schema.

The contract is shared/design/canonical-json.md. Keys are fixed; values are null where the
source has nothing. Money is a decimal string in 元 with two places, never a float.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from .errors import DocumentError
from .money import MoneyError, format_amount, parse_amount

SCHEMA_VERSION = 1


def _money(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float):
        raise ValueError("金额必须是十进制字符串（例如 \"12210000.00\"），不能是浮点数")
    if isinstance(value, str) and not re.fullmatch(r"-?\d+(\.\d+)?", value):
        raise ValueError(f"金额必须是十进制字符串（例如 \"12210000.00\"），得到 {value!r}")
    try:
        return format_amount(parse_amount(value))
    except MoneyError as exc:
        raise ValueError(str(exc)) from exc


def _iso_date(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("日期必须是 YYYY-MM-DD 字符串")
    try:
        _dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"日期必须是 YYYY-MM-DD，得到 {value!r}") from exc
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"日期必须是 YYYY-MM-DD，得到 {value!r}")
    return value


Money = Annotated[
    str,
    BeforeValidator(_money),
    Field(pattern=r"^-?\d+\.\d{2}$", description="元, exact decimal string with two places"),
]
IsoDate = Annotated[str, BeforeValidator(_iso_date), Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
Percent = Annotated[str, Field(pattern=r"^\d+(\.\d+)?$", description="percent as written, e.g. \"45\"")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, frozen=False)


class PlanPeriod(_Strict):
    start_month: int = Field(ge=1, le=12)
    end_month: int = Field(ge=1, le=12)
    amount: Money | None
    stated_percent: Percent | None
    percent_basis: Literal["cumulative", "share"] | None


class CompositionItem(_Strict):
    item: str
    amount: Money | None


class Indicator(_Strict):
    level1: str
    level2: str
    name: str
    target: str | None


class ProjectDocument(_Strict):
    """One 项目支出绩效目标表."""

    schema_version: Literal[1]
    id: str = Field(pattern=r"^[0-9A-Za-z_-]{1,80}$")
    year: int = Field(ge=1900, le=2200)
    unit_code: str | None
    unit_name: str | None
    name: str
    fund_use: str | None
    owner: str | None
    contact: str | None
    phone: str | None
    start_date: IsoDate | None
    end_date: IsoDate | None
    total_amount: Money | None
    year_amount: Money | None
    prev_total_amount: Money | None
    prev_year_amount: Money | None
    overview: str | None
    basis: str | None
    necessity: str | None
    measures: str | None
    plan_text: str | None
    plan: list[PlanPeriod]
    composition: list[CompositionItem]
    remark: str | None
    overall_goal: str | None
    annual_goal: str | None
    indicators: list[Indicator]

    def money(self, key: str) -> Decimal | None:
        value = getattr(self, key)
        return None if value is None else Decimal(value)


FIELDS = tuple(ProjectDocument.model_fields)
MONEY_FIELDS = ("total_amount", "year_amount", "prev_total_amount", "prev_year_amount")
TEXT_FIELDS = (
    "unit_name", "name", "fund_use", "owner", "contact", "phone", "overview", "basis",
    "necessity", "measures", "plan_text", "remark", "overall_goal", "annual_goal",
)


def _safe_component(text: str) -> str:
    if re.fullmatch(r"[0-9A-Za-z_]{1,32}", text):
        return text
    return "u" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def unit_folder(unit_code: str | None) -> str:
    """The store folder for a unit code: the code itself when safe, else a hash."""
    return _safe_component(unit_code or "none")


def make_id(year: int, unit_code: str | None, name: str) -> str:
    """Deterministic, file-name-safe, unique id from (year, unit code, project name)."""
    digest = hashlib.sha256(f"{year}\x1f{unit_code}\x1f{name}".encode()).hexdigest()[:12]
    return f"{year}-{unit_folder(unit_code)}-{digest}"


def new_document(**fields: Any) -> ProjectDocument:
    """Build a document; missing keys are null (lists empty); id computed when absent."""
    data: dict[str, Any] = {k: None for k in FIELDS}
    data.update(plan=[], composition=[], indicators=[], schema_version=SCHEMA_VERSION)
    data.update(fields)
    if not data.get("id"):
        data["id"] = make_id(data["year"], data["unit_code"], data["name"])
    return validate_data(data)


def _describe(exc: ValidationError, source: str | None) -> DocumentError:
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(document)"
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"{key}: {msg}")
    prefix = f"{source}: " if source else ""
    return DocumentError(prefix + "文档不符合规范 — " + "; ".join(lines))


def validate_data(data: Any, source: str | None = None) -> ProjectDocument:
    """dict → ProjectDocument, or DocumentError naming each bad key."""
    try:
        return ProjectDocument.model_validate(data)
    except ValidationError as exc:
        raise _describe(exc, source) from None


def dumps(doc: ProjectDocument) -> bytes:
    """Canonical bytes: fixed key order, UTF-8, Chinese unescaped, 2-space indent, newline."""
    text = json.dumps(doc.model_dump(mode="json"), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def loads(raw: bytes | str, source: str | None = None) -> ProjectDocument:
    """Parse JSON into a document; syntax errors name line and column."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"{source or '<input>'}: 不是 UTF-8 编码 (byte {exc.start})") from None
    try:
        data = json.loads(raw, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"{source or '<input>'}:{exc.lineno}:{exc.colno}: JSON 语法错误: {exc.msg}"
        ) from None
    return validate_data(data, source)


def revision(doc: ProjectDocument) -> str:
    """The revision of a document: hash of its canonical bytes."""
    return hashlib.sha256(dumps(doc)).hexdigest()[:16]


def json_schema() -> dict:
    schema = ProjectDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://xlsync.example/schema/project-document-1.json"
    return schema
