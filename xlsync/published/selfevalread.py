"""The 自评表 reader's reading stage: a table's lines → one stream of cells (tokens; rows keep
their ends where the layout has rows; text without borders cut at the form's labels) → facts,
money rows, goal, the indicator header and rows, totals and footer, with a note for every guess.
Used by `xlsync.published.selfeval`; the document is assembled in `xlsync.published.selfevaldoc`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..forms import reading
from .cells import split_rows
from .glued import split_glued_rows, split_money
from .notes import Note
from .vocab import norm, split_unit


# -- tokens -----------------------------------------------------------------------------------
@dataclass
class Tok:
    text: str
    line: int


BREAK = Tok("\x00", 0)  # the end of a row (layouts with one row per line)

_FIELD_RX = reading.regexes("selfeval.field")
_MONEY_START = reading.regex("selfeval.money_start")
_MONEY_COLS = reading.regexes("selfeval.money_column")
_MONEY_TOTAL = reading.regex("selfeval.money_total")
_GOAL = reading.regex("selfeval.goal")
_DONE = reading.regex("selfeval.done")
_SECTION = reading.regex("selfeval.section")
_EXTRA = reading.regex("selfeval.extra")
_HEAD = reading.regexes("selfeval.indicator_column")
_OPTIONAL = ("reason", "remedy")  # text columns at a row's end: often empty, and vanished then
_TOTAL = reading.regex("selfeval.total")
_FOOTER = reading.regex("selfeval.footer")
PLACEHOLDER = reading.regex("selfeval.placeholder")
NUM = re.compile(r"^-?\d+(?:\.\d+)?$")
_PCT = re.compile(r"^-?\d+(?:\.\d+)?%$")
_SCORE_SUFFIX = re.compile(r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")
_CATEGORY_SHAPE = reading.regex("selfeval.category_shape")
BLANKISH = {"", "/", "-", "—", "——", "无", "\\"}


def _role(rx_list, text: str) -> str | None:
    t = norm(text)
    for role, rx in rx_list:
        if rx.search(t):
            return role
    return None


# the words a text without any cell borders is cut at (each such text is a review item)
_CUT_WORDS = reading.words("selfeval.cut_words")


def tokens(lines: list[str], first: int, cats: list[str]) -> tuple[list[Tok], bool, str, list[int]]:
    cells = split_rows(lines, first)
    toks: list[Tok] = []
    run_lines: list[int] = []
    for row in cells.rows:
        for c in row:
            text = c.text
            if toks and toks[-1] is not BREAK and reading.regex("selfeval.unit_or_seal_cell").fullmatch(text):
                toks[-1] = Tok(toks[-1].text + text, toks[-1].line)
                continue
            if cells.mode == "spaces" and len(text) > 8 and not PLACEHOLDER.search(text):
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
class State:
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


class Reader:
    def __init__(self, toks: list[Tok], st: State, explicit: bool, cats):
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
                if not NUM.match(t) and not _PCT.match(t) and t not in BLANKISH:
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
            if PLACEHOLDER.search(t):
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
        if PLACEHOLDER.search(norm(tok.text)):
            self.st.note("info", "TEMPLATE_TEXT", f"表格原有的填写说明，不是填写内容（未导入）: {tok.text[:40]}", tok.line)
            return None
        return tok.text.strip()

    def field(self, key: str, tok: Tok, t: str) -> None:
        st = self.st
        if key == "department_name" and t.startswith(reading.words("selfeval.central")) and "department_name" not in st.facts:
            v = self.next_value(row_only=not self.explicit)  # the central one is kept as an extra field
            st.extra.append((t, self._text(v)))
            return
        v = self.next_value(row_only=not self.explicit)
        value = self._text(v)
        if value is None:
            return
        st.mark(v.line, f"值（{key}）")
        if key in st.facts:
            st.note("warning", "FIELD_REPEATED", f"“{tok.text}”重复出现，保留第一次的值", tok.line)
            return
        st.facts[key] = (value, v.line)

    def money_row(self, tok: Tok, t: str) -> None:
        st = self.st
        label = reading.regex("of_which_norm").sub("", t).rstrip(":")
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
            is_value = ct in BLANKISH or NUM.match(ct) or _PCT.match(ct) or re.fullmatch(
                r"-?\d+(?:\.\d+)?(万元|元|亿元)", ct) or PLACEHOLDER.search(ct)
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
                if PLACEHOLDER.search(t) or _FOOTER.match(t):
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
            if NUM.match(ct) and not (t.line in self.run_lines and re.fullmatch(r"(\d+)\1", ct)):
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
            if role in ("weight", "score") and not NUM.match(c):
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
                if role in ("weight", "score") and not NUM.match(c):
                    if role == "score" and c in BLANKISH:
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
