"""One table of published text read into documents (one, or several for a list-form table):
the reader's state, notes and the document assembled at the end. The reading itself is in
`xlsync.published.facts` (labelled fields) and `xlsync.published.indicators` (the indicator table)."""

from __future__ import annotations

import re
from decimal import Decimal

from ..dates import parse_date
from ..document import KEY_ZH, ReviewItem, new_document
from ..errors import DocumentError, Location
from ..fieldtext import parse_period, split_code
from ..money import format_amount
from ..plantext import parse_plan
from .cells import GRID, HOLE, plain_line
from .cutoff import cut_in_first_family
from .facts import MONEY_KEYS, FactsReader
from .indicators import IndicatorReader, Levels
from .notes import ImportedTable, Note, ReadOptions
from .requiredfacts import required_not_read
from .rows import Role, Tok
from .segment import Region
from .sourcestotal import sources_total
from .vocab import Label, Vocab, norm


class TableReader(FactsReader, IndicatorReader):
    def __init__(self, v: Vocab, file: str, region: Region, options: ReadOptions, last_region: bool):
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
        self.table_unit: str | None = region.title_unit
        self.group_unit: str | None = None
        self.group_annual = False
        self.group_funding = False  # inside a money group: funding-like labels are sources
        self.amount_kinds: list[str] = []  # total/annual of the amount labels of the last money row
        self.last_key: str | None = None
        self.period = "annual"
        self.roles: list[Role] | None = None
        self.has_value_parts = False
        self.levels = Levels(v)
        self.pending_labels: list[tuple[Label, str | None, Tok]] | None = None
        self.stream_labels: list[tuple[Label, str | None, Tok]] = []  # stream: labels awaiting values
        self.stream_values: list[Tok] = []
        self.fragments: list[Tok] = []  # short pieces of a label wrapped over lines
        self._ibuf: list[Tok] = []  # the cells of a stream's indicator table, cut into rows at its end
        self.comp_unit = "元"
        self.truncated = False
        self.list_form = False
        self.header_cats = 2
        self.projects: list[TableReader] = []  # further projects of a list-form table
        self.first_line = region.start
        self.last_line = region.start
        self.marks: dict[int, str] = {}  # line → what it was read as (--explain)
        self.tree_sources: list[tuple[dict, bool]] = []  # a funding tree's rows: (entry, first level)

    # -- notes --------------------------------------------------------------------------
    def note(self, level: str, code: str, msg: str, line: int | None, field: str | None = None,
             source: str | None = None, proposed: str | None = None) -> None:
        owner = self.projects[-1] if self.projects else self
        owner.notes.append(Note(level, code, msg, self.file, line, field, source, proposed))
        if line is not None and code in ("LINE_UNPLACED", "ROW_UNPLACED"):
            self.mark(line, "未归属（未导入）")

    def mark(self, line: int | None, role: str) -> None:
        """What a line of the table was read as (for `import-text --explain`); the first word stays."""
        if line is not None:
            self.marks.setdefault(line, role)

    def next_indicator(self, sub: str) -> str:
        """The path of the indicator about to be appended (its index is settled at the end)."""
        owner = self.projects[-1] if self.projects else self
        return f"indicators[#{len(owner.indicators)}].{sub}"

    def _cut(self, msg: str, line: int) -> None:
        """The text stops inside this table (or the list's last project)."""
        owner = self.projects[-1] if self.projects else self
        owner.truncated = True
        self.note("error", "TABLE_TRUNCATED", msg, line)

    def _cut_fragment(self) -> None:
        """The text ends on a piece of something: an operator with no value after it ('…下降情况>'),
        or the first characters of a label or a footer line ('主管' of 主管部门审核意见). Such a
        table is cut off, never complete."""
        texts = [(k, plain_line(ln)) for k, ln in enumerate(self.region.lines) if ln != HOLE]
        texts = [(k, t) for k, t in texts if t]  # the line's text: markup, pipes and tabs left out
        if not texts:
            return
        line = self.region.start + texts[-1][0]
        tail = texts[-1][1].split()[-1]
        t = norm(tail)
        if re.search(r"(?:[>=<≥≤≧≦＞＜]|大于|小于|不低于|不高于)$", t):
            self._cut(f"文本在第 {line} 行的运算符“{tail[-1]}”之后结束，没有指标值（文件可能被截断）", line)
            return
        if 1 < len(t) <= 4 and self.v.label(t)[0] is None and not self.category(t) and any(
                lb.startswith(t) and lb != t for lb in (*self.v.labels, *(norm(m) for m in self.v.footer))):
            self._cut(f"文本在第 {line} 行的“{tail}”处结束（像是被截断的栏目名；文件可能被截断）", line)

    def _cut_sentence(self, min_len: int = 8) -> None:
        """The text ends inside the indicator table, in the middle of a sentence: the last
        indicator's text breaks off without the full stop the table's other sentences end with
        ('…社区满意度95%以上,家长满'). Such a table is cut off, never complete."""
        owner = self.projects[-1] if self.projects else self
        texts = [i.get("target") or i.get("name") or "" for i in owner.indicators]
        sentences = [t.strip() for t in texts if len(t.strip()) >= min_len and re.search(r"[\u4e00-\u9fff]", t)]
        if len(sentences) < 3 or sentences[-1] != (texts[-1] or "").strip():
            return
        last, before = sentences[-1], sentences[:-1]
        if sum(t.endswith(("。", ".", "！", "；")) for t in before) < 2 / 3 * len(before):
            return  # the table does not end its sentences with a full stop
        if last.endswith(("。", ".", "！", "？", "；", ";", "）", ")", "%", "％")) or re.search(r"[\d]$", last):
            return
        if not re.search(r"[，,；;、]", last):
            return
        line = owner.indicators[-1].get("line") or self.last_line
        self._cut(f"文本在第 {line} 行的句子中间结束（“…{last[-12:]}”，表中其他句子以句号结束；文件可能被截断）", line)

    def _cut_first_family(self) -> None:
        """The text ends on a row begun but not finished (a target without its number, a category
        with no indicator under it) with only the first family read: cut off."""
        from xlsync.validators.profiles import BUILTIN, load_profile

        owner = self.projects[-1] if self.projects else self
        seen = {i.get("level1") for i in owner.indicators} | set(self.levels.seen)
        best = max((load_profile(n) for n in BUILTIN), key=lambda p: len(seen & set(p.level1)))
        at = max((k for k, ln in enumerate(self.region.lines) if ln != HOLE and plain_line(ln)), default=0)
        end = self.region.start + at
        tail = norm(plain_line(self.region.lines[at])) if self.region.lines else ""
        last = owner.indicators[-1] if owner.indicators else {}
        dangling = tail if tail and self.category(tail) and tail not in (last.get("level1"), last.get("level2")) \
            else None
        why = cut_in_first_family(owner.indicators, set(self.levels.seen), tuple(best.required_level1), end, dangling)
        if why:
            self._cut(why, end)

    def category(self, text: str) -> bool:
        """For the row aligner: a cell that is a category name."""
        return self.v.is_category(text) or (self.v.looks_like_category(text) and len(text) <= 12)

    # -- the document -------------------------------------------------------------------
    def finish(self, title: dict) -> list[ImportedTable]:
        if self.last_region and getattr(self, "open_end", False) and self.section == "indicators":
            self._cut(f"文本在第 {self.last_line} 行的单元格中断（没有结束的“|”，文件可能被截断）", self.last_line)
        self._end_indicators()
        self._resolve_stream()
        self._flush_labels()
        self._flush_fragments()
        self.levels.finish()
        if self.last_region and not self.truncated:
            self._cut_fragment()
        if self.last_region and self.section == "indicators" and not self.truncated:
            self._cut_sentence()
        if self.last_region and self.section == "indicators" and not self.truncated:
            self._cut_first_family()
        if self.projects:
            return [self._finish_project(p, title) for p in self.projects]
        return [self._finish_project(self, title)]

    @staticmethod
    def _resolve_either(t: TableReader, f: dict) -> None:
        """资金总额 (and its sources) that no heading marked as annual: the project's total when
        the project runs over several years, else the year's amount."""
        years = [str(f.get(k) or "")[:4] for k in ("start_date", "end_date")]
        multi = all(years) and years[0] != years[1] and not re.search(r"\D", "".join(years))
        key = "total_amount" if multi else "year_amount"
        if "either_amount" in f:
            value = f.pop("either_amount")
            if f.get(key) is not None:
                key = "year_amount" if key == "total_amount" else "total_amount"
            f.setdefault(key, value)
            if f[key] is None:
                f[key] = value
            t.prov[key] = t.prov.get("either_amount", t.prov.get(key))
            t.units[key] = t.units.get("either_amount")
        for entry in t.funding:
            if "either_amount" in entry:
                amount = entry.pop("either_amount")
                target = "total_amount" if multi else "year_amount"
                if entry[target] is not None:  # the other column is the year's / the total's
                    target = "year_amount" if target == "total_amount" else "total_amount"
                entry[target] = amount

    def _tree_total(self, t: TableReader, f: dict) -> Note | None:
        """A funding tree whose 年度资金总额 row prints no amount: the sum of its first-level rows
        ('(一)财政拨款小计', '(二)自有资金小计' …), exact, and a review item saying so."""
        tops = [e for e, top in t.tree_sources if top]
        if not tops or f.get("year_amount") not in (None, "") or f.get("total_amount") not in (None, ""):
            return None
        amounts = [e.get("year_amount") or e.get("total_amount") for e in tops]
        if any(a is None for a in amounts):
            return None
        total = format_amount(sum((Decimal(a) for a in amounts), Decimal(0)))
        f["_summed_year_amount"] = total
        line = t.prov.get(f"funding[{next(k for k, e in enumerate(t.funding) if e is tops[0])}]", t.first_line)
        return (Note("warning", "AMOUNT_SUMMED", f"年度资金总额没有写金额，按资金来源各项小计之和 {total} 元读取（"
                            + " + ".join(e["source"] for e in tops) + "）；请核对", self.file, line, "year_amount",
                            " + ".join(f"{e['source']} {a}" for e, a in zip(tops, amounts, strict=True))))

    @staticmethod
    def _by_period(t: TableReader) -> list[dict]:
        """Indicators in table order, the 实施期 (long-term) group before the 年度 group (a
        table with both column groups is read row by row)."""
        order = sorted(range(len(t.indicators)), key=lambda i: t.indicators[i]["period"] != "long_term")
        if order != list(range(len(order))):
            t.prov.update({f"indicators[{new}]": t.prov.get(f"indicators[{old}]") for new, old in enumerate(order)
                           if t.prov.get(f"indicators[{old}]") is not None})
        return [t.indicators[i] for i in order]

    def _finish_project(self, t: TableReader, title: dict) -> ImportedTable:
        notes = list(t.notes) if t is self else [n for n in self.notes if n.level == "info"] + t.notes
        indicators = self._by_period(t)
        loc = {k: Location(self.file, line=v) for k, v in t.prov.items()}
        table = ImportedTable(self.file, t.first_line, None, notes, loc, self.last_line, self.v.form.name,
                              t.truncated)
        table.explain = self._explain()
        f = {k: v for k, (v, _line) in t.fields.items()}
        self._resolve_either(t, f)
        summed = self._tree_total(t, f) or sources_total(t, f, self.file)
        data: dict = {}
        noted = len(t.notes)  # what reading the values notes (an unreadable amount) goes to this table
        for key, value in f.items():
            line = t.prov.get(key)
            if value is None:
                data[key] = None
            elif key in MONEY_KEYS:
                data[key] = t._money(value, t.units.get(key), line, KEY_ZH.get(key, key), field=key)
            elif key in ("start_date", "end_date"):
                try:
                    data[key] = parse_date(value)
                except ValueError as exc:
                    start, end = parse_period(value)
                    if start:
                        data[key] = start if key == "start_date" else end
                    else:
                        notes.append(Note("warning", "DATE_UNREADABLE", f"{KEY_ZH[key]}“{value}”不是可以读取的日期，"
                                          f"未导入: {exc}", self.file, line, key, value))
            else:
                data[key] = value.strip() if isinstance(value, str) else value
        if summed is not None:
            data["year_amount"] = data.pop("_summed_year_amount")
            notes.append(summed)
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
            if (data.get("end_date") or "")[:4] == str(year):  # a 项目期 inside one calendar year
                notes.append(Note("info", "YEAR_FROM_PERIOD", f"表格没有单独写明预算年度，按项目期取 {year} 年",
                                  self.file, t.first_line))
            else:
                notes.append(Note("warning", "YEAR_GUESSED", f"表格没有写明预算年度，项目期跨年，按开始时间取 {year} 年；"
                                  "请核对", self.file, t.first_line, "year", data["start_date"], str(year)))
        if year is None and title.get("page_year"):
            year = title["page_year"]
            notes.append(Note("warning", "YEAR_GUESSED", f"表格没有写明预算年度，按表格之前的页面文字取 {year} 年；"
                              "如不对请用 --year 指定", self.file, t.first_line, "year", None, str(year)))
        if year is None:
            notes.append(Note("warning", "YEAR_MISSING", "表格没有写明预算年度（可用 --year 指定）",
                              self.file, t.first_line))
        notes.extend(required_not_read(list(self.v.form.data.get("required", {}).get("fields", ())), data, t.funding,
                                       t.extra, set(t.fields), notes, self.file, t.first_line))
        missing = [k for k in self.v.required if not data.get(k)]
        if missing:
            from ..findings import FIELD_ZH

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
        blocking = [n for n in notes if n.level == "error" and n.code != "TABLE_TRUNCATED" and not n.review
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
                indicators=[{k: v for k, v in i.items() if k != "line"} for i in indicators],
                **data,
            )
        except DocumentError as exc:
            notes.append(Note("error", "DOCUMENT_INVALID", exc.message, self.file, t.first_line))
        for i, (_lb, _v, ln) in enumerate(t.extra):
            table.provenance[f"extra[{i}]"] = Location(self.file, line=ln)
        if table.document is not None:
            review = [self._review_item(n, indicators) for n in notes if n.review]
            if review:
                table.document = table.document.model_copy(update={"review": review})
        return table

    def _explain(self) -> list[tuple[int, str, str]]:
        """Each line of the table: (line, role, text)."""
        region = self.region
        titles = {n for n, _t, _m in region.titles} | ({region.year_line} if region.year_line else set())
        out = []
        for k, raw in enumerate(region.lines):
            n = region.start + k
            text = raw.replace(GRID, "").strip() if raw != HOLE else ""
            if n in titles:
                out.append((n, "标题" if n != region.year_line else "预算年度", region.lines[k] if raw != HOLE
                            else next((t for m, t, _x in region.titles if m == n), "")))
            elif text:
                out.append((n, self.marks.get(n, "—"), text))
        return out

    @staticmethod
    def _review_item(n: Note, indicators: list[dict]) -> ReviewItem:
        """A guess as the document's review item: the indicator it concerns found by its line
        (indicators are numbered once the table is read and ordered)."""
        field = n.field or "(document)"
        m = re.match(r"^indicators\[#(\d+)\]\.(\w+)$", field)
        if m:
            at = next((k for k, ind in enumerate(indicators) if ind.get("line") == n.line), None)
            field = f"indicators[{at}].{m.group(2)}" if at is not None else "indicators"
        return ReviewItem(code=n.code, field=field, message=n.message, source=n.source, line=n.line,
                          proposed=n.proposed)
