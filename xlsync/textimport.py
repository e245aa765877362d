"""Reading published 项目支出绩效目标表 text (pulled out of PDF/Word) into documents.

The reader returns documents and notes; it writes nothing. It copes with <b>/<p> markup,
markdown headings and table rules, cells in the wrong column, blank and wrapped lines,
categories without indicators, OCR-garbled category names, and 元/万元/亿 amounts.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import textfile
from .dates import parse_date
from .document import ProjectDocument, new_document
from .errors import DocumentError, ImportTextError, Location
from .money import MoneyError, format_amount, parse_amount
from .plantext import parse_plan

FIELD_LABELS = {
    "项目名称": "name",
    "单位编码": "unit_code",
    "资金用途": "fund_use",
    "项目负责人": "owner",
    "联系人": "contact",
    "联系电话": "phone",
    "开始时间": "start_date",
    "结束时间": "end_date",
    "项目总金额": "total_amount",
    "项目本年度金额": "year_amount",
    "上年度项目总金额": "prev_total_amount",
    "项目上年度金额": "prev_year_amount",
    "项目概况": "overview",
    "立项依据": "basis",
    "项目设立的必要性": "necessity",
    "项目配套制度措施": "measures",
    "项目实施计划": "plan_text",
    "备注": "remark",
    "项目总目标": "overall_goal",
    "年度绩效目标": "annual_goal",
}
SECTION_LABELS = {"项目详细信息", "项目构成", "项目绩效目标"}
NARRATIVE = {
    "overview", "basis", "necessity", "measures", "plan_text", "remark", "overall_goal",
    "annual_goal",
}
MONEY = {"total_amount", "year_amount", "prev_total_amount", "prev_year_amount"}
DATES = {"start_date", "end_date"}

_TITLE_RE = re.compile(r"^\s*#*\s*(?P<unit>\S.*?)(?:支出)?项目(?:支出)?绩效目标表\s*$")
_YEAR_RE = re.compile(r"^[（(]\s*(\d{4})\s*年度?\s*[）)]$")
_UNIT_SUFFIX_RE = re.compile(r"[（(]\s*(万元|亿元|元)\s*[）)]$")
_RULE_RE = re.compile(r"^[\s|:\-–—=]+$")
_TAG_RE = re.compile(r"</?(?:b|strong|span|font|i|u)\b[^>]*>", re.I)
_PARA_RE = re.compile(r"</p>\s*<p[^>]*>|<br\s*/?>", re.I)


@dataclass(frozen=True)
class Note:
    """What the reader corrected, guessed or could not place."""

    level: str  # info | warning | error
    code: str
    message: str
    file: str
    line: int | None

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: [{self.level}] {self.code}: {self.message}"


@dataclass
class ImportedTable:
    """One table: its document (None when it could not be read completely), notes, lines."""

    file: str
    first_line: int
    document: ProjectDocument | None
    notes: list[Note] = field(default_factory=list)
    provenance: dict[str, Location] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.document is not None and not any(n.level == "error" for n in self.notes)


# -- decoding -----------------------------------------------------------------------------
def decode(raw: bytes, file: str) -> tuple[str, list[Note]]:
    """UTF-8 (BOM or not), UTF-16 (BOM or not), GB18030/GBK; other files named (textfile)."""
    return textfile.decode(raw, file, Note)


# -- cells --------------------------------------------------------------------------------
def clean_text(text: str) -> str:
    """Remove markup; paragraphs joined by newline; each paragraph stripped."""
    text = _PARA_RE.sub("\n", text)
    text = re.sub(r"</?p[^>]*>", "", text, flags=re.I)
    text = html.unescape(_TAG_RE.sub("", text))
    paras = [p.strip() for p in text.split("\n")]
    return "\n".join(p for p in paras if p)


def split_cells(line: str) -> list[str]:
    line = re.sub(r"^\s*#{1,6}\s+", "", line.rstrip("\r\n"))
    return [clean_text(c) for c in line.split("\t")]


def _label(cell: str) -> str:
    """A label without spaces, colon or a trailing unit: '项目总金额（万元）：' → '项目总金额'."""
    return _UNIT_SUFFIX_RE.sub("", re.sub(r"\s+", "", cell).rstrip(":："))


def _label_unit(cell: str) -> str:
    m = _UNIT_SUFFIX_RE.search(re.sub(r"\s+", "", cell).rstrip(":："))
    return m.group(1) if m else "元"


# -- indicator rows -----------------------------------------------------------------------
class _Categories:
    def __init__(self) -> None:
        from xlsync.validators.profiles import vocabulary

        self.level1, self.level2 = vocabulary()

    def fix_level1(self, text: str, level2: str | None, current: str | None) -> str | None:
        """An OCR-garbled 一级 name → the real one, when the text is close and unambiguous."""
        cands = [
            n
            for n in self.level1
            if abs(len(n) - len(text)) <= 1
            and n[-2:] == text[-2:]
            and difflib.SequenceMatcher(None, n, text).ratio() >= 0.5
        ]
        if level2 and self.level2.get(level2) in cands:
            return self.level2[level2]
        if current in cands:
            return current
        return cands[0] if len(cands) == 1 else None


@dataclass
class _TableState:
    file: str
    start: int
    unit_name: str
    fields: dict = field(default_factory=dict)
    prov: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    section: str | None = None  # None | composition | indicators
    last_field: str | None = None
    comp_factor_unit: str = "元"
    composition: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    level1: str | None = None
    level2: str | None = None
    seen_level1: list = field(default_factory=list)
    year: int | None = None
    ind_header: bool = False
    units: dict = field(default_factory=dict)  # money field → 元/万元/亿元 from its label

    def note(self, level: str, code: str, msg: str, line: int | None) -> None:
        self.notes.append(Note(level, code, msg, self.file, line))


def _parse_indicator_row(st: _TableState, cells: list[str], n: int, cats: _Categories) -> None:
    tokens = [(i, c) for i, c in enumerate(cells) if c]
    roles: list[tuple[str, int, str]] = []
    texts: list[tuple[int, str]] = []
    for col, text in tokens:
        if col <= 1 and not texts:
            if text in cats.level1:
                roles.append(("L1", col, text))
                continue
            if text in cats.level2:
                roles.append(("L2", col, text))
                continue
            if col == 0 and re.search(r"(目标|指标)$", text):
                l2 = next((t for c, t in tokens if c == 1), None)
                fixed = cats.fix_level1(text, l2, st.level1)
                if fixed:
                    st.note("warning", "CATEGORY_CORRECTED", f"一级指标“{text}”识别为“{fixed}”（疑为识别错误）", n)
                    roles.append(("L1", col, fixed))
                    continue
            if col == 1 and not any(r[0] == "L2" for r in roles):
                roles.append(("L2", col, text))
                continue
        texts.append((col, text))
    if not texts and not roles:
        return
    if len(texts) == 1 and not roles and texts[0][0] == 0:
        # a lone unknown word in the first column: an unknown 一级 category
        roles.append(("L1", 0, texts.pop()[1]))
        st.note("warning", "CATEGORY_GUESSED", f"“{roles[-1][2]}”按一级指标读取", n)
    if len(texts) > 2:
        st.note("error", "ROW_UNPLACED", f"指标行有多余的单元格: {' | '.join(t for _, t in texts)}", n)
        return
    realigned = False
    for role, col, text in roles:
        if role == "L1":
            st.level1, st.level2 = text, None
            st.seen_level1.append(text)
            realigned |= col != 0
        else:
            st.level2 = text
            realigned |= col != 1
            if st.level1 is None:
                st.note("warning", "CATEGORY_GUESSED", f"二级指标“{text}”之前没有一级指标", n)
    if texts:
        name_col, name = texts[0]
        target_col, target = texts[1] if len(texts) > 1 else (None, None)
        realigned |= name_col != 2 or (target_col is not None and target_col != 3)
        if st.level1 is None or st.level2 is None:
            st.note("error", "ROW_UNPLACED", f"三级指标“{name}”没有所属的一级/二级指标", n)
            return
        idx = len(st.indicators)
        st.indicators.append(
            {"level1": st.level1, "level2": st.level2, "name": name, "target": target}
        )
        st.prov[f"indicators[{idx}]"] = n
        if target is None:
            st.note("warning", "TARGET_MISSING", f"三级指标“{name}”没有目标值", n)
    if realigned:
        st.note("info", "ROW_REALIGNED", "单元格不在标准列中，已按内容重新对齐: " + " | ".join(c for c in cells if c), n)


# -- the table reader ---------------------------------------------------------------------
def _set_field(st: _TableState, key: str, value: str, n: int) -> None:
    if key in st.fields and st.fields[key] not in (None, ""):
        st.note("warning", "FIELD_REPEATED", f"字段“{key}”重复出现，保留第一次的值", n)
        return
    st.fields[key] = value or None
    st.prov[key] = n
    st.last_field = key


def _read_line(st: _TableState, cells: list[str], n: int, cats: _Categories) -> None:
    labels = [_label(c) for c in cells]
    nonempty = [c for c in cells if c]
    if not nonempty:
        return
    first = labels[0] if cells[0] else _label(nonempty[0])
    if first == "一级指标":
        st.section, st.ind_header = "indicators", True
        return
    if st.section == "indicators":
        _parse_indicator_row(st, cells, n, cats)
        return
    if first in SECTION_LABELS:
        st.section = "composition" if first == "项目构成" else None
        st.last_field = None
        return
    if first == "经济科目名称":
        header = "".join(nonempty)
        st.comp_factor_unit = "亿元" if "亿" in header else "万元" if "万元" in header else "元"
        st.section = "composition"
        return
    if st.section == "composition" and first != "备注":
        if len(nonempty) == 2:
            item, raw = nonempty
            try:
                amount = format_amount(parse_amount(raw, st.comp_factor_unit))
            except MoneyError as exc:
                st.note("error", "AMOUNT_UNREADABLE", f"项目构成金额: {exc}", n)
                amount = None
            st.prov[f"composition[{len(st.composition)}]"] = n
            st.composition.append({"item": item, "amount": amount})
        else:
            st.note("warning", "LINE_UNPLACED", "项目构成中无法识别的行: " + " | ".join(nonempty), n)
        return
    if any(lb in FIELD_LABELS for lb in labels):
        i = 0
        while i < len(cells):
            lb = labels[i]
            if lb in FIELD_LABELS:
                value = cells[i + 1] if i + 1 < len(cells) else ""
                _set_field(st, FIELD_LABELS[lb], value, n)
                st.units[FIELD_LABELS[lb]] = _label_unit(cells[i])
                i += 2
            else:
                if cells[i]:
                    st.note("warning", "CELL_UNPLACED", f"无法归属的单元格: {cells[i]}", n)
                i += 1
        if FIELD_LABELS.get(first) == "remark" and st.section == "composition":
            st.section = None
        return
    if st.last_field in NARRATIVE and len(nonempty) == 1:
        prev = st.fields.get(st.last_field)
        st.fields[st.last_field] = f"{prev}\n{nonempty[0]}" if prev else nonempty[0]
        st.note("info", "LINE_JOINED", f"续行并入“{st.last_field}”", n)
        return
    st.note("warning", "LINE_UNPLACED", "无法归属的行: " + " | ".join(nonempty), n)


def _finish(st: _TableState, profile_level1s: list[tuple[str, ...]]) -> ImportedTable:
    f = st.fields
    loc = {k: Location(st.file, line=v) for k, v in st.prov.items()}
    table = ImportedTable(st.file, st.start, None, st.notes, loc)
    missing = [lb for lb, key in FIELD_LABELS.items() if key in ("name", "unit_code", "year_amount") and key not in f]
    if missing:
        st.note("error", "TABLE_INCOMPLETE", f"表格不完整，缺少: {'、'.join(missing)}", st.start)
    if not st.ind_header:
        st.note("error", "TABLE_INCOMPLETE", "表格不完整，没有指标表（一级指标/二级指标/三级指标/目标值）", st.start)
    else:
        seen = set(st.seen_level1)
        best = max(profile_level1s, key=lambda names: len(seen & set(names)))
        lacking = [n for n in best if n not in seen]
        if lacking:
            st.note(
                "error", "TABLE_INCOMPLETE",
                f"指标表不完整，缺少一级指标: {'、'.join(lacking)}（文件可能被截断）", st.start,
            )
    data = {}
    for key, value in f.items():
        if value is None:
            data[key] = None
        elif key in MONEY:
            try:
                data[key] = format_amount(parse_amount(value, st.units.get(key, "元")))
            except MoneyError as exc:
                st.note("error", "AMOUNT_UNREADABLE", f"{key}: {exc}", st.prov.get(key))
        elif key in DATES:
            try:
                data[key] = parse_date(value)
            except ValueError as exc:
                st.note("error", "DATE_UNREADABLE", f"{key}: {exc}", st.prov.get(key))
        else:
            data[key] = value
    year = st.year
    if year is None and data.get("start_date"):
        year = int(data["start_date"][:4])
        st.note("warning", "YEAR_GUESSED", f"标题下没有（年度），按开始时间取 {year} 年", st.start)
    if year is None:
        st.note("error", "TABLE_INCOMPLETE", "无法确定预算年度", st.start)
    if any(n.level == "error" for n in st.notes):
        return table
    plan_problems: list[str] = []
    data["plan"] = parse_plan(data.get("plan_text"), plan_problems)
    for problem in plan_problems:
        st.note("warning", "PLAN_AMOUNT_UNREADABLE", problem, st.prov.get("plan_text"))
    try:
        table.document = new_document(
            year=year,
            unit_name=st.unit_name,
            composition=st.composition,
            indicators=st.indicators,
            **data,
        )
    except DocumentError as exc:
        st.note("error", "DOCUMENT_INVALID", exc.message, st.start)
    return table


def read_text(text: str, file: str = "<text>") -> tuple[list[ImportedTable], list[Note]]:
    """Every table in a text; file-level notes (lines outside any table)."""
    from xlsync.validators.profiles import BUILTIN, load_profile

    cats = _Categories()
    profile_level1s = [tuple(load_profile(n).level1) for n in BUILTIN]
    tables: list[ImportedTable] = []
    file_notes: list[Note] = []
    st: _TableState | None = None
    for n, raw_line in enumerate(text.splitlines(), 1):
        if _RULE_RE.match(raw_line.replace("\t", " ")) and raw_line.strip():
            continue
        cells = split_cells(raw_line)
        joined = "".join(cells).strip()
        m = _TITLE_RE.match(joined) if "\t" not in raw_line.strip() else None
        if m:
            if st is not None:
                tables.append(_finish(st, profile_level1s))
            st = _TableState(file=file, start=n, unit_name=m.group("unit").strip())
            continue
        if st is None:
            if joined:
                file_notes.append(Note("warning", "LINE_UNPLACED", f"表格之外的行: {joined[:60]}", file, n))
            continue
        ym = _YEAR_RE.match(joined)
        if ym and st.year is None and not st.fields:
            st.year = int(ym.group(1))
            continue
        _read_line(st, cells, n, cats)
    if st is not None:
        tables.append(_finish(st, profile_level1s))
    return tables, file_notes


def read_file(path: str | Path) -> tuple[list[ImportedTable], list[Note]]:
    """Read one text file; ImportTextError when it cannot be read at all or has no table."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportTextError(f"无法读取文件: {exc.strerror}", Location(str(path))) from None
    text, notes = decode(raw, str(path))
    tables, file_notes = read_text(text, str(path))
    if not tables:
        raise ImportTextError("文件中没有找到绩效目标表（标题“…项目绩效目标表”）", Location(str(path)))
    return tables, notes + file_notes
