"""Reading published 绩效目标表 text (pulled out of PDF, Word or web pages) into documents.

One reader for every layout, driven by the form files (`forms/*.toml`): a file is cut into
tables at their titles (or, without a title, at the first labelled field); each table is
read with the form that fits it best (its title and labels); its lines are cut into cells
(`xlsync.textcells`), labelled fields become document keys (`extra` for labels without a
key), money groups and "其中：" lines become funding sources, and the indicator table is
read row by row by aligning each row's cells to the table's columns
(`xlsync.indicatorrows`). The reader writes nothing: it returns documents and notes, and
every source line of a table is placed or named in a note with its line and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from . import textfile
from .dates import parse_date
from .document import ProjectDocument, new_document
from .errors import DocumentError, ImportTextError, Location
from .fieldtext import parse_period, split_code, split_person_phone
from .indicatorrows import NATURES, OPERATORS, Placed, Role, Tok, align, compose_target
from .money import MoneyError, format_amount, parse_amount
from .plantext import parse_plan
from .runtogether import fuzzy_label, is_run_together, split_facts, split_indicators
from .textcells import Cell, clean_text, plain_line, split_rows
from .textvocab import Label, Vocab, checked_options, norm, split_unit, vocab

MONEY_KEYS = {"total_amount", "year_amount", "prev_total_amount", "prev_year_amount", "either_amount"}
NARRATIVE = {"overview", "basis", "necessity", "measures", "plan_text", "remark", "overall_goal",
             "annual_goal"}
# labels that end the indicator table (others may well be a 三级指标's name: 完成时间 …)
ENDS_INDICATORS = {"extra", "remark", "overall_goal", "annual_goal", "overview", "basis", "necessity",
                   "measures", "plan_text", "composition", "section"}
_YEAR_LINE = re.compile(r"^[（(]?\s*(\d{4})\s*年度?\s*[)）]?$")
_TITLE_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")
_UNIT_DECL = re.compile(r"^(?:金额)?单位\s*[:：]\s*(万元|亿元|元)$")


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
    last_line: int | None = None
    form: str | None = None  # the form file it was read with
    truncated: bool = False  # the text stops inside the table

    @property
    def ok(self) -> bool:
        return self.document is not None and not any(n.level == "error" for n in self.notes)


@dataclass(frozen=True)
class ReadOptions:
    """What the caller knows that a table may not say, and which forms to consider."""

    forms: tuple[str, ...] = ()  # extra form files (paths) to consider before the shipped ones
    form: str | None = None  # read every table with this form
    unit_code: str | None = None
    unit_name: str | None = None
    year: int | None = None


# -- decoding -----------------------------------------------------------------------------
def decode(raw: bytes, file: str) -> tuple[str, list[Note]]:
    """UTF-8 (BOM or not), UTF-16 (BOM or not), GB18030/GBK; other files named (textfile)."""
    return textfile.decode(raw, file, Note)


# -- cutting a file into tables ---------------------------------------------------------------
@dataclass
class _Region:
    start: int  # first line number (1-based)
    lines: list[str] = field(default_factory=list)
    titles: list[tuple[int, str, re.Match | None]] = field(default_factory=list)
    year: int | None = None
    year_line: int | None = None
    content: bool = False
    names: int = 0
    headers: int = 0


def _candidates(options: ReadOptions) -> list[Vocab]:
    from .forms import BUILTIN

    if options.form:
        return [vocab(options.form)]
    return [vocab(f) for f in options.forms] + [vocab(n) for n in BUILTIN]


def _title_match(text: str, vocabs: list[Vocab]) -> tuple[re.Match, Vocab] | None:
    for v in vocabs:
        for rx in v.titles:
            m = rx.search(text) if rx.pattern.startswith("^") is False else rx.match(text)
            if m:
                return m, v
    return None


def _labels_in(text: str, vocabs: list[Vocab]) -> set[str]:
    found = set()
    for cell in re.split(r"\t|\||\s{2,}", text):
        cell = clean_text(cell)
        t = norm(cell)
        for v in vocabs:
            lab, _ = v.label(cell)
            if lab is not None and lab.key not in ("section", "money", "extra"):
                found.add(lab.key)
            elif t and v.header_role(cell) in ("level1", "name"):
                found.add("@header")
    return found


def segment(lines: list[str], vocabs: list[Vocab]) -> tuple[list[_Region], list[tuple[int, str]]]:
    """Tables (regions of lines) and the lines outside any table."""
    regions: list[_Region] = []
    outside: list[tuple[int, str]] = []
    cur: _Region | None = None
    for n, raw in enumerate(lines, 1):
        text = plain_line(raw)
        if not text:
            if cur is not None:
                cur.lines.append(raw)
            continue
        run_together = len(text) > 120 and any(is_run_together(text, v) for v in vocabs)
        head = text if (len(text) <= 80 or run_together) else ""
        tm = _title_match(head, vocabs) if head else None
        if tm and run_together:
            m = tm[0]
            title_text, rest = text[: m.end()], text[m.end():]
        else:
            title_text, rest = text, ""
        if tm:
            if cur is None or cur.content:
                cur = _Region(start=n)
                regions.append(cur)
            cur.titles.append((n, title_text, tm[0]))
            ym = _TITLE_YEAR.search(title_text)
            if ym:
                cur.year, cur.year_line = int(ym.group(1)), n
            if rest:
                cur.lines.extend([""] * (n - cur.start - len(cur.lines)))
                cur.lines.append(rest)
                cur.content = True
            else:
                cur.lines.extend([""] * (n - cur.start - len(cur.lines) + 1))
            continue
        ym = _YEAR_LINE.match(text.replace(" ", "")) if len(text) <= 12 else None
        if ym and cur is not None and not cur.content:
            cur.year, cur.year_line = int(ym.group(1)), n
            cur.lines.extend([""] * (n - cur.start - len(cur.lines) + 1))
            continue
        labels = _labels_in(raw, vocabs)
        if cur is None:
            if "name" in labels or len(labels - {"@header"}) >= 2:
                cur = _Region(start=n)
                regions.append(cur)
            else:
                outside.append((n, text))
                continue
        if "name" in labels and cur.names and cur.headers:
            cur = _Region(start=n)  # a new table without a title
            regions.append(cur)
        cur.lines.extend([""] * (n - cur.start - len(cur.lines)))
        cur.lines.append(raw)
        if labels:
            cur.content = True
        cur.names += "name" in labels
        cur.headers += "@header" in labels
    return [r for r in regions if r.content or r.titles], outside


def _choose_form(region: _Region, vocabs: list[Vocab]) -> Vocab:
    body = "\n".join(region.lines)
    cells = {split_unit(norm(clean_text(c)))[0] for c in re.split(r"\t|\||\s{2,}|\n", body) if c.strip()}
    titles = [t for _n, t, _m in region.titles]
    fallback = None
    for v in vocabs:
        title_ok = not titles or any(rx.match(t) for t in titles for rx in v.titles)
        hits = len(cells & v.detect_labels)
        if v.min_labels == 0:
            fallback = fallback or v
            continue
        if title_ok and hits >= v.min_labels:
            return v
    return fallback or vocabs[-1]


# -- categories -----------------------------------------------------------------------------
class _Levels:
    """Which category is 一级 and which 二级, row by row (merged cells, tables whose 一级 sits
    in the middle of its block, frameworks that use 产出指标 as a 二级)."""

    def __init__(self, v: Vocab):
        self.v = v
        self.l1: str | None = None
        self.l2: str | None = None
        self.seen: dict[str, int] = {}
        self.shifted = False  # the national 一级 names are 二级 in this table
        self.pending: list[dict] = []  # indicators waiting for their 一级

    def level_of(self, cat: str) -> int:
        v = self.v
        if cat in self.seen:
            return self.seen[cat]
        if self.l1 and cat in v.children.get(self.l1, ()):
            return 2
        if cat in v.level1:
            return 2 if self.shifted else 1
        if cat in v.level2:
            return 2
        return 2 if self.l1 else 1

    def apply(self, cats: list[str]) -> None:
        v = self.v
        if len(cats) >= 2:
            a, b = cats[0], cats[1]
            if b in v.level1 and a not in v.level1:
                self.shifted = True
            self._set1(a)
            self.l2 = b
            self.seen.setdefault(a, 1)
            self.seen.setdefault(b, 2)
        elif len(cats) == 1:
            cat = cats[0]
            if self.level_of(cat) == 1:
                self._set1(cat)
                self.seen.setdefault(cat, 1)
            else:
                self.l2 = cat
                self.seen.setdefault(cat, 2)

    def _set1(self, l1: str) -> None:
        if self.l1 is None and self.pending:  # the 一级 printed in the middle of its block
            for ind in self.pending:
                ind["level1"] = l1
            self.pending = []
        self.l1 = l1

    def place(self, ind: dict) -> None:
        ind["level1"], ind["level2"] = self.l1, self.l2
        if self.l1 is None and self.l2 is not None:
            self.pending.append(ind)

    def finish(self) -> None:
        for ind in self.pending:  # never named: the framework's parent of its 二级
            ind["level1"] = self.v.level2.get(ind["level2"])


# -- one table ------------------------------------------------------------------------------
class _Table:
    def __init__(self, v: Vocab, file: str, region: _Region, options: ReadOptions, last_region: bool):
        self.v, self.file, self.region, self.options = v, file, region, options
        self.last_region = last_region
        self.notes: list[Note] = []
        self.fields: dict[str, tuple[str | None, int]] = {}
        self.units: dict[str, str | None] = {}  # money key → unit named with its label/value
        self.extra: list[tuple[str, str | None, int]] = []
        self.funding: list[dict] = []
        self.composition: list[dict] = []
        self.indicators: list[dict] = []
        self.prov: dict[str, int] = {}
        self.section: str | None = None  # None | composition | indicators | footer
        self.table_unit: str | None = None
        self.group_unit: str | None = None
        self.group_annual = False
        self.group_funding = False  # inside a money group: funding-like labels are sources
        self.amount_kinds: list[str] = []  # total/annual of the amount labels of the last money row
        self.last_key: str | None = None
        self.period = "annual"
        self.roles: list[Role] | None = None
        self.has_value_parts = False
        self.levels = _Levels(v)
        self.pending_labels: list[tuple[Label, str | None, Tok]] | None = None
        self.comp_unit = "元"
        self.truncated = False
        self.unit_assumed = False
        self.list_form = False
        self.header_cats = 2
        self.projects: list[_Table] = []  # further projects of a list-form table
        self.first_line = region.start
        self.last_line = region.start

    # -- notes --------------------------------------------------------------------------
    def note(self, level: str, code: str, msg: str, line: int | None) -> None:
        owner = self.projects[-1] if self.projects else self
        owner.notes.append(Note(level, code, msg, self.file, line))

    def _cut(self, msg: str, line: int) -> None:
        """The text stops inside this table (or the list's last project)."""
        owner = self.projects[-1] if self.projects else self
        owner.truncated = True
        self.note("error", "TABLE_TRUNCATED", msg, line)

    def category(self, text: str) -> bool:
        """For the row aligner: a cell that is a category name."""
        return self.v.is_category(text) or (self.v.looks_like_category(text) and len(text) <= 12)

    # -- reading ------------------------------------------------------------------------
    def read(self) -> None:
        lines = self.region.lines
        first = self.region.start
        body = [ln for ln in lines if ln.strip()]
        if body and is_run_together(body[0], self.v):
            self._read_run_together("\n".join(ln.strip() for ln in body), first + lines.index(body[0]))
            return
        cells = split_rows(lines, first)
        self.stream = cells.stream
        rows = cells.rows
        for idx, row in enumerate(rows):
            self.last_line = max(self.last_line, row[-1].line)
            at_end = idx == len(rows) - 1
            self._row(row, at_end and self.last_region, cells.open_end and at_end, rows, idx)
        self._flush_labels()

    def _read_run_together(self, text: str, line: int) -> None:
        self.stream = True
        self.note("warning", "RUN_TOGETHER", "这段文字没有单元格分隔（可能是识别出的扫描件），已按标签和指标类别拆分；"
                  "请核对拆分结果", line)
        cut = None
        for m in re.finditer(r"一级指标", text):
            cut = m.start()
            break
        facts, inds = (text[:cut], text[cut:]) if cut is not None else (text, "")
        for piece, is_label in split_facts(facts, self.v):
            if is_label and self.v.label(piece)[0] is None:
                real = fuzzy_label(piece, self.v)
                if real:
                    self.note("warning", "LABEL_CORRECTED", f"“{piece}”按“{real}”读取（疑为识别错误）", line)
                    piece = real
            self._row([Cell(piece, line)], False, False, None, 0)
        if inds:
            words = "|".join(re.escape(h) for h in sorted(self.v.headers, key=len, reverse=True) if len(h) >= 2)
            m = re.match(f"((?:{words})+)", inds)
            header = m.group(1) if m else ""
            header_end = len(header)
            cols = re.findall(words, header)
            self.stream = False
            self._row([Cell(c, line) for c in cols], False, False, None, 0)
            for cells in split_indicators(inds[header_end:], self.v):
                self._row([Cell(c, line) for c in cells if c != ""] or [Cell("", line)], False, False,
                          None, 0, keep_empty_target=len(cells) >= 2 and cells[-1] == "")
            self.note("warning", "SPLIT_GUESSED", "三级指标与目标值之间没有分隔，按目标值的写法拆分；请核对", line)

    # -- one row -----------------------------------------------------------------------
    def _tokens(self, row: list[Cell]) -> list[Tok]:
        return [Tok(c.text, c.line, c.soft) for c in row]

    def _row(self, row: list[Cell], file_end: bool, open_end: bool, rows, idx, keep_empty_target=False):
        toks = self._tokens(row)
        texts = [t.text for t in toks if t.text]
        if self.stream and self.section != "footer" and self._stream_header(toks[0]):
            return
        if self.section == "footer":
            self._footer_row(toks)
            return
        if self.section == "indicators":
            first = texts[0] if texts else ""
            if first and self.v.is_footer(first) and not self.category(first):
                self.section = "footer"
                self._footer_row(toks)
                return
            lab, _unit = self.v.label(first) if first else (None, None)
            if lab is not None and lab.key in ("long_term", "annual"):
                self.period = "long_term" if lab.key == "long_term" else "annual"
                rest = toks[1:]
                if rest and self._header(rest):
                    return
                return
            if self._header(toks):
                return
            if lab is not None and lab.key in ENDS_INDICATORS and not self.category(first) \
                    and not (self.list_form and lab.key in ("name", "unit_name")):
                self.section = None  # a labelled field after the indicator table
            else:
                self._indicator_row(toks, file_end, open_end, keep_empty_target)
                return
        if self.section == "composition" and self._composition_row(toks):
            return
        self._facts_row(toks, file_end)

    # -- facts -------------------------------------------------------------------------
    def _classify(self, toks: list[Tok]) -> list[tuple[Label | None, str | None, Tok]]:
        """Each cell as (label, unit, token): label None for a value. A cell holding a label
        and its value run together is cut in two."""
        out: list[tuple[Label | None, str | None, Tok]] = []
        for t in toks:
            if not t.text:
                out.append((None, None, t))
                continue
            lab, unit = self.v.label(t.text)
            if lab is None and re.match(r"^\(?(万元|亿元|元)\)?$", norm(t.text)) and out and out[-1][0]:
                prev = out[-1]
                out[-1] = (prev[0], norm(t.text).strip("()"), prev[2])
                continue
            if lab is not None:
                out.append((lab, unit, t))
                continue
            um = _UNIT_DECL.match(norm(t.text).replace("金额单位", "单位"))
            if um:
                self.table_unit = um.group(1)
                out.append((Label("unit_decl", t.text), um.group(1), t))
                continue
            fm = re.match(r"^\s*(?:其中\s*[:：]?)?([^:：]{2,20})[:：]\s*(.*)$", t.text, re.S)
            if fm and self.v.is_funding(fm.group(1)) and self.v.label(fm.group(1))[0] is None:
                out.append((Label("funding", norm(fm.group(1))), split_unit(norm(fm.group(1)))[1], t))
                if fm.group(2).strip():
                    out.append((None, None, Tok(fm.group(2).strip(), t.line, False)))
                continue
            pre = self.v.prefix_label(t.text)
            if pre is not None:
                lab, rest, unit = pre
                out.append((lab, unit, Tok(t.text, t.line, t.soft)))
                out.append((None, None, Tok(rest, t.line, False)))
                continue
            if self.v.is_funding(t.text) and (self.group_funding or t.text.lstrip().startswith("其中")):
                out.append((Label("funding", norm(re.sub(r"^\s*其中\s*[:：]?", "", t.text))), None, t))
                continue
            if re.match(r"^[^\d:：]{2,16}[:：]$", t.text.strip()) and (self.fields or self.funding):
                # 'X：' an unknown label (in the table's body, not the page's header)
                out.append((Label("extra", t.text.strip().rstrip(":：").strip()), None, t))
                continue
            out.append((None, None, t))
        return out

    def _facts_row(self, toks: list[Tok], file_end: bool) -> None:
        items = self._classify(toks)
        if not items:
            return
        first_text = next((t.text for t in toks if t.text), "")
        if not self.stream and len(items) >= 1 and items[0][0] is None and first_text and \
                self.category(first_text) and first_text in self.v.level1:
            self._start_indicators(None)  # an indicator table without a header row
            self._indicator_row(toks, file_end, False, False)
            return
        if not self.stream:
            if self._header(toks):
                return
            labels = [i for i in items if i[0] is not None]
            values = [i for i in items if i[0] is None and i[2].text]
            if self.pending_labels and not labels and values:
                self._pair(self.pending_labels, values)
                self.pending_labels = None
                return
            self._flush_labels()
            if len(labels) >= 2 and not values and all(i[0] is not None for i in items if i[2].text):
                self.pending_labels = [i for i in items if i[0] is not None]
                self._contexts(self.pending_labels)
                return
            self._walk_row(items)
            return
        # a stream of single cells
        self._walk_stream(items)

    def _contexts(self, items) -> None:
        """Section and group labels take effect as soon as they are seen."""
        for lab, unit, tok in items:
            if lab.key in ("section", "money", "composition", "heads", "long_term", "annual"):
                self._label(lab, unit, [], tok)

    def _flush_labels(self) -> None:
        if self.pending_labels:
            for lab, unit, tok in self.pending_labels:
                if lab.key not in ("section", "money", "composition", "heads"):
                    self._label(lab, unit, [], tok)
            self.pending_labels = None

    def _pair(self, labels, values) -> None:
        labels = [x for x in labels if x[0].key not in ("section", "money")]
        if len(values) < len(labels):
            labels = labels[1:] if len(labels) > 1 else labels
        for i, (lab, unit, tok) in enumerate(labels):
            vals = [values[i][2]] if i < len(values) else []
            if i == len(labels) - 1 and len(values) > len(labels):
                vals = [v[2] for v in values[i:]]
            self._label(lab, unit, vals, tok)

    def _walk_row(self, items) -> None:
        i = 0
        while i < len(items):
            lab, unit, tok = items[i]
            if lab is None:
                if tok.text:
                    self._loose_value(tok, items)
                i += 1
                continue
            j = i + 1
            vals = []
            while j < len(items) and items[j][0] is None:
                vals.append(items[j][2])
                j += 1
            self._label(lab, unit, vals, tok)
            i = j

    def _walk_stream(self, items) -> None:
        for lab, unit, tok in items:
            if lab is not None:
                if self.pending_stream is not None:
                    plab, punit, ptok = self.pending_stream
                    self._label(plab, punit, [], ptok)
                    self.pending_stream = None
                if lab.key in ("section", "money", "composition", "heads", "long_term",
                               "annual", "unit_decl"):
                    self._label(lab, unit, [], tok)
                else:
                    self.pending_stream = (lab, unit, tok)
                continue
            if self.pending_stream is not None:
                plab, punit, ptok = self.pending_stream
                self.pending_stream = None
                self._label(plab, punit, [tok], ptok)
                continue
            if tok.text:
                self._loose_value(tok, None)

    pending_stream: tuple | None = None

    def _loose_value(self, tok: Tok, items) -> None:
        """A value with no label of its own."""
        if self.last_key in NARRATIVE and self.last_key in self.fields:
            prev, line = self.fields[self.last_key]
            self.fields[self.last_key] = (f"{prev}\n{tok.text}" if prev else tok.text, line)
            self.note("info", "LINE_JOINED", f"续行并入“{self.last_key}”", tok.line)
            return
        if not self.fields and not self.indicators:
            self.note("info", "HEADER_TEXT", f"表头的说明文字（未导入）: {tok.text[:60]}", tok.line)
            return
        self.note("warning", "LINE_UNPLACED", f"无法归属的内容（未导入）: {tok.text[:80]}", tok.line)

    # -- one labelled field ----------------------------------------------------------------
    def _label(self, lab: Label, unit: str | None, vals: list[Tok], tok: Tok) -> None:
        value = " ".join(v.text for v in vals if v.text).strip() or None
        key = lab.key
        line = tok.line
        if key == "unit_decl":
            return
        if key in ("section", "composition", "heads", "long_term", "annual", "money"):
            self._flush_money_group(key)
            if key == "composition":
                self.section = "composition"
            elif key in ("heads", "long_term", "annual"):
                self._start_indicators(key if key != "heads" else None)
            elif key == "money":
                nested = self.group_funding  # a group inside a money group (按收入性质分) keeps its frame
                self.group_unit = unit or self._unit_in(tok.text) or self.group_unit
                annual = any(w in norm(tok.text) for w in self.v.annual_words)
                if annual or not nested:
                    self.group_annual = annual
                    self.amount_kinds = []
                self.group_funding = True
            else:
                self.group_funding = False
            if value is not None:
                self.note("warning", "LINE_UNPLACED", f"“{lab.text}”后的内容未导入: {value[:60]}", line)
            self.last_key = None
            return
        if key not in MONEY_KEYS and key != "funding" and lab.source is None:
            self.group_funding = self.group_funding and key in ("extra",)
        if key == "funding" or (lab.source is not None):
            self._funding(lab, unit, value, line)
            if lab.source is None:
                return
        if key == "extra":
            self.extra.append((lab.text, value, line))
            self.last_key = None
            return
        if key == "owner_phone":
            owner, phone = split_person_phone(value)
            self._set("owner", owner, line)
            self._set("phone", phone, line)
            return
        if key == "period":
            start, end = parse_period(value)
            if value and start is None:
                self.note("info", "PERIOD_NOT_DATES", f"{lab.text}“{value}”没有写明起止日期，开始/结束时间留空", line)
                self.extra.append((lab.text, value, line))
            self._set("start_date", start, line, raw=True)
            self._set("end_date", end, line, raw=True)
            return
        if key == "either_amount":
            annual = self.group_annual or any(w in norm(tok.text) for w in self.v.annual_words)
            key = "year_amount" if annual else "total_amount"
        if key in MONEY_KEYS:
            self.units[key] = unit or self.group_unit
            self.amount_kinds.append("annual" if key == "year_amount" else "total")
            self.group_funding = True
        if key == "project_attribute" and value:
            chosen, boxes = checked_options(value)
            if boxes:
                if chosen is None:
                    self.note("info", "CHECKBOX_EMPTY", f"“{lab.text}”没有勾选任何选项，原文保存在 extra 中", line)
                    self.extra.append((lab.text, value, line))
                value = chosen
        self._set(key, value, line)

    def _unit_in(self, text: str) -> str | None:
        m = re.search(r"[（(]\s*(万元|亿元|元)\s*[)）]", text)
        return m.group(1) if m else None

    def _flush_money_group(self, key: str) -> None:
        if key != "money":
            self.group_unit = None
            self.group_annual = False
            self.group_funding = False

    def _set(self, key: str, value: str | None, line: int, raw: bool = False) -> None:
        if key in self.fields and self.fields[key][0] not in (None, ""):
            if value not in (None, "") and value != self.fields[key][0]:
                self.note("warning", "FIELD_REPEATED", f"字段“{key}”重复出现，保留第一次的值，第二次的值: {value[:40]}",
                          line)
            return
        self.fields[key] = (value, line)
        self.prov[key] = line
        self.last_key = key

    def _funding(self, lab: Label, unit: str | None, value: str | None, line: int) -> None:
        source = lab.source or lab.text
        kinds = self.amount_kinds or ["annual" if self.group_annual else "total"]
        same = [f for f in self.funding if f["source"] == source]
        column = kinds[min(len(same), len(kinds) - 1)] if len(kinds) > 1 else kinds[0]
        if lab.source is not None or any(w in source for w in self.v.annual_words):
            column = "annual"
        amount = self._money(value, unit or self.group_unit, line, f"资金来源“{source}”")
        target = "year_amount" if column == "annual" else "total_amount"
        entry = same[0] if same and same[0][target] is None and len(kinds) > 1 else None
        if entry is None:
            entry = {"source": source, "total_amount": None, "year_amount": None}
            self.prov[f"funding[{len(self.funding)}]"] = line
            self.funding.append(entry)
        entry[target] = amount
        self.last_key = None

    def _money(self, value: str | None, unit: str | None, line: int, what: str) -> str | None:
        if value is None:
            return None
        text = value.strip()
        explicit = re.search(r"(万元|亿元|亿|万|元)\s*$", text)
        if not explicit and unit is None and self.table_unit is None:
            if self.v.form.name != "seed" and re.fullmatch(r"[\d,.\s]+", text) and re.search(r"[1-9]", text):
                self.unit_assumed = True
        default = unit or self.table_unit or self.v.money_unit
        try:
            return format_amount(parse_amount(text, default))
        except MoneyError as exc:
            self.note("error", "AMOUNT_UNREADABLE", f"{what}: {exc}", line)
            return None

    # -- 项目构成 ------------------------------------------------------------------------
    def _composition_row(self, toks: list[Tok]) -> bool:
        texts = [t.text for t in toks if t.text]
        if not texts:
            return True
        first = norm(texts[0])
        if first in self.v.comp_item or first.split("(")[0] in self.v.comp_item:
            header = "".join(texts)
            self.comp_unit = "亿元" if "亿" in header else "万元" if "万元" in header else "元"
            return True
        lab, _ = self.v.label(texts[0])
        if lab is not None:
            self.section = None
            return False
        if len(texts) == 2:
            item, raw = texts
            amount = self._money(raw, self.comp_unit, toks[0].line, "项目构成金额")
            self.prov[f"composition[{len(self.composition)}]"] = toks[0].line
            self.composition.append({"item": item, "amount": amount})
        else:
            self.note("warning", "LINE_UNPLACED", "项目构成中无法识别的行（未导入）: " + " | ".join(texts), toks[0].line)
        return True

    # -- the indicator table -----------------------------------------------------------------
    def _start_indicators(self, period_key: str | None) -> None:
        self._flush_labels()
        self.section = "indicators"
        if period_key:
            self.period = "long_term" if period_key == "long_term" else "annual"

    def _header(self, toks: list[Tok]) -> bool:
        """A row of indicator column headers: sets the table's columns."""
        texts = [t.text for t in toks if t.text]
        if self.stream:
            return False
        roles = []
        fields = 0
        hits = 0
        for t in texts:
            role = self.v.header_role(t)
            lab, _ = self.v.label(t)
            if role is not None and not (lab is not None and lab.key == "remark" and hits == 0):
                roles.append(role)
                hits += 1
            elif lab is not None and lab.key in ("name", "unit_name", "year_amount", "annual_goal",
                                                  "overall_goal", "total_amount", "either_amount"):
                roles.append(f"field:{lab.key}")
                fields += 1
            elif lab is not None and lab.key in ("heads", "long_term", "annual"):
                if lab.key != "heads":
                    self.period = "long_term" if lab.key == "long_term" else "annual"
                continue
            else:
                roles.append("skip")
        if self.roles is not None and self.section == "indicators" and hits and hits == len(texts) \
                and all(r in ("actual", "target", "target_long", "note") for r in roles):
            self._sub_header(roles)
            return True
        if hits < 2 or not any(r in ("name", "level1", "level2") for r in roles):
            return False
        self._set_roles(roles, fields > 0)
        self.section = "indicators"
        return True

    _stream_buf: list[str] | None = None

    def _stream_header(self, tok: Tok) -> bool:
        """Stream tables: header cells arrive one by one. True when the cell was a header cell."""
        role = self.v.header_role(tok.text) if tok.text else None
        if role is not None and (self._stream_buf is not None or role in ("level1", "level2", "name")):
            if self._stream_buf is None:
                self._stream_buf = []
            self._stream_buf.append(role)
            return True
        if self._stream_buf is not None:
            buf, self._stream_buf = self._stream_buf, None
            if len(buf) >= 2 and any(r in ("name", "level1", "level2") for r in buf):
                self._set_roles(buf, False)
                self._start_indicators(None)
                return not tok.text  # an empty cell closing the header row
        return False

    def _set_roles(self, header: list[str], list_form: bool) -> None:
        roles: list[Role] = []
        group = 0
        seen: set[str] = set()
        period = self.period
        cats_placed = False
        n_groups = sum(1 for r in header if r == "name") or 1
        for r in header:
            if r in ("level1", "level2"):
                if not cats_placed or (r == "level1" and "name" in seen):
                    if "name" in seen:
                        group += 1
                        seen = set()
                    roles.append(Role("cats", period, group))
                    cats_placed = True
                continue
            if r == "name" and "name" in seen:
                group += 1
                seen = set()
                roles.append(Role("cats", period, group))
            if r in ("name", "target", "target_long") and not cats_placed and not r.startswith("field"):
                roles.append(Role("cats", period, group))
                cats_placed = True
            seen.add(r)
            roles.append(Role(r, period, group))
        if n_groups > 1:  # side by side: 实施期 (中期) first, then 年度 — unless said otherwise
            roles = [Role(x.kind, "long_term" if x.group == 0 else "annual", x.group) for x in roles]
        self.roles = roles
        self.header_cats = sum(1 for r in header if r in ("level1", "level2"))
        self.has_value_parts = any(r.kind in ("unit", "op") for r in roles)
        self.list_form = list_form

    def _sub_header(self, roles: list[str]) -> None:
        """A second header row splitting 指标值 (2021年实际实现值 | 预期2022年实现值)."""
        out = []
        done = False
        for r in self.roles:
            if r.kind == "target" and not done:
                out.extend(Role(k, r.period, r.group) for k in roles)
                done = True
            else:
                out.append(r)
        self.roles = out

    def _default_roles(self) -> list[Role]:
        return [Role("cats", self.period), Role("name", self.period), Role("target", self.period)]

    def _indicator_row(self, toks: list[Tok], file_end: bool, open_end: bool, keep_empty_target) -> None:
        roles = self.roles or self._default_roles()
        if self.stream:
            self._stream_indicator(toks, file_end)
            return
        texts = [t for t in toks if t.text]
        if not texts:
            return
        # inline '二级:text' (no 三级 name)
        if len(texts) == 1 and self._inline(texts[0]):
            return
        line = texts[0].line
        got = align(texts, roles, self)
        if got is None:
            if file_end and self._dangling(texts):
                return
            self.note("error", "ROW_UNPLACED", "无法识别的指标行: " + " | ".join(t.text for t in texts), line)
            return
        _score, placed = got
        ncats = sum(len(p.toks) for p in placed if p.role.kind == "cats")
        if ncats > self.header_cats >= 1 and any(r.kind == "name" for r in roles):
            # the '指标名称' column holds the 二级 category: this table has no 三级 names
            self.roles = [r for r in roles if r.kind != "name"]
            self.header_cats = 2
            self.note("info", "NO_LEVEL3", "指标表的“指标名称”一栏是二级指标，没有三级指标名称", line)
            self._indicator_row(toks, file_end, open_end, keep_empty_target)
            return
        if open_end:
            self._cut(f"文本在第 {line} 行的指标行中断（文件可能被截断）: " + " | ".join(t.text for t in texts), line)
            return
        if file_end and self._dangling(texts):
            return
        self._emit(placed, line, keep_empty_target)

    def second_category_ok(self, first: str) -> bool:
        """After a 二级 category the next cell is a name, never a third category."""
        return first not in self.v.level2 or first in self.v.level1

    def _second_category_ok(self, cats: list[str]) -> bool:
        return not cats or (len(cats) < 2 and self.second_category_ok(cats[0]))

    def _dangling(self, texts: list[Tok]) -> bool:
        """The last row of a cut-off file: a lone piece of a category name ('效')."""
        if len(texts) == 1 and len(texts[0].text) <= 3 and not self.category(texts[0].text) and any(
                c.startswith(texts[0].text) and c != texts[0].text for c in (*self.v.level1, *self.v.level2)):
            self._cut(f"文本在第 {texts[0].line} 行中断（“{texts[0].text}”是被截断的指标类别；文件可能被截断）",
                      texts[0].line)
            return True
        return False

    def _inline(self, tok: Tok) -> bool:
        m = re.match(r"^\s*([^:：]{2,20}?)\s*[:：]\s*(.+)$", tok.text, re.S)
        if not m or not self.category(norm(m.group(1))):
            return False
        if getattr(self, "_scats", None):  # a 一级 on its own line just before
            self.levels.apply([c.text for c in self._scats])
            self._scats = []
        self.levels.apply([norm(m.group(1))])
        ind = {"period": self.period, "name": None, "target": m.group(2).strip(), "note": None,
               "weight": None, "line": tok.line}
        self.levels.place(ind)
        self._append(ind)
        return True

    def _stream_indicator(self, toks: list[Tok], file_end: bool) -> None:
        """Stream tables: gather a row's cells (categories, then one cell per column)."""
        tok = toks[0]
        if not hasattr(self, "_srow"):
            self._srow: list[Tok] = []
            self._scats: list[Tok] = []
        roles = self.roles or self._default_roles()
        width = sum(1 for r in roles if r.kind != "cats")
        text = tok.text
        if not self._srow:
            if not text:
                return  # empty cells between rows (merged category cells)
            if self._inline(tok):
                return
            if self.category(text) and self._second_category_ok([c.text for c in self._scats]):
                self._scats.append(tok)
                return
        elif text and self.v.is_category(text):
            self._flush_stream_row(partial=True)
            self._stream_indicator(toks, file_end)
            return
        self._srow.append(tok)
        if len(self._srow) >= width:
            self._flush_stream_row()

    def _flush_stream_row(self, partial: bool = False, at_end: bool = False) -> None:
        cats, row = getattr(self, "_scats", []), getattr(self, "_srow", [])
        self._scats, self._srow = [], []
        if not row:
            if cats:
                self.levels.apply([c.text for c in cats])
            return
        roles = [r for r in (self.roles or self._default_roles()) if r.kind != "cats"]
        line = (cats or row)[0].line
        if at_end and len(row) < len(roles):
            self._cut(f"文本在第 {row[-1].line} 行的指标行中断（文件可能被截断）: "
                      + " | ".join(t.text for t in cats + row), row[-1].line)
            return
        placed = [Placed(Role("cats", roles[0].period if roles else self.period), cats)]
        if partial and len(row) < len(roles):
            got = align([t for t in row if t.text], roles, self)
            if got is not None:
                placed += got[1]
            else:
                placed += [Placed(r, [t] if t.text else []) for r, t in zip(roles, row, strict=False)]
        else:
            placed += [Placed(r, [t] if t.text else []) for r, t in zip(roles, row, strict=False)]
        self._emit(placed, line, False)

    def _emit(self, placed: list[Placed], line: int, keep_empty_target: bool) -> None:
        """Indicators from an aligned row (one per column group that has content)."""
        groups: dict[int, list[Placed]] = {}
        for p in placed:
            groups.setdefault(p.role.group, []).append(p)
        fields = {p.role.kind[6:]: p for p in placed if p.role.kind.startswith("field:") and p.toks}
        if fields:
            self._list_fields(fields, line)
        for _g, ps in sorted(groups.items()):
            cats = [t.text for p in ps if p.role.kind == "cats" for t in p.toks]
            parts: dict[str, str] = {}
            for p in ps:
                if p.role.kind in ("cats",) or p.role.kind.startswith("field:") or not p.toks:
                    continue
                parts.setdefault(p.role.kind, p.text)
            if self.has_value_parts and parts.get("unit") and not parts.get("target"):
                parts["target"] = parts.pop("unit")  # a value in words (定性: 高中低)
            if not cats and "name" not in parts and self._continue_last(ps, line):
                continue
            self.levels.apply(self._fix_categories(cats, line))
            periods = [("target", ps[0].role.period)]
            if "target_long" in parts:
                periods = [("target_long", "long_term"), ("target", "annual")]
            name = parts.get("name")
            for tkey, period in periods:
                if self.has_value_parts:
                    target = compose_target({"value": parts.get(tkey), "op": parts.get("op"),
                                             "nature": parts.get("nature"), "unit": parts.get("unit")})
                else:
                    target = parts.get(tkey)
                    if target in NATURES:
                        target = None
                    if target and parts.get("op") in OPERATORS and not target.startswith(tuple(OPERATORS)):
                        target = parts["op"] + target
                if name is None and target is None and "note" not in parts and "weight" not in parts:
                    continue
                if tkey == "target_long" and target is None:
                    continue
                ind = {"period": period, "name": name, "target": target, "note": parts.get("note"),
                       "weight": self._weight(parts.get("weight"), line), "line": line}
                self.levels.place(ind)
                if name is not None and target is None and not keep_empty_target:
                    self.note("warning", "TARGET_MISSING", f"三级指标“{name}”没有目标值", line)
                self._append(ind)

    def _continue_last(self, ps: list[Placed], line: int) -> bool:
        """A row holding only what the row above lacks (a weight wrapped onto its own line)."""
        owner = self.projects[-1] if self.projects else self
        toks = [t for p in ps for t in p.toks]
        if not owner.indicators or not toks:
            return False
        last = owner.indicators[-1]
        free = [r for r in (self.roles or []) if r.group == ps[0].role.group
                and r.kind in ("target", "note", "weight") and last.get(r.kind) in (None, "")]
        got = align(toks, free, self) if free else None
        if got is None:
            return False
        for p in got[1]:
            if p.toks:
                last[p.role.kind] = self._weight(p.text, line) if p.role.kind == "weight" else p.text
        self.note("info", "LINE_JOINED", "这一行接续上一行的指标（单元格换行）", line)
        return True

    def _append(self, ind: dict) -> None:
        owner = self.projects[-1] if self.projects else self
        owner.prov[f"indicators[{len(owner.indicators)}]"] = ind["line"]
        owner.indicators.append(ind)

    def _weight(self, text: str | None, line: int) -> str | None:
        if text is None:
            return None
        t = text.strip().rstrip("%分")
        try:
            return f"{Decimal(t.replace(',', '')):f}"
        except InvalidOperation:
            self.note("warning", "WEIGHT_UNREADABLE", f"分值“{text}”不是数字，未导入", line)
            return None

    def _fix_categories(self, cats: list[str], line: int) -> list[str]:
        """A category misspelt by OCR (厂口目标 for 产出目标) → the real one, when close."""
        import difflib

        out = []
        for i, c in enumerate(cats):
            if self.v.is_category(c) or i > 0:
                out.append(c)
                continue
            cands = [n for n in self.v.level1 if abs(len(n) - len(c)) <= 1 and n[-2:] == c[-2:]
                     and difflib.SequenceMatcher(None, n, c).ratio() >= 0.5]
            if len(cats) > 1 and self.v.level2.get(cats[1]) in cands:
                fixed = self.v.level2[cats[1]]
            elif self.levels.l1 in cands:
                fixed = self.levels.l1
            else:
                fixed = cands[0] if len(cands) == 1 else None
            if fixed:
                self.note("warning", "CATEGORY_CORRECTED", f"一级指标“{c}”识别为“{fixed}”（疑为识别错误）", line)
                out.append(fixed)
            else:
                out.append(c)
        return out

    def _list_fields(self, fields: dict[str, Placed], line: int) -> None:
        """A row of a list-form table (one table, many projects: 单位名称 | 项目名称 | 预算数 …)."""
        if "name" not in fields:
            if "unit_name" in fields and not self.projects:
                code, name = split_code(fields["unit_name"].text)
                self._set("department_code", code, line)
                self._set("department_name", name, line)
            return
        proj = _Table(self.v, self.file, self.region, self.options, self.last_region)
        proj.stream = False
        proj.first_line = line
        prev = self.projects[-1] if self.projects else self
        for key in ("department_code", "department_name", "unit_name"):
            if key in self.fields:
                proj.fields[key] = self.fields[key]
        if "unit_name" in fields:
            proj.fields["unit_name"] = (fields["unit_name"].text, line)
        elif "unit_name" in prev.fields:
            proj.fields["unit_name"] = prev.fields["unit_name"]
        for key, p in fields.items():
            if key == "unit_name":
                continue
            proj._label(Label(key, key), None, p.toks, p.toks[0])
        proj.units = {k: None for k in proj.units}
        proj.table_unit = self.table_unit
        self.projects.append(proj)

    def _footer_row(self, toks: list[Tok]) -> None:
        texts = [t.text for t in toks if t.text]
        if not texts:
            return
        line = toks[0].line
        joined = " ".join(texts)
        m = re.match(r"^([^:：]{2,20})[:：]\s*(.*)$", texts[0])
        if m and m.group(2).strip():
            self.extra.append((m.group(1).strip(), m.group(2).strip(), line))
        elif len(texts) >= 2 and not re.search(r"盖章|签字|签名", texts[0]):
            self.extra.append((texts[0].rstrip(":："), " ".join(texts[1:]), line))
        else:
            self.note("info", "FOOTER", f"表尾（签字、审核栏，未导入）: {joined[:60]}", line)

    # -- the document -------------------------------------------------------------------
    def finish(self, title: dict) -> list[ImportedTable]:
        if getattr(self, "_srow", None) or getattr(self, "_scats", None):
            self._flush_stream_row(at_end=self.last_region)
        if self.pending_stream is not None:
            plab, punit, ptok = self.pending_stream
            self._label(plab, punit, [], ptok)
            self.pending_stream = None
        self._flush_labels()
        self.levels.finish()
        if self.projects:
            return [self._finish_project(p, title) for p in self.projects]
        return [self._finish_project(self, title)]

    def _finish_project(self, t: _Table, title: dict) -> ImportedTable:
        notes = list(t.notes) if t is self else [n for n in self.notes if n.level == "info"] + t.notes
        loc = {k: Location(self.file, line=v) for k, v in t.prov.items()}
        table = ImportedTable(self.file, t.first_line, None, notes, loc, self.last_line, self.v.form.name,
                              t.truncated)
        f = {k: v for k, (v, _line) in t.fields.items()}
        data: dict = {}
        noted = len(t.notes)  # what reading the values notes (an unreadable amount) goes to this table
        for key, value in f.items():
            line = t.prov.get(key)
            if value is None:
                data[key] = None
            elif key in MONEY_KEYS:
                data[key] = t._money(value, t.units.get(key), line, key) if t is not self else \
                    self._money(value, t.units.get(key), line, key)
            elif key in ("start_date", "end_date"):
                try:
                    data[key] = parse_date(value)
                except ValueError as exc:
                    start, end = parse_period(value)
                    if start:
                        data[key] = start if key == "start_date" else end
                    else:
                        notes.append(Note("error", "DATE_UNREADABLE", f"{key}: {exc}", self.file, line))
            else:
                data[key] = value.strip() if isinstance(value, str) else value
        notes.extend(t.notes[noted:])
        for key in ("unit_name", "department_name", "implementing_unit"):
            if data.get(key):
                code, name = split_code(data[key])
                code_key = {"unit_name": "unit_code", "department_name": "department_code",
                            "implementing_unit": None}[key]
                if code:
                    data[key] = name
                    if code_key and not data.get(code_key):
                        data[code_key] = code
                    elif key == "implementing_unit":
                        data["_impl_code"] = code
        impl_code = data.pop("_impl_code", None)
        if not data.get("unit_name") and data.get("implementing_unit"):
            data["unit_name"] = data["implementing_unit"]
            if not data.get("unit_code") and impl_code:
                data["unit_code"] = impl_code
        if not data.get("unit_name") and self.v.unit_from_title and title.get("unit"):
            data["unit_name"] = title["unit"]
        opts = self.options
        if opts.unit_code and not data.get("unit_code"):
            data["unit_code"] = opts.unit_code
        if opts.unit_name and not data.get("unit_name"):
            data["unit_name"] = opts.unit_name
        year = title.get("year")
        if year is None and opts.year:
            year = opts.year
        if year is None and data.get("start_date"):
            year = int(data["start_date"][:4])
            notes.append(Note("warning", "YEAR_GUESSED", f"表格没有写明预算年度，按开始时间取 {year} 年",
                              self.file, t.first_line))
        if year is None:
            notes.append(Note("warning", "YEAR_MISSING", "表格没有写明预算年度（可用 --year 指定）",
                              self.file, t.first_line))
        if t.unit_assumed or (self is not t and self.unit_assumed):
            notes.append(Note("warning", "MONEY_UNIT_ASSUMED", "表格没有写明金额单位，金额按“元”读取；如是万元，"
                              "请在表中注明“单位：万元”", self.file, t.first_line))
        missing = [k for k in self.v.required if not data.get(k)]
        if missing:
            from .findings import FIELD_ZH

            notes.append(Note("error", "TABLE_INCOMPLETE",
                              f"表格不完整，缺少: {'、'.join(FIELD_ZH.get(k, k) for k in missing)}", self.file,
                              t.first_line))
        if not t.indicators and not any(n.code == "TABLE_TRUNCATED" for n in notes):
            notes.append(Note("error", "TABLE_INCOMPLETE", "表格不完整，没有指标表（一级指标/二级指标/三级指标/指标值）",
                              self.file, t.first_line))
        if self.v.form.data.get("detect", {}).get("all_level1") and t.indicators:
            from xlsync.validators.profiles import BUILTIN, load_profile

            seen = {i["level1"] for i in t.indicators} | set(self.levels.seen)
            best = max((load_profile(n) for n in BUILTIN), key=lambda p: len(seen & set(p.level1)))
            lacking = [n for n in best.required_level1 if n not in seen]
            if lacking:
                notes.append(Note("error", "TABLE_INCOMPLETE",
                                  f"指标表不完整，缺少一级指标: {'、'.join(lacking)}（文件可能被截断）", self.file,
                                  t.first_line))
        blocking = [n for n in notes if n.level == "error" and n.code != "TABLE_TRUNCATED"
                    and not (table.truncated and n.code == "TABLE_INCOMPLETE")]
        if blocking:
            return table
        plan_problems: list[str] = []
        data["plan"] = parse_plan(data.get("plan_text"), plan_problems)
        for problem in plan_problems:
            notes.append(Note("warning", "PLAN_AMOUNT_UNREADABLE", problem, self.file, t.prov.get("plan_text")))
        try:
            table.document = new_document(
                year=year, form=title.get("form"), layout=self.v.form.name if self.v.form.name != "seed" else "seed",
                composition=t.composition,
                funding=t.funding,
                extra=[{"label": lb, "value": val} for lb, val, _ln in t.extra],
                indicators=[{k: v for k, v in i.items() if k != "line"} for i in t.indicators],
                **data,
            )
        except DocumentError as exc:
            notes.append(Note("error", "DOCUMENT_INVALID", exc.message, self.file, t.first_line))
        for i, (_lb, _v, ln) in enumerate(t.extra):
            table.provenance[f"extra[{i}]"] = Location(self.file, line=ln)
        return table


# -- files --------------------------------------------------------------------------------
def read_text(text: str, file: str = "<text>", options: ReadOptions | None = None
              ) -> tuple[list[ImportedTable], list[Note]]:
    """Every table in a text; file-level notes (lines outside any table)."""
    options = options or ReadOptions()
    vocabs = _candidates(options)
    lines = text.splitlines()
    regions, outside = segment(lines, vocabs)
    file_notes = []
    if outside:
        where = ", ".join(str(n) for n, _t in outside[:8]) + (" …" if len(outside) > 8 else "")
        file_notes.append(Note("info", "LINE_OUTSIDE", f"{len(outside)} 行在表格之外（页面说明等，未导入）: 第 {where} 行",
                               file, outside[0][0]))
    tables: list[ImportedTable] = []
    for k, region in enumerate(regions):
        v = _choose_form(region, vocabs)
        title: dict = {"year": region.year}
        if region.titles:
            n, ttext, m = region.titles[-1]
            for _n, _t, mm in region.titles:
                if mm is not None and "unit" in mm.groupdict() and mm.group("unit"):
                    title["unit"] = mm.group("unit").strip()
            form_text = next((mm.group("form") for _n, _t, mm in reversed(region.titles)
                              if mm is not None and mm.groupdict().get("form")), None)
            title["form"] = _form_name(form_text or ttext)
            if v.unit_from_title:
                mm = next((rx.match(t) for _n, t, _m in region.titles for rx in v.titles if rx.match(t)), None)
                if mm is not None and mm.groupdict().get("unit"):
                    title["unit"] = mm.group("unit").strip()
                    title["form"] = _form_name(mm.group("form"))
        t = _Table(v, file, region, options, last_region=k == len(regions) - 1)
        if not region.titles:
            t.note("info", "TITLE_MISSING", "表格没有标题，从这一行开始读取", region.start)
        t.note("info", "FORM", f"按表单“{v.form.name}”（{v.form.title}）读取，校验规则“{v.form.profile}”",
               region.start)
        t.read()
        tables.extend(t.finish(title))
    return tables, file_notes


def _form_name(text: str | None) -> str | None:
    """The form's name from its title: '（2021年度）', leading years and units left out."""
    if not text:
        return None
    t = re.sub(r"[（(]\s*\d{4}\s*年度?\s*[)）]", "", text).strip(" |")
    m = re.search(r"((?:项目支出|部门整体支出|整体支出|项目)?[^\s]{0,12}?绩效(?:目标|指标)[^\s]{0,4}?表)", t)
    return (m.group(1) if m else t)[:60] or None


def read_file(path: str | Path, options: ReadOptions | None = None) -> tuple[list[ImportedTable], list[Note]]:
    """Read one text file; ImportTextError when it cannot be read at all or has no table."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportTextError(f"无法读取文件: {exc.strerror}", Location(str(path))) from None
    text, notes = decode(raw, str(path))
    tables, file_notes = read_text(text, str(path), options)
    if not tables:
        raise ImportTextError("文件中没有找到绩效目标表（没有“…绩效目标表”标题，也没有“项目名称”等栏目）",
                              Location(str(path)))
    return tables, notes + file_notes
