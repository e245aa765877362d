"""Indicators written as prose (a 公示 notice), turned into grid rows (a stage before the grid).

Some offices publish the targets as running text, not as a table:

    一、 产出指标
    数量指标:种植数量(≥**株)>=17600株;种植作物成活率(≥**%)>=85;时效指标:完成及时率(≥**%)>=100%。
    二、 效益指标
    效益指标:经济效益指标:特色产业产值(≥**万元)≥80万元,…;社会效益目标:…。

Such text is recognised as a table by what it is made of, not by a title: a block of
section heads that are 一级 words (`一、 产出指标`) with lines of `<level>:` items under them.
The cells are marked by the text itself: the level words with their `:` open a 二级, `;` and
`。` end an indicator, a `,` ends one only after a complete target, and the form's template
placeholders (`(≥**株)`) close the name, the target following. Since such cuts are never
certain, every indicator read here is a review item (`PROSE_SPLIT`), and so is every fact
taken from the notice around it (the project's name from the notice's title, its amount, its
overall goal, its owner from the sentence that states them).

`find_blocks` finds the blocks; `grid_text` writes one as grid rows (with the page lines
around it) for the usual reader, and a map from each written line to its source line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document import ReviewItem
from ..errors import Location
from ..forms import reading
from .notes import ImportedTable, Note
from .tree import row
from .vocab import Vocab, norm

# '一、 产出指标', '(二)效益指标', '3. 满意度指标': a section head of the prose
_HEAD = reading.regex("prose.head")
# a level word opening items: '数量指标:' '可持续影响指标,' (start, or after an item's end)
_OPEN = reading.regex("prose.open")
# the form's placeholder for the value in a template name: '(≥**株)', '(≤**元/株)'
_PLACEHOLDER = reading.regex("prose.placeholder")
# a complete target at the end of a text: an operator, a number and its unit
_TARGET_END = reading.regex("prose.target_end")
_AMOUNT = reading.regex("prose.amount")
_GOAL = reading.regex("prose.goal")
_OWNER = reading.regex("prose.owner")
_NOTICE = reading.regex("prose.notice")


@dataclass
class Item:
    line: int
    level1: str
    level2: str | None
    name: str | None
    target: str


@dataclass
class Block:
    start: int  # first line (1-based): the first section head
    end: int  # last line of the prose
    heads: int = 0
    items: list[Item] = field(default_factory=list)


def _category(text: str, v: Vocab) -> bool:
    return v.is_category(text) or v.looks_like_category(text)


def _level1(word: str, v: Vocab) -> bool:
    return word in v.level1


def find_blocks(lines: list[str], v: Vocab) -> list[Block]:
    """Blocks of prose indicators: at least two section heads that are 一级 words (alone on
    their line, or with the line's items after a ':'), and at least two indicators whose
    target the text marks."""
    blocks: list[Block] = []
    cur: Block | None = None
    l1: str | None = None
    for n, raw in enumerate(lines, 1):
        text = raw.strip()
        m = _HEAD.match(text)
        word = norm(m.group("word")) if m else ""
        after = _OPEN.match((m.group("rest") or "").strip()) if m else None
        nested = after is not None and _category(norm(after.group("cat")), v)  # '满意度指标：服务对象满意度指标:…'
        if m and _level1(word, v) and (m.group("enum") or m.group("rest") is not None and (
                l1 is None or word not in v.level2 or nested)):  # else a two-level word (成本指标) is a 二级
            if cur is None:
                cur = Block(n, n)
                blocks.append(cur)
            l1, cur.end = word, n
            cur.heads += 1
            rest = (m.group("rest") or "").strip()
            if rest:  # '产出指标:数量指标:…' the head and its items on one line
                cur.items.extend(_items(rest, n, l1, v))
            continue
        if cur is None or not text:
            continue
        opens = [mm for mm in _OPEN.finditer(text) if _category(norm(mm.group("cat")), v)]
        if not opens or opens[0].start() > 0:
            cur, l1 = None, None  # the prose ends at a line that is not level items
            continue
        cur.items.extend(_items(text, n, l1 or "", v))
        cur.end = n
    return [b for b in blocks if b.heads >= 2 and sum(1 for i in b.items if i.name) >= 2]


def _items(text: str, line: int, l1: str, v: Vocab) -> list[Item]:
    """One line of level items: '二级:item;item;二级:item。'."""
    out: list[Item] = []
    opens = [m for m in _OPEN.finditer(text) if _category(norm(m.group("cat")), v)]
    l2: str | None = None
    for k, m in enumerate(opens):
        cat = norm(m.group("cat"))
        body = text[m.end(): opens[k + 1].start() if k + 1 < len(opens) else len(text)]
        if _level1(cat, v) and cat == l1:
            continue  # the section's own 一级 repeated ('效益指标:经济效益指标:…')
        l2 = cat
        for piece in _pieces(body):
            name, target = _name_target(piece, v)
            out.append(Item(line, l1, l2, name, target))
    return out


def _pieces(body: str) -> list[str]:
    """An item ends at ';' or '。', or at ',' when what came before it is a complete target."""
    out = []
    for seg in re.split(r"[;；。]", body):
        acc = ""
        for part in re.split(r"(?<=[,，])", seg):
            acc += part
            if _TARGET_END.search(acc.rstrip(",，").strip()):
                out.append(acc.rstrip(",，").strip())
                acc = ""
        if acc.strip(" ,，"):
            out.append(acc.strip(" ,，"))
    return [p for p in out if p]


def _name_target(piece: str, v: Vocab) -> tuple[str | None, str]:
    ph = list(_PLACEHOLDER.finditer(piece))
    if ph and piece[ph[-1].end():].strip():
        return piece[: ph[-1].end()].strip(), piece[ph[-1].end():].strip()
    from .runtogether import split_name_target

    name, target = split_name_target(piece, v)
    if target:
        return name.strip(), target.strip()
    return None, piece.strip()  # no name the text marks: the phrase is the target, as written


@dataclass
class Written:
    """A block written as grid rows: the text, each written line's source line, review notes."""

    text: str
    source_line: list[int]  # written line k+1 → source line
    source_text: list[str]  # what of the source it was written from (for --explain)
    reviews: list[tuple[str, str, int, str | None]]  # (field, message, source line, source text)


def grid_text(lines: list[str], block: Block) -> Written:
    """The page lines before the block as they are, the facts the notice states as labelled
    rows, the indicators as grid rows; the lines after the block stay outside the table (the
    prose ends where its level items end: a signature, an attachment, the page)."""
    out: list[str] = []
    src: list[int] = []
    texts: list[str] = []
    reviews: list[tuple[str, str, int, str | None]] = []

    def put(text: str, line: int, shown: str | None = None) -> None:
        out.append(text)
        src.append(line)
        texts.append(shown if shown is not None else lines[line - 1].strip())

    before = lines[: block.start - 1]
    for n, raw in enumerate(before, 1):
        put(raw, n)
    for n, raw in reversed(list(enumerate(before, 1))):
        m = _NOTICE.search(raw)
        if m:
            name = m.group("n").strip(" |:：")
            put(row("项目名称", name), n, m.group(0))
            reviews.append(("name", f"项目名称按公示标题“{m.group(0)[:40]}”读取；请核对", n, m.group(0)))
            break
    for n, raw in enumerate(before, 1):
        amounts = _AMOUNT.findall(raw)
        if len(amounts) == 1:
            num, unit = amounts[0]
            put(row(f"项目本年度金额({unit})", num), n, f"资金{num}{unit}")
            reviews.append(("year_amount", f"项目本年度金额按公示文字“资金{num}{unit}”读取；请核对", n, f"资金{num}{unit}"))
        g = _GOAL.search(raw)
        if g:
            put(row("总体目标", g.group("g").strip()), n, g.group(0))
            reviews.append(("overall_goal", "总体目标按公示文字“总体绩效目标是：…”读取；请核对", n, g.group(0)[:80]))
        o = _OWNER.search(raw)
        if o:
            put(row("项目负责人", o.group("o")), n, o.group(0))
            reviews.append(("owner", f"项目负责人按公示文字“{o.group(0)}”读取；请核对", n, o.group(0)))
    put(row("一级指标", "二级指标", "三级指标", "指标值"), block.start)
    for k, i in enumerate(block.items):
        put(row(i.level1, i.level2 or "", i.name or "", i.target), i.line, f"{i.name or ''}{i.target}")
        reviews.append((f"indicators[{k}]", f"指标写在文字段落中，按“二级:名称 目标;”的写法拆分为: {i.level1} | "
                        f"{i.level2 or ''} | {i.name or '（无名称）'} | {i.target}；请核对", i.line,
                        f"{i.name or ''}{i.target}"))
    return Written("\n".join(out), src, texts, reviews)


def remap(table: ImportedTable, w: Written) -> ImportedTable:
    """A table read from the written grid, its lines put back to the source's, and every
    reading of the prose a review item (PROSE_SPLIT)."""
    def at(line: int | None) -> int | None:
        return w.source_line[line - 1] if line is not None and 0 < line <= len(w.source_line) else line

    table.first_line, table.last_line = at(table.first_line), at(table.last_line)
    table.notes = [Note(n.level, n.code, n.message, n.file, at(n.line), n.field, n.source, n.proposed)
                   for n in table.notes]
    added = [Note("warning", "PROSE_SPLIT", msg, table.file, line, fld, src) for fld, msg, line, src in w.reviews]
    table.notes.extend(added)
    table.provenance = {k: Location(loc.file, line=at(loc.line)) for k, loc in table.provenance.items()}
    table.explain = [(at(n), role, w.source_text[n - 1] if 0 < n <= len(w.source_text) else text)
                     for n, role, text in table.explain]
    if table.document is not None:
        review = [r.model_copy(update={"line": at(r.line)}) for r in table.document.review]
        review += [ReviewItem(code=n.code, field=n.field or "(document)", message=n.message, source=n.source,
                              line=n.line) for n in added]
        table.document = table.document.model_copy(update={"review": review})
    return table
