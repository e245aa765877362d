"""Published-table text → cells.

Text comes out of PDF, Word and web pages in many shapes. Each line is cut into cells by the
strongest separator it has: tabs, `|` pipes (markdown tables, ` | ` rows; a run of pipes is
one separator, so empty cells vanish), runs of spaces, or single spaces (then the pieces are
*soft*: the reader may join neighbours that belong together). Two shapes hold one cell per
line instead of one row per line — every cell closed by ` |` (a cell may then run over
several lines), or cells as paragraphs between blank lines — and are read as a *stream* of
cells. Markup (`<p>`, `<b>`, markdown headings) is removed. Every cell keeps its line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .memo import per_text

_TAG_RE = re.compile(r"</?(?:b|strong|span|font|i|u|em|td|th|tr|div)\b[^>]*>", re.I)
_PARA_RE = re.compile(r"</p>\s*<p[^>]*>|<br\s*/?>", re.I)
_HEADING_RE = re.compile(r"^\s*#{1,6}\s+")
_RULE_RE = re.compile(r"^[\s|:\-–—=+]+$")
# marks a row of a table whose cells a file knows (xlsync.published.files.astext): its separators
# give each cell's column (empty cells counted), which a text copied from a page cannot be trusted with
GRID = "\ue001"
_SPACES = str.maketrans({GRID: "", "\u00a0": " ", "\u3000": " ", "\u2002": " ", "\u2003": " ", "\u200b": ""})


@dataclass
class Cell:
    text: str  # '' for an explicitly empty cell
    line: int  # the line it starts on (1-based)
    soft: bool = False  # joined to the cell before it by a single space only
    col: int | None = None  # its column among the row's separators (tabs, pipes), empty cells counted
    ncols: int | None = None  # how many columns the row's separators make


@dataclass
class Cells:
    """The cells of a stretch of text: rows of cells, and how to read them."""

    rows: list[list[Cell]] = field(default_factory=list)
    stream: bool = False  # one cell per row: rows are not records
    mode: str = "rows"  # tabs | pipes | spaces | pipe-cells | paragraphs
    open_end: bool = False  # the text stops inside a cell or a row (no closing separator)


@per_text(1 << 16)  # tables repeat their cells (xlsync.published.memo)
def clean_text(text: str) -> str:
    """Remove markup; paragraphs joined by newline; each paragraph stripped."""
    if "<" not in text and "&" not in text and "\n" not in text:
        return text.translate(_SPACES).strip()
    text = _PARA_RE.sub("\n", text)
    text = re.sub(r"</?p[^>]*>", "", text, flags=re.I)
    text = html.unescape(_TAG_RE.sub("", text))
    paras = [p.strip() for p in text.translate(_SPACES).split("\n")]
    return "\n".join(p for p in paras if p)


@per_text()
def plain_line(line: str) -> str:
    """A line as text, without markup, pipes, tabs or heading marks (for titles)."""
    text = clean_text(_HEADING_RE.sub("", line.replace("\t", " ")))
    return re.sub(r"\s*\|\s*", " ", text).strip()


def is_rule(line: str) -> bool:
    """A markdown table rule or decoration line (`|---|---|`, `====`)."""
    return bool(line.strip()) and bool(_RULE_RE.match(line)) and sum(c in "-–—=" for c in line) >= 3


def _inner_pipes(line: str) -> int:
    return line.strip().strip("|").count("|")


HOLE = "\x1f"  # a line already read (a title): neither content nor a blank line


def detect_mode(lines: list[str]) -> str:
    """The shape of a stretch of lines (see the module docstring)."""
    lines = [ln for ln in lines if ln != HOLE]
    body = [ln for ln in lines if ln.strip() and not is_rule(ln)]
    if not body:
        return "spaces"
    n = len(body)
    if sum("\t" in ln for ln in body) >= max(2, n // 5):
        return "tabs"
    closed = sum(ln.rstrip().endswith("|") for ln in body)
    inner = sum(_inner_pipes(ln) > 0 for ln in body)
    if closed >= 0.6 * n and inner <= 0.1 * n:
        return "pipe-cells"
    if inner >= max(2, n // 5):
        return "pipes"
    blank = sum(1 for ln in lines if not ln.strip(" \t"))
    if blank >= 0.4 * n and n >= 4:
        return "paragraphs"
    return "spaces"


def _split_spaces(text: str, line: int, hard_gap: int) -> list[Cell]:
    """Cells separated by `hard_gap`+ spaces; the pieces of each split on single spaces soft."""
    out: list[Cell] = []
    for hard in re.split(" {" + str(hard_gap) + ",}", text.strip()):
        if not hard:
            continue
        for i, piece in enumerate(hard.split(" ")):
            if piece:
                out.append(Cell(piece, line, soft=i > 0))
    return out


def _row_cells(raw: str, n: int, mode: str) -> list[Cell]:
    return [Cell(text, n, soft, col, ncols) for text, soft, col, ncols in _row_parts(raw, mode)]


@per_text()  # tables repeat their rows (labels, indicator rows)
def _row_parts(raw: str, mode: str) -> tuple[tuple[str, bool, int | None, int | None], ...]:
    return tuple((c.text, c.soft, c.col, c.ncols) for c in _split_row(raw, 0, mode))


def _split_row(raw: str, n: int, mode: str) -> list[Cell]:
    line = _HEADING_RE.sub("", raw.translate(_SPACES).rstrip("\r\n"))
    if mode == "tabs" or "\t" in line:
        parts = line.split("\t")
    elif "|" in line:
        parts = line.split("|")
    else:
        cells = _split_spaces(clean_text(line).replace("\n", " "), n, 2)
        return cells
    grid = raw.startswith(GRID)
    if mode != "tabs" and "\t" not in line:  # pipes: an outer pipe closes a row, it opens no cell
        stripped = line.strip()
        if stripped.endswith("|"):
            parts = parts[:-1]
            if stripped.startswith("|"):
                parts = parts[1:]
    cells = []
    for k, part in enumerate(parts):
        text = clean_text(part)
        if text:
            cells.append(Cell(text, n, col=k, ncols=len(parts)) if grid else Cell(text, n))
    return cells


def split_rows(lines: list[str], first: int, mode: str | None = None) -> Cells:
    """Cells of `lines` (numbered from `first`)."""
    mode = mode or detect_mode(lines)
    out = Cells(mode=mode, stream=mode in ("pipe-cells", "paragraphs"))
    lines = ["" if ln == HOLE else ln for ln in lines]
    if mode == "pipe-cells":
        pending: list[str] = []
        start = first
        closed = False  # lines before the first closed cell stand alone (a page's preamble)
        for i, raw in enumerate(lines):
            text = raw.translate(_SPACES).strip()
            if not pending:
                start = first + i
            if not text and not pending:
                continue
            if text and not text.strip("| "):  # a line holding only separators: empty cells, never content
                pipes = text.count("|")
                if pending:
                    out.rows.append([Cell(clean_text("".join(pending)), start)])
                    pending, pipes = [], pipes - 1
                out.rows.extend([Cell("", first + i)] for _ in range(pipes))
                closed = True
                continue
            if text.endswith("|"):
                run = re.search(r"\s*\|[\s|]*$", text)  # '指标值 | |': the cell, then empty cells
                pending.append(text[:run.start()].strip())
                out.rows.append([Cell(clean_text("".join(pending)), start)])
                out.rows.extend([Cell("", first + i)] for _ in range(run.group(0).count("|") - 1))
                pending = []
                closed = True
            elif text and not closed:
                out.rows.append([Cell(clean_text(text), first + i)])
            elif text:
                pending.append(text)
        if pending:
            out.rows.append([Cell(clean_text("".join(pending)), start)])
            out.open_end = True
        return out
    if mode == "paragraphs":
        para: list[str] = []
        start = first
        for i, raw in enumerate(lines + [""]):
            text = raw.translate(_SPACES)
            if raw == "" or raw.strip("\r\n") == "":
                if para:
                    out.rows.append([Cell(clean_text("\n".join(para)), start)])
                    para = []
                continue
            if not text.strip():  # a line of spaces: an empty cell
                if para:
                    out.rows.append([Cell(clean_text("\n".join(para)), start)])
                    para = []
                out.rows.append([Cell("", first + i)])
                continue
            if not para:
                start = first + i
            pieces = [p for p in re.split(r" {4,}", text.strip()) if p]
            if len(pieces) > 1 and not para:  # cells side by side in one paragraph line
                for p in pieces:
                    out.rows.append([Cell(clean_text(p), first + i)])
                continue
            para.append(text.strip())
        return out
    closed_rows = 0
    for i, raw in enumerate(lines):
        if not raw.strip() or is_rule(raw):
            continue
        cells = _row_cells(raw, first + i, mode)
        if cells:
            out.rows.append(cells)
            closed_rows += raw.rstrip().endswith("|")
    if mode == "pipes" and out.rows:
        last = next(raw for raw in reversed(lines) if raw.strip())
        out.open_end = closed_rows >= 2 and not last.rstrip().endswith("|")
    if mode == "spaces" and out.rows and sum(len(r) == 1 for r in out.rows) >= 0.7 * len(out.rows):
        out.stream = True  # one cell per line, without markers
        out.rows = [[Cell(" ".join(c.text for c in r), r[0].line)] for r in out.rows]
    return out


def join_wrapped(rows: list[list[Cell]], wraps: Callable[[str, str], bool]) -> list[list[Cell]]:
    """Cells wrapped over two rows joined again: a row ending in the first part of a word
    ('项目完成', '社会效益') and the next row beginning with its rest ('指标'). `wraps(a, b)` says
    whether a + b is one word that a alone is not (the form's vocabulary decides)."""
    out: list[list[Cell]] = []
    for row in rows:
        row = list(row)
        if out and out[-1] and row and row[0].text and out[-1][-1].text and wraps(out[-1][-1].text, row[0].text):
            last = out[-1][-1]
            out[-1][-1] = Cell(last.text + row[0].text, last.line, last.soft)
            row = row[1:]
            if not row:
                continue
        out.append(row)
    return out
