"""The grid stage: a table's lines → its rows of cells, before any meaning is given.

Plain data in, plain data out: the table's lines and the form's vocabulary give a `Grid` —
rows of cells with their line numbers and how the table was laid out (cells in rows, one
cell per line, or text without any cell borders). A category cell wrapped over two rows
('项目完成' | '指标') is one cell again. What the rows mean is decided by the later stages
(`xlsync.published.facts`, `xlsync.published.indicators`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..forms import reading
from .cells import HOLE, Cell, join_wrapped, split_rows
from .runtogether import fuzzy_label, is_run_together, split_facts, split_indicators
from .vocab import Vocab, norm


@dataclass(frozen=True)
class GridNote:
    """What the grid stage says about a row it cut (the reader adds the file)."""

    level: str
    code: str
    message: str
    line: int
    field: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class RunRow:
    """A row cut out of text without cell borders: its cells; `bound` when each value belongs
    to the label just before it (the labelled fields), `keep_empty_target` for an indicator row
    whose target is known to be empty, and the notes to say before the row is read."""

    cells: tuple[Cell, ...]
    bound: bool
    keep_empty_target: bool = False
    notes: tuple[GridNote, ...] = ()


@dataclass(frozen=True)
class Grid:
    """A table's cells.

    `kind` is 'cells' (rows of cells: `rows`) or 'run-together' (text without cell borders,
    e.g. a scanned page read by OCR, cut into `runs` at the form's labels, category words and
    the shapes of targets). `mode` is how the cells were separated (tabs, pipes, spaces,
    pipe-cells, paragraphs); `stream` says each row holds one cell (rows are not records);
    `open_end` that the text stops inside a cell or a row. `notes` are said before the rows
    are read, `notes_after` after them."""

    kind: str
    rows: tuple[tuple[Cell, ...], ...] = ()
    mode: str = "rows"
    stream: bool = False
    open_end: bool = False
    runs: tuple[RunRow, ...] = ()
    notes: tuple[GridNote, ...] = ()
    notes_after: tuple[GridNote, ...] = ()


def build_grid(lines: list[str], first: int, v: Vocab) -> Grid:
    """The grid of a table whose first line is line `first` (1-based)."""
    body = [ln for ln in lines if ln.strip() and ln != HOLE]
    at = next((k for k, ln in enumerate(body[:4]) if is_run_together(ln, v)), None)
    if at is not None:  # text without cell borders (after a line or two of page header)
        header = [GridNote("info", "HEADER_TEXT", f"表头的说明文字（未导入）: {ln.strip()[:60]}", first + lines.index(ln))
                  for ln in body[:at]]
        return _run_together("\n".join(ln.strip() for ln in body[at:]), first + lines.index(body[at]), v, header)
    cells = split_rows(lines, first)
    rows = cells.rows if cells.stream else join_wrapped(cells.rows, lambda a, b: wrapped_category(v, a, b))
    return Grid("cells", tuple(tuple(r) for r in rows), cells.mode, cells.stream, cells.open_end)


def _run_together(text: str, line: int, v: Vocab, header: list[GridNote]) -> Grid:
    """Text without cell borders → rows: the facts cut at the form's labels (a label misread
    by OCR corrected when close), the indicator part (from its 一级指标 header) cut at the
    category words and the shapes of targets (`xlsync.published.runtogether`)."""
    notes = [*header, GridNote("warning", "RUN_TOGETHER", "这段文字没有单元格分隔（可能是识别出的扫描件），已按标签和指标类别拆分；"
                               "请核对拆分结果", line, "(document)", text[:200])]
    cut = None
    head = next((h for h, role in v.headers.items() if role == "level1"), None)  # the form's first 一级 header
    for m in re.finditer(re.escape(head), text) if head else ():
        cut = m.start()
        break
    facts, inds = (text[:cut], text[cut:]) if cut is not None else (text, "")
    runs: list[RunRow] = []
    for piece, is_label in split_facts(facts, v):
        said: tuple[GridNote, ...] = ()
        if is_label and v.label(piece)[0] is None and not v.is_funding(piece):
            real = fuzzy_label(piece, v)
            if real:
                said = (GridNote("warning", "LABEL_CORRECTED", f"“{piece}”按“{real}”读取（疑为识别错误）", line,
                                 v.label(real)[0].key if v.label(real)[0] else None, piece),)
                piece = real
        if not is_label:  # ':10其中:' → '10' (the colon of the label before, the 其中 of the source after)
            piece = reading.regex("of_which_after_value").sub("", re.sub(r"^\s*[:：]\s*", "", piece)).strip()
            if not piece:
                continue
        runs.append(RunRow((Cell(piece, line),), True, notes=said))
    after: tuple[GridNote, ...] = ()
    if inds:
        words = "|".join(re.escape(h) for h in sorted(v.headers, key=len, reverse=True) if len(h) >= 2)
        m = re.match(f"((?:{words})+)", inds)
        header_end = len(m.group(1) if m else "")
        runs.append(RunRow(tuple(Cell(c, line) for c in re.findall(words, inds[:header_end])), False))
        for cells in split_indicators(inds[header_end:], v):
            runs.append(RunRow(tuple(Cell(c, line) for c in cells if c != "") or (Cell("", line),), False,
                               keep_empty_target=len(cells) >= 2 and cells[-1] == ""))
        after = (GridNote("warning", "SPLIT_GUESSED", "三级指标与目标值之间没有分隔，按目标值的写法拆分；请核对", line,
                          "indicators", inds[:200]),)
    return Grid("run-together", runs=tuple(runs), notes=tuple(notes), notes_after=after)


def wrapped_category(v: Vocab, a: str, b: str) -> bool:
    """'项目完成' | '指标': a category cell wrapped over two rows."""
    a, b = norm(a), norm(b)
    return b in reading.words("category_endings") and (not v.looks_like_category(a) or v.is_category(a + b)) \
        and v.label(a + b)[0] is None \
        and len(a) <= 10 and v.looks_like_category(a + b) and not re.search(r"[\d%]", a)
