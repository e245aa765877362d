"""Reading a table's indicators: the header (columns and their roles, sub-headers, 长期/年度
groups, list-form tables of many projects), rows aligned to the columns
(`xlsync.published.rows`), cell streams, inline '二级:text' rows, categories and their levels,
weights, truncation. A mixin of `xlsync.published.table.TableReader`."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from ..fieldtext import split_code
from ..forms import reading
from .memo import per_text, short
from .rows import NATURES, OPERATORS, Placed, Role, Tok, align, compose_target
from .rowstate import Columns
from .vocab import Label, Vocab, norm

_ROLE_ZH = {"level1": "一级", "level2": "二级", "name": "三级", "target": "指标值", "target_long": "长期指标值",
            "actual": "实际值", "unit": "计量单位", "op": "运算符", "nature": "指标性质", "weight": "分值",
            "note": "备注", "skip": "（未用）"}

# a 一级 by its word shape: a framework stem (产出, 效益, 满意度 …) with at most 项目 before it
_LEVEL1_SHAPE = reading.regex("level1_shape")


class Levels:
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
        if self.l1 and self.l2 and cat != self.l2 and cat not in self.seen and any(
                cat in kids and self.l2 in kids for kids in v.children.values()):
            return 2  # a sibling of the 二级 just read (时效指标 → 成本指标 under a provincial 一级)
        if cat in v.level1:
            return 2 if self.shifted else 1
        if cat in v.level2:
            return 2
        if _LEVEL1_SHAPE.match(cat):  # 项目完成指标, 项目效益指标: the provincial 一级 names
            return 1
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


ROW_COST = 1.0  # cutting a stream into one more row (else optional columns would be split off)


_SCORE = re.compile(r"[(（]\s*\d+(?:\s*[-—~～]\s*\d+)?\s*分?\s*[)）]\s*分?$")


# a fill-in instruction the form prints after a category ('数量指标 (必填硬性指标)', '经济效益 指标 (选填)')
_FILL = reading.regex("fill_instruction")


@per_text()
def clean_score(text: str) -> str:
    """A category with the score range of its block ('成本指标(0-20)分' → '成本指标'); a cell
    that is only a score range ('(40-50)分') → ''; a category with the form's fill-in
    instruction ('社会效益 指标 (必填)') → the category ('社会效益指标')."""
    fill = _FILL.search(text)
    if fill:
        rest = re.sub(r"\s+", "", text[:fill.start()])
        if rest.endswith(reading.words("category_endings")) and 2 < len(rest) <= 14 and not re.search(r"\d", rest):
            return rest
    return _SCORE.sub("", text).strip() if _SCORE.search(text) else text


def column_roles(header: list[str], period: str) -> list[Role]:
    """A header row's column roles (level1, name, target …, as the vocabulary names them) →
    the columns its rows are read by: the category cells first in each column group, a group
    per 三级 name column (side by side: 实施期 first, then 年度), all for `period` otherwise."""
    header = list(header)
    for i in range(len(header) - 1):  # 指标 | 指标内容: the first holds the categories
        if header[i] == "name" and header[i + 1] == "name":
            header[i] = "level2"
    roles: list[Role] = []
    group = 0
    seen: set[str] = set()
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
            if r == "level2" and "level1" in header and not any(x.kind == "l2text" and x.group == group
                                                                  for x in roles):
                roles.append(Role("l2text", period, group))  # a 二级 cell that is no known category
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
    return roles


def sub_header(columns: list[Role], parts: list[str]) -> list[Role]:
    """The columns once a second header row splits the first 指标值 column into `parts`
    (2021年实际实现值 | 预期2022年实现值 → actual | target)."""
    out = []
    done = False
    for r in columns:
        if r.kind == "target" and not done:
            out.extend(Role(k, r.period, r.group) for k in parts)
            done = True
        else:
            out.append(r)
    return out


def plain_weight(text: str) -> str | None:
    """A weight (分值) as a plain decimal ('10分' → '10', '12.50' → '12.50'); None when the cell
    is no small plain number."""
    t = text.strip().rstrip("%分").replace(",", "")
    if not re.fullmatch(r"\d{1,6}(?:\.\d{1,4})?", t):  # a weight is a small plain number
        return None
    return f"{Decimal(t):f}"


def by_position(toks: list[Tok], columns: Columns, category: Callable[[str], bool]) -> list[Placed] | None:
    """A row whose separators make as many columns as the header's: each cell in the column
    it stands in (None: read it by alignment). `category`: is a cell's text a category name."""
    cells = [t for t in toks if t.text]
    if not columns.by_col or not cells \
            or any(t.col is None or t.ncols != columns.ncols for t in cells):
        return None
    cats: list[Tok] = []
    parts: dict[str, list[Tok]] = {}
    for t in cells:
        role = columns.by_col.get(t.col)
        if role is None or role in ("skip", "heads") or role.startswith("field:"):
            return None  # a value where the header names nothing: not this table's shape
        if role == "name" and category(norm(t.text)):
            return None  # a category in the name column: the aligner decides (no 三级 names?)
        if role in ("level1", "level2"):
            text = clean_score(t.text)
            if text:
                cats.append(Tok(text, t.line))
        else:
            parts.setdefault(role, []).append(Tok(t.text, t.line))
    if len(cats) > 2 or any(len(v) > 1 for v in parts.values()):
        return None
    return [Placed(Role("cats", columns.period), cats)] + [Placed(Role(k, columns.period), v) for k, v in parts.items()]


class IndicatorReader:
    # -- the indicator table -----------------------------------------------------------------
    def _start_indicators(self, period_key: str | None) -> None:
        self._resolve_stream()
        self._flush_labels()
        self.place.section = "indicators"
        if period_key:
            self.columns.period = "long_term" if period_key == "long_term" else "annual"

    def _header(self, toks: list[Tok]) -> bool:
        """A row of indicator column headers: sets the table's columns."""
        texts = [t.text for t in toks if t.text]
        if self.place.stream:
            return False
        key = ("_header_words", tuple(texts))  # most rows hold no header word and no label: no header
        words = self.v.memo.get(key)
        if words is None:
            words = any(self.v.header_role(t) is not None or self.v.label(t)[0] is not None for t in texts)
            if short(key[1]):
                self.v.memo[key] = words
        if not words:
            return False
        roles = []
        fields = 0
        hits = 0
        at: dict[int, str] = {}  # header column → its role, where the separators give columns
        for tok in (x for x in toks if x.text):
            t = tok.text
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
                    self.columns.period = "long_term" if lab.key == "long_term" else "annual"
                if tok.col is not None:
                    at[tok.col] = "heads"
                continue
            else:
                roles.append("skip")
            if tok.col is not None:
                at[tok.col] = roles[-1]
        if self.columns.roles is not None and self.place.section == "indicators" and hits and hits == len(texts) \
                and all(r in ("actual", "target", "target_long", "note") for r in roles):
            self._sub_header(roles)
            return True
        if hits < 2 or not any(r in ("name", "level1", "level2") for r in roles):
            return False
        self._set_roles(roles, fields > 0)
        # the columns by position, for rows whose separators give as many columns as the header
        # (a cell empty in the file stays empty: nothing moves left): one column group only
        positional = all(x.col is not None for x in toks if x.text) and not fields and roles.count("name") <= 1 \
            and "target_long" not in roles and roles.count("target") <= 1
        self.columns.by_col = at if positional else {}
        self.columns.ncols = next((x.ncols for x in toks if x.text), None) if positional else None
        self.place.section = "indicators"
        if toks:
            self.mark(toks[0].line, "指标表头: " + " | ".join(_ROLE_ZH.get(r, r) for r in roles))
        return True

    def _stream_header(self, tok: Tok) -> bool:
        """Stream tables: header cells arrive one by one. True when the cell was a header cell."""
        role = self.v.header_role(tok.text) if tok.text else None
        if role is not None and self.columns.header_cells is None and self.columns.roles is not None \
                and role != "level1" and len(norm(tok.text)) < 4:
            role = None  # mid-table, a short cell like '指标' is data ('社会效益' | '指标'), not a header
        if role is not None and (self.columns.header_cells is not None or role in ("level1", "level2", "name")):
            if self.columns.header_cells is None:
                if self.place.section == "indicators":
                    self._end_indicators()  # a second indicator table begins
                self.columns.header_cells = []
            self.columns.header_cells.append(role)
            return True
        if self.columns.header_cells is not None:
            if self._finish_header_cells():
                return not tok.text  # an empty cell closing the header row
        return False

    def _finish_header_cells(self) -> bool:
        """Header cells gathered one by one become the table's columns (True when they do)."""
        buf, self.columns.header_cells = self.columns.header_cells, None
        if buf and len(buf) >= 2 and any(r in ("name", "level1", "level2") for r in buf):
            self._set_roles(buf, False)
            self._start_indicators(None)
            return True
        return False

    def _set_roles(self, header: list[str], list_form: bool) -> None:
        roles = column_roles(header, self.columns.period)
        self.columns.roles = roles
        self.columns.cats = sum(1 for r in header if r in ("level1", "level2"))
        self.columns.value_parts = any(r.kind in ("unit", "op") for r in roles)
        self.columns.list_form = list_form

    def _sub_header(self, roles: list[str]) -> None:
        """A second header row splitting 指标值 (2021年实际实现值 | 预期2022年实现值)."""
        self.columns.roles = sub_header(self.columns.roles, roles)

    def _indicator_row(self, toks: list[Tok], file_end: bool, open_end: bool, keep_empty_target) -> None:
        roles = self.columns.roles or self.columns.default_roles()
        if self.place.stream:
            self._stream_indicator(toks, file_end)
            return
        texts = [Tok(clean_score(t.text), t.line, t.soft) for t in toks if t.text]
        texts = [t for t in texts if t.text]
        if not texts:
            return
        # inline '二级:text' (no 三级 name)
        if len(texts) == 1 and self._inline(texts[0]):
            return
        line = texts[0].line
        placed = None if self.place.stream else by_position(toks, self.columns, self.category)
        if placed is not None:
            self._emit(placed, line, keep_empty_target)
            return
        got = align(texts, roles, self)
        if got is None:
            if file_end and self._dangling(texts):
                return
            self.note("warning", "ROW_UNPLACED", "无法识别的指标行（未导入）: " + " | ".join(t.text for t in texts), line,
                      field="indicators", source=" | ".join(t.text for t in texts))
            return
        _score, placed = got
        ncats = sum(len(p.toks) for p in placed if p.role.kind == "cats")
        if ncats > self.columns.cats >= 1 and any(r.kind == "name" for r in roles):
            # the '指标名称' column holds the 二级 category: this table has no 三级 names
            self.columns.roles = [r for r in roles if r.kind != "name"]
            self.columns.by_col = {c: ("level2" if r == "name" else r) for c, r in self.columns.by_col.items()}
            self.columns.cats = 2
            self.note("warning", "NO_LEVEL3", "指标表的“指标名称”一栏按二级指标读取（表中没有三级指标名称）；请核对", line,
                      field="indicators")
            self._indicator_row(toks, file_end, open_end, keep_empty_target)
            return
        if open_end:
            self._cut(f"文本在第 {line} 行的指标行中断（文件可能被截断）: " + " | ".join(t.text for t in texts), line)
            return
        if file_end and self._dangling(texts):
            return
        self._emit(placed, line, keep_empty_target)

    def _block_label(self, text: str) -> bool:
        key = ("_block_label", text)  # remembered per vocabulary
        if key not in self.v.memo:
            self.v.memo[key] = self._is_block_label(text)
        return self.v.memo[key]

    def _is_block_label(self, text: str) -> bool:
        lab, _unit = self.v.label(text)
        return lab is not None and lab.key in ("heads", "long_term", "annual") and not self.v.is_category(norm(text))

    @property
    def has_value_parts(self) -> bool:
        """For the row aligner (`xlsync.published.rows.align`, whose context this reader is)."""
        return self.columns.value_parts

    def second_category_ok(self, first: str) -> bool:
        """After a 二级 category the next cell is a name, never a third category."""
        return first not in self.v.level2 or first in self.v.level1

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
        self.levels.apply([norm(m.group(1))])
        ind = {"period": self.columns.period, "name": None, "target": m.group(2).strip(), "note": None,
               "weight": None, "line": tok.line}
        self.levels.place(ind)
        self._append(ind)
        return True

    def _stream_indicator(self, toks: list[Tok], file_end: bool) -> None:
        """Stream tables: the cells of the indicator table are gathered and cut into rows at its
        end, by alignment (`_end_indicators`) — explicit empty cells carry no position (merged
        cells vanish on some pages and not on others)."""
        text = clean_score(toks[0].text)
        if text and self.waiting.cells and not self.category(self.waiting.cells[-1].text) \
                and self.v.is_category(self.waiting.cells[-1].text + text):
            last = self.waiting.cells[-1]  # '社会公众或服务' | '对象满意度指标': one category wrapped
            self.waiting.cells[-1] = Tok(last.text + text, last.line)
            return
        if text in reading.words("category_endings") and self.waiting.cells and self.category(self.waiting.cells[-1].text + text):
            last = self.waiting.cells[-1]  # '社会效益' | '指标': one category wrapped over two cells
            self.waiting.cells[-1] = Tok(last.text + text, last.line)
            return
        if text and not self._inline_after_buffer(toks[0]):
            self.waiting.cells.append(Tok(text, toks[0].line, toks[0].soft))

    def _inline_after_buffer(self, tok: Tok) -> bool:
        if not re.match(r"^\s*[^:：]{2,20}?\s*[:：]", tok.text):
            return False
        self._end_indicators()
        return self._inline(tok)

    def _end_indicators(self) -> None:
        """The indicator table of a cell stream ends: its rows, found by aligning the whole
        stretch of cells to the columns."""
        buf, self.waiting.cells = self.waiting.cells, []
        for line, placed in self._segment(buf):
            self._emit(placed, line, False)

    def _segment(self, toks: list[Tok]) -> list[tuple[int, list[Placed]]]:
        """Cut a stretch of cells into rows so that every row fits the columns best."""
        roles = list(self.columns.roles or self.columns.default_roles())
        if roles[0].kind != "cats":
            roles.insert(0, Role("cats", roles[0].period, roles[0].group))
        longest = 2 + len(roles)
        n = len(toks)
        best: list[tuple[float, int, list[Placed] | None]] = [(0.0, -1, None)] + [(float("-inf"), -1, None)] * n
        for i in range(1, n + 1):
            for j in range(max(0, i - longest), i):
                if best[j][0] == float("-inf"):
                    continue
                got = align(toks[j:i], roles, self)
                if got is not None and best[j][0] + got[0] - ROW_COST > best[i][0]:
                    best[i] = (best[j][0] + got[0] - ROW_COST, j, got[1])
        if n and best[n][0] == float("-inf"):
            self.note("warning", "ROW_UNPLACED", "无法把这些单元格排成指标行（未导入）: " + " | ".join(t.text for t in toks),
                      toks[0].line, field="indicators", source=" | ".join(t.text for t in toks))
            return []
        rows = []
        i = n
        while i > 0:
            _score, j, placed = best[i]
            rows.append((toks[j].line, placed))
            i = j
        return rows[::-1]

    def _emit(self, placed: list[Placed], line: int, keep_empty_target: bool) -> None:
        """Indicators from an aligned row (one per column group that has content)."""
        groups: dict[int, list[Placed]] = {}
        for p in placed:
            groups.setdefault(p.role.group, []).append(p)
        fields = {p.role.kind[6:]: p for p in placed if p.role.kind.startswith("field:") and p.toks}
        if fields:
            self._list_fields(fields, line)
        row_level2: set[str] = set()
        group_cats = {g: [t.text for p in ps if p.role.kind == "cats" for t in p.toks]
                      + [p.text for p in ps if p.role.kind == "l2text" and p.toks] for g, ps in groups.items()}
        order = sorted(group_cats)
        for a, b in zip(order, order[1:], strict=False):
            # column groups side by side (长期 | 年度) share the row's one 一级 cell: a later group
            # holds at most its own 二级, so a category it took beyond that belongs to the group before
            while len(group_cats[b]) > 1 and len(group_cats[a]) < 2:
                group_cats[a].append(group_cats[b].pop(0))
        for cats in group_cats.values():  # the block's own label ('绩效指标') is never a level
            cats[:] = [c for c in cats if not self._block_label(c)]
        for _g, ps in sorted(groups.items()):
            cats = group_cats[_g]
            parts: dict[str, str] = {}
            for p in ps:
                if p.role.kind in ("cats", "l2text") or p.role.kind.startswith("field:") or not p.toks:
                    continue
                parts.setdefault(p.role.kind, p.text)
            if self.columns.value_parts and parts.get("unit") and not parts.get("target"):
                parts["target"] = parts.pop("unit")  # a value in words (定性: 高中低)
            if not cats and "name" not in parts and self._continue_last(ps, line):
                continue
            cats = self._fix_categories(cats, line)
            if len(cats) == 1 and cats[0] in row_level2:
                # a later column group of the same row (长期 | 年度) repeating the 二级 the row
                # already placed: the row's printed 一级 stays
                self.levels.l2 = cats[0]
            else:
                self.levels.apply(cats)
            if self.levels.l2:
                row_level2.add(self.levels.l2)
            kinds = {p.role.kind for p in ps}
            periods = [("target", ps[0].role.period)]
            if "target_long" in kinds:
                periods = [("target_long", "long_term")] + ([("target", "annual")] if "target" in kinds else [])
            name = parts.get("name")
            for tkey, period in periods:
                if self.columns.value_parts:
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
                if name is not None and target is None and "note" not in parts and "weight" not in parts \
                        and self.v.is_category(norm(name)):
                    # a category word alone in the name column (empty merged cells vanished
                    # before it): a 二级 with no 三级 under it, never an indicator
                    self.levels.apply([norm(name)])
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
        owner = self.current
        toks = [t for p in ps for t in p.toks]
        if not owner.indicators or not toks:
            return False
        last = owner.indicators[-1]
        free = [r for r in (self.columns.roles or []) if r.group == ps[0].role.group
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
        owner = self.current
        self.mark(ind["line"], "指标行: " + " / ".join(str(ind.get(k) or "") for k in ("level1", "level2", "name"))
                  + f" → {ind.get('target') or '（无目标值）'}")
        owner.prov[f"indicators[{len(owner.indicators)}]"] = ind["line"]
        owner.indicators.append(ind)

    def _weight(self, text: str | None, line: int) -> str | None:
        if text is None:
            return None
        weight = plain_weight(text)
        if weight is None:
            self.note("warning", "WEIGHT_UNREADABLE", f"分值“{text}”不是数字，未导入", line,
                      field=self.next_indicator("weight"), source=text)
        return weight

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
            confirmed = len(cats) > 1 and self.v.level2.get(cats[1]) in cands
            if confirmed:  # its 二级 belongs to exactly this 一级: two cells agree
                fixed = self.v.level2[cats[1]]
            elif self.levels.l1 in cands:
                fixed = self.levels.l1
            else:
                fixed = cands[0] if len(cands) == 1 else None
            if fixed and confirmed:
                self.note("warning", "CATEGORY_CORRECTED", f"一级指标“{c}”识别为“{fixed}”（疑为识别错误；"
                          f"其二级指标“{cats[1]}”属于“{fixed}”）", line, field=self.next_indicator("level1"), source=c)
            elif fixed:
                self.note("warning", "CATEGORY_GUESSED", f"一级指标“{c}”按“{fixed}”读取（疑为识别错误）；请核对", line,
                          field=self.next_indicator("level1"), source=c)
            out.append(fixed or c)
        return out

    def _list_fields(self, fields: dict[str, Placed], line: int) -> None:
        """A row of a list-form table (one table, many projects: 单位名称 | 项目名称 | 预算数 …)."""
        if "name" not in fields:
            if "unit_name" in fields and not self.projects:
                code, name = split_code(fields["unit_name"].text)
                self._set("department_code", code, line)
                self._set("department_name", name, line)
            return
        # the project's fields are read by a reader of its own; its facts are the project
        proj = type(self)(self.v, self.file, self.region, self.options, self.last_region)
        proj.place.stream = False
        proj.project.first_line = line
        prev = self.current
        for key in ("department_code", "department_name", "unit_name"):
            if key in self.project.fields:
                proj.project.fields[key] = self.project.fields[key]
        if "unit_name" in fields:
            proj.project.fields["unit_name"] = (fields["unit_name"].text, line)
        elif "unit_name" in prev.fields:
            proj.project.fields["unit_name"] = prev.fields["unit_name"]
        for key, p in fields.items():
            if key == "unit_name":
                continue
            proj._label(Label(key, key), None, p.toks, p.toks[0])
        proj.project.units = {k: None for k in proj.project.units}
        proj.project.table_unit = self.project.table_unit
        self.projects.append(proj.project)
