"""The registry of problem codes: every finding of validation, every note of the published-table
reader and every review item has its code here, once.

Each code has its default severity (a profile's `[severity]` may override it for findings), its
Chinese title (what a finance user sees beside the message), its message templates where the
message is rendered from one, an English description and the document fields it may point at.
A new code is added here and nowhere else; the README's list is generated from this module:

    python -m xlsync.codes --write      # refresh the README's code list (a test holds them equal)

Kinds: `finding` (validation: `xlsync validate`, `plan`, the 校验结果 sheet), `note` (what the
reader of a published table says about a table or file; `level` is the level it gives),
`review` (a note that is also a review item on the document, 待核对 until a person has looked).

This module imports nothing of xlsync: every layer may use it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Template:
    """A message (zh-CN) and the found / expected values, as str.format templates over the
    failed row's values and what validation adds (label, value, doc_year, ...). None: no value."""

    message: str
    found: str | None = None
    expected: str | None = None


@dataclass(frozen=True)
class Code:
    code: str
    title: str  # zh-CN
    description: str  # English
    kinds: tuple[str, ...] = ("finding",)  # finding | note | review
    severity: str = "error"  # a finding's default severity (error | warning)
    level: str | None = None  # a note's level (info | warning | error)
    fields: tuple[str, ...] = ()  # document keys it may point at ("indicators[i].target")
    messages: dict[str, Template] = field(default_factory=dict)  # variant → template ("" the default)

    def render(self, values: dict, variant: str = "") -> tuple[str, str | None, str | None]:
        """(message, found, expected) of a template, filled from `values`."""
        t = self.messages[variant]

        def fill(text: str | None) -> str | None:
            if text is None:
                return None
            if text.startswith("{") and text.endswith("}") and text.count("{") == 1:
                key = text[1:-1].split(":")[0]
                if values.get(key) is None:  # a value that is not there is None, not "None"
                    return None
            return text.format_map(values)

        return fill(t.message), fill(t.found), fill(t.expected)


F, N, R = ("finding",), ("note",), ("note", "review")
IND = "indicators[i]"
MONEY = ("total_amount", "year_amount", "prev_total_amount", "prev_year_amount")  # document.MONEY_FIELDS

_ALL = [
    # -- validation: the plan (the plan tables' schemas, figures by xlsync.plan) -----------
    Code("PLAN_TOTAL_MISMATCH", "实施计划金额合计与本年度金额不符",
         "The plan's period amounts do not add up to the year's amount (exactly, to the fen).",
         fields=("plan",), messages={
             "": Template("各时间段金额合计 {total_yuan} 元，本年度金额 {year_yuan} 元，相差 {difference_yuan} 元",
                          "{total_yuan}", "{year_yuan}")}),
    Code("PLAN_PERCENT_MISMATCH", "实施计划所述比例与金额不符",
         "A period's stated percentage differs from its amount's share (or cumulative share) of the year's "
         "amount by more than the profile's plan_percent_points.",
         fields=("plan[i].stated_percent",), messages={
             "share": Template("{period}写明本期占比 {stated_percent}%，按金额计算为 {computed_pct}%（允许误差 "
                               "{tolerance} 个百分点）", "{stated_percent}%", "{computed_pct}%"),
             "cumulative": Template("{period}写明累计占比 {stated_percent}%，按金额计算为 {computed_pct}%（允许误差 "
                                    "{tolerance} 个百分点）", "{stated_percent}%", "{computed_pct}%")}),
    Code("PLAN_PERIOD_OVERLAP", "实施计划时间段重叠", "Two plan periods cover the same months.",
         fields=("plan[i]",), messages={"": Template("{months}同时出现在两个时间段中", "{months}")}),
    Code("PLAN_PERIOD_GAP", "实施计划时间段有空缺", "Months of the project fall in no plan period.",
         severity="warning", fields=("plan[i]",),
         messages={"": Template("{months}没有安排在任何时间段中", "{months}")}),
    Code("PLAN_OUTSIDE_PROJECT", "实施计划超出项目起止时间", "A plan period lies outside the project's dates.",
         fields=("plan[i]",), messages={
             "": Template("{months}不在项目起止时间（{start_date} 至 {end_date}）之内", "{months}",
                          "{start_date} 至 {end_date}")}),
    Code("PLAN_NOT_QUANTIFIED", "实施计划没有金额或比例",
         "The plan text names no amount or percentage per period: spending cannot be checked.",
         severity="warning", fields=("plan_text",),
         messages={"": Template("实施计划没有写明各时间段的支出金额或比例，无法核对支出进度")}),
    Code("PLAN_AMOUNT_UNREADABLE", "实施计划金额无法读取",
         "An amount in the plan text is not exact money: the period keeps no amount, the rest imports.",
         kinds=("finding", "note"), level="warning", fields=("plan_text",),
         messages={"": Template("{problem}")}),
    # -- validation: the project (validators/schemas.py) -----------------------------------
    Code("AMOUNT_INVALID", "金额无效", "An amount is empty where it must be given, or negative.",
         fields=(*MONEY, "composition[i].amount"), messages={
             "": Template("“{what}”不能为负数", "{value}", "≥ 0"),
             "empty": Template("“{what}”为空", None, "≥ 0")}),
    Code("AMOUNT_INCONSISTENT", "金额前后不一致",
         "Amounts contradict each other: the year's amount above the total, or 项目构成 not adding up.",
         fields=("year_amount", "prev_year_amount", "composition"), messages={
             "year_amount": Template("项目本年度金额大于项目总金额", "{year_amount}", "≤ {total_amount}"),
             "prev_year_amount": Template("项目上年度金额大于上年度项目总金额", "{prev_year_amount}",
                                          "≤ {prev_total_amount}"),
             "composition": Template("项目构成合计 {sum:.2f} 元，与本年度金额 {doc_year_amount} 元不一致",
                                     "{sum:.2f}", "{doc_year_amount}")}),
    Code("DATE_INVALID", "日期无效", "A date outside the budget year, or the end before the start.",
         fields=("start_date", "end_date"), messages={
             "": Template("“{label}”与预算年度 {doc_year} 不符", "{value}", "{doc_year} 年内"),
             "order": Template("结束时间早于开始时间", "{end_date}", "≥ {start_date}")}),
    Code("FIELD_MISSING", "必填项为空", "A field the profile requires is empty.",
         fields=("(the profile's required_fields)", "composition", f"{IND}.name"), messages={
             "": Template("“{label}”不能为空"),
             "composition": Template("没有填写项目构成（经济科目及金额）", None, "至少一行"),
             "indicator": Template("第 {row_no} 行指标没有三级指标名称")}),
    Code("FIELD_INVALID", "取值不在允许范围内", "A value that is not one of the profile's choices (资金用途).",
         fields=("fund_use",), messages={"": Template("“{label}”的取值“{value}”不在允许的选项中", "{value}")}),
    Code("UNIT_CODE_INVALID", "单位编码无效", "The unit code does not match the profile's pattern.",
         fields=("unit_code",),
         messages={"": Template("单位编码格式不对（应为数字，如 095001）", "{unit_code}", "数字编码")}),
    Code("PHONE_INVALID", "联系电话无效", "The phone is neither a landline (with area code) nor a mobile number.",
         severity="warning", fields=("phone",),
         messages={"": Template("联系电话应为固定电话（可含区号）或 11 位手机号", "{phone}")}),
    # -- validation: indicators ------------------------------------------------------------
    Code("CATEGORY_UNKNOWN", "指标类别不在指标体系中",
         "A 一级 or 二级 category the profile's framework does not have.",
         fields=(f"{IND}.level1", f"{IND}.level2"),
         messages={"": Template("{level}指标“{value}”不在当前指标体系中（第 {row_no} 行“{name}”）", "{value}")}),
    Code("CATEGORY_REQUIRED", "必填指标类别没有指标", "A category the profile requires has no indicator.",
         fields=("indicators",),
         messages={"": Template("必填的指标类别“{category}”下没有任何三级指标", "0 个", "≥ 1 个")}),
    Code("INDICATOR_DUPLICATE", "三级指标重复", "The same 三级 indicator twice in one table and period.",
         fields=(f"{IND}.name",), messages={"": Template("三级指标“{name}”在本表中重复出现", "{name}")}),
    Code("TARGET_PLACEHOLDER", "目标值是占位符", "A target that is a placeholder (n%, XX, 待定).",
         fields=(f"{IND}.target",),
         messages={"": Template("“{name}”的目标值“{target}”是占位符，请填写实际目标", "{target}")}),
    Code("TARGET_UNPARSEABLE", "目标值无法识别", "A target that is neither a value, a comparison nor a quality word.",
         fields=(f"{IND}.target",),
         messages={"": Template("“{name}”的目标值“{target}”无法识别（应为 =100%、≥95%、161人 或 健全 等）",
                                "{target}")}),
    Code("TARGET_UNIT_MISSING", "比率类目标值缺少 %", "A rate indicator's target is a bare number without %.",
         severity="warning", fields=(f"{IND}.target",),
         messages={"": Template("“{name}”是比率，目标值“{target}”缺少 %", "{target}", "{target}%")}),
    Code("TARGET_MISSING", "目标值为空", "An indicator without a target (the reader: a row without one).",
         kinds=("finding", "note"), level="warning", fields=(f"{IND}.target",),
         messages={"": Template("“{name}”没有填写目标值")}),
    Code("TARGET_DESCRIPTIVE", "目标值是描述性文字",
         "A target that is a sentence: its achievement cannot be checked.",
         severity="warning", fields=(f"{IND}.target",),
         messages={"": Template("“{name_or_none}”的目标值是一句话，无法核对完成情况；建议写成“≥95%”“161人”这样的"
                                "数值（原文：{target}）", "{target}")}),
    Code("WEIGHT_TOTAL", "指标分值合计不符", "The 分值/权重 of a table's indicators do not add up to the profile's total.",
         fields=("indicators",),
         messages={"": Template("{period_zh}绩效指标的分值合计 {total:f}，应为 {expected:f}", "{total:f}",
                                "{expected:f}")}),
    # -- validation: the year's results (xlsync.evaluation.checks) -------------------------
    Code("ACTUAL_INCOMPARABLE", "实际完成值无法与指标值比较",
         "An actual value that cannot be compared with its target.", fields=("results[i].indicators[j].actual",)),
    Code("REASON_MISSING", "未达成的指标没有写偏差原因", "A missed target without a reason for the deviation.",
         fields=("results[i].indicators[j].reason",)),
    Code("SPENT_OVER_BUDGET", "执行数超过预算数", "Money spent exceeds the budget.",
         fields=("results[i].money[j].spent",)),
    Code("SCORE_MISMATCH", "填写的得分与评分规则不符", "A score entered that the scoring rules do not give.",
         fields=("results[i].indicators[j].score",)),
    Code("GRADE_MISSING", "定性指标没有选择达成情况", "A qualitative indicator without its grade.",
         severity="warning", fields=("results[i].indicators[j]",)),
    Code("ACTUAL_MISSING", "没有填写实际完成值", "An indicator without its actual value.",
         severity="warning", fields=("results[i].indicators[j].actual",)),
    Code("RESULT_DRIFT", "指标已改动，完成情况对不上",
         "The results were recorded against an indicator that has changed since.", fields=("results[i].indicators[j]",)),
    Code("SCORING_RULES_MISSING", "规则文件没有评分规则", "The profile has no [scoring] rules: scores not checked.",
         severity="warning", fields=("results[i]",)),
    Code("REVIEW_PENDING", "读取时不确定，待核对",
         "A fact the reader of a published table guessed and nobody has checked yet.",
         severity="warning", fields=("(any field a review item names)",)),
    # -- the reader of published tables: review items (待核对) -----------------------------
    Code("MONEY_UNIT_UNKNOWN", "金额单位不明", "An amount with no unit stated anywhere: left empty, a reading proposed.",
         kinds=R, level="warning", fields=(*MONEY, "composition[i].amount")),
    Code("MONEY_UNIT_FROM_PAGE", "金额单位取自页面", "The money unit taken from the page above the table or a column header.",
         kinds=R, level="warning", fields=MONEY),
    Code("AMOUNT_UNREADABLE", "金额无法读取", "An amount that is not exact money: left empty, its text kept.",
         kinds=R, level="warning", fields=(*MONEY, "composition[i].amount")),
    Code("AMOUNT_SUMMED", "金额按明细合计", "An amount the table leaves blank, taken as the sum of its printed parts.",
         kinds=R, level="warning", fields=MONEY),
    Code("DATE_UNREADABLE", "日期无法读取", "A date that cannot be read: not imported, its text kept.",
         kinds=R, level="warning", fields=("start_date", "end_date")),
    Code("WEIGHT_UNREADABLE", "分值无法读取", "An indicator's 分值 that is not a number: not imported.",
         kinds=R, level="warning", fields=(f"{IND}.weight",)),
    Code("LABEL_LOOSE", "栏目名按主词识别", "A label matched by its head word, not by the form's vocabulary.",
         kinds=R, level="warning", fields=("(the field the label names)",)),
    Code("LABEL_CORRECTED", "栏目名按识别错误改正", "A label read through an OCR slip.",
         kinds=R, level="warning", fields=("(the field the label names)",)),
    Code("CATEGORY_GUESSED", "一级指标按推测改正", "A misspelt 一级 corrected without its 二级 to confirm it.",
         kinds=R, level="warning", fields=(f"{IND}.level1",)),
    Code("CATEGORY_INHERITED", "一级指标取自指标体系", "A 一级 taken from the framework: the table names none above the row.",
         kinds=R, level="warning", fields=(f"{IND}.level1",)),
    Code("RUN_TOGETHER", "文字没有单元格分隔", "Text without cell borders, cut by labels and categories.",
         kinds=R, level="warning", fields=("(document)",)),
    Code("SPLIT_GUESSED", "指标与目标值按推测拆分", "A 三级 indicator and its target without a separator, split by the target's form.",
         kinds=R, level="warning", fields=("indicators",)),
    Code("ROW_UNPLACED", "指标行无法识别", "An indicator row whose cells did not align with the columns: not imported.",
         kinds=R, level="warning", fields=("indicators",)),
    Code("LINE_UNPLACED", "内容无法归属", "A line inside the table the reader could not place: not imported.",
         kinds=R, level="warning", fields=("(document)",)),
    Code("FIELD_CANDIDATES", "字段有两个候选值", "One field under labels of two levels of government (市级/区级主管部门): "
         "the lowest level's value read, the other proposed.", kinds=R, level="warning",
         fields=("(the field the labels name)",)),
    Code("REQUIRED_NOT_READ", "必填内容没有读到", "A fact the form requires (the project name always; others where lines "
         "were left unplaced) that the table was read without: where it may be.", kinds=R, level="warning",
         fields=("name", "department_name", "implementing_unit", "project_attribute", "start_date", "year_amount",
                 "overall_goal")),
    Code("VALUE_MASKED", "值被遮盖", "A value a copy of the table hid ('****'): not imported, the text kept.",
         kinds=R, level="warning", fields=("(the field the label names)",)),
    Code("FIELD_REPEATED", "字段重复出现", "A field written twice: the first value kept, the second shown.",
         kinds=R, level="warning", fields=("(the repeated field)",)),
    Code("YEAR_GUESSED", "预算年度按推测", "No budget year written; the project spans years: taken from its start.",
         kinds=R, level="warning", fields=("year",)),
    Code("NO_LEVEL3", "指标名称按二级读取", "The 指标名称 column read as 二级 (the table has no 三级 names).",
         kinds=R, level="warning", fields=("indicators",)),
    Code("TARGETS_MISCOUNTED", "指标行与目标值数目不符", "Indicator rows and target cells do not pair one to one.",
         kinds=R, level="warning", fields=("indicators",)),
    Code("TREE_GUESSED", "树形表按缩进推断", "An indented tree read by depth: which heading is the unit, "
         "the project, its amount, or a level by its depth alone.", kinds=R, level="warning",
         fields=("name", "unit_name", "year_amount", "indicators")),
    Code("PROSE_SPLIT", "指标按文字段落拆分", "Indicators written as prose (a 公示), cut into cells by their level "
         "words, separators and template placeholders; facts taken from the notice around them.", kinds=R,
         level="warning", fields=("indicators", "name", "year_amount", "overall_goal", "owner")),
    # -- the reader of published tables: notes -----------------------------------------------
    Code("TREE_READ", "树形表按层次读取", "An indented tree (hierarchy by leading spaces) read as a grid: depth is "
         "the column.", kinds=N, level="info"),
    Code("LEVEL_ANNOTATION", "指标类别中的填写说明", "A form's annotation on a level cell ('成本指标(必填硬性指标)'): "
         "not part of its name, named in this note.", kinds=N, level="info"),
    Code("CATEGORY_CORRECTED", "一级指标已改正", "A misspelt 一级 corrected, its 二级 confirming it.",
         kinds=N, level="warning", fields=(f"{IND}.level1",)),
    Code("YEAR_MISSING", "没有预算年度", "The table names no budget year (give --year).", kinds=N, level="warning",
         fields=("year",)),
    Code("YEAR_FROM_PERIOD", "预算年度取自项目期", "No budget year written; taken from the project's one-year period.",
         kinds=N, level="info", fields=("year",)),
    Code("TITLE_MISSING", "表格没有标题", "A table without a title: read from its first field.", kinds=N, level="info"),
    Code("FORM", "读取所用表单", "The form a table was read with, and its rule profile.", kinds=N, level="info"),
    Code("LINE_OUTSIDE", "表格之外的行", "Lines outside any table (page notes): not imported.", kinds=N, level="info"),
    Code("HEADER_TEXT", "表头说明文字", "Explanatory text in the table's header: not imported.", kinds=N, level="info"),
    # -- published files other than text (xlsync.published.files): the file as a whole ------
    Code("FILE_ENCRYPTED", "文件有密码保护", "An encrypted Office file or PDF: not read (remove the password).",
         kinds=N, level="error"),
    Code("FILE_DAMAGED", "文件已损坏", "A damaged file: not read.", kinds=N, level="error"),
    Code("FILE_EMPTY", "文件是空的", "An empty file, or one with no table: not read.", kinds=N, level="error"),
    Code("FILE_SCANNED", "扫描件，没有文字层", "An image, or a PDF without a text layer: not read (no OCR).",
         kinds=N, level="error"),
    Code("FILE_XLSYNC_WORKBOOK", "这是 xlsync 的工作簿", "One of xlsync's own workbooks: push it (xlsync push), not import-text.",
         kinds=N, level="error"),
    Code("FILE_NOT_SUPPORTED", "文件类型不支持", "A .doc, .xlsb, .odt/.ods or RTF file: save it as .docx/.xlsx first.",
         kinds=N, level="error"),
    Code("FILE_TOO_LARGE", "文件太大", "A file over the size limit: not read.", kinds=N, level="error"),
    Code("SHEET_HIDDEN", "隐藏的工作表、行或列", "Hidden sheets, rows or columns of a workbook: left out.",
         kinds=N, level="info"),
    Code("CELLS_HIDDEN", "隐藏的行或列", "Hidden rows or columns of a sheet: left out.", kinds=N, level="info"),
    Code("FORMULA_UNCALCULATED", "公式没有计算结果", "A formula the workbook holds no result for: read as empty.",
         kinds=N, level="warning"),
    Code("HTML_CHARSET_WRONG", "网页声明的编码不对", "A web page whose declared charset does not decode it: read by the one that does.",
         kinds=N, level="warning"),
    Code("HTML_CHARSET_GB18030", "网页按 GBK 读取", "A web page declaring no charset, read as GBK/GB18030.",
         kinds=N, level="info"),
    Code("PDF_TABLE_FROM_WORDS", "PDF 表格按文字位置读取", "A PDF table without ruling lines, read from its words' positions.",
         kinds=N, level="warning"),
    Code("PDF_CELL_OVER_PAGES", "PDF 单元格跨页", "A merged cell cut by a page break, joined to its text on the next page.",
         kinds=N, level="warning"),
    Code("TEMPLATE_TEXT", "表格原有的填写说明", "A form's own filling-in instruction ('…(100字以内)'): not an answer, "
         "not imported.", kinds=N, level="info"),
    Code("COLUMN_UNKNOWN", "自评表的未知列", "A self-evaluation indicator column no form lists: kept in the "
         "indicator's note.", kinds=N, level="info", fields=(f"{IND}.note",)),
    Code("LEVEL_SCORE", "一级指标中的分值说明", "A score written into a 一级 cell ('产出指标（50分）'): not part of its name.",
         kinds=N, level="info"),
    Code("LEVEL_REPEATED", "二级指标重复印出", "A 二级 printed twice (a merged cell): read once.", kinds=N, level="info"),
    Code("YEAR_AMOUNT_FROM_BUDGET", "本年度金额取自预算数", "A self-evaluation's 项目本年度金额 taken from its 年度资金总额 "
         "row's 年初预算数 (or 全年预算数).", kinds=N, level="info", fields=("year_amount",)),
    Code("FOOTER", "表尾", "The footer (signatures, review boxes): not imported.", kinds=N, level="info"),
    Code("LABEL_JOINED", "跨行栏目名已合并", "A label written over two lines, joined.", kinds=N, level="info"),
    Code("LINE_JOINED", "续行已合并", "A line continuing the one above (a wrapped cell), joined.", kinds=N, level="info"),
    Code("CHECKBOX_EMPTY", "选项没有勾选", "A checkbox field with nothing ticked: its text kept in extra.",
         kinds=N, level="info"),
    Code("PERIOD_NOT_DATES", "项目期没有起止日期", "A project period without dates: start and end left empty.",
         kinds=N, level="info", fields=("start_date", "end_date")),
    Code("AMOUNT_EXPLAINED", "金额带说明", "An amount with an explanation in brackets: the explanation kept in extra.",
         kinds=N, level="info"),
    Code("ENCODING_GB18030", "文件按 GB18030 读取", "The file is read as GB18030 (not UTF-8).", kinds=N, level="info"),
    Code("ENCODING_UTF16", "文件按 UTF-16 读取", "The file is read as UTF-16.", kinds=N, level="info"),
    Code("DOCUMENT_INVALID", "表格内容无效", "What was read does not make a valid document: not imported.",
         kinds=N, level="error"),
    Code("TABLE_INCOMPLETE", "表格不完整", "A table missing what every table must name: not imported.",
         kinds=N, level="error"),
    Code("TABLE_TRUNCATED", "表格被截断", "The text stops inside the table: not imported (unless --allow-truncated).",
         kinds=N, level="error"),
    Code("TABLE_DUPLICATE", "表格重复", "Two tables in the files are the same project (year, unit, name).",
         kinds=N, level="error"),
    Code("TEXT_TOO_LONG", "文字超过单元格容量", "A text longer than a workbook cell holds: the table is not imported.",
         kinds=N, level="error"),
    Code("STORE_WRITE_FAILED", "未能写入存储", "The store could not take the table (disk full, read-only).",
         kinds=N, level="error"),
    Code("STORE_JOURNAL_PENDING", "存储写入待完成", "Committed but not fully applied: the next store access completes it.",
         kinds=N, level="error"),
    Code("SOURCE_UNREADABLE", "文件无法读取", "A consolidation input that could not be read.", kinds=N, level="error"),
]

CODES: dict[str, Code] = {}
for _c in _ALL:
    assert _c.code not in CODES, f"code registered twice: {_c.code}"
    CODES[_c.code] = _c

FINDING_TITLES: dict[str, str] = {c.code: c.title for c in _ALL if "finding" in c.kinds}
REVIEW_CODES: frozenset[str] = frozenset(c.code for c in _ALL if "review" in c.kinds)


def default_severity(code: str) -> str:
    """A finding's severity when the profile does not name it (unknown codes: error)."""
    c = CODES.get(code)
    return c.severity if c is not None else "error"


def title(code: str) -> str:
    c = CODES.get(code)
    return c.title if c is not None else code


# -- the README's list -----------------------------------------------------------------------
BEGIN = "<!-- codes:begin (python -m xlsync.codes --write) -->"
END = "<!-- codes:end -->"
SECTIONS = (("finding", "Findings (validation; a profile's `[severity]` may override the default)"),
            ("review", "Review items (the reader's guesses: the table is 待核对 until a person has looked)"),
            ("note", "Notes of the published-table reader"))


def markdown() -> str:
    """The README's code list: one table per kind, every code once (under its first kind)."""
    out = []
    for kind, heading in SECTIONS:
        if kind == "note":  # notes that are neither findings nor review items
            rows = [c for c in _ALL if c.kinds == N]
        else:
            rows = [c for c in _ALL if kind in c.kinds]
        out += [f"{heading}:", "", "| Code | 标题 | Severity | Description | Fields |", "|---|---|---|---|---|"]
        for c in rows:
            sev = c.severity if kind == "finding" else c.level or ""
            if kind == "finding" and c.level:
                sev += f" (as a note: {c.level})"
            fields = ", ".join(f"`{f}`" for f in c.fields)
            out.append(f"| `{c.code}` | {c.title} | {sev} | {c.description} | {fields} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def readme_block() -> str:
    return f"{BEGIN}\n{markdown()}{END}"


def write_readme(readme: Path) -> bool:
    """Replace the marked block in the README; True when it changed."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    new = text[:start] + readme_block() + text[end:]
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # python -m xlsync.codes --write: refresh the README
    if sys.argv[1:] == ["--write"]:
        path = Path(__file__).resolve().parent.parent / "README.md"
        print(f"{path}: {'updated' if write_readme(path) else 'unchanged'}")
    else:
        print(markdown(), end="")
