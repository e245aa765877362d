"""Text with no cell borders at all (OCR of a scanned table: `项目名称雾炮车…项目类型新增项目…`).

Cells are recovered from what the form knows: labels cut the facts into label/value pairs,
category names cut the indicator part into rows, and each row's remaining text is split into
三级指标 and 目标值 at the target's start (an operator or number with its unit at the end, or
a qualitative target word). Every split made here is a guess the import report names.
"""

from __future__ import annotations

import re

from ..forms import reading
from .memo import short
from .vocab import Vocab, norm

MIN_LENGTH = 60  # a line this long holding several labels and no separators


def is_run_together(line: str, vocab: Vocab) -> bool:
    t = line.strip()
    if len(t) < MIN_LENGTH or "\t" in t or "|" in t or re.search(r"\s{2,}", t):
        return False
    key = ("is_run_together", t)  # remembered per vocabulary (Vocab.memo): files repeat their lines
    if key in vocab.memo:
        return vocab.memo[key]
    compact = norm(t)
    found = sum(1 for lb in vocab.longest if len(lb) >= 4 and lb in compact) >= 4
    if short(t):
        vocab.memo[key] = found
    return found


def _labels(vocab: Vocab) -> list[str]:
    key = ("_labels", None)  # once per vocabulary
    if key not in vocab.memo:
        words = set(vocab.longest) | set(vocab.funding_sources)
        vocab.memo[key] = sorted((w for w in words if len(w) >= 3), key=len, reverse=True)
    return vocab.memo[key]


class _Fuzzy:
    """A label with one character misread (the character after `head` is any but a digit or a
    space) or, `stray`, one character put in (any but a digit, a space or a CJK character):
    what the patterns `head[^\\d\\s]tail` and `head[^\\d\\s\\u4e00-\\u9fff]tail` match, found
    with str.find (compiling the 1,234 patterns of the national form took half a second)."""

    __slots__ = ("head", "tail", "stray", "length")

    def __init__(self, head: str, tail: str, stray: bool):
        self.head, self.tail, self.stray = head, tail, stray
        self.length = len(head) + 1 + len(tail)

    def _at(self, text: str, p: int) -> bool:
        k = p + len(self.head)
        if not text.startswith(self.head, p) or k >= len(text):
            return False
        ch = text[k]
        if ch.isdecimal() or ch.isspace() or (self.stray and "\u4e00" <= ch <= "\u9fff"):
            return False
        return text.startswith(self.tail, k + 1)

    def finditer(self, text: str):
        """(start, end) of each match, left to right, none overlapping (as re.finditer)."""
        pos = 0
        while (p := text.find(self.head, pos)) >= 0:
            if self._at(text, p):
                yield p, p + self.length
                pos = p + self.length
            else:
                pos = p + 1

    def fullmatch(self, text: str) -> bool:
        return len(text) == self.length and self._at(text, 0)


def _fuzzy_labels(vocab: Vocab) -> list[tuple[_Fuzzy, str]]:
    """Labels with one character misread or one stray character (OCR: 项目完成H期 for
    项目完成日期, 一*级项目名称 for 一级项目名称); once per vocabulary (Vocab.memo)."""
    key = ("_fuzzy_labels", None)
    if key not in vocab.memo:
        out = []
        for lb in vocab.longest:
            if len(lb) >= 5:
                for i in range(1, len(lb)):
                    if i < len(lb) - 1:
                        out.append((_Fuzzy(lb[:i], lb[i + 1:], False), lb))
                    out.append((_Fuzzy(lb[:i], lb[i:], True), lb))
        vocab.memo[key] = out
    return vocab.memo[key]


def split_facts(text: str, vocab: Vocab) -> list[tuple[str, bool]]:
    """Facts text → [(piece, is_label)], cutting at labels: the longest first, an exact
    label before a misread one of the same length."""
    cands: list[tuple[float, int, int, str]] = []
    for lb in _labels(vocab):
        for m in re.finditer(re.escape(lb), text):
            cands.append((len(lb), m.start(), m.end(), m.group(0)))
    for fuzzy, _lb in _fuzzy_labels(vocab):
        for start, end in fuzzy.finditer(text):
            cands.append((end - start - 0.5, start, end, text[start:end]))
    cands.sort(key=lambda c: (-c[0], c[1]))
    taken = [False] * len(text)
    marks = []
    for _score, start, end, piece in cands:
        if not any(taken[start:end]):
            marks.append((start, end, piece))
            for k in range(start, end):
                taken[k] = True
    marks.sort()
    out: list[tuple[str, bool]] = []
    pos = 0
    for start, end, piece in marks:
        if start > pos:
            out.append((text[pos:start].strip(), False))
        out.append((piece, True))
        pos = end
    if pos < len(text):
        out.append((text[pos:].strip(), False))
    return [(p, is_label) for p, is_label in out if p]


def fuzzy_label(text: str, vocab: Vocab) -> str | None:
    """The label an OCR-garbled label stands for."""
    for fuzzy, lb in _fuzzy_labels(vocab):
        if fuzzy.fullmatch(text):
            return lb
    return None


_TARGET_TAIL = reading.regex("target_tail")


def split_name_target(run: str, vocab: Vocab) -> tuple[str, str | None]:
    """'免费开放天数=300天' → ('免费开放天数', '=300天'); '…影响长远' → ('…影响', '长远')."""
    run = run.strip()
    ops = "".join(re.escape(o) for o in vocab.ocr_ops)
    m = re.search(r"(?P<t>(?:>=|<=|[=＝≥≧≤≦><＞＜" + ops + r"])\s*\d[\d,]*(?:\.\d+)?\s*\S{0,8})$", run)
    if m and m.start() > 0:
        return run[: m.start()].rstrip(), m.group("t")
    m = _TARGET_TAIL.search(run)
    if m and m.start() > 1 and not run[m.start() - 1].isdigit():
        return run[: m.start()].rstrip(), m.group("t")
    for word in vocab.qualitative:
        if run.endswith(word) and len(run) > len(word) + 1:
            return run[: -len(word)], word
    return run, None


def split_indicators(text: str, vocab: Vocab) -> list[list[str]]:
    """Indicator text → rows: [category …, name, target]. A category opens a row; after the
    二级 the name runs to the next category (it may itself begin like one)."""
    cats = sorted(vocab.own_categories, key=len, reverse=True)
    rows: list[list[str]] = []
    pos, n = 0, len(text)
    row: list[str] = []
    while pos < n:
        cat = next((c for c in cats if text.startswith(c, pos)), None)
        if cat and len(row) < 2:
            row.append(cat)
            pos += len(cat)
            continue
        # the name and target run until the next category
        nxt = n
        for c in cats:
            k = text.find(c, pos + 1)
            if k != -1 and k < nxt:
                nxt = k
        run = text[pos:nxt]
        name, target = split_name_target(run, vocab)
        rows.append(row + [name, target or ""])
        row = []
        pos = nxt
    if row:
        rows.append(row)
    return rows
