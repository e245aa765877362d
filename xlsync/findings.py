"""Findings: what validation found, with a stable English code and a Chinese message."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from .codes import FINDING_TITLES
from .document import KEY_ZH
from .errors import Location
from .evaluation.layout import result_field_zh

# code → Chinese title (what a finance user sees next to the message): from the registry
CODES: dict[str, str] = FINDING_TITLES

FIELD_ZH = KEY_ZH | {"year": "年度", "(document)": "整张表"}  # document key → its name in messages


@dataclass
class Finding:
    code: str
    severity: str  # error | warning
    project_id: str | None
    unit_code: str | None
    project_name: str | None
    field: str  # a document key: "year_amount", "plan[1]", "indicators[3].target"
    message: str  # zh-CN
    found: str | None = None
    expected: str | None = None
    location: Location | None = field(default=None)

    @property
    def title(self) -> str:
        return CODES.get(self.code, self.code)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["location"] = self.location.as_dict() if self.location else None
        d["title"] = self.title
        return d


def field_zh(key: str) -> str:
    """'plan[1]' → '项目实施计划 第2段'; 'indicators[3].target' → '绩效指标 第4行 目标值'."""
    import re

    if key.startswith("results["):  # the year's results (xlsync.evaluation)
        return result_field_zh(key)
    m = re.fullmatch(r"(\w+)\[(\d+)\](?:\.(\w+))?", key)
    if not m:
        return FIELD_ZH.get(key, key)
    base, idx, sub = m.group(1), int(m.group(2)) + 1, m.group(3)
    unit = "段" if base == "plan" else "行"
    sub_zh = {"target": "目标值", "name": "三级指标", "level1": "一级指标", "level2": "二级指标",
              "amount": "金额", "item": "经济科目",
              "stated_percent": "写明比例", "year_amount": "本年度金额", "total_amount": "总金额",
              "source": "来源"}.get(sub or "", sub or "")
    return f"{FIELD_ZH.get(base, base)} 第{idx}{unit}" + (f" {sub_zh}" if sub_zh else "")


def make(doc, code: str, field: str, message: str, found=None, expected=None, severity="error"):
    return Finding(
        code=code, severity=severity, project_id=doc.id, unit_code=doc.unit_code,
        project_name=doc.name, field=field, message=message,
        found=None if found is None else str(found),
        expected=None if expected is None else str(expected),
    )


def sort_key(f: Finding):
    return (f.unit_code or "", f.project_name or "", f.project_id or "",
            0 if f.severity == "error" else 1, f.code, f.field)


FINDINGS_HEADERS = ["序号", "级别", "代码", "问题", "单位编码", "项目", "字段", "位置", "实际", "应为"]


def cell_ref(sheet: str, cell: str) -> str:
    return f"'{sheet.replace(chr(39), chr(39) * 2)}'!{cell}"


def parse_cell_ref(ref) -> tuple[str, str] | None:
    """"'Sheet'!B5" → ("Sheet", "B5")."""
    if not ref or "!" not in str(ref):
        return None
    sheet, cell = str(ref).rsplit("!", 1)
    return sheet.strip("'").replace("''", "'"), cell


def previous_marks(rows) -> list[tuple[str, str, str | None]]:
    """(sheet, cell, original fill) of every cell an earlier 校验结果 sheet marked, once each;
    rows are that sheet's values below its header (位置 in column 8, 原底色 in column 11)."""
    marks: dict[tuple[str, str], str | None] = {}
    for row in rows:
        ref = parse_cell_ref(row[7]) if row and len(row) > 7 else None
        if ref:
            fill = (str(row[10]) if row[10] else None) if len(row) > 10 else None
            marks[ref] = marks.get(ref) or fill
    return [(*ref, fill) for ref, fill in marks.items()]


def findings_table(findings: list[Finding], sheets: set[str] | None = None) -> list[list]:
    """Rows of the 校验结果 sheet, errors first within each project."""
    rows = []
    for i, f in enumerate(sorted(findings, key=sort_key), 1):
        loc = f.location
        where = None
        if loc and loc.sheet and loc.cell and (sheets is None or loc.sheet in sheets):
            where = cell_ref(loc.sheet, loc.cell)
        rows.append([i, "错误" if f.severity == "error" else "警告", f.code, _amounts(f.message), f.unit_code,
                     f.project_name, field_zh(f.field), where, _amounts(f.found), _amounts(f.expected)])
    return rows


_AMOUNT = re.compile(r"(?<![\d.,])(-?\d{4,}\.\d{2})(?![\d%])")


def _amounts(text: str | None) -> str | None:
    """Amounts in 元 as a person reads them: 1041500.00 → 1,041,500.00 (display only)."""
    if not text:
        return text
    return _AMOUNT.sub(lambda m: f"{Decimal(m.group(1)):,.2f}", text)


def cell_notes(findings: list[Finding]) -> dict[tuple[str, str], tuple[str, str]]:
    """(sheet, cell) → (worst severity, note text) for every finding that has a cell."""
    out: dict[tuple[str, str], list] = {}
    for f in sorted(findings, key=sort_key):
        loc = f.location
        if not (loc and loc.sheet and loc.cell):
            continue
        entry = out.setdefault((loc.sheet, loc.cell), ["warning", []])
        if f.severity == "error":
            entry[0] = "error"
        entry[1].append(f"[{f.code}] {f.message}")
    return {k: (sev, "\n".join(msgs)) for k, (sev, msgs) in out.items()}


def project_status(findings: list[Finding]) -> dict[str, str]:
    counts: dict[str, list[int]] = {}
    for f in findings:
        counts.setdefault(f.project_id, [0, 0])[0 if f.severity == "error" else 1] += 1
    return {pid: (PASSED if not e and not w else f"{e} 个错误, {w} 个警告") for pid, (e, w) in counts.items()}


# -- the marks of a validation run, for any workbook writer -------------------------------
MARKS_HEADERS = [*FINDINGS_HEADERS, "原底色"]
NO_FINDINGS = "未发现问题 (no findings)"
PASSED = "通过"
ERROR_COLOR, WARNING_COLOR = "FFC7CE", "FFEB9C"  # RGB hex, the fills of marked cells


@dataclass
class CellMark:
    sheet: str
    cell: str
    color: str  # RGB hex
    note: str


@dataclass
class Marks:
    """What 校验 writes into a workbook, computed once for every writer (openpyxl file, Excel
    through xlwings): undo the previous run's marks, then the 校验结果 rows, the marked cells
    and the status column of 目录."""

    clear: list[tuple[str, str, str | None]]  # (sheet, cell, fill to put back: RGB hex or None)
    rows: list[list]  # the 校验结果 sheet below MARKS_HEADERS
    cells: list[CellMark]
    status: dict[str, str]  # project id → status; PASSED for projects without findings

    def status_of(self, project_id) -> str:
        return self.status.get(project_id, PASSED)

    @property
    def summary(self) -> str:
        errors = sum(r[1] == "错误" for r in self.rows)
        return f"校验完成：{errors} 个错误，{len(self.rows) - errors} 个警告。详见“校验结果”表。"


def plain_rgb(color) -> str | None:
    """'#E2EFDA', 'FFE2EFDA' (ARGB) → 'E2EFDA'; anything else → None."""
    text = str(color or "").lstrip("#").upper()
    if len(text) == 8:
        text = text[2:]
    return text if len(text) == 6 and all(c in "0123456789ABCDEF" for c in text) else None


def plan_marks(findings: list[Finding], sheets, previous_rows=(), fill_of=lambda sheet, cell: None) -> Marks:
    """The marks of a run. sheets: the workbook's sheet names; previous_rows: the rows of an
    earlier 校验结果 sheet below its header; fill_of(sheet, cell): a cell's own fill now (RGB
    hex or None), kept in 原底色 so the next run can put it back."""
    sheets = set(sheets)
    clear = [(s, c, plain_rgb(f)) for s, c, f in previous_marks(previous_rows) if s in sheets]
    restored = {(s, c): f for s, c, f in clear}
    cells, original = [], {}
    for (sheet, cell), (severity, text) in cell_notes(findings).items():
        if sheet not in sheets:
            continue
        key = (sheet, cell)
        original[cell_ref(*key)] = restored[key] if key in restored else plain_rgb(fill_of(sheet, cell))
        cells.append(CellMark(sheet, cell, ERROR_COLOR if severity == "error" else WARNING_COLOR, text))
    rows = [r + [original.get(r[7])] for r in findings_table(findings, sheets)]
    return Marks(clear, rows, cells, project_status(findings))
