"""How much room text needs on a sheet: wrapped lines from the text's display width (CJK
counts double) and the cell's width, row heights in points, and the printed page.

Widths are Excel's: a column of width w (characters of the default font) is 7w + 5 pixels,
three quarters of a point each. Heights are points. Estimates err on the generous side so
that Excel (宋体) and LibreOffice (Noto CJK) both show the whole text.
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache

FONT_PT = 11.0
LINE_FACTOR = 16 / 11  # line pitch / font size: 16 pt a line of 11 pt in LibreOffice's PDF (Noto
                       # CJK); Excel's 宋体 needs 14.25
PAD_PT = 4.0        # top and bottom padding of a cell
CELL_PAD_PT = 2.0   # left and right padding of a cell's text
TAIL_SHARE = 0.4    # a last page holds at least this share of a page (of Excel's page; Calc,
                    # whose columns print a third wider, fits a third more on a page)
NARROW_EM = 0.6     # a half-width character (Latin, digits), in em

# kinsoku: never at the start of a line / never at the end of one
_NO_START = set("，。、；：？！）》」』】〕”’·…%％,.;:?!)]}")
_NO_END = set("（《「『【〔“‘([{")

A4 = (595.28, 841.89)
MARGIN_IN = {"left": 0.5, "right": 0.5, "top": 0.6, "bottom": 0.6, "header": 0.3, "footer": 0.3}


def col_pt(width: float) -> float:
    """Printed width of a column of Excel width `width` (Excel: 7w + 5 pixels at 96 dpi;
    LibreOffice prints the same column a third wider, so wrapping for Excel is safe for both)."""
    return (math.floor(width * 7 + 5) if width > 0 else 0) * 0.75


def span_pt(widths, first: int, last: int) -> float:
    """Width of columns first..last (1-based) in points."""
    return sum(col_pt(widths[c - 1]) if c - 1 < len(widths) else col_pt(9) for c in range(first, last + 1))


@lru_cache(maxsize=4096)
def _char_em(ch: str) -> float:
    from wcwidth import (
        wcwidth,  # loaded by the first text fitted, not by importing the workbook layer
    )

    w = wcwidth(ch)
    if w == 2 or unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if w <= 0:
        return 0.0
    return NARROW_EM


def display_width(text: str) -> int:
    """Display columns: a CJK character counts 2, a Latin letter 1."""
    return sum(2 if _char_em(c) == 1.0 else (1 if _char_em(c) else 0) for c in text)


def _tokens(paragraph: str) -> list[str]:
    """Units a line may break between: one CJK character, one word of Latin text, spaces;
    punctuation sticks to its neighbour as in Chinese typesetting."""
    tokens: list[str] = []
    word = ""
    for ch in paragraph:
        wide = _char_em(ch) == 1.0
        if ch == " " or wide:
            if word:
                tokens.append(word)
                word = ""
            if ch in _NO_START and tokens:
                tokens[-1] += ch
            elif tokens and tokens[-1][-1:] in _NO_END:
                tokens[-1] += ch
            else:
                tokens.append(ch)
        elif ch in _NO_START and not word and tokens:
            tokens[-1] += ch
        else:
            if not word and tokens and tokens[-1][-1:] in _NO_END:
                word = tokens.pop()
            word += ch
    if word:
        tokens.append(word)
    return tokens


def wrapped_lines(text: str | None, width_pt: float, font_pt: float = FONT_PT) -> int:
    """Lines the text takes in a wrapping cell of width_pt points."""
    if text is None or text == "":
        return 1
    avail = max(width_pt - 2 * CELL_PAD_PT, font_pt) / font_pt  # in em
    if len(text) <= avail and "\n" not in text:  # no character is wider than an em
        return 1
    total = 0
    for para in str(text).split("\n"):
        lines, used = 1, 0.0
        for tok in _tokens(para):
            w = sum(_char_em(c) for c in tok)
            if used + w <= avail or (tok == " "):
                used += w
                continue
            if w > avail:  # a word longer than the line: broken where it must
                for c in tok:
                    cw = _char_em(c)
                    if used + cw > avail:
                        lines, used = lines + 1, 0.0
                    used += cw
                continue
            lines, used = lines + 1, w
        total += lines
    return total


def height_for_lines(lines: int, font_pt: float = FONT_PT) -> float:
    return round(lines * font_pt * LINE_FACTOR + PAD_PT, 1)


@lru_cache(maxsize=65536)
def text_height(text, width_pt: float, font_pt: float = FONT_PT) -> float:
    return min(409.0, height_for_lines(wrapped_lines(text, width_pt, font_pt), font_pt))


def row_height(values, widths) -> float:
    """Height of a row of single-column cells (widths in Excel units) showing each whole."""
    return max((text_height(str(v), col_pt(w)) for v, w in zip(values, widths, strict=False)
                if v is not None and w), default=height_for_lines(1))


# -- the printed page ---------------------------------------------------------------------
def printable(orientation: str) -> tuple[float, float]:
    w, h = A4 if orientation == "portrait" else A4[::-1]
    m = MARGIN_IN
    return w - (m["left"] + m["right"]) * 72, h - (m["top"] + m["bottom"]) * 72


def fit_scale(widths, orientation: str) -> float:
    """The zoom that fits the columns to one page wide, as Excel and LibreOffice pick it:
    a whole percentage, at most 100."""
    page_w, _h = printable(orientation)
    total = sum(col_pt(w) for w in widths)
    return min(100, math.floor(100 * page_w / total)) / 100 if total else 1.0


def fits_one_page(heights: list[float], orientation: str, widths, least_scale: float = 0.8) -> bool:
    """Whether the sheet fits one page when shrunk to no less than `least_scale` of its
    fit-to-width size (a form a few rows longer than a page prints on one)."""
    _w, page_h = printable(orientation)
    return sum(heights) * fit_scale(widths, orientation) * least_scale <= page_h * 0.97


def page_breaks(heights: list[float], breakable: list[bool], orientation: str, widths,
                title_rows: int = 2, safety: float = 0.96) -> list[int]:
    """Rows (1-based) that start a new page.

    heights[i] and breakable[i] are those of row i + 1; a page may start at a breakable row
    only (never a table header alone at the bottom of a page, never a heading without what
    it heads). Pages are filled; when the last page would hold a handful of rows the break
    before it moves up to the section boundary that evens the two pages out.
    """
    _w, page_h = printable(orientation)
    cap = page_h / fit_scale(widths, orientation) * safety
    titles = sum(heights[:title_rows])
    n = len(heights)
    breaks: list[int] = []
    start, used = 0, 0.0
    i = 0
    while i < n:
        h = heights[i]
        limit = cap - (titles if breaks else 0)
        if used + h > limit and i > start:
            b = next((j for j in range(i, start, -1) if breakable[j]), i)
            breaks.append(b + 1)
            start, used = b, sum(heights[b:i])
            continue
        used += h
        i += 1
    if breaks:
        _balance_tail(breaks, heights, breakable, cap - titles, cap if len(breaks) == 1 else cap - titles)
    return breaks


def _balance_tail(breaks, heights, breakable, cap_last, cap_prev) -> None:
    last = breaks[-1] - 1
    prev_start = breaks[-2] - 1 if len(breaks) > 1 else 0
    tail = sum(heights[last:])
    if tail >= TAIL_SHARE * cap_last:
        return
    best, best_score = last, min(sum(heights[prev_start:last]) / cap_prev, tail / cap_last)
    for j in range(last - 1, prev_start, -1):
        if not breakable[j]:
            continue
        page, rest = sum(heights[prev_start:j]), sum(heights[j:])
        if rest > cap_last:
            break
        score = min(page / cap_prev, rest / cap_last)
        if score > best_score:
            best, best_score = j, score
    breaks[-1] = best + 1
