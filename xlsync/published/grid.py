"""The grid stage: a table's lines → its rows of cells, before any meaning is given.

Plain data in, plain data out: the table's lines and the form's vocabulary give a `Grid` —
rows of cells with their line numbers and how the table was laid out (cells in rows, one
cell per line, or text without any cell borders). A category cell wrapped over two rows
('项目完成' | '指标') is one cell again. What the rows mean is decided by the later stages
(`xlsync.published.facts`, `xlsync.published.indicators`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cells import HOLE, Cell, join_wrapped, split_rows
from .runtogether import is_run_together
from .vocab import Vocab, norm


@dataclass(frozen=True)
class Grid:
    """A table's cells.

    `kind` is 'cells' (rows of cells: `rows`) or 'run-together' (text without cell borders,
    e.g. a scanned page read by OCR: `text`, starting on `text_line`, after the page header
    lines `header`). `mode` is how the cells were separated (tabs, pipes, spaces, pipe-cells,
    paragraphs); `stream` says each row holds one cell (rows are not records); `open_end` that
    the text stops inside a cell or a row."""

    kind: str
    rows: tuple[tuple[Cell, ...], ...] = ()
    mode: str = "rows"
    stream: bool = False
    open_end: bool = False
    header: tuple[tuple[int, str], ...] = ()  # (line, text) before text without cell borders
    text: str = ""
    text_line: int = 0


def build_grid(lines: list[str], first: int, v: Vocab) -> Grid:
    """The grid of a table whose first line is line `first` (1-based)."""
    body = [ln for ln in lines if ln.strip() and ln != HOLE]
    at = next((k for k, ln in enumerate(body[:4]) if is_run_together(ln, v)), None)
    if at is not None:  # text without cell borders (after a line or two of page header)
        return Grid("run-together", header=tuple((first + lines.index(ln), ln.strip()) for ln in body[:at]),
                    text="\n".join(ln.strip() for ln in body[at:]), text_line=first + lines.index(body[at]))
    cells = split_rows(lines, first)
    rows = cells.rows if cells.stream else join_wrapped(cells.rows, lambda a, b: wrapped_category(v, a, b))
    return Grid("cells", tuple(tuple(r) for r in rows), cells.mode, cells.stream, cells.open_end)


def wrapped_category(v: Vocab, a: str, b: str) -> bool:
    """'项目完成' | '指标': a category cell wrapped over two rows."""
    a, b = norm(a), norm(b)
    return b in ("指标", "目标") and (not v.looks_like_category(a) or v.is_category(a + b)) \
        and v.label(a + b)[0] is None \
        and len(a) <= 10 and v.looks_like_category(a + b) and not re.search(r"[\d%]", a)
