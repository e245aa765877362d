"""Reading a table's labelled fields: label → key (and `extra` for labels without one),
values in row shapes and cell streams, money groups and units, funding sources, 项目构成,
text without cell borders, the footer. A mixin of `xlsync.published.table.TableReader`."""

from __future__ import annotations

import re

from ..document import KEY_ZH
from ..fieldtext import parse_period, split_person_phone
from ..forms import reading
from .amounts import read_amount
from .cells import Cell
from .footer import read_footer_row
from .grid import Grid, GridNote, build_grid
from .headnotes import could_hold_fact
from .memo import short
from .rows import Tok, compose_target
from .runtogether import split_facts, split_indicators
from .twolabels import label_run, loose_prefix, second_pair
from .vocab import Label, Vocab, checked_options, gov_level, norm, split_unit

MONEY_KEYS = {"total_amount", "year_amount", "prev_total_amount", "prev_year_amount", "either_amount"}
NARRATIVE = {"overview", "basis", "necessity", "measures", "plan_text", "remark", "overall_goal",
             "annual_goal"}
# labels that end the indicator table (others may well be a 三级指标's name: 完成时间 …)
ENDS_INDICATORS = {"extra", "remark", "overall_goal", "annual_goal", "overview", "basis", "necessity",
                   "measures", "plan_text", "composition", "section"}
# a value a copy hid ('****', '[055]****', '×××'): not the fact, the fact's absence
_MASKED = reading.regex("masked_value")
_UNIT_DECL = reading.regex("unit_declared_cell")


# the numbering of a funding tree's rows: （一） 一、 → a first-level source, 1、 (1) ① → below it
_ENUMERATED = reading.regex("enumerated")
# what a structural label is, for --explain
_ROLE_ZH = {"section": "分节标题", "money": "资金分组", "composition": "项目构成表头", "heads": "指标表",
            "long_term": "长期指标表", "annual": "年度指标表", "funding": "资金来源", "extra": "其他栏目",
            "unit_decl": "金额单位"}
# the document key a label key fills (the others are keys already)
_FIELD_OF = {"period": "start_date", "owner_phone": "owner", "either_amount": "year_amount"}
PLAIN_KEYS = ("section", "money", "composition", "heads", "long_term", "annual", "unit_decl")
GOAL_KEYS = ("overall_goal", "annual_goal")
_LABEL_END = reading.words("label_endings")


def looks_like_label(text: str) -> bool:
    """A cell that reads as a label no form lists (财政资金预算分类, 部门预算编码)."""
    t = norm(text)
    return 3 <= len(t) <= 16 and t.endswith(_LABEL_END) and not re.search(r"[\d,;。，；、%]", t)


def glued_header_roles(text: str, v: Vocab) -> list[str] | None:
    """The roles of a header row's words run together ('绩效指标一级指标二级指标指标内容指标值'),
    when the whole line is header words (at least three, one of them a name or 二级); else None."""
    t = norm(text)
    words = sorted((h for h in v.headers if len(h) >= 2), key=len, reverse=True)
    heads = sorted((lb for lb, lab in v.labels.items() if lab.key == "heads"), key=len, reverse=True)
    roles, pos = [], 0
    while pos < len(t):
        w = next((h for h in words if t.startswith(h, pos)), None)
        if w is None:
            w = next((h for h in heads if t.startswith(h, pos)), None)
            if w is None or roles:
                return None
            pos += len(w)
            continue
        roles.append(v.headers[w])
        pos += len(w)
    return roles if len(roles) >= 3 and any(r in ("name", "level2") for r in roles) else None


# the shape of each column's cells: a weight is a small number; a unit stands before an
# operator or a number; a name takes the rest
ROLE_RX = {"name": r"(.+?)", "weight": r"(100|\d{1,2}(?:\.\d{1,2})?)",
           "unit": reading.pattern("role_unit"),
           "op": reading.pattern("role_op"), "nature": reading.pattern("role_nature"),
           "target": r"(.+)", "note": r"(.*)", "skip": r"(.*?)"}


def split_by_roles(text: str, kinds: list[str]) -> dict[str, str]:
    """A row without category columns whose cells run together ('预算执行率10%=100'): cut by
    the shape each column's cells take, in the header's order (name, weight, unit, operator,
    value …); {} when the row does not fit."""
    kinds = [k for k in kinds if k in ROLE_RX]
    if not kinds or "name" not in kinds:
        return {}
    m = re.fullmatch("".join(ROLE_RX[k] for k in kinds), norm(text))
    if not m:
        return {}
    return dict(zip(kinds, (g or "" for g in m.groups()), strict=True))


class FactsReader:
    # -- reading ------------------------------------------------------------------------
    def read(self, grid: Grid | None = None) -> None:
        """Give meaning to the table's grid (`xlsync.published.grid`; built from the table's
        lines when not given), row by row."""
        if grid is None:
            grid = build_grid(self.region.lines, self.region.start, self.v)
        if grid.kind == "run-together":
            self._read_runs(grid)
            return
        self.place.open_end = grid.open_end and grid.mode == "pipe-cells"  # the text stops inside a cell
        self.place.stream = grid.stream
        rows = grid.rows
        for idx, row in enumerate(rows):
            self.place.last_line = max(self.place.last_line, row[-1].line)
            at_end = idx == len(rows) - 1
            before = set(self.current.prov)
            self._row(row, at_end and self.last_region, grid.open_end and at_end, rows, idx)
            filled = frozenset(self.current.prov) - before
            self.trace.rows.append((row[0].line, row[-1].line, self.place.section, filled))
        self._flush_labels()

    def _read_runs(self, grid: Grid) -> None:
        """Text without cell borders, cut into rows by the grid stage: a value in its facts
        always belongs to the label just before it."""
        self.place.stream = self.place.run_together = True
        for n in grid.notes:
            self._grid_note(n)
        for run in grid.runs:
            self.place.stream = self.place.run_together = run.bound
            for n in run.notes:
                self._grid_note(n)
            self._row(list(run.cells), False, False, None, 0, keep_empty_target=run.keep_empty_target)
        for n in grid.notes_after:
            self._grid_note(n)

    def _grid_note(self, n: GridNote) -> None:
        self.note(n.level, n.code, n.message, n.line, field=n.field, source=n.source)

    # -- one row -----------------------------------------------------------------------
    def _tokens(self, row: list[Cell]) -> list[Tok]:
        # text without cell borders: a value always belongs to the label just before it
        return [Tok(c.text, c.line, c.soft, bound=self.place.run_together, col=c.col, ncols=c.ncols) for c in row]

    def _glued_header(self, text: str) -> list[str] | None:
        """'绩效指标一级指标二级指标指标内容指标值': a header row whose cells run together — the
        roles of its words, when the whole line is header words (at least three)."""
        key = ("_glued_header", text)  # remembered per vocabulary: tables repeat their rows
        if key in self.v.memo:
            found = self.v.memo[key]
        else:
            found = glued_header_roles(text, self.v)
            if short(text):
                self.v.memo[key] = found
        return None if found is None else list(found)

    def _glued_row(self, tok: Tok) -> None:
        """One indicator row whose cells run together: cut at the category words and at the
        shape of its target (`xlsync.published.runtogether`), or — a header without category
        columns — by the shape of each column; every cut is a review item."""
        stream, self.place.stream = self.place.stream, False
        try:
            if self.columns.cats == 0 and self._glued_by_roles(tok):
                return
            for cells in split_indicators(tok.text, self.v):
                self.note("warning", "SPLIT_GUESSED", "这一行的单元格没有分隔，按指标类别和目标值的写法拆分为: "
                          + " | ".join(c for c in cells if c) + "；请核对", tok.line,
                          field=self.next_indicator("name"), source=tok.text)
                self._indicator_row([Tok(c, tok.line) for c in cells if c] or [Tok("", tok.line)], False, False,
                                    len(cells) >= 2 and cells[-1] == "")
        finally:
            self.place.stream = stream

    def _glued_by_roles(self, tok: Tok) -> bool:
        parts = split_by_roles(tok.text, [r.kind for r in self.columns.roles or [] if r.kind != "cats"])
        if not parts:
            return False
        self.note("warning", "SPLIT_GUESSED", "这一行的单元格没有分隔，按表头各栏的写法拆分为: "
                  + " | ".join(f"{k}={v}" for k, v in parts.items() if v) + "；请核对", tok.line,
                  field=self.next_indicator("name"), source=tok.text)
        target = compose_target({"value": parts.get("target"), "op": parts.get("op"),
                                 "nature": parts.get("nature"), "unit": parts.get("unit")})
        self._append({"period": self.columns.period, "level1": None, "level2": None, "name": parts["name"],
                      "target": target, "note": parts.get("note") or None,
                      "weight": self._weight(parts.get("weight"), tok.line), "line": tok.line})
        return True

    def _row(self, row: list[Cell], file_end: bool, open_end: bool, rows, idx, keep_empty_target=False):
        toks = self._tokens(row)
        texts = [t.text for t in toks if t.text]
        single = len(texts) == 1 and len(toks) == 1
        if single and self.place.section != "footer":
            roles = self._glued_header(texts[0])
            if roles is not None:
                self._end_indicators()
                self._set_roles(roles, False)
                self._start_indicators(None)
                self.columns.glued = True
                return
            if self.columns.glued and self.place.section == "indicators" and not self.v.is_footer(texts[0]) \
                    and not self._field_cell(texts[0]) and self.v.label(texts[0])[0] is None:
                self._glued_row(toks[0])
                return
        if self.columns.header_cells is not None and not (self.place.stream or single):
            self._finish_header_cells()  # a row of cells after header cells one per line
        elif (self.place.stream or single) and self.place.section != "footer" and self._stream_header(toks[0]):
            return  # header cells one per line (also inside a table of rows)
        if self.place.section == "footer":
            self._footer_row(toks)
            return
        if self.place.section == "indicators":
            first = texts[0] if texts else ""
            if first and self.v.is_footer(first) and not self.category(first):
                self._end_indicators()
                self.place.section = "footer"
                self._footer_row(toks)
                return
            lab, _unit = self.v.label(first) if first else (None, None)
            if lab is not None and lab.key in ("long_term", "annual"):
                self._end_indicators()
                self.columns.period = "long_term" if lab.key == "long_term" else "annual"
                rest = toks[1:]
                if rest and self._header(rest):
                    return
                return
            if self._header(toks):
                return
            if (lab is not None and lab.key in ENDS_INDICATORS and not self.category(first)
                    and not (self.columns.list_form and lab.key in ("name", "unit_name"))) or self._field_cell(first):
                self._end_indicators()
                self.place.section = None  # a labelled field after the indicator table
            else:
                self._indicator_row(toks, file_end, open_end, keep_empty_target)
                return
        if self.place.section == "composition" and self._composition_row(toks):
            return
        if self.columns.roles is not None and texts and self.v.is_footer(texts[0]) and not self.v.label(texts[0])[0]:
            self.place.section = "footer"  # signatures below a table that ended with a labelled field
            self._footer_row(toks)
            return
        self._facts_row(toks, file_end)

    # -- facts -------------------------------------------------------------------------
    def _field_cell(self, text: str) -> bool:
        """'资金拨付对象：…', '项目实施进度：…': a labelled field printed after the indicator table
        (a label the form does not list, then its colon), never an indicator."""
        m = re.match(r"^\s*([^:：\d]{2,16})\s*[:：]", text)
        if not m:
            return False
        head = norm(m.group(1))
        return looks_like_label(head) and not self.category(head) and not self.v.looks_like_category(head)

    def _classify(self, toks: list[Tok]) -> list[tuple[Label | None, str | None, Tok]]:
        """Each cell as (label, unit, token): label None for a value. A cell holding a label
        and its value run together is cut in two; a label cut into two cells is whole again."""
        out = self._classify_cells(toks)
        merged: list[tuple[Label | None, str | None, Tok]] = []
        for item in out:
            if merged and merged[-1][0] is not None and item[0] is None and item[2].text and not item[2].bound:
                plab, punit, ptok = merged[-1]
                text = norm(item[2].text)
                if len(text) <= 8 and not re.search(r"\d", text) and not _MASKED.fullmatch(text):
                    lab, unit = self.v.label(norm(ptok.text) + text)
                    if lab is not None and lab != plab:  # '年度主要目标' '和成果', '主管部门' '及编码'
                        merged[-1] = (lab, unit or punit, Tok(ptok.text + item[2].text, ptok.line, ptok.soft))
                        continue
            merged.append(item)
        return merged

    def _classify_cells(self, toks: list[Tok]) -> list[tuple[Label | None, str | None, Tok]]:
        out: list[tuple[Label | None, str | None, Tok]] = []
        for t in toks:
            if not t.text:
                out.append((None, None, t))
                continue
            lab, unit = self.v.label(t.text)
            if lab is None and re.match(r"^\(?(万元|亿元|元)\)?$", norm(t.text)) and out and out[-1][0] \
                    and out[-1][0].key in (*MONEY_KEYS, "money", "funding"):  # '投入目标 (万元)'
                prev = out[-1]
                out[-1] = (prev[0], norm(t.text).strip("()"), prev[2])
                continue
            if lab is not None:
                out.append((lab, unit, t))
                continue
            um = _UNIT_DECL.match(norm(t.text))
            if um:
                self.project.table_unit = um.group(1)
                out.append((Label("unit_decl", t.text), um.group(1), t))
                continue
            fm = reading.regex("labelled_value", re.S).match(t.text)
            if fm and self.v.is_funding(fm.group(1)) and self.v.label(fm.group(1))[0] is None:
                out.append((Label("funding", split_unit(norm(fm.group(1)))[0]), split_unit(norm(fm.group(1)))[1], t))
                if fm.group(2).strip():
                    out.append((None, None, Tok(fm.group(2).strip(), t.line, False, bound=True)))
                continue
            em = _ENUMERATED.match(t.text)
            rest = norm(t.text[em.end():]) if em else ""
            if em and 2 <= len(rest) <= 16 and not re.search(r"[\d:：%]", rest) and (
                    self.money.sources or self.v.is_funding(rest) or rest.endswith(reading.words("subtotal_endings"))):
                # '(一)财政拨款小计', '1、一般公共预算': a source in a funding tree, as written
                out.append((Label("funding", t.text.strip()), None, t))
                continue
            run = label_run(t.text, self.v)
            if run is not None:  # labels glued with no value between them: a header row of columns
                out.extend((lab, unit, Tok(text, t.line, t.soft)) for text, lab, unit in run)
                continue
            pre = self.v.prefix_label(t.text)
            awaited = (out and out[-1][0] is not None and out[-1][0].key not in ("section", "money")) \
                or (self.place.stream and bool(self.waiting.labels))
            if pre is not None and awaited and not re.match(r"^[^:：]{2,24}[:：]", t.text.strip()):
                pre = None  # a label is waiting for this cell: it is a value that begins like a label
            if pre is not None:
                lab, rest, unit = pre
                out.append((lab, unit, Tok(t.text, t.line, t.soft)))
                inner = split_facts(rest, self.v) if len(rest) > 6 and self._second_pair(rest, lab) is None \
                    else [(rest, False)]  # (two pairs glued: cut with the label's leads, in _label)
                if len(inner) > 1 and not inner[0][1]:  # more labels run together in the same cell
                    out.append((None, None, Tok(inner[0][0], t.line, False, bound=True)))
                    out.extend(self._classify_cells([Tok(p, t.line) for p, _is_label in inner[1:]]))
                else:
                    out.append((None, None, Tok(rest, t.line, False, bound=True)))
                continue
            if self.v.is_funding(t.text) and (self.money.sources or t.text.lstrip().startswith(reading.words("of_which"))):
                source, unit = split_unit(norm(reading.regex("of_which_lead").sub("", t.text)))  # '其中:中央补助(万元)'
                out.append((Label("funding", source), unit, t))
                continue
            xm = re.match(r"^\s*([^\d:：]{2,16}?)\s*[:：]\s*(\S.*)$", t.text, re.S)
            if xm and looks_like_label(xm.group(1)) and not self.category(norm(xm.group(1))) \
                    and (self.project.fields or self.project.funding):  # '资金拨付对象：本单位': a field no form lists
                out.append((Label("extra", xm.group(1).strip()), None, t))
                out.append((None, None, Tok(xm.group(2).strip(), t.line, False, bound=True)))
                continue
            if re.match(r"^[^\d:：]{2,16}[:：]$", t.text.strip()) and (self.project.fields or self.project.funding):
                # 'X：' an unknown label (in the table's body, not the page's header)
                out.append((Label("extra", t.text.strip().rstrip(":：").strip()), None, t))
                continue
            out.append((None, None, t))
        return out

    def _facts_row(self, toks: list[Tok], file_end: bool) -> None:
        cells = [t for t in toks if t.text]
        unit_cell = re.fullmatch(r"\((万元|亿元|元)\)", norm(cells[0].text)) if len(cells) == 1 else None
        if unit_cell and self.money.sources and not self.waiting.fragments:
            self.money.unit = unit_cell.group(1)  # '资金情况' | '(万元)': the group's unit on its own
            return
        if len(cells) == 1 and self._is_fragment(cells[0].text) and self.v.label(cells[0].text)[0] is None \
                and not (self.place.stream and self.waiting.labels) and not self.waiting.row_labels \
                and not self.category(cells[0].text) and not self.v.is_funding(cells[0].text) \
                and self.v.header_role(cells[0].text) is None:
            self.waiting.fragments.append(cells[0])
            if len(self.waiting.fragments) <= 4:
                return
        self._resolve_fragments()
        items = self._classify(toks)
        if not items:
            return
        first_text = next((t.text for t in toks if t.text), "")
        if not self.place.stream and len(items) >= 1 and items[0][0] is None and first_text and \
                self.category(first_text) and first_text in self.v.level1:
            self._start_indicators(None)  # an indicator table without a header row
            self._indicator_row(toks, file_end, False, False)
            return
        if not self.place.stream:
            if self._header(toks):
                return
            labels = [i for i in items if i[0] is not None]
            values = [i for i in items if i[0] is None and i[2].text]
            lead = next((k for k, i in enumerate(items) if i[0] is not None), len(items))
            if self.waiting.row_labels and lead and any(i[2].text for i in items[:lead]):
                # the row below a row of labels holds their values (then, maybe, more fields)
                self._pair(self.waiting.row_labels, [i for i in items[:lead] if i[2].text])
                self.waiting.row_labels = None
                if lead < len(items):
                    self._walk_row(items[lead:])
                return
            if self.waiting.row_labels and items[0][0] is not None:
                self._column_head(self.waiting.row_labels[-1], items[0][0])
            self._flush_labels()
            if labels and not values and all(i[0] is not None for i in items if i[2].text) \
                    and any(i[0].key not in PLAIN_KEYS for i in labels):
                self.waiting.row_labels = [i for i in items if i[0] is not None]
                self._contexts(self.waiting.row_labels)
                return
            self._walk_row(items)
            return
        # a stream of single cells
        self._walk_stream(items)

    def _column_head(self, before: tuple[Label, str | None, Tok], lab: Label) -> None:
        """'资金总额' then '其中:财政拨款' | '500': an amount label with no cell of its own (and no
        colon asking for one), the sources below it — the head of their amounts' column (its
        total: sourcestotal)."""
        if lab.key == "funding" and before[0].key in MONEY_KEYS and not before[2].text.rstrip().endswith((":", "：")):
            self.project.column_heads.add(before[0].key)

    def _contexts(self, items) -> None:
        """Section and group labels take effect as soon as they are seen."""
        for lab, unit, tok in items:
            if lab.key in ("section", "money", "composition", "heads", "long_term", "annual"):
                self._label(lab, unit, [], tok)

    def _flush_labels(self) -> None:
        if self.waiting.row_labels:
            for lab, unit, tok in self.waiting.row_labels:
                if lab.key not in ("section", "money", "composition", "heads"):
                    self._label(lab, unit, [], tok)
            self.waiting.row_labels = None

    def _pair(self, labels, values) -> None:
        labels = [x for x in labels if x[0].key not in ("section", "money")]
        heading = len(labels) > 1 and labels[0][0].key in GOAL_KEYS and \
            any(x[0].key == labels[0][0].key for x in labels[1:])  # 总体目标 over 中期目标 | 年度目标
        if len(labels) > 1 and (len(values) < len(labels) or heading):
            head, labels = labels[0], labels[1:]  # the row's heading label (总体目标 | 实施期目标 | 年度目标)
            self._label(head[0], head[1], [], head[2])
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
        """One cell after another: a label takes the next cell as its value; a run of labels
        with no values between them (a header row of the form: 总体目标 | 实施期目标 | 年度目标)
        takes the values that follow it, column by column."""
        for lab, unit, tok in items:
            if lab is not None and lab.key in ("section", "money", "composition", "heads", "long_term",
                                               "annual", "unit_decl"):
                self._resolve_stream()
                self._label(lab, unit, [], tok)
                continue
            if lab is not None:
                if self.waiting.labels and not self.waiting.values:
                    self._column_head(self.waiting.labels[-1], lab)
                if self.waiting.values or (self.waiting.labels and not (
                        lab.key in GOAL_KEYS and all(x[0].key in GOAL_KEYS for x in self.waiting.labels))):
                    self._resolve_stream()  # a run of labels is a header row of goals, else each is empty
                self.waiting.labels.append((lab, unit, tok))
                continue
            if self.waiting.labels and not tok.bound and self._label_continues(tok):
                continue
            if tok.text and self._is_title(tok.text):
                self._resolve_stream()
                continue
            if tok.bound and self.waiting.labels:  # 'X:value' in one cell: X takes it
                plab, punit, ptok = self.waiting.labels.pop()
                self._resolve_stream()
                self._label(plab, punit, [tok], ptok)
                continue
            if len(self.waiting.labels) == 1 and not self.waiting.values:
                plab, punit, ptok = self.waiting.labels.pop()
                self._label(plab, punit, [tok], ptok)
                continue
            if self.waiting.labels:
                self.waiting.values.append(tok)
                continue
            if tok.text:
                self._loose_value(tok, None)

    def _label_continues(self, tok: Tok) -> bool:
        """A label split over two cells ('主管部门' | '及编码'): the waiting label grows."""
        plab, punit, ptok = self.waiting.labels[-1]
        text = norm(tok.text)
        if not text or len(text) > 8 or not text.startswith(reading.words("label_continuations")):
            return False
        lab, unit = self.v.label(norm(ptok.text) + text)
        if lab is None:
            return False
        self.waiting.labels[-1] = (lab, unit or punit, Tok(ptok.text + tok.text, ptok.line))
        return True

    def _is_title(self, text: str) -> bool:
        """A cell that names a table ('绩效项目指标表'), not a field's value."""
        t = norm(text)
        return len(t) <= 30 and t.endswith("表") and bool(reading.regex("table_title_cell").search(t))

    def _resolve_stream(self) -> None:
        labels, values = self.waiting.labels, [v for v in self.waiting.values]
        self.waiting.labels, self.waiting.values = [], []
        if not labels:
            return
        if not values:
            for lab, unit, tok in labels:
                self._label(lab, unit, [], tok)
            return
        self._pair(labels, [(None, None, v) for v in values])


    def _loose_value(self, tok: Tok, items) -> None:
        """A value with no label of its own."""
        self._loose_report(tok)

    @staticmethod
    def _is_fragment(text: str) -> bool:
        """A short piece of a label wrapped over lines ('年度' '预算' '(万元)')."""
        t = norm(text)
        return (len(t) <= 4 and bool(re.fullmatch(r"[\u4e00-\u9fff]+", t))) or \
            bool(re.fullmatch(r"\((万元|亿元|元)\)", t))

    def _resolve_fragments(self) -> None:
        """Pieces kept so far: one label when together they spell one, else loose values."""
        if not self.waiting.fragments:
            return
        joined = "".join(norm(f.text) for f in self.waiting.fragments)
        lab, unit = self.v.label(joined)
        if lab is None or len(self.waiting.fragments) == 1:
            self._flush_fragments()
            return
        first, self.waiting.fragments = self.waiting.fragments[0], []
        label_tok = Tok(joined, first.line)
        self.note("info", "LABEL_JOINED", f"“{joined}”是跨行写的栏目名，已合并", first.line)
        if self.place.stream:
            self._walk_stream([(lab, unit, label_tok)])
        elif lab.key in PLAIN_KEYS:
            self._label(lab, unit, [], label_tok)
        else:
            self.waiting.row_labels = [(lab, unit, label_tok)]

    def _flush_fragments(self) -> None:
        frags, self.waiting.fragments = self.waiting.fragments, []
        for f in frags:
            self._loose_report(f)

    def _loose_report(self, tok: Tok) -> None:
        if self.place.last_key in NARRATIVE and self.place.last_key in self.project.fields:
            prev, line = self.project.fields[self.place.last_key]
            self.project.fields[self.place.last_key] = (f"{prev}\n{tok.text}" if prev else tok.text, line)
            self.note("info", "LINE_JOINED", f"续行并入“{self.place.last_key}”", tok.line)
            return
        if not self.project.fields and not self.project.indicators:
            if self._after_title(tok.line) and could_hold_fact(tok.text):
                self.note("warning", "LINE_UNPLACED", f"标题之后无法归属的内容（未导入；可能是没有识别的栏目或它的值）: "
                          f"{tok.text[:80]}", tok.line, field="(document)", source=tok.text)
                return
            self.note("info", "HEADER_TEXT", f"表头的说明文字（未导入）: {tok.text[:60]}", tok.line)
            return
        loose = loose_prefix(tok.text, self.v)
        if loose is not None:  # a label no form lists, glued to its value: read by principle (LABEL_LOOSE)
            lab, text, unit, value = loose
            self._label(lab, unit, [Tok(value, tok.line, bound=True)], Tok(text, tok.line))
            return
        self.note("warning", "LINE_UNPLACED", f"无法归属的内容（未导入）: {tok.text[:80]}", tok.line,
                  field="(document)", source=tok.text)

    def _after_title(self, line: int) -> bool:
        """A line below the table's title (and its year line): inside the table, not the page."""
        heads = [n for n, _t, _m in self.region.titles] + [self.region.year_line or 0]
        return bool(self.region.titles) and line > max(heads)

    # -- one labelled field ----------------------------------------------------------------
    def _label(self, lab: Label, unit: str | None, vals: list[Tok], tok: Tok) -> None:
        if len(vals) > 1 and lab.key not in NARRATIVE and lab.key != "extra":
            vals = self._own_values(vals)
        value = " ".join(v.text for v in vals if v.text).strip() or None
        if value and reading.regex("signature_slot").search(value):
            value = None  # the next signature slot, not this field's value
        key = lab.key
        line = tok.line
        pair = self._second_pair(value, lab) if value else None
        if pair is not None:  # a second label and its value glued to this one's: two fields, each a guess
            for k, what, val in ((key, lab.text, pair.first), (_FIELD_OF.get(pair.lab.key, pair.lab.key), pair.label,
                                                                  pair.second)):
                self.note("warning", "SPLIT_GUESSED", f"“{value[:60]}”中有两个栏目，按“{pair.label}”拆开: "
                          f"{what}“{val[:40]}”；请核对", line, field=k, source=value)
            self._label(lab, unit, [Tok(pair.first, line)], tok)
            self._label(pair.lab, pair.unit, [Tok(pair.second, line)], Tok(pair.label, line))
            return
        self.mark(line, _ROLE_ZH.get(key) or f"栏目“{KEY_ZH.get(_FIELD_OF.get(key, key), key)}”")
        for v in vals:
            if v.line != line:
                self.mark(v.line, f"“{KEY_ZH.get(_FIELD_OF.get(key, key), lab.text)}”的值")
        if key == "unit_decl":
            self.mark(line, "金额单位")
            return
        if lab.loose:
            self.note("warning", "LABEL_LOOSE", f"栏目“{lab.text}”不在表单的栏目表中，按“{lab.loose}”读取；请核对", line,
                      field=_FIELD_OF.get(key, key), source=f"{lab.text}: {value}" if value else lab.text)
        if key in ("section", "composition", "heads", "long_term", "annual", "money"):
            if key != "money":
                self.money.close()
            if key == "composition":
                self.place.section = "composition"
            elif key in ("heads", "long_term", "annual"):
                self._start_indicators(key if key != "heads" else None)
            elif key == "money":
                self.money.open(unit or self._unit_in(tok.text), any(w in norm(tok.text) for w in self.v.annual_words))
            else:
                self.money.sources = False
            if value is not None:
                self.note("warning", "LINE_UNPLACED", f"“{lab.text}”后的内容未导入: {value[:60]}", line,
                          field="(document)", source=value)
            self.place.last_key = None
            return
        if key not in MONEY_KEYS and key != "funding" and lab.source is None:
            self.money.sources = self.money.sources and key in ("extra",)
        if key == "funding" or (lab.source is not None):
            self._funding(lab, unit, value, line)
            if lab.source is None:
                return
        if key == "extra":
            self.project.extra.append((lab.text, value, line))
            self.place.last_key = None
            return
        if value and key not in MONEY_KEYS and _MASKED.fullmatch(norm(value)):
            self.note("warning", "VALUE_MASKED", f"“{KEY_ZH.get(_FIELD_OF.get(key, key), lab.text)}”的值“{value}”被遮盖"
                      "（转载时以 * 隐去），未导入；请填写", line, field=_FIELD_OF.get(key, key), source=value)
            code = re.match(r"\s*[\[［](\d+)[\]］]", value)
            if code and key in ("department_name", "unit_name"):  # '[055]****': the code is there
                self._set({"department_name": "department_code", "unit_name": "unit_code"}[key], code.group(1), line)
            value = None
        if key == "owner_phone":
            owner, phone = split_person_phone(value)
            self._set("owner", owner, line)
            self._set("phone", phone, line)
            return
        if key == "period":
            start, end = parse_period(value)
            if value and start is None:
                self.note("info", "PERIOD_NOT_DATES", f"{lab.text}“{value}”没有写明起止日期，开始/结束时间留空", line)
                self.project.extra.append((lab.text, value, line))
            self._set("start_date", start, line, raw=True)
            self._set("end_date", end, line, raw=True)
            return
        if key == "either_amount" and (self.money.annual or any(w in norm(tok.text) for w in self.v.annual_words)):
            key = "year_amount"  # 资金总额 under 年度/年初/当年: the year's (else decided at the end)
        if key in MONEY_KEYS and value is None and unit:
            # '年度预算(万元)' with no amount of its own heads the amounts below it
            self.money.unit, self.money.sources = unit, True
            self.money.annual = self.money.annual or key == "year_amount"
            return
        if key in MONEY_KEYS:
            self.project.units[key] = unit or self.money.unit
            self.money.kinds.append({"year_amount": "annual", "either_amount": "either"}.get(key, "total"))
            self.money.sources = True
        if key == "project_attribute" and value:
            chosen, boxes = checked_options(value)
            if boxes:
                if chosen is None:
                    self.note("info", "CHECKBOX_EMPTY", f"“{lab.text}”没有勾选任何选项，原文保存在 extra 中", line)
                    self.project.extra.append((lab.text, value, line))
                value = chosen
        if self._level_candidate(key, lab, value, line):
            return
        self._set(key, value, line)
        if self.project.fields.get(key, (None, 0))[1] == line:
            self.project.set_by[key] = lab.text  # the label a field was read under

    def _level_candidate(self, key: str, lab: Label, value: str | None, line: int) -> bool:
        """One field under labels of different levels of government (市级主管部门 宝鸡市水利局,
        区级主管部门 陈仓区水利局): two candidates, never one dropped silently. The table is the
        lowest level's (the level it is issued down to), so that one is read; a review item names
        both. False when the labels name no levels (the field repeated: FIELD_REPEATED)."""
        first, first_line = self.project.fields.get(key, (None, 0))
        before = self.project.set_by.get(key)
        if not value or first in (None, "") or value == first or before is None:
            return False
        old, new = gov_level(before), gov_level(lab.text)
        if old is None or new is None or old == new:
            return False
        low, high = ((lab.text, value, line), (before, first, first_line)) if new > old else \
            ((before, first, first_line), (lab.text, value, line))
        if new > old:
            self.project.fields[key] = (value, line)
            self.project.prov[key] = line
            self.project.set_by[key] = lab.text
        zh = KEY_ZH.get(key, key)
        self.note("warning", "FIELD_CANDIDATES", f"“{zh}”有两处：{high[0]}“{high[1]}”（第 {high[2]} 行）、"
                  f"{low[0]}“{low[1]}”（第 {low[2]} 行）；按最低一级（{low[0]}，表格下达到的一级）读取“{low[1]}”；请核对",
                  line, field=key, source=f"{high[0]}: {high[1]} | {low[0]}: {low[1]}", proposed=high[1])
        return True

    def _second_pair(self, value: str, lab: Label):
        """A second label and its value glued to this label's value (xlsync.published.twolabels),
        when that reading is credible: a field the table has not filled yet, and — after a
        project's name, free text that may mention anything — only an amount."""
        key = lab.key
        if key in NARRATIVE or key in MONEY_KEYS or key in (*PLAIN_KEYS, "extra", "funding", "period") \
                or lab.source is not None:
            return None
        pair = second_pair(value, self.v, key)
        if pair is None or _FIELD_OF.get(pair.lab.key, pair.lab.key) in self.project.fields:
            return None
        if key == "name" and pair.lab.key not in MONEY_KEYS:
            return None
        return pair

    def _own_values(self, vals: list[Tok]) -> list[Tok]:
        """A field takes the cells up to the first one that reads as a label of its own
        (`项目总预算 30 财政资金预算分类 一般公共预算`): those pairs go to `extra`."""
        cut = next((k for k in range(1, len(vals)) if looks_like_label(vals[k].text)), None)
        if cut is None:
            return vals
        rest = vals[cut:]
        i = 0
        while i < len(rest):
            j = i + 1
            while j < len(rest) and not looks_like_label(rest[j].text):
                j += 1
            lab, unit = self.v.label(rest[i].text)
            self._label(lab or Label("extra", rest[i].text.rstrip(":：").strip()), unit, rest[i + 1:j], rest[i])
            i = j
        return vals[:cut]

    def _unit_in(self, text: str) -> str | None:
        m = re.search(r"[（(]\s*(万元|亿元|元)\s*[)）]", text)
        return m.group(1) if m else None

    def _set(self, key: str, value: str | None, line: int, raw: bool = False) -> None:
        if key in self.project.fields and self.project.fields[key][0] not in (None, ""):
            if value not in (None, "") and value != self.project.fields[key][0]:
                self.note("warning", "FIELD_REPEATED", f"字段“{key}”重复出现，保留第一次的值，第二次的值: {value[:40]}",
                          line, field=key, source=value)
            return
        self.project.fields[key] = (value, line)
        self.project.prov[key] = line
        self.place.last_key = key

    def _funding(self, lab: Label, unit: str | None, value: str | None, line: int) -> None:
        source = lab.source or lab.text
        kinds = self.money.columns()
        annual_word = next((w for w in self.v.annual_words if source.startswith(w)), None)
        merged = None
        if annual_word and any(f["source"] == source[len(annual_word):] for f in self.project.funding):
            source = source[len(annual_word):]  # 当年财政拨款: the year's column of 财政拨款
            same = [f for f in self.project.funding if f["source"] == source]
            column, merged = "annual", same[0]
        else:
            same = [f for f in self.project.funding if f["source"] == source]
            column = self.money.column(len(same))
        if lab.source is not None or any(w in source for w in self.v.annual_words):
            column = "annual"
        target = {"annual": "year_amount", "either": "either_amount"}.get(column, "total_amount")
        entry = merged or (same[0] if same and same[0].get(target) is None and len(kinds) > 1 else None)
        index = next((k for k, f in enumerate(self.project.funding) if f is entry), len(self.project.funding))
        amount = self._money(value, unit or self.money.unit, line, f"资金来源“{source}”",
                             field=f"funding[{index}].{target.replace('either_amount', 'year_amount')}")
        if entry is None:
            entry = {"source": source, "total_amount": None, "year_amount": None}
            em = _ENUMERATED.match(source)
            if em:  # a funding tree: its first-level rows add up to the project's amount
                self.project.tree_sources.append((entry, bool(em.group("top"))))
            self.project.prov[f"funding[{len(self.project.funding)}]"] = line
            self.project.funding.append(entry)
        entry[target] = amount
        self.mark(line, f"资金来源“{source}”")
        self.place.last_key = None

    def _money(self, value: str | None, unit: str | None, line: int, what: str,
               field: str | None = None) -> str | None:
        """An amount in 元, or None with a review item (`xlsync.published.amounts`)."""
        got = read_amount(value, what, unit, self.project.table_unit, self.v.money_unit, self.region.page_unit, field)
        if got.explained is not None:
            self.project.extra.append((f"{what}说明", got.explained, line))
        for n in got.notes:
            self.note(n.level, n.code, n.message, line, field=n.field, source=n.source, proposed=n.proposed)
        return got.value

    # -- 项目构成 ------------------------------------------------------------------------
    def _composition_row(self, toks: list[Tok]) -> bool:
        texts = [t.text for t in toks if t.text]
        if not texts:
            return True
        first = norm(texts[0])
        if first in self.v.comp_item or first.split("(")[0] in self.v.comp_item:
            header = "".join(texts)
            self.place.comp_unit = "亿元" if "亿" in header else "万元" if "万元" in header else "元"
            return True
        lab, _ = self.v.label(texts[0])
        if lab is not None:
            self.place.section = None
            return False
        if len(texts) == 2:
            item, raw = texts
            amount = self._money(raw, self.place.comp_unit, toks[0].line, "项目构成金额",
                                 field=f"composition[{len(self.project.composition)}].amount")
            self.project.prov[f"composition[{len(self.project.composition)}]"] = toks[0].line
            self.project.composition.append({"item": item, "amount": amount})
            self.mark(toks[0].line, "项目构成")
        else:
            self.note("warning", "LINE_UNPLACED", "项目构成中无法识别的行（未导入）: " + " | ".join(texts), toks[0].line,
                      field="composition", source=" | ".join(texts))
        return True

    def _footer_row(self, toks: list[Tok]) -> None:
        if toks:
            self.mark(toks[0].line, "表尾")
        self._footer_cells(toks)

    def _footer_cells(self, toks: list[Tok]) -> None:
        """Below the table: '填报人：张三' cells are kept in `extra`; signature and approval
        slots (盖章, 签字, empty) are named in the report (`xlsync.published.footer`)."""
        texts = [t.text for t in toks if t.text]
        if not texts:
            return
        line = toks[0].line
        got = read_footer_row(texts)
        self.project.extra.extend((label, value, line) for label, value in got.extra)
        if got.skipped:
            self.note("info", "FOOTER", f"表尾（签字、审核栏，未导入）: {' '.join(got.skipped)[:60]}", line)
