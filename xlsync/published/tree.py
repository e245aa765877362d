"""An indented tree turned into grid rows (a stage before the cell grid).

Some systems print a 批复表 as a tree, one cell per paragraph, the hierarchy shown only by
leading spaces (columns `项目 | 指标值 | 绩效金额`):

     石嘴山市疾病预防控制中心          ← a heading (the unit)
      狂犬、乙肝、流感等疫苗…          ← a heading (the project)
    3000000                          ← its value in the next column (the amount)
       产出指标                        ← 一级
        成本指标(必填硬性指标)          ← 二级, with a form annotation
         按照物价部门定价标准采购        ← 三级
    100%                             ← its value (the target)

Depth is a column: the depth at which the known 一级 words stand is the 一级 column, the
depth of the known 二级 words the 二级 column, anything deeper a 三级 name, anything
shallower a heading above the indicators (the deepest heading is the project, the ones above
it the unit), an unindented line the value of the node just above it. `untree` takes a
table's lines and returns lines of the same count (so every note still names its source
line) in the shape the grid reader reads: labelled field rows for the headings and an
indicator table with one row per 三级 name, the level lines and value lines left blank.

What the layout shows plainly (a known level word at its level's depth, a value under its
name) is read plainly; every other inference — which heading is the unit, which the project,
that the project's value is the year's amount, an unknown word taken as a level by its depth —
is a review item (`TREE_GUESSED`). A level cell's annotation ('(必填硬性指标)', like a score
'(20分)') is not part of the level's name: it is taken off and named in a note
(`LEVEL_ANNOTATION`), never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..forms import reading
from .cells import GRID, HOLE
from .vocab import Vocab, norm, split_unit

# a bracketed suffix on a level cell: '成本指标(必填硬性指标)', '产出指标（50分）'
_SUFFIX = re.compile(r"^(?P<word>.+?)\s*[(（](?P<note>[^()（）]{1,16})[)）]\s*分?$")
# a cell that cannot be one paragraph of a tree: cell separators or a wide gap inside it
_MULTI = re.compile(r"\t|\||\S\s{2,}\S")


@dataclass(frozen=True)
class TreeNote:
    level: str
    code: str
    message: str
    line: int
    field: str | None = None
    source: str | None = None


@dataclass
class Tree:
    """What untree made of a table: its new lines, notes, and each line's role (--explain)."""

    lines: list[str]
    notes: list[TreeNote]
    marks: dict[int, str]
    projects: list[set[int]]  # the line indices of each project (its headings, levels, rows)


def row(*cells: str) -> str:
    """A grid row as the file readers write it: its cells keep their columns (an empty cell
    stays a cell)."""
    return GRID + " | ".join(cells)


def indent(raw: str) -> int:
    """Leading white space in columns: a space 1, a full-width space 2, a tab 4."""
    n = 0
    for ch in raw:
        if ch == " " or ch == "\xa0":
            n += 1
        elif ch == "\u3000":
            n += 2
        elif ch == "\t":
            n += 4
        else:
            break
    return n


def level_word(text: str, v: Vocab) -> tuple[str, str | None]:
    """A cell read as a level: (the level word, the annotation taken off it or None)."""
    t = norm(text)
    m = _SUFFIX.match(t)
    if m and (v.is_category(m.group("word")) or v.looks_like_category(m.group("word"))):
        return m.group("word"), m.group("note")
    return t, None


def _level(text: str, v: Vocab) -> int:
    """1 or 2 for a known 一级/二级 word (annotation taken off), 3 for a word some framework
    has at either level (成本指标), else 0."""
    word, _note = level_word(text, v)
    return (1 if word in v.level1 else 0) | (2 if word in v.level2 else 0)


def _depth(depths: list[int]) -> int | None:
    """The depth where a level's words stand: the one holding clearly most of them (a 三级
    name may repeat a level word, '服务对象满意度'), None when no depth does."""
    if not depths:
        return None
    best = max(set(depths), key=depths.count)
    return best if depths.count(best) * 3 >= len(depths) * 2 else None


def _label_for(v: Vocab, key: str, prefer: tuple[str, ...]) -> str | None:
    """A label of the form that reads back as `key` (the preferred spellings first)."""
    for lb in (*prefer, *v.labels):
        lab, _unit = v.label(lb)
        if lab is not None and lab.key == key and lab.loose is None:
            return lb
    return None


def untree(lines: list[str], first: int, v: Vocab) -> Tree | None:
    """The table's lines with an indented tree turned into grid rows; None when the lines
    hold no such tree (then nothing is changed)."""
    rows = []  # (index, indent, text) of the non-blank lines
    inline: dict[int, str] = {}  # a node printed with its value on its line ('  疫苗使用率    100%')
    for k, raw in enumerate(lines):
        if raw == HOLE or not raw.strip():
            continue
        d, text = indent(raw), raw.strip()
        cells = [c.strip() for c in re.split(r"\t|\||\s{2,}", text) if c.strip()]
        if d > 0 and len(cells) == 2 and len(cells[1]) <= 24:
            text, inline[k] = cells
        rows.append((k, d, text))
    single = [(k, d, t) for k, d, t in rows if d > 0 and not _MULTI.search(t)]
    d1 = _depth([d for _k, d, t in single if _level(t, v) == 1])
    d2 = _depth([d for _k, d, t in single if _level(t, v) == 2])
    if d1 is None or d2 is None or d2 <= d1:
        return None
    n2 = sum(1 for _k, d, t in single if d == d2)
    deep = sum(1 for _k, d, _t in single if d > d2)
    if n2 < 2 or deep < 2:
        return None
    dn = min(d for _k, d, _t in single if d > d2)  # the names' depth (a value may stand deeper)
    # the tree: from the first indented single cell above the first 一级 to the last value
    k1 = next(k for k, d, _t in single if d == d1)
    j = next(i for i, r in enumerate(rows) if r[0] == k1) - 1
    start = k1
    while j >= 0:
        k, d, text = rows[j]
        if 0 < d < d1 and not _MULTI.search(text):
            start = k  # a heading above the indicators
        elif not (d == 0 and j > 0 and 0 < rows[j - 1][1] < d1):
            break  # (an unindented line under a heading is its value)
        j -= 1
    out = list(lines)
    notes: list[TreeNote] = []
    marks: dict[int, str] = {}
    # pass 1: the nodes in order, each value under the node just above it
    heads: list[tuple[int, int, str]] = []  # headings above indicators: (index, depth, text)
    values: dict[int, tuple[int, str]] = {}  # node index → (value index, value)
    names: dict[int, tuple[str | None, str | None, str]] = {}  # 三级 rows: index → (一级, 二级, name)
    levels: list[int] = []  # level lines (their words go into the rows below them)
    order: list[tuple[str, int]] = []  # (kind, index) in text order
    l1 = l2 = None
    last: tuple[str, int] | None = None  # the node awaiting its value
    deeper: int | None = None  # the name whose value was a line deeper than the names
    for k, d, text in (r for r in rows if r[0] >= start):
        line = first + k
        if last is not None and last[1] in inline:
            last = None  # its value stood on its own line
        if k in inline:
            values[k] = (k, inline[k])
        if d == 0 or d > dn or _MULTI.search(text):  # unindented, or deeper than the names: a value
            if last is None and d == 0 and deeper is not None:  # the deeper line was the name's wrapped
                at, (vk, more) = deeper, values[deeper]  # end, this its value
                c1, c2, name = names[at]
                names[at] = (c1, c2, name + more)
                marks[first + vk] = "树形表: 上一行的续行"
                notes.append(TreeNote("info", "LINE_JOINED", f"“{more}”是三级指标“{name}”的续行，已合并", first + vk))
                last = ("name", at)
            if last is None or last[0] == "level" or _MULTI.search(text):
                break  # the tree ends: a line that is no node's value
            values[last[1]] = (k, text)
            deeper = last[1] if d > dn and last[0] == "name" else None
            out[k] = ""
            marks[line] = "树形表: 上一行的值"
            last = None
            continue
        deeper = None
        if d < d1:
            heads.append((k, d, text))
            order.append(("head", k))
            l1 = l2 = None
            last = ("head", k)
            continue
        if d1 < d < d2:
            break  # a depth between the two level columns: not a tree this reader knows
        if d > d2:
            names[k] = (l1, l2, text)
            order.append(("name", k))
            last = ("name", k)
            continue
        word, ann = level_word(text, v)
        if ann is not None:
            notes.append(TreeNote("info", "LEVEL_ANNOTATION", f"指标类别“{text}”中的说明“{ann}”不计入名称，"
                                  f"按“{word}”读取", line, source=text))
        which = "一" if d == d1 else "二"
        if not _level(text, v) & (1 if d == d1 else 2):  # (its depth settles a two-level word)
            notes.append(TreeNote("warning", "TREE_GUESSED", f"“{text}”不是{which}级指标的常用名称，按缩进位置读作"
                                  f"{which}级指标；请核对", line, "indicators", text))
        if d == d1:
            l1, l2 = word, None
        else:
            l2 = word
        levels.append(k)
        order.append(("level", k))
        marks[line] = f"树形表: {which}级指标 {word}"
        last = ("level", k)
    if not names or not levels:
        return None
    # pass 2: the headings. The one just above the first 一级 is a project; a heading at its
    # depth opens the next project; the depths above it are the unit, then the department.
    first_level = next(k for kind, k in order if kind == "level")
    above = [h for h in heads if h[0] < first_level]
    project_depth = above[-1][1] if above else None
    upper = sorted({d for _k, d, _t in heads if project_depth is not None and d < project_depth}, reverse=True)
    key_of = {project_depth: "name", **{d: key for d, key in zip(upper, ("unit_name", "department_name"),
                                                                    strict=False)}}
    label = {key: _label_for(v, key, (pref,)) for key, pref in (
        ("name", "项目名称"), ("unit_name", "单位名称"), ("department_name", "主管部门"),
        ("year_amount", "项目本年度金额"))}
    what_zh = {"name": "项目名称", "unit_name": "单位名称", "department_name": "主管部门"}
    projects: list[set[int]] = []
    context: dict[int, set[int]] = {}  # an open heading's depth → its lines
    current: set[int] | None = None
    header_done = False
    for kind, k in order:
        line = first + k
        if kind == "head":
            _k, d, text = next(h for h in heads if h[0] == k)
            key = key_of.get(d)
            mine = {k} | ({values[k][0]} if k in values else set())
            if key is None or label[key] is None:
                out[k] = ""
                marks[line] = "树形表: 未归属的一层"
                notes.append(TreeNote("warning", "LINE_UNPLACED", f"树形表中缩进的“{text}”不是单位或项目，未导入",
                                      line, "(document)", text))
                if k in values and values[k][0] != k:
                    out[values[k][0]] = lines[values[k][0]]
                continue
            out[k] = row(label[key], text)
            marks[line] = f"树形表: {what_zh[key]}"
            notes.append(TreeNote("warning", "TREE_GUESSED", f"树形表中缩进的“{text}”按{what_zh[key]}读取（依缩进"
                                  "层次推断）；请核对", line, key, text))
            for dd in [dd for dd in context if dd >= d]:
                del context[dd]
            if k in values and key == "name" and label["year_amount"]:
                vk, value = values[k]
                out[vk] = row(label["name"], text, label["year_amount"], value) if vk == k else \
                    row(label["year_amount"], value)
                marks[first + vk] = "树形表: 项目本年度金额" if vk != k else "树形表: 项目名称与本年度金额"
                notes.append(TreeNote("warning", "TREE_GUESSED", f"项目“{text}”下一行的“{value}”按项目本年度金额读取"
                                      "（树形表金额栏）；请核对", first + vk, "year_amount", value))
            elif k in values:  # a unit's own total: not a field of any project
                vk, value = values[k]
                out[vk] = "" if vk != k else out[k]
                if vk != k:
                    marks[first + vk] = "树形表: 上级的金额（未导入）"
                notes.append(TreeNote("warning", "LINE_UNPLACED", f"树形表中“{text}”下一行的“{value}”是上级的金额，"
                                      "不属于某个项目，未导入", first + vk, "(document)", value))
            if key == "name":
                current = set().union(mine, *context.values())
                projects.append(current)
                header_done = False
            else:
                context[d] = mine
            continue
        if current is None:  # indicators before any project heading: one project, no heading
            current = set().union(*context.values())
            projects.append(current)
        current.add(k)
        if kind == "level":
            out[k] = "" if header_done else row("一级指标", "二级指标", "三级指标", "指标值")
            header_done = True
        else:
            c1, c2, text = names[k]
            out[k] = row(c1 or "", c2 or "", text, values.get(k, (None, ""))[1])
            marks[line] = f"树形表: 三级指标 {text}"
            if k in values:
                current.add(values[k][0])
    # the tree's own column header printed one cell per line just above it ('项目', '指标值', …)
    cols = []
    for k, d, text in reversed([r for r in rows if r[0] < start]):
        t = norm(text)
        if d == 0 and len(t) <= 6 and not re.search(r"[\d:]", t) and v.label(t)[0] is None and not _MULTI.search(text):
            cols.append((k, text))
        else:
            break
    cols.reverse()
    if len(cols) >= 2 and any(v.header_role(t) or any(w in t for w in reading.words("amount_column_words")) for _k, t in cols):
        for k, text in cols:
            unit = split_unit(norm(text))[1]  # '金额(万元)': the unit of the amounts in its column
            out[k] = f"单位：{unit}" if unit else ""
            marks[first + k] = "树形表: 栏目名"
        notes.append(TreeNote("info", "TREE_READ", "缩进的树形表（栏目 " + " | ".join(t for _k, t in cols)
                              + "）按层次读作指标表：缩进层次即栏目", first + cols[0][0]))
    else:
        notes.append(TreeNote("info", "TREE_READ", "缩进的树形表按层次读作指标表：缩进层次即栏目", first + start))
    return Tree(out, notes, marks, projects)


def others(tree: Tree, k: int) -> set[int]:
    """The line indices of the projects other than the k-th (of a tree of several)."""
    if not tree.projects:
        return set()
    return set().union(*(p for j, p in enumerate(tree.projects) if j != k)) - tree.projects[k]


def project_lines(tree: Tree, k: int) -> list[str]:
    """The lines of the k-th project of a tree of several: the other projects' lines blank
    (line numbers kept), the lines outside every project (title, page, column header) kept."""
    skip = others(tree, k)
    return ["" if i in skip else ln for i, ln in enumerate(tree.lines)]
