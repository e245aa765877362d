"""Cutting a text into tables (at their titles, or at the first labelled field of a table
without one) and choosing the form each table is read with."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..forms import reading
from .cells import HOLE, clean_text, plain_line
from .memo import per_text
from .notes import ReadOptions
from .runtogether import is_run_together
from .vocab import Vocab, norm, split_unit, vocab

_YEAR_LINE = reading.regex("year_line")
_TITLE_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")
_PAGE_YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年")
# marks a line of running text that a file (not a text) puts between two tables: outside any
# table unless it is a title, a year line or a labelled field (xlsync.published.files.astext)
OUTSIDE = "\ue000"
# '单位：万元', '金额单位：元', '（单位：万元）': the unit of the amounts below it
MONEY_UNIT_STATED = reading.regex("unit_stated")


@dataclass
class Region:
    start: int  # first line number (1-based)
    lines: list[str] = field(default_factory=list)
    titles: list[tuple[int, str, re.Match | None]] = field(default_factory=list)
    year: int | None = None
    year_line: int | None = None
    year_text: str = ""  # the year's own line as written ('（2020年度）'), for --explain
    content: bool = False
    names: int = 0
    headers: int = 0
    page_year: int | None = None  # a year the page says just before the table (last resort)
    page_unit: str | None = None  # a money unit the page states above the table (not the table itself)
    title_unit: str | None = None  # a money unit stated in the table's title lines


def candidates(options: ReadOptions) -> list[Vocab]:
    from ..forms import BUILTIN

    if options.form:
        return [vocab(options.form)]
    return [vocab(f) for f in options.forms] + [vocab(n) for n in BUILTIN]


def _title_match(text: str, vocabs: list[Vocab]) -> tuple[re.Match, Vocab] | None:
    return _title_match_in(text, tuple(vocabs))


@per_text()  # a file repeats its lines (titles, labels): each distinct one is read once
def _title_match_in(text: str, vocabs: tuple[Vocab, ...]) -> tuple[re.Match, Vocab] | None:
    for v in vocabs:
        for rx in v.titles:
            m = rx.search(text) if rx.pattern.startswith("^") is False else rx.match(text)
            if m:
                return m, v
    return None


def _labels_in(text: str, vocabs: list[Vocab]) -> frozenset[str]:
    return _labels_in_line(text, tuple(vocabs))


@per_text()
def _labels_in_line(text: str, vocabs: tuple[Vocab, ...]) -> frozenset[str]:
    found = set()
    for cell in re.split(r"\t|\||\s+", text):
        cell = clean_text(cell)
        t = norm(cell)
        for v in vocabs:
            lab, _ = v.label(cell)
            if lab is not None and lab.key not in ("section", "money", "extra"):
                found.add(lab.key)
            elif t and v.header_role(cell) in ("level1", "name"):
                found.add("@header")
    return frozenset(found)


def segment(lines: list[str], vocabs: list[Vocab]) -> tuple[list[Region], list[tuple[int, str]]]:
    """Tables (regions of lines) and the lines outside any table."""
    regions: list[Region] = []
    outside: list[tuple[int, str]] = []
    cur: Region | None = None
    pending_year: tuple[int, int, str] | None = None  # a year line with no table open yet: (line, year, text)
    page_year: int | None = None
    page_unit: str | None = None

    def opened(region: Region) -> Region:
        nonlocal pending_year, page_year, page_unit
        if region.year is None and pending_year is not None and region.start - pending_year[0] <= 3:
            region.year, region.year_line, region.year_text = pending_year[1], pending_year[0], pending_year[2]
        region.page_year, pending_year, page_year = page_year, None, None
        region.page_unit = page_unit
        regions.append(region)
        return region

    for n, raw in enumerate(lines, 1):
        between = raw.startswith(OUTSIDE)
        raw = raw.removeprefix(OUTSIDE)
        text = plain_line(raw)
        if not text:
            if cur is not None:
                cur.lines.append(raw)
            continue
        run_together = len(text) > 60 and any(is_run_together(text, v) for v in vocabs)
        head = text if (len(text) <= 80 or run_together) else ""
        tm = _title_match(head, vocabs) if head else None
        if tm and run_together:
            m = tm[0]
            title_text, rest = text[: m.end()], text[m.end():]
        else:
            title_text, rest = text, ""
        if tm:
            if cur is None or cur.content:
                cur = opened(Region(start=n))
            cur.titles.append((n, title_text, tm[0]))
            um = MONEY_UNIT_STATED.search(text)
            if um:
                cur.title_unit = um.group(1)
            ym = _TITLE_YEAR.search(title_text)
            if ym:
                cur.year, cur.year_line = int(ym.group(1)), n
            cur.lines.extend([HOLE] * (n - cur.start - len(cur.lines)))
            if rest:
                cur.lines.append(rest)
                cur.content = True
            else:
                cur.lines.append(HOLE)
            continue
        ym = _YEAR_LINE.match(text.replace(" ", "").strip("|")) if len(text) <= 14 else None
        if ym and cur is not None and not cur.content:
            cur.year, cur.year_line, cur.year_text = int(ym.group(1)), n, text
            cur.lines.extend([HOLE] * (n - cur.start - len(cur.lines) + 1))
            continue
        if ym and (cur is None or cur.content):  # '(2024年度)' just above a table without a title
            pending_year = (n, int(ym.group(1)), text)
            outside.append((n, text))
            continue
        labels = _labels_in(raw, vocabs)
        if between and not labels and not MONEY_UNIT_STATED.search(text):
            outside.append((n, text))  # running text between two of the file's tables
            continue
        if cur is None:
            if "name" in labels or len(labels - {"@header"}) >= 2:
                cur = opened(Region(start=n))
            else:
                outside.append((n, text))
                um = MONEY_UNIT_STATED.search(text)
                if um:
                    page_unit = um.group(1)
                py = _PAGE_YEAR.search(text)
                if py and not reading.regex("page_date").search(text):
                    page_year = page_year or int(py.group(1))
                continue
        if "name" in labels and cur.names and cur.headers:
            cur = opened(Region(start=n))  # a new table without a title
        cur.lines.extend([HOLE] * (n - cur.start - len(cur.lines)))
        cur.lines.append(raw)
        if labels:
            cur.content = True
        cur.names += "name" in labels
        cur.headers += "@header" in labels
    return [r for r in regions if r.content or r.titles], outside


def choose_form(region: Region, vocabs: list[Vocab]) -> Vocab:
    cells = set().union(*map(_line_cells, region.lines))
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


@per_text()
def _line_cells(line: str) -> frozenset[str]:
    """The cells of a line as labels (normalised, without a unit), for choosing the form."""
    return frozenset(split_unit(norm(clean_text(c)))[0] for c in re.split(r"\t|\||\s{2,}", line) if c.strip())
