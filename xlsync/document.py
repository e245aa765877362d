"""The canonical project document: typed model, exact money, deterministic JSON, JSON Schema.

The contract is docs/canonical-json.md (version 2: the tables of every jurisdiction). Keys
are fixed; values are null where the source has nothing. Money is a decimal string in 元 with
two places, never a float. Version 1 documents are read by filling the new keys with their
empty value (see `upgrade`); only version 2 is written.
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

SCHEMA_VERSION = 2
UNDATED = "undated"  # the year part of ids and store folders of tables that name no year


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


def _decimal_text(value: Any) -> Any:
    """A weight (分值/权重) as written: a plain decimal string, never a float."""
    if value is None:
        return None
    if isinstance(value, float):
        raise ValueError("分值必须是十进制字符串，不能是浮点数")
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return f"{Decimal(value):f}"
    return value


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
Weight = Annotated[str, BeforeValidator(_decimal_text),
                   Field(pattern=r"^-?\d+(\.\d+)?$", description="分值/权重 as written, e.g. \"10\"")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, frozen=False)


class PlanPeriod(_Strict):
    start_month: int = Field(ge=1, le=12)
    end_month: int = Field(ge=1, le=12)
    start_year: int | None = Field(default=None, ge=1900, le=2200,
                                   description="the year of start_month where it is not the budget year")
    end_year: int | None = Field(default=None, ge=1900, le=2200,
                                 description="the year of end_month where it is not the budget year")
    amount: Money | None
    stated_percent: Percent | None
    percent_basis: Literal["cumulative", "share"] | None


class CompositionItem(_Strict):
    item: str
    amount: Money | None


class FundingSource(_Strict):
    """One 资金来源 (财政拨款, 其他资金, 上级补助 …) with its amounts."""

    source: str
    total_amount: Money | None
    year_amount: Money | None


class ExtraField(_Strict):
    """A labelled field of the table that has no key of its own (never dropped)."""

    label: str
    value: str | None


class Indicator(_Strict):
    period: Literal["annual", "long_term"] = "annual"
    level1: str | None
    level2: str | None
    name: str | None
    target: str | None
    note: str | None = None
    weight: Weight | None = None


class ReviewItem(_Strict):
    """A fact the reader was not sure of (a guess), waiting for a person to look at it.

    Written by the readers of published tables; shown at its cell and on the workbook's 核对
    sheet; cleared when the user edits that cell or ticks the item there and pushes (the
    history names who). A document with review items is 待核对 (needs review)."""

    code: str = Field(description="stable English code: MONEY_UNIT_ASSUMED, LABEL_LOOSE, …")
    field: str = Field(description="the document key or path it concerns: year_amount, "
                                   "indicators[3].target, funding[0].year_amount, (document)")
    message: str = Field(description="why, in Chinese, for the finance user")
    source: str | None = Field(default=None, description="the source text as written")
    line: int | None = Field(default=None, description="the source line (text files)")
    location: str | None = Field(default=None, description="where in a file that has no lines: "
                                                            "a sheet and cell, a page, a table")
    proposed: str | None = Field(default=None, description="the reading xlsync proposes, where it "
                                                           "left the value empty rather than guess")


class MoneyResult(_Strict):
    """One row of a stage's money: a 资金来源 (or the 年度资金总额 when source is null)."""

    source: str | None = Field(description="资金来源 (当年财政拨款, 上年结转资金, 其他资金 …); "
                                           "null: 年度资金总额 (the total row)")
    budget_initial: Money | None = Field(description="年初预算数")
    budget_full: Money | None = Field(description="全年预算数")
    spent: Money | None = Field(description="执行数 (1–N月 in monitoring, 全年 in evaluation)")
    rate: Percent | None = Field(default=None, description="执行率 as printed (percent), null: computed")
    score: Weight | None = Field(default=None, description="得分 of 预算执行率 as written, null: computed")


class IndicatorResult(_Strict):
    """What one declared indicator achieved in a stage. `index` is its position in
    `indicators`; `name` and `target` repeat the declared text at the time, so a result whose
    indicator was since edited (drift) is told apart."""

    index: int = Field(ge=0)
    name: str | None = Field(description="三级指标 as declared when the result was entered")
    target: str | None = Field(description="年度指标值 as declared when the result was entered")
    actual: str | None = Field(description="实际完成值 as written (1–N月 so far in monitoring)")
    grade: str | None = Field(default=None, description="达成情况 as chosen: 达成 / 部分达成 / 未达成 / "
                                                        "不适用 (the profile's grades); null: from the actual")
    outlook: str | None = Field(default=None, description="monitoring: 全年预计完成情况 as written")
    weight: Weight | None = Field(default=None, description="分值 as written; null: the declared or "
                                                           "the profile's default split")
    score: Weight | None = Field(default=None, description="得分 as written; null: computed by the rules")
    reason: str | None = Field(default=None, description="偏差原因")
    remedy: str | None = Field(default=None, description="改进措施")


class StageResult(_Strict):
    """One stage of the year: 绩效运行监控 through a month, or the year-end 绩效自评."""

    stage: Literal["monitor", "evaluate"]
    through_month: int | None = Field(ge=1, le=12, description="monitoring: 1–N月; evaluation: null")
    money: list[MoneyResult]
    goal_achieved: str | None = Field(description="年度总体目标 实际完成情况")
    indicators: list[IndicatorResult]
    total_score: Weight | None = Field(default=None, description="总分 as written; null: computed")


class ProjectDocument(_Strict):
    """One 项目支出绩效目标表 (or 申报表 / 审批表 / 整体支出 table)."""

    schema_version: Literal[2]
    id: str = Field(pattern=r"^[0-9A-Za-z_-]{1,80}$")
    form: str | None = Field(description="the form as its title names it: 项目支出绩效目标表, 申报表 …")
    layout: str | None = Field(description="the form file (layout) xlsync reads and writes it with: "
                                           "seed, national or an office's own; null: the default")
    year: int | None = Field(ge=1900, le=2200)
    unit_code: str | None
    unit_name: str | None
    department_code: str | None
    department_name: str | None
    implementing_unit: str | None
    name: str | None
    project_attribute: str | None
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
    funding: list[FundingSource]
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
    extra: list[ExtraField]
    # xlsync's additions after version 2 (docs/canonical-json.md): optional, left out of the
    # JSON while empty, so documents written before them keep their bytes and revisions
    review: list[ReviewItem] = Field(default_factory=list,
                                     description="facts a reader guessed, waiting for a person (待核对)")
    status: Literal["withdrawn"] | None = Field(default=None, description="withdrawn: 撤回 by the unit; "
                                                "kept with its history, left out of lists and summaries")
    previous_id: str | None = Field(default=None, pattern=r"^[0-9A-Za-z_-]{1,80}$",
                                    description="last year's document this one continues (rollover)")
    results: list[StageResult] = Field(default_factory=list,
                                       description="the year's results: monitoring and self-evaluation")

    def money(self, key: str) -> Decimal | None:
        value = getattr(self, key)
        return None if value is None else Decimal(value)

    @property
    def title(self) -> str:
        """How a person names the project: its name, else the unit and the form."""
        return self.name or " ".join(p for p in (self.unit_name, self.form) if p) or self.id


FIELDS = tuple(ProjectDocument.model_fields)
# keys added after version 2: optional, written only when they hold something
OPTIONAL_FIELDS = ("review", "status", "previous_id", "results")
LIST_FIELDS = ("funding", "plan", "composition", "indicators", "extra")
MONEY_FIELDS = ("total_amount", "year_amount", "prev_total_amount", "prev_year_amount")
TEXT_FIELDS = (
    "form", "unit_name", "department_code", "department_name", "implementing_unit", "name",
    "project_attribute", "fund_use", "owner", "contact", "phone", "overview", "basis",
    "necessity", "measures", "plan_text", "remark", "overall_goal", "annual_goal",
)


def _safe_component(text: str) -> str:
    if re.fullmatch(r"[0-9A-Za-z_]{1,32}", text):
        return text
    return "u" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def unit_folder(unit_code: str | None) -> str:
    """The store folder for a unit code (or, without one, a unit name): safe, else a hash."""
    return _safe_component(unit_code or "none")


def year_folder(year: int | None) -> str:
    return str(year) if year is not None else UNDATED


def make_id(year: int | None, unit_code: str | None, name: str | None, *,
            unit_name: str | None = None, department: str | None = None,
            form: str | None = None) -> str:
    """Deterministic, file-name-safe id from what identifies a table.

    With a unit code and a project name it is the version 1 id of (year, unit code, name).
    Without a unit code the unit is named by its name (or its department); without a
    project name (a unit-level 整体支出 table) the form stands in for it.
    """
    if unit_code and name is not None:
        key = f"{year}\x1f{unit_code}\x1f{name}"
    else:
        unit = unit_code or f"\x1e{unit_name or ''}\x1e{department or ''}"
        key = f"{year}\x1f{unit}\x1f" + (name if name is not None else f"\x1d{form or ''}")
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return f"{year_folder(year)}-{unit_folder(unit_code or unit_name or department)}-{digest}"


def upgrade(data: Any) -> Any:
    """A version 1 document (dict) → version 2: the new keys with their empty value."""
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        return data
    out: dict[str, Any] = {}
    for key in FIELDS:
        if key in OPTIONAL_FIELDS and key not in data:
            continue
        if key in data:
            out[key] = data[key]
        elif key in LIST_FIELDS:
            out[key] = []
        else:
            out[key] = None
    out.update({k: v for k, v in data.items() if k not in out})  # unknown keys: refused below
    out["schema_version"] = SCHEMA_VERSION
    if isinstance(out.get("indicators"), list):
        out["indicators"] = [
            {"period": "annual", **i, "note": None, "weight": None} if isinstance(i, dict) else i
            for i in out["indicators"]
        ]
    if isinstance(out.get("plan"), list):
        out["plan"] = [
            {"start_year": None, "end_year": None, **p} if isinstance(p, dict) else p for p in out["plan"]
        ]
    return out


def new_document(**fields: Any) -> ProjectDocument:
    """Build a document; missing keys are null (lists empty); id computed when absent."""
    data: dict[str, Any] = {k: None for k in FIELDS}
    data.update({k: [] for k in LIST_FIELDS}, schema_version=SCHEMA_VERSION)
    for key in OPTIONAL_FIELDS:
        data.pop(key)
    data.update(fields)
    if not data.get("id"):
        data["id"] = make_id(data["year"], data["unit_code"], data["name"], unit_name=data["unit_name"],
                             department=data["department_name"], form=data["form"])
    return validate_data(data)


# What a finance user calls each document key (the one place: findings, import notes, sheets)
KEY_ZH: dict[str, str] = {
    "schema_version": "版本号", "id": "项目编号", "form": "表格名称", "layout": "表式", "year": "预算年度",
    "unit_code": "单位编码", "unit_name": "单位名称", "department_code": "主管部门代码",
    "department_name": "主管部门", "implementing_unit": "实施单位", "name": "项目名称",
    "project_attribute": "项目属性", "fund_use": "资金用途", "owner": "项目负责人", "contact": "联系人",
    "phone": "联系电话", "start_date": "开始时间", "end_date": "结束时间", "total_amount": "项目总金额",
    "year_amount": "项目本年度金额", "prev_total_amount": "上年度项目总金额", "prev_year_amount": "项目上年度金额",
    "funding": "资金来源", "overview": "项目概况", "basis": "立项依据", "necessity": "项目设立的必要性",
    "measures": "项目配套制度措施", "plan_text": "项目实施计划", "plan": "项目实施计划", "composition": "项目构成",
    "remark": "备注", "overall_goal": "项目总目标", "annual_goal": "年度绩效目标", "indicators": "绩效指标",
    "extra": "其他栏目", "review": "待核对", "status": "状态", "previous_id": "上年度项目编号",
    "results": "执行结果",
}
# the keys inside a list's entries
_SUBKEY_ZH = {"weight": "分值", "target": "目标值", "level1": "一级指标", "level2": "二级指标",
              "amount": "金额", "start_month": "开始月", "end_month": "结束月", "period": "指标期间"}
_KEY_ZH = KEY_ZH | _SUBKEY_ZH


def _error_zh(err: dict) -> str:
    """One pydantic error as xlsync's own Chinese sentence."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "missing":
        return "缺少这个键"
    if kind == "extra_forbidden":
        return "不认识的键（规范中没有）"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"])).removeprefix("Value error, ")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"应为整数，得到 {err.get('input')!r}"
    if kind in ("string_type",):
        return f"应为文本，得到 {err.get('input')!r}"
    if kind == "string_pattern_mismatch":
        return f"格式不对：{err.get('input')!r}"
    if kind == "literal_error":
        return f"应为 {ctx.get('expected')}，得到 {err.get('input')!r}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"超出范围：{err.get('input')!r}"
    if kind in ("list_type", "model_type", "dict_type", "model_attributes_type"):
        return "类型不对（应为列表或对象）"
    return f"不符合规范（{kind}）"


def _describe(exc: ValidationError, source: str | None) -> DocumentError:
    lines = []
    for err in exc.errors():
        path = [str(p) for p in err["loc"]]
        key = ".".join(path) or "(document)"
        named = next((_KEY_ZH[p] for p in reversed(path) if p in _KEY_ZH), None)
        lines.append(f"{key}{f'（{named}）' if named else ''}: {_error_zh(err)}")
    prefix = f"{source}: " if source else ""
    return DocumentError(prefix + "项目文档不符合规范 — " + "; ".join(lines))


def validate_data(data: Any, source: str | None = None) -> ProjectDocument:
    """dict (version 1 or 2) → ProjectDocument, or DocumentError naming each bad key."""
    try:
        return ProjectDocument.model_validate(upgrade(data))
    except ValidationError as exc:
        raise _describe(exc, source) from None


def dumps(doc: ProjectDocument) -> bytes:
    """Canonical bytes: fixed key order, UTF-8, Chinese unescaped, 2-space indent, newline.
    (pydantic's serializer writes exactly what json.dumps(ensure_ascii=False, indent=2) would,
    four times faster; a test holds them equal.)"""
    empty = {k for k in OPTIONAL_FIELDS if getattr(doc, k) in (None, [])}
    return (doc.model_dump_json(indent=2, exclude=empty or None) + "\n").encode("utf-8")


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
    schema["$id"] = "https://xlsync.example/schema/project-document-2.json"
    return schema
