"""Text with no cell borders at all (OCR of a scanned table: `项目名称雾炮车…项目类型新增项目…`).

Cells are recovered from what the form knows: labels cut the facts into label/value pairs,
category names cut the indicator part into rows, and each row's remaining text is split into
三级指标 and 目标值 at the target's start (an operator or number with its unit at the end, or
a qualitative target word). Every split made here is a guess the import report names.
"""

from __future__ import annotations

import re

from .vocab import Vocab, norm

MIN_LENGTH = 60  # a line this long holding several labels and no separators


def is_run_together(line: str, vocab: Vocab) -> bool:
    t = line.strip()
    if len(t) < MIN_LENGTH or "\t" in t or "|" in t or re.search(r"\s{2,}", t):
        return False
    compact = norm(t)
    hits = sum(1 for lb in vocab.longest if len(lb) >= 4 and lb in compact)
    return hits >= 4


def _labels(vocab: Vocab) -> list[str]:
    words = set(vocab.longest) | set(vocab.funding_sources)
    return sorted((w for w in words if len(w) >= 3), key=len, reverse=True)


def _fuzzy_labels(vocab: Vocab) -> list[tuple[re.Pattern, str]]:
    """Labels with one character misread or one stray character (OCR: 项目完成H期 for
    项目完成日期, 一*级项目名称 for 一级项目名称)."""
    out = []
    for lb in vocab.longest:
        if len(lb) >= 5:
            for i in range(1, len(lb)):
                if i < len(lb) - 1:
                    out.append((re.compile(re.escape(lb[:i]) + r"[^\d\s]" + re.escape(lb[i + 1:])), lb))
                out.append((re.compile(re.escape(lb[:i]) + r"[^\d\s\u4e00-\u9fff]" + re.escape(lb[i:])), lb))
    return out


def split_facts(text: str, vocab: Vocab) -> list[tuple[str, bool]]:
    """Facts text → [(piece, is_label)], cutting at labels: the longest first, an exact
    label before a misread one of the same length."""
    cands: list[tuple[float, int, int, str]] = []
    for lb in _labels(vocab):
        for m in re.finditer(re.escape(lb), text):
            cands.append((len(lb), m.start(), m.end(), m.group(0)))
    for rx, _lb in _fuzzy_labels(vocab):
        for m in rx.finditer(text):
            cands.append((m.end() - m.start() - 0.5, m.start(), m.end(), m.group(0)))
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
    for rx, lb in _fuzzy_labels(vocab):
        if rx.fullmatch(text):
            return lb
    return None


_TARGET_TAIL = re.compile(
    r"(?P<t>(?:>=|<=|[=＝≥≧≤≦><＞＜]|不低于|不少于|不超过|达到)?\s*\d[\d,]*(?:\.\d+)?\s*"
    r"(?:%|‰|百分比|[^\d\s,，。；;、%=≥≤≧≦<>]{0,6})?)$")


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
