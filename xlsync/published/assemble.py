"""The assemble stage: what was read from a table (plain facts and notes) → its documents with
their review items.

The fact readers (`xlsync.published.table`) hand over a `TableRead`: one `TableFacts` per
project (one, or several for a list-form table), the table's last line and what each line
was read as. `assemble` turns each into an `ImportedTable`: the values read (amounts in 元,
dates, codes split from names), the year, what the table lacks, and each guess as a review
item on the document. It changes nothing it is given."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..dates import parse_date
from ..document import KEY_ZH, ReviewItem, new_document
from ..errors import DocumentError, Location
from ..fieldtext import parse_period, split_code
from ..money import format_amount
from ..plantext import parse_plan
from .amounts import read_amount
from .facts import MONEY_KEYS
from .notes import ImportedTable, Note, ReadOptions
from .regions import RowRegion
from .requiredfacts import required_not_read
from .sourcestotal import sources_total
from .vocab import Vocab


@dataclass(frozen=True)
class TableFacts:
    """What was read for one project: fields as (value as written, line), the money unit named
    with each amount's label, extra fields (label, value, line), funding sources, 项目构成,
    indicators (each with its line), where each key was read (`prov`: key → line), the notes,
    whether the text stops inside it, the funding tree's rows (funding index, first level) and
    the money unit the table declares."""

    first_line: int
    fields: dict[str, tuple[str | None, int]]
    units: dict[str, str | None]
    extra: tuple[tuple[str, str | None, int], ...]
    funding: tuple[dict, ...]
    composition: tuple[dict, ...]
    indicators: tuple[dict, ...]
    prov: dict[str, int]
    notes: tuple[Note, ...]
    truncated: bool = False
    tree: tuple[tuple[int, bool], ...] = ()
    table_unit: str | None = None
    column_heads: frozenset[str] = frozenset()  # amount labels with no cell of their own: column heads


@dataclass(frozen=True)
class TableRead:
    """A table read: its projects' facts, its last line, each line's role (line, role, text),
    the categories its indicator table named, the money unit the page states above it and the
    region of each row of its grid."""

    file: str
    projects: tuple[TableFacts, ...]
    last_line: int
    explain: tuple[tuple[int, str, str], ...] = ()
    levels_seen: frozenset[str] = frozenset()
    page_unit: str | None = None
    regions: tuple[RowRegion, ...] = ()  # each grid row's region (`xlsync.published.regions`)


def assemble(read: TableRead, title: dict, v: Vocab, options: ReadOptions) -> list[ImportedTable]:
    """One ImportedTable per project. `title` holds what the table's title says (year, page_year,
    unit, form)."""
    return [_project(read, t, title, v, options) for t in read.projects]


def _resolve_either(f: dict, funding: list[dict], prov: dict[str, int], units: dict[str, str | None]) -> None:
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
        prov[key] = prov.get("either_amount", prov.get(key))
        units[key] = units.get("either_amount")
    for entry in funding:
        if "either_amount" in entry:
            amount = entry.pop("either_amount")
            target = "total_amount" if multi else "year_amount"
            if entry[target] is not None:  # the other column is the year's / the total's
                target = "year_amount" if target == "total_amount" else "total_amount"
            entry[target] = amount


def _tree_total(t: TableFacts, funding: list[dict], prov: dict[str, int], f: dict, file: str) -> Note | None:
    """A funding tree whose 年度资金总额 row prints no amount: the sum of its first-level rows
    ('(一)财政拨款小计', '(二)自有资金小计' …), exact, and a review item saying so."""
    tops = [k for k, top in t.tree if top]
    if not tops or f.get("year_amount") not in (None, "") or f.get("total_amount") not in (None, ""):
        return None
    amounts = [funding[k].get("year_amount") or funding[k].get("total_amount") for k in tops]
    if any(a is None for a in amounts):
        return None
    total = format_amount(sum((Decimal(a) for a in amounts), Decimal(0)))
    f["_summed_year_amount"] = total
    line = prov.get(f"funding[{tops[0]}]", t.first_line)
    return (Note("warning", "AMOUNT_SUMMED", f"年度资金总额没有写金额，按资金来源各项小计之和 {total} 元读取（"
                 + " + ".join(funding[k]["source"] for k in tops) + "）；请核对", file, line, "year_amount",
                 " + ".join(f"{funding[k]['source']} {a}" for k, a in zip(tops, amounts, strict=True))))


def _by_period(indicators: tuple[dict, ...], prov: dict[str, int]) -> list[dict]:
    """Indicators in table order, the 实施期 (long-term) group before the 年度 group (a
    table with both column groups is read row by row)."""
    order = sorted(range(len(indicators)), key=lambda i: indicators[i]["period"] != "long_term")
    if order != list(range(len(order))):
        prov.update({f"indicators[{new}]": prov.get(f"indicators[{old}]") for new, old in enumerate(order)
                     if prov.get(f"indicators[{old}]") is not None})
    return [indicators[i] for i in order]


def _project(read: TableRead, t: TableFacts, title: dict, v: Vocab, options: ReadOptions) -> ImportedTable:
    file = read.file
    notes = list(t.notes)
    prov = dict(t.prov)
    units = dict(t.units)
    funding = [dict(e) for e in t.funding]
    extra = list(t.extra)
    indicators = _by_period(t.indicators, prov)
    f = {k: value for k, (value, _line) in t.fields.items()}
    _resolve_either(f, funding, prov, units)  # before `loc`: 资金总额's line is the amount's it became
    loc = {k: Location(file, line=line) for k, line in prov.items()}
    table = ImportedTable(file, t.first_line, None, notes, loc, read.last_line, v.form.name, t.truncated)
    table.explain = list(read.explain)
    summed = _tree_total(t, funding, prov, f, file) or sources_total(t, f, file, funding)
    data: dict = {}
    money_notes: list[Note] = []  # what reading the values notes (an unreadable amount)
    for key, value in f.items():
        line = prov.get(key)
        if value is None:
            data[key] = None
        elif key in MONEY_KEYS:
            got = read_amount(value, KEY_ZH.get(key, key), units.get(key), t.table_unit, v.money_unit,
                              read.page_unit, key)
            if got.explained is not None:
                extra.append((f"{KEY_ZH.get(key, key)}说明", got.explained, line))
            money_notes.extend(Note(n.level, n.code, n.message, file, line, n.field, n.source, n.proposed)
                               for n in got.notes)
            data[key] = got.value
        elif key in ("start_date", "end_date"):
            try:
                data[key] = parse_date(value)
            except ValueError as exc:
                start, end = parse_period(value)
                if start:
                    data[key] = start if key == "start_date" else end
                else:
                    notes.append(Note("warning", "DATE_UNREADABLE", f"{KEY_ZH[key]}“{value}”不是可以读取的日期，"
                                      f"未导入: {exc}", file, line, key, value))
        else:
            data[key] = value.strip() if isinstance(value, str) else value
    if summed is not None:
        data["year_amount"] = data.pop("_summed_year_amount")
        notes.append(summed)
    notes.extend(money_notes)
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
    if not data.get("unit_name") and v.unit_from_title and title.get("unit"):
        data["unit_name"] = title["unit"]
    if options.unit_code and not data.get("unit_code"):
        data["unit_code"] = options.unit_code
    if options.unit_name and not data.get("unit_name"):
        data["unit_name"] = options.unit_name
    year = title.get("year")
    if year is None and options.year:
        year = options.year
    if year is None and data.get("start_date"):
        year = int(data["start_date"][:4])
        if (data.get("end_date") or "")[:4] == str(year):  # a 项目期 inside one calendar year
            notes.append(Note("info", "YEAR_FROM_PERIOD", f"表格没有单独写明预算年度，按项目期取 {year} 年",
                              file, t.first_line))
        else:
            notes.append(Note("warning", "YEAR_GUESSED", f"表格没有写明预算年度，项目期跨年，按开始时间取 {year} 年；"
                              "请核对", file, t.first_line, "year", data["start_date"], str(year)))
    if year is None and title.get("page_year"):
        year = title["page_year"]
        notes.append(Note("warning", "YEAR_GUESSED", f"表格没有写明预算年度，按表格之前的页面文字取 {year} 年；"
                          "如不对请用 --year 指定", file, t.first_line, "year", None, str(year)))
    if year is None:
        notes.append(Note("warning", "YEAR_MISSING", "表格没有写明预算年度（可用 --year 指定）", file, t.first_line))
    notes.extend(required_not_read(list(v.form.data.get("required", {}).get("fields", ())), data, funding,
                                   extra, set(t.fields), notes, file, t.first_line))
    missing = [k for k in v.required if not data.get(k)]
    if missing:
        from ..findings import FIELD_ZH

        notes.append(Note("error", "TABLE_INCOMPLETE",
                          f"表格不完整，缺少: {'、'.join(FIELD_ZH.get(k, k) for k in missing)}", file, t.first_line))
    if not t.indicators and not any(n.code == "TABLE_TRUNCATED" for n in notes):
        notes.append(Note("error", "TABLE_INCOMPLETE", "表格不完整，没有指标表（一级指标/二级指标/三级指标/指标值）",
                          file, t.first_line))
    if v.form.data.get("detect", {}).get("all_level1") and t.indicators:
        from xlsync.validators.profiles import BUILTIN, load_profile

        seen = {i["level1"] for i in t.indicators} | set(read.levels_seen)
        best = max((load_profile(n) for n in BUILTIN), key=lambda p: len(seen & set(p.level1)))
        lacking = [n for n in best.required_level1 if n not in seen]
        if lacking:
            notes.append(Note("error", "TABLE_INCOMPLETE",
                              f"指标表不完整，缺少一级指标: {'、'.join(lacking)}（文件可能被截断）", file, t.first_line))
    blocking = [n for n in notes if n.level == "error" and n.code != "TABLE_TRUNCATED" and not n.review
                and not (table.truncated and n.code == "TABLE_INCOMPLETE")]
    if blocking:
        return table
    plan_problems: list[str] = []
    data["plan"] = parse_plan(data.get("plan_text"), plan_problems)
    for problem in plan_problems:
        notes.append(Note("warning", "PLAN_AMOUNT_UNREADABLE", problem, file, prov.get("plan_text")))
    try:
        table.document = new_document(
            year=year, form=title.get("form"), layout=v.form.name,
            composition=[dict(c) for c in t.composition],
            funding=funding,
            extra=[{"label": lb, "value": val} for lb, val, _ln in extra],
            indicators=[{k: x for k, x in i.items() if k != "line"} for i in indicators],
            **data,
        )
    except DocumentError as exc:
        notes.append(Note("error", "DOCUMENT_INVALID", exc.message, file, t.first_line))
    for i, (_lb, _v, ln) in enumerate(extra):
        table.provenance[f"extra[{i}]"] = Location(file, line=ln)
    if table.document is not None:
        review = [review_item(n, indicators) for n in notes if n.review]
        if review:
            table.document = table.document.model_copy(update={"review": review})
    return table


def review_item(n: Note, indicators: list[dict]) -> ReviewItem:
    """A guess as the document's review item: the indicator it concerns found by its line
    (indicators are numbered once the table is read and ordered)."""
    field = n.field or "(document)"
    m = re.match(r"^indicators\[#(\d+)\]\.(\w+)$", field)
    if m:
        at = next((k for k, ind in enumerate(indicators) if ind.get("line") == n.line), None)
        field = f"indicators[{at}].{m.group(2)}" if at is not None else "indicators"
    return ReviewItem(code=n.code, field=field, message=n.message, source=n.source, line=n.line,
                      proposed=n.proposed)
