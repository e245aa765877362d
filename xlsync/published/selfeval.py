"""Reading published 项目支出绩效自评表 (and 绩效运行监控表) text into one document per table.

A self-evaluation is not a target table with more columns: it declares the targets
(一级/二级/三级, 年度指标值, 分值) and reports the year-end results beside them (年初预算数 /
全年预算数 / 全年执行数 / 执行率 / 得分 per 资金来源, 实际完成情况, each indicator's 实际完成值, 分值,
得分 and 偏差原因, the 总分). This module finds such tables in a text (`take`), cuts their lines
into cells (`xlsync.published.cells.split_rows`), turns the cells into one stream of tokens
(rows keep their ends where the layout has rows) and reads the stream section by section:
facts → money → goal → indicator header → indicator rows → totals and footer.

Everything as printed: an amount keeps the unit the table states (never scaled when none is
stated: left empty, a review item proposing both readings), a printed 得分 is kept even where it
disagrees with the rule (validation reports SCORE_MISMATCH). Every guess is a review item; a
table whose text ends inside it is cut off (TABLE_TRUNCATED), never complete.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from ..document import ReviewItem, new_document
from ..errors import DocumentError, Location
from ..fieldtext import split_code, split_person_phone
from ..money import MoneyError, format_amount, parse_amount
from .cells import plain_line, split_rows
from .glued import split_glued_rows, split_money
from .notes import ImportedTable, Note, ReadOptions
from .segment import MONEY_UNIT_STATED
from .vocab import norm, split_unit, vocab

# -- finding the tables ---------------------------------------------------------------------
TITLE_RE = re.compile(r"(自评表|绩效运行监控表|运行监控表|绩效监控表)")
_TARGET_TITLE_RE = re.compile(r"绩效目标(申报|审批|批复)?表\s*(?:[（(]|$)")
_YEAR_RE = re.compile(r"(?<!\d)(20\d{2})\s*年")


def is_title(text: str) -> bool:
    if "表" not in text:  # every title ends in 表 (cheap: called for every line of a text)
        return False
    t = plain_line(text)
    return bool(t) and bool(TITLE_RE.search(t[:60])) and (len(t) <= 80 or TITLE_RE.search(t[:40]) is not None)


def has_result_header(lines: list[str]) -> bool:
    """An indicator header holding an actual (完成值) and a score (得分/分值) column."""
    if not any("得分" in ln for ln in lines) or not any("指标" in ln for ln in lines):
        return False
    body = re.sub(r"\s+", "", unicodedata.normalize("NFKC", "".join(plain_line(ln) for ln in lines)))
    head = body.find("一级指标")
    if head < 0:
        return False
    window = body[head: head + 120]
    return bool(re.search(r"完成值|实际值|完成情况", window)) and "得分" in window


def take(lines: list[str], file: str, options: ReadOptions | None = None
         ) -> tuple[list[ImportedTable], list[str]]:
    """The 自评表 of a text read; the lines they span blanked (so the target reader skips them)."""
    options = options or ReadOptions()
    starts = [i for i, ln in enumerate(lines) if is_title(ln)]
    # a title printed twice (a page heading and the table's own) is one table
    # a title printed twice (a page heading, then the table's own) is one table: the last one starts it
    starts = [s for k, s in enumerate(starts)
              if k + 1 == len(starts) or any(ln.strip() and len(plain_line(ln)) > 12
                                             for ln in lines[s + 1: starts[k + 1]])]
    if not starts:
        return [], lines
    out = list(lines)
    tables = []
    for k, s in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        for j in range(s + 1, end):  # a target table after it ends it
            if _TARGET_TITLE_RE.search(plain_line(lines[j])[:60]) and not is_title(lines[j]):
                end = j
                break
        if not has_result_header(lines[s:end]) and not re.search(r"执行数|执行率|完成值|自评得分|得分",
                                                                   "".join(lines[s:end])):
            continue  # a mention of a 自评表 in prose, not a table: left to the target reader
        page_unit = None
        for ln in lines[max(0, s - 5): s]:
            um = MONEY_UNIT_STATED.search(plain_line(ln))
            if um:
                page_unit = um.group(1)
        tables.append(read_lines(lines[s:end], s + 1, file, options, last=end == len(lines),
                                 page_unit=page_unit))
        out[s:end] = [""] * (end - s)
    return tables, out


# -- tokens -----------------------------------------------------------------------------------
@dataclass
class Tok:
    text: str
    line: int


BREAK = Tok("\x00", 0)  # the end of a row (layouts with one row per line)

_FIELD_RX = [
    ("name", re.compile(r"^(?:专项\(项目\)|专项|项目|子项目)名称$")),
    ("department_name", re.compile(r"^(?P<lead>.{0,6}?)主管部门(?:及代码|名称)?$")),
    ("unit_name", re.compile(r"^(?:项目)?(?:实施单位|资金使用单位|预算单位|项目单位)(?:\(盖章\))?$")),
    ("owner_phone", re.compile(r"^项目负责人(?:及|和)?(?:联系)?电话$")),
    ("owner", re.compile(r"^项目负责人$")),
    ("phone", re.compile(r"^联系电话$")),
]
_MONEY_START = re.compile(r"^(?:项目资金|资金情况|预算执行情况|年度预算数|资金投入情况|项目资金情况)")
_MONEY_COLS = [
    ("budget_initial", re.compile(r"^年初预算(?:数)?(?:\([A-Z]\))?$")),
    ("budget_full", re.compile(r"^(?:全年预算数|调整后预算数|全年预算|预算数|调整后预算)(?:\([A-Z]\))?$")),
    ("spent", re.compile(r"^(?:全年执行数|预算执行数|执行数|实际执行数|全年实际执行数|1-\d{1,2}月执行数)(?:\([A-Z]\))?$")),
    ("weight", re.compile(r"^(?:分值|权重)$")),
    ("rate", re.compile(r"^(?:预算)?执行率(?:\([A-Z/]+\))?$")),
    ("score", re.compile(r"^得分$")),
    ("reason", re.compile(r"^(?:原因|偏差原因.*|未完成原因.*)$")),
]
_MONEY_TOTAL = re.compile(r"^(?:年度资金总额|资金总额|总额|合计|总计)$")
_GOAL = re.compile(r"^(?:年度总体目标|项目年度目标|总体目标|年初设定目标|预期目标|年度目标)$")
_DONE = re.compile(r"^(?:实际完成情况|年度目标完成情况|全年实际完成情况|年度总体目标完成情况综述|目标完成情况|完成情况)$")
_SECTION = re.compile(r"^(?:项目基本情况|\d\.项目年度目标完成情况|总体目标完成情况|绩效指标(?:\(\d+分\))?|附件|"
                      r"年度总体目标完成情况)$")
_EXTRA = re.compile(r"^(?:\d\.)?(?:项目实施内容及过程概述|评价结论|存在问题|改进措施|自评结论)$")
_HEAD = [
    ("level1", re.compile(r"^一级指标$")),
    ("level2", re.compile(r"^二级指标$")),
    ("name", re.compile(r"^(?:三级指标|指标名称|指标内容)$")),
    ("op", re.compile(r"^指标性质$")),
    ("unit", re.compile(r"^(?:度量|计量)单位$")),
    ("actual", re.compile(r"^(?:(?:全年)?实际(?:完成)?值|(?:全年|实际|1-\d{1,2}月)?完成值|实际完成情况|全年完成值)$")),
    ("target", re.compile(r"^(?:年度|全年|年初|预期|计划)?(?:指标|目标)值")),
    ("weight", re.compile(r"^(?:分值|权重)(?:\(%\))?$")),
    ("score", re.compile(r"^得分$")),
    ("outlook", re.compile(r"^(?:全年)?预计(?:完成情况|完成值|能否完成)|^全年预计")),
    ("reason", re.compile(r"原因")),
    ("remedy", re.compile(r"改进措施|整改措施")),  # a column of its own (one with 原因 is the reason)
]
_OPTIONAL = ("reason", "remedy")  # text columns at a row's end: often empty, and vanished then
_TOTAL = re.compile(r"^(?:合计|总分|总计)$")
_FOOTER = re.compile(r"^(?:项目负责人|财务负责人|填报人|填表人|审核人|单位负责人|注[:1]|填报日期|联系电话)")
_PLACEHOLDER = re.compile(r"\d+字以内|预算执行率=预算执行数|^填写说明")
_NUM = re.compile(r"^-?\d+(?:\.\d+)?$")
_PCT = re.compile(r"^-?\d+(?:\.\d+)?%$")
_SCORE_SUFFIX = re.compile(r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")
_CATEGORY_SHAPE = re.compile(r"(数量|质量|时效|成本|效益|满意度|影响|产出|效果|管理)指标$")
_BLANKISH = {"", "/", "-", "—", "——", "无", "\\"}


def _role(rx_list, text: str) -> str | None:
    t = norm(text)
    for role, rx in rx_list:
        if rx.search(t):
            return role
    return None


# the words a text without any cell borders is cut at (each such text is a review item)
_CUT_WORDS = ("专项(项目)名称", "项目名称", "项目负责人及电话", "中央主管部门", "自治区主管部门", "主管部门",
              "资金使用单位", "实施单位", "资金情况(万元)", "项目资金(万元)", "项目资金", "全年预算数(A)", "全年执行数(B)",
              "执行率(B/A)", "年初预算数", "全年预算数", "全年执行数", "执行率", "分值", "得分", "年度资金总额:",
              "年度资金总额", "其中:本年财政拨款", "其中:中央财政补助", "其中:财政资金", "上年结转资金", "地方资金",
              "其他资金", "年度总体目标完成情况综述", "总体目标完成情况", "全年实际完成情况", "年初设定目标",
              "年度总体目标", "总体目标", "实际完成情况", "绩效指标", "一级指标", "二级指标", "三级指标",
              "年度指标值", "全年实际值", "全年完成值", "实际完成值", "未完成原因及拟采取的改进措施",
              "未完成原因和改进措施", "偏差原因分析及改进措施", "总分")


def _tokens(lines: list[str], first: int, cats: list[str]) -> tuple[list[Tok], bool, str, list[int]]:
    cells = split_rows(lines, first)
    toks: list[Tok] = []
    run_lines: list[int] = []
    for row in cells.rows:
        for c in row:
            text = c.text
            if toks and toks[-1] is not BREAK and re.fullmatch(r"[(（](万元|元|亿元|盖章)[)）]", text):
                toks[-1] = Tok(toks[-1].text + text, toks[-1].line)
                continue
            if cells.mode == "spaces" and len(text) > 8 and not _PLACEHOLDER.search(text):
                text = re.sub(r"\s+(?=[(（])", "", text)
                pieces = _cut_run(text, cats)
                if len(pieces) >= 2 and norm(text).startswith(norm(pieces[0])) and _is_cut_word(pieces[0], cats):
                    run_lines.append(c.line)
                    toks.extend(Tok(p, c.line) for p in pieces)
                    continue
            toks.append(Tok(text, c.line))
        if not cells.stream:
            toks.append(BREAK)
    return toks, cells.open_end, cells.mode, run_lines


def _is_cut_word(text: str, cats: list[str]) -> bool:
    t = _SCORE_SUFFIX.sub("", text)
    return t in _CUT_WORDS or t in cats


def _cut_run(text: str, cats: list[str]) -> list[str]:
    """A text without cell borders cut before and after the words a 自评表 prints as labels."""
    words = sorted(set(_CUT_WORDS) | set(cats), key=len, reverse=True)
    rx = re.compile("(" + "|".join(re.escape(w) for w in words) + r")(?:[(（]\d+分[)）])?")
    out, pos = [], 0
    for m in rx.finditer(text):
        if m.start() > pos:
            out.append(text[pos: m.start()])
        out.append(m.group(0))
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return [p.strip() for p in out if p.strip()]


# -- reading ----------------------------------------------------------------------------------
@dataclass
class _State:
    file: str
    notes: list[Note] = field(default_factory=list)
    facts: dict[str, tuple[str, int]] = field(default_factory=dict)
    extra: list[tuple[str, str | None]] = field(default_factory=list)
    money_unit: str | None = None
    money_cols: list[str] = field(default_factory=list)
    money_rows: list[dict] = field(default_factory=list)
    goal: tuple[str, int] | None = None
    done: tuple[str, int] | None = None
    roles: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    total_weight: str | None = None
    total_score: str | None = None
    ended: bool = False  # a total, a conclusion or a footer after the indicators
    truncated: bool = False
    through_month: int | None = None  # monitoring: the 1–N月 its amounts and values run to
    marks: dict[int, str] = field(default_factory=dict)  # line → what it was read as (--explain)

    def mark(self, line: int | None, role: str) -> None:
        if line:
            self.marks.setdefault(line, role)

    def note(self, level, code, msg, line, field=None, source=None, proposed=None):
        self.notes.append(Note(level, code, msg, self.file, line, field, source, proposed))


class _Reader:
    def __init__(self, toks: list[Tok], st: _State, explicit: bool, cats):
        self.toks, self.st, self.explicit = toks, st, explicit
        self.v = cats
        self.i = 0
        self.saw_done = False
        self.stream = False
        self.run_lines: set[int] = set()

    # the stream
    def peek(self, k: int = 0) -> Tok | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def next_value(self, row_only: bool) -> Tok | None:
        """The next cell that is not a label (in a row layout: on the same row)."""
        j = self.i
        while j < len(self.toks):
            t = self.toks[j]
            if t is BREAK:
                if row_only:
                    return None
                j += 1
                continue
            if self._is_label(t.text):
                return None
            if t.text == "" and not self.explicit:
                j += 1
                continue
            self.i = j + 1
            return t
        return None

    def _is_label(self, text: str) -> bool:
        t = norm(text)
        return bool(_role(_FIELD_RX, t) or _MONEY_START.search(t) or _GOAL.match(t) or _DONE.match(t)
                    or _SECTION.match(t) or _EXTRA.match(t) or _role(_HEAD, t) in ("level1", "level2")
                    or _TOTAL.match(t))

    # categories
    def level1(self, text: str) -> str | None:
        t = _SCORE_SUFFIX.sub("", norm(text))
        return t if t in self.v.level1 else None

    def level2(self, text: str) -> str | None:
        t = norm(text)
        if t in self.v.level2 or (len(t) <= 12 and _CATEGORY_SHAPE.search(t)):
            return t
        return None

    def read(self) -> None:
        st = self.st
        state = "facts"
        while self.i < len(self.toks):
            tok = self.toks[self.i]
            if tok is BREAK or (tok.text == "" and state != "rows"):
                self.i += 1
                continue
            t = norm(tok.text)
            if state == "rows":
                self.rows()
                break
            if _role(_HEAD, t) == "level1":
                st.mark(tok.line, "指标表头")
                self.header()
                state = "rows"
                continue
            self.i += 1
            key = _role(_FIELD_RX, t)
            if key is None and state == "facts":
                key = self._form_label(tok)
            if key:
                st.mark(tok.line, f"栏目“{tok.text}”")
                self.field(key, tok, t)
                continue
            if _MONEY_START.search(t):
                st.mark(tok.line, "资金表头")
                um = re.search(r"\((万元|元|亿元)\)", t)
                if um:
                    st.money_unit = um.group(1)
                state = "money"
                continue
            if _SECTION.match(t):
                st.mark(tok.line, "栏目分组")
                continue
            if _GOAL.match(t) or _DONE.match(t):
                st.mark(tok.line, "年度目标/完成情况表头")
                state = "goal"
                self.saw_done = self.saw_done or bool(_DONE.match(t))
                continue
            if _EXTRA.match(t):
                st.mark(tok.line, f"栏目“{tok.text}”")
                v = self.next_value(row_only=not self.explicit)
                st.extra.append((t, self._text(v)))
                continue
            if state == "money":
                base, unit = split_unit(t)
                role = _role(_MONEY_COLS, base)
                if role and unit:
                    st.money_unit = unit
                if role:
                    st.mark(tok.line, "资金表头")
                    month = re.match(r"^1-(\d{1,2})月", t)
                    if month:
                        st.through_month = int(month.group(1))
                    st.money_cols.append(role)
                    continue
                if not _NUM.match(t) and not _PCT.match(t) and t not in _BLANKISH:
                    st.mark(tok.line, f"资金行“{tok.text}”")
                    self.money_row(tok, t)
                    continue
            if state == "goal":
                text = self._text(tok)
                if st.goal is None:
                    st.mark(tok.line, "年度目标")
                    st.goal = (tok.text, tok.line)
                    continue
                if st.done is None:
                    st.mark(tok.line, "实际完成情况")
                    st.done = (text, tok.line) if text is not None else ("", tok.line)
                    continue
            if _PLACEHOLDER.search(t):
                st.mark(tok.line, "表格填写说明（未导入）")
                continue
            if not st.facts and not st.money_rows and st.goal is None:  # the page's words above the table
                st.mark(tok.line, "页面文字（未导入）")
                st.note("info", "LINE_OUTSIDE", f"表格开头的页面文字（未导入）: {tok.text[:60]}", tok.line)
                continue
            st.mark(tok.line, "未归属（未导入）")
            st.note("warning", "LINE_UNPLACED", f"无法归属的内容（未导入）: {tok.text[:60]}", tok.line,
                    source=tok.text)

    _KEYS = {"name": "name", "department_name": "department_name", "implementing_unit": "unit_name",
             "unit_name": "unit_name", "owner_phone": "owner_phone", "owner": "owner", "phone": "phone",
             "contact": "contact"}

    def _form_label(self, tok: Tok) -> str | None:
        """A fact's label the 自评表 reader does not spell, as the form's vocabulary reads it (a
        loose match is a review item)."""
        if len(norm(tok.text)) > 12:
            return None
        lab, _unit = self.v.label(tok.text)
        key = self._KEYS.get(lab.key) if lab is not None else None
        if key and lab.loose:
            self.st.note("warning", "LABEL_LOOSE", f"栏目“{tok.text}”不在自评表的栏目中，按“{lab.loose}”读取；请核对",
                         tok.line, key, tok.text)
        return key

    def _text(self, tok: Tok | None) -> str | None:
        if tok is None or not tok.text.strip():
            return None
        if _PLACEHOLDER.search(norm(tok.text)):
            self.st.note("info", "TEMPLATE_TEXT", f"表格原有的填写说明，不是填写内容（未导入）: {tok.text[:40]}", tok.line)
            return None
        return tok.text.strip()

    def field(self, key: str, tok: Tok, t: str) -> None:
        st = self.st
        if key == "department_name" and t.startswith("中央") and "department_name" not in st.facts:
            v = self.next_value(row_only=not self.explicit)  # the central one is kept as an extra field
            st.extra.append((t, self._text(v)))
            return
        v = self.next_value(row_only=not self.explicit)
        value = self._text(v)
        if value is None:
            return
        st.mark(v.line, f"值（{key}）")
        if key in st.facts:
            st.note("info", "FIELD_REPEATED", f"“{tok.text}”重复出现，保留第一次的值", tok.line)
            return
        st.facts[key] = (value, v.line)

    def money_row(self, tok: Tok, t: str) -> None:
        st = self.st
        label = re.sub(r"^其中:?", "", t).rstrip(":")
        cells: list[Tok] = []
        while self.i < len(self.toks):
            c = self.toks[self.i]
            if c is BREAK:
                if not self.explicit and not self.st.money_rows and False:
                    pass
                if cells or not self.explicit:
                    break
                self.i += 1
                continue
            ct = norm(c.text)
            is_value = ct in _BLANKISH or _NUM.match(ct) or _PCT.match(ct) or re.fullmatch(
                r"-?\d+(?:\.\d+)?(万元|元|亿元)", ct) or _PLACEHOLDER.search(ct)
            glued = (not is_value or c.line in self.run_lines) and not self.explicit and bool(
                re.fullmatch(r"[\d.%万亿元]+", ct)) and bool(st.money_cols) and not _PCT.match(ct)
            if not is_value and not glued:
                break
            if glued:
                cells.extend(Tok(p, c.line) for p in self._split_digits(ct, c.line, _MONEY_TOTAL.match(label) is None))
            else:
                cells.append(c)
            self.i += 1
        st.money_rows.append({"label": label, "line": tok.line, "cells": cells,
                              "total": bool(_MONEY_TOTAL.match(label))})

    def _split_digits(self, text: str, line: int, source: bool = False) -> list[str]:
        """Numbers printed without borders ('202010100.00%10'): the one cut `glued.split_money`
        finds, as a review item; none when no cut or several fit."""
        cols = [c for c in self.st.money_cols if c != "reason"]
        if source:
            cols = [c for c in cols if c in ("budget_initial", "budget_full", "spent", "rate")]
        total = next((r for r in self.st.money_rows if r["total"]), None)
        cap = None
        if source and total and total["cells"]:
            try:
                cap = Decimal(re.sub(r"[万亿元]", "", norm(total["cells"][0].text)))
            except ArithmeticError:
                cap = None
        parts, count = split_money(text, cols, cap)
        if parts is not None:
            self.st.note("warning", "RUN_TOGETHER", f"数字之间没有分隔，按执行率等于执行数÷预算数拆分为 {' | '.join(parts)}；"
                         "请核对", line, "results[0].money", text, " | ".join(parts))
            return parts
        self.st.note("warning", "AMOUNT_UNREADABLE", f"数字之间没有分隔，无法确定拆分（{count} 种可能），未导入",
                     line, "results[0].money", text)
        return []

    def header(self) -> None:
        roles = []
        while self.i < len(self.toks):
            tok = self.toks[self.i]
            if tok is BREAK and roles and not self.stream:
                break  # a row layout: the header is its row
            if tok is BREAK or tok.text == "":
                self.i += 1
                continue
            role = _role(_HEAD, tok.text)
            if role is None:
                if not self._header_follows():
                    break
                role = f"?{tok.text.strip()}"  # a column the form does not name: kept in the indicator's note
                self.st.note("info", "COLUMN_UNKNOWN", f"指标表的列“{tok.text}”不是自评表的已知列，其内容记入指标的备注",
                             tok.line)
            roles.append(role)
            self.i += 1
        self.st.roles = roles

    def _header_follows(self) -> bool:
        """A known column header further along this header row (an unknown column between known ones)."""
        for t in self.toks[self.i + 1: self.i + 12]:
            if t is BREAK:
                return False
            if _role(_HEAD, t.text):
                return True
        return False

    def _after_name(self) -> list[str]:
        roles = self.st.roles
        return roles[roles.index("name") + 1:] if "name" in roles else roles[3:]

    def rows(self) -> None:
        st = self.st
        l1 = l2 = None
        just_l1 = False
        template = self._after_name()
        while self.i < len(self.toks):
            tok = self.toks[self.i]
            if tok is BREAK or tok.text == "":
                self.i += 1
                continue
            t = norm(tok.text)
            if _TOTAL.match(t):
                st.mark(tok.line, "总分")
                self.i += 1
                vals = self._numbers()
                st.total_weight, st.total_score = (vals + [None, None])[:2]
                st.ended = True
                continue
            if _FOOTER.match(t) or _EXTRA.match(t):
                st.mark(tok.line, "表尾" if _FOOTER.match(t) else f"栏目“{tok.text}”")
                st.ended = True
                if _EXTRA.match(t):
                    self.i += 1
                    st.extra.append((t, self._text(self.next_value(row_only=not self.explicit))))
                    continue
                self.i += 1
                continue
            if st.ended:
                self.i += 1
                if _PLACEHOLDER.search(t) or _FOOTER.match(t):
                    continue
                continue
            if re.fullmatch(r"[.…。·]{2,}", t):
                self.i += 1
                continue
            st.mark(tok.line, "指标类别")
            a = self.level1(tok.text)
            if a and l1 and a in self.v.children.get(l1, ()):  # 成本指标 under 产出指标: a 二级 there
                a = None
            if a and not just_l1:
                if norm(tok.text) != a:
                    st.note("info", "LEVEL_SCORE", f"一级指标“{tok.text}”中的分值说明不计入名称", tok.line)
                l1, l2, just_l1 = a, None, True
                self.i += 1
                continue
            b = self.level2(tok.text)
            if b:
                if b == l2 and just_l1 is False and self._prev_was_category():
                    st.note("info", "LEVEL_REPEATED", f"二级指标“{b}”重复印出一次（合并单元格），按一次读取", tok.line)
                else:
                    l2 = b
                self.i += 1
                just_l1 = False
                self._last_cat = self.i
                continue
            just_l1 = False
            self.i += 1
            if not self.explicit and tok.line in self.run_lines and self._alone():
                parsed = split_glued_rows(tok.text, template)
                if parsed:
                    for name, vals in parsed:
                        st.note("warning", "RUN_TOGETHER", f"指标行“{tok.text[:40]}”没有分隔，按数值的写法拆分为“{name}”"
                                f"{' | '.join(v or '' for v in vals.values())}；请核对", tok.line,
                                f"indicators[{len(st.rows)}]", tok.text)
                        st.rows.append({"level1": l1, "level2": l2, "name": name, "target": vals.get("target"),
                                        "actual": vals.get("actual"), "weight": vals.get("weight"),
                                        "score": vals.get("score"), "reason": None, "line": tok.line,
                                        "guessed": False, "cut": False})
                    continue
            self.row(tok, l1, l2, template)

    def _alone(self) -> bool:
        """The cell just read is followed by no value (a category, a total, a row end or the end)."""
        j = self.i
        while j < len(self.toks) and (self.toks[j] is BREAK or self.toks[j].text == ""):
            j += 1
        return j >= len(self.toks) or self._stops(norm(self.toks[j].text)) or self.toks[j].line != self.toks[self.i - 1].line

    def _prev_was_category(self) -> bool:
        return getattr(self, "_last_cat", -1) == self.i

    def _numbers(self) -> list[str | None]:
        out: list[str | None] = []
        while self.i < len(self.toks) and len(out) < 2:
            t = self.toks[self.i]
            if t is BREAK:
                break
            if t.text == "":
                if self.explicit:
                    out.append(None)
                self.i += 1
                continue
            ct = norm(t.text)
            if _NUM.match(ct) and not (t.line in self.run_lines and re.fullmatch(r"(\d+)\1", ct)):
                out.append(ct)
            elif re.fullmatch(r"(\d+)\1", ct):  # '100100': 分值 and 得分 printed without a border
                half = ct[: len(ct) // 2]
                self.st.note("warning", "RUN_TOGETHER", f"总分“{ct}”没有分隔，按分值 {half}、得分 {half} 读取；请核对",
                             t.line, "results[0].total_score", ct, half)
                out.extend([half, half])
            else:
                break
            self.i += 1
        return out

    def _fits_row(self, j: int, template: list[str]) -> bool:
        """Whether the cells from j on read as a new row: a name, then values whose 分值 and 得分
        are numbers where the template puts them."""
        need = [r for r in template if r not in _OPTIONAL]
        k = j + 1
        for role in need:
            if k >= len(self.toks) or self.toks[k] is BREAK:
                return False
            c = norm(self.toks[k].text)
            if self._stops(c):
                return False
            if role in ("weight", "score") and not _NUM.match(c):
                return False
            k += 1
        return True

    def _stops(self, c: str) -> bool:
        return bool(self.level1(c) or self.level2(c) or _TOTAL.match(c) or _FOOTER.match(c) or _EXTRA.match(c))

    def row(self, name: Tok, l1, l2, template: list[str]) -> None:
        st = self.st
        st.mark(name.line, f"指标行“{name.text[:16]}”")
        vals: dict[str, str | None] = {}
        guessed = False
        cut = False
        for role in template:
            t = self.peek()
            if t is None or all(x is BREAK for x in self.toks[self.i:]):
                cut = role not in _OPTIONAL
                break
            if t is BREAK:
                if role not in _OPTIONAL and not (self.explicit is False and role in ("unit", "op")):
                    guessed = guessed or bool(vals)
                break
            c = norm(t.text)
            if self._stops(c) and t.text:
                if role not in _OPTIONAL:
                    guessed = True
                break
            if not self.explicit:
                if role in ("weight", "score") and not _NUM.match(c):
                    if role == "score" and c in _BLANKISH:
                        self.i += 1
                    guessed = True
                    continue
                if role in _OPTIONAL and self._fits_row(self.i, template):
                    break
                if role in ("op", "unit") and not re.fullmatch(r"[=≥≤<>≧≦]+|[^\d]{1,6}", c):
                    continue
            vals[role] = t.text
            self.i += 1
        if cut and self.i >= len(self.toks):
            st.truncated = True
        target = "".join(x for x in (vals.get("op"), vals.get("target"), vals.get("unit")) if x and x.strip()) or None
        st.rows.append({"level1": l1, "level2": l2, "name": name.text.strip(), "target": target,
                        "actual": self._text(Tok(vals.get("actual") or "", name.line)),
                        "weight": vals.get("weight"), "score": vals.get("score"),
                        "reason": self._text(Tok(vals.get("reason") or "", name.line)), "line": name.line,
                        "outlook": self._text(Tok(vals.get("outlook") or "", name.line)),
                        "remedy": self._text(Tok(vals.get("remedy") or "", name.line)),
                        "note": "；".join(f"{k[1:]}：{x}" for k, x in vals.items() if k.startswith("?") and x) or None,
                        "guessed": guessed and not cut, "cut": cut})


# -- the document -----------------------------------------------------------------------------
def _pct(text: str | None) -> str | None:
    if text is None:
        return None
    t = norm(text).rstrip("%")
    return t if _NUM.match(t) and not t.startswith("-") else None


def _weight(st: _State, text: str | None, line: int, field_: str) -> str | None:
    if text is None or norm(text) in _BLANKISH:
        return None
    t = norm(text)
    if _NUM.match(t):
        return t
    st.note("warning", "WEIGHT_UNREADABLE", f"“{text}”不是可以读取的分值/得分，未导入；请核对", line, field_, text)
    return None


def _amount(st: _State, text: str | None, line: int, field_: str, what: str, page_unit: str | None) -> str | None:
    if text is None:
        return None
    t = norm(text)
    if t in _BLANKISH:
        return None
    um = re.fullmatch(r"(-?\d+(?:\.\d+)?)(万元|元|亿元)", t)
    if um:
        t, unit = um.group(1), um.group(2)
    else:
        unit = st.money_unit
    if not _NUM.match(t):
        st.note("warning", "AMOUNT_UNREADABLE", f"{what}“{text}”不是可以读取的金额，未导入；请核对", line, field_, text)
        return None
    if unit is None and page_unit:
        unit = page_unit
        st.note("warning", "MONEY_UNIT_FROM_PAGE", f"{what}“{text}”没有写单位，按表格上方写明的“{page_unit}”读取；请核对",
                line, field_, text)
    if unit is None:
        st.note("warning", "MONEY_UNIT_UNKNOWN", f"{what}“{text}”没有写明单位（元还是万元），未导入；请核对后填写",
                line, field_, text, f"{t} 元 或 {t} 万元")
        return None
    try:
        return format_amount(parse_amount(t, unit))
    except MoneyError as exc:
        st.note("warning", "AMOUNT_UNREADABLE", f"{what}“{text}”不是可以读取的金额，未导入: {exc}", line, field_, text)
        return None


def _money_results(st: _State, page_unit: str | None) -> list[dict]:
    cols = [c for c in st.money_cols if c != "reason"] + (["reason"] if "reason" in st.money_cols else [])
    out = []
    for m, row in enumerate(st.money_rows):
        cells = [c for c in row["cells"] if not _PLACEHOLDER.search(norm(c.text))]
        values = {}
        full = [c for c in cols if c != "reason"]
        short = [c for c in full if c not in ("weight", "score")]  # a source row: 分值/得分 merged away
        n = len(cells)
        if n in (len(full), len(cols)):
            use = cols
        elif n == len(short) and not row["total"]:
            use = short
        else:  # cells missing or added: from left to right, and said so
            use = full if row["total"] else short
            filled = [c for c in cells if norm(c.text) not in ("", "/")]
            if filled and st.money_cols:
                st.note("warning", "SPLIT_GUESSED", f"资金行“{row['label']}”有 {len(filled)} 个数，与 {len(use)} 列对不齐，"
                        f"按从左到右对应{'、'.join(_MONEY_ZH[c] for c in use[:len(filled)])}；请核对", row["line"],
                        f"results[0].money[{m}]", " ".join(c.text for c in cells))
            cells = filled
        for role, c in zip(use, cells, strict=False):
            values[role] = c
        for c in cells[len(use):]:
            if norm(c.text) not in _BLANKISH:
                st.note("warning", "LINE_UNPLACED", f"资金行“{row['label']}”多出的内容“{c.text[:40]}”没有对应的列，未导入；请核对",
                        c.line, f"results[0].money[{m}]", c.text)
        src = None if row["total"] else row["label"]
        what = f"“{row['label']}”的{{}}"
        entry = {"source": src}
        for key in ("budget_initial", "budget_full", "spent"):
            c = values.get(key)
            entry[key] = _amount(st, c.text if c else None, c.line if c else row["line"],
                                 f"results[0].money[{m}].{key}", what.format(_MONEY_ZH[key]), page_unit)
        c = values.get("rate")
        entry["rate"] = _pct(c.text) if c else None
        c = values.get("score")
        entry["score"] = _weight(st, c.text, c.line, f"results[0].money[{m}].score") if c else None
        out.append(entry)
    return out


_MONEY_ZH = {"budget_initial": "年初预算数", "budget_full": "全年预算数", "spent": "全年执行数", "weight": "分值",
             "rate": "执行率", "score": "得分", "reason": "原因"}


def read_lines(lines: list[str], first: int, file: str, options: ReadOptions | None = None, *,
               last: bool = True, page_unit: str | None = None) -> ImportedTable:
    """One 自评表 (its lines, numbered from `first`) → an ImportedTable with one document."""
    options = options or ReadOptions()
    v = vocab("national")
    st = _State(file)
    title_line = plain_line(lines[0]) if lines else ""
    title = title_line if is_title(title_line) else None
    cats = sorted((c for c in v.level1 | set(v.level2) if len(c) >= 4 and c.endswith("指标")), key=len, reverse=True)
    body = list(lines)
    if title:
        m = TITLE_RE.search(title)
        rest = title[m.end():] if m and len(title) > 80 else ""
        ym = re.match(r"\s*[（(]\s*\d{4}\s*年度?\s*[)）]", rest)
        body[0] = rest[ym.end():] if ym else rest
    toks, open_end, mode, run_lines = _tokens(body, first, cats)
    explicit = mode in ("pipe-cells", "paragraphs", "tabs")
    stream = BREAK not in toks
    if run_lines:
        st.note("warning", "RUN_TOGETHER", "这段文字没有单元格分隔，已按自评表的栏目和指标类别拆分；请核对拆分结果",
                run_lines[0])
    r = _Reader(toks, st, explicit, v)
    r.stream = stream
    r.run_lines = set(run_lines)
    r.read()
    if r.saw_done and st.goal and st.done is None:
        st.note("warning", "SPLIT_GUESSED", "年度目标与实际完成情况之间没有分隔，全部读作年度目标，实际完成情况未导入；请核对",
                st.goal[1], "annual_goal", st.goal[0])
    # the year: the title's (2023年度), else the first year of the table's first lines
    year = options.year
    head = " ".join(plain_line(ln) for ln in lines[:3])
    ym = re.search(r"[（(]\s*(20\d{2})\s*年度?\s*[)）]", head) or _YEAR_RE.search(title or "")
    if ym:
        year = int(ym.group(1))
    elif year is None:
        py = _YEAR_RE.search(head)
        if py:
            year = int(py.group(1))
            st.note("warning", "YEAR_GUESSED", f"表格标题没有写明年度，按表格开头的文字取 {year} 年；请核对", first,
                    "year", py.group(0), str(year))
    last_line = first + len(lines) - 1
    # cut off: the text ends inside a cell, a row, or before the totals/footer
    expects_total = "score" in st.roles  # a table that scores ends with its 总分/合计
    if st.truncated or (open_end and last) or (not st.ended and last and expects_total) or not st.roles:
        where = st.rows[-1]["line"] if st.rows else last_line
        st.truncated = True
        st.note("error", "TABLE_TRUNCATED", "自评表在这里中断（没有总分/合计行或表尾，文件可能被截断）；"
                "读到的内容未写入（可用 --allow-truncated 写入）", where)
    table = _finish(st, file, first, last_line, year, title, page_unit, options)
    table.explain = [(first + k, st.marks.get(first + k, "标题" if k == 0 and title else "—"), plain_line(ln))
                     for k, ln in enumerate(lines) if plain_line(ln)]
    return table


def _finish(st: _State, file: str, first: int, last_line: int, year, title, page_unit, options) -> ImportedTable:
    table = ImportedTable(file, first, None, st.notes, {}, last_line, "selfeval", st.truncated)
    data: dict = {}
    prov: dict[str, int] = {}
    for key, (value, line) in st.facts.items():
        prov[key] = line
        if key == "owner_phone":
            data["owner"], data["phone"] = split_person_phone(re.sub(r"[(（][^)）]*[)）]$", "", value))
        elif key == "name":
            code, name = split_code(value)
            m = re.match(r"^([0-9A-Z]{15,30})[-－—](.+)$", value)
            if m:
                data["name"] = m.group(2).strip()
                st.extra.append(("项目编码", m.group(1)))
            else:
                data["name"] = value
        elif key in ("department_name", "unit_name"):
            code, name = split_code(value)
            data[key] = name or value
            if code:
                data["department_code" if key == "department_name" else "unit_code"] = code
        else:
            data[key] = value
    if "unit_name" in data:
        data["implementing_unit"] = data["unit_name"]
    if options.unit_code and not data.get("unit_code"):
        data["unit_code"] = options.unit_code
    if options.unit_name and not data.get("unit_name"):
        data["unit_name"] = options.unit_name
    indicators, results = [], []
    for row in st.rows:
        if row["cut"] and not row["target"]:
            continue
        idx = len(indicators)
        if row["guessed"]:
            st.note("warning", "ROW_UNPLACED", f"指标“{row['name']}”这一行的单元格与表头对不齐，按顺序读取；请核对",
                    row["line"], f"indicators[{idx}]", row["name"])
        weight = _weight(st, row["weight"], row["line"], f"results[0].indicators[{idx}].weight")
        score = _weight(st, row["score"], row["line"], f"results[0].indicators[{idx}].score")
        if row["level2"] is None and "level2" in st.roles and not row["guessed"]:
            st.note("warning", "ROW_UNPLACED", f"指标“{row['name']}”没有二级指标（表头有二级指标列）；请核对", row["line"],
                    f"indicators[{idx}].level2", row["name"])
        if row["level1"] is None:
            st.note("warning", "CATEGORY_INHERITED", f"指标“{row['name']}”上方没有一级指标；请核对", row["line"],
                    f"indicators[{idx}].level1")
        indicators.append({"level1": row["level1"], "level2": row["level2"], "name": row["name"],
                           "target": row["target"], "weight": weight, "note": row.get("note")})
        results.append({"index": idx, "name": row["name"], "target": row["target"], "actual": row["actual"],
                        "weight": weight, "score": score, "reason": row["reason"], "remedy": row.get("remedy"),
                        "outlook": row.get("outlook")})
        prov[f"indicators[{idx}]"] = row["line"]
    money = _money_results(st, page_unit)
    total = next((m for m in money if m["source"] is None), None)
    if total and (total["budget_initial"] or total["budget_full"]):  # the year's amount the targets were set for
        data["year_amount"] = total["budget_initial"] or total["budget_full"]
        st.note("info", "YEAR_AMOUNT_FROM_BUDGET", "项目本年度金额取年度资金总额的"
                f"{'年初预算数' if total['budget_initial'] else '全年预算数'}", last_line)
    monitor = bool(title and "监控" in title)
    stage = {"stage": "monitor" if monitor else "evaluate", "through_month": st.through_month if monitor else None,
             "money": money,
             "goal_achieved": st.done[0] if st.done and st.done[0] else None, "indicators": results,
             "total_score": _weight(st, st.total_score, last_line, "results[0].total_score")}
    if st.goal:
        data["annual_goal"] = st.goal[0].strip()
        prov["annual_goal"] = st.goal[1]
    if title is None:
        st.note("info", "TITLE_MISSING", "表格没有自评表标题，按指标表头（完成值、得分）认作自评表", first)
    if year is None:
        st.note("warning", "YEAR_MISSING", "表格没有写明年度（可用 --year 指定）", first)
    if not indicators and not st.truncated:
        st.note("error", "TABLE_INCOMPLETE", "自评表中没有读出任何指标", first)
    form = None
    if title:
        m = re.search(r"([^\s|]{0,20}?(?:自评表|监控表))", re.sub(r"\s+", "", title))
        form = m.group(1) if m else None
        form = re.sub(r"^\d{4}年", "", form or "") or None
    table.provenance = {k: Location(file, line=n) for k, n in prov.items()}
    if any(n.level == "error" and n.code != "TABLE_TRUNCATED" for n in st.notes):
        return table
    try:
        doc = new_document(year=year, form=form or "项目支出绩效自评表", layout="national", indicators=indicators,
                           extra=[{"label": lb, "value": val} for lb, val in st.extra], results=[stage], **data)
    except DocumentError as exc:
        st.note("error", "DOCUMENT_INVALID", exc.message, file and None or None)
        return table
    review = [ReviewItem(code=n.code, field=n.field or "(document)", message=n.message, source=n.source, line=n.line,
                         proposed=n.proposed) for n in st.notes if n.review]
    table.document = doc.model_copy(update={"review": review}) if review else doc
    return table
