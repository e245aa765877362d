"""Two label/value pairs glued into one cell, and a glued label known only by its head word.

A table printed without cell borders can glue a row of two fields into one piece of text:
`部门(单位)名称重庆市…办事处区级支出预算总量3724.39`. The first label is read as usual; its
value then holds a second known label (with the modifiers a label takes in front, listed in
the form file's `[glued] leads`: 区级, 本级 …) and that label's value. `second_pair` finds the
cut; each side of it is a guess the reader makes a review item (`SPLIT_GUESSED`).

A line whose label no form lists, glued to its value (`当年整体绩效目标2022年街道…`), is read
by `loose_prefix`: the longest beginning of the line that the form's vocabulary reads as a
label by principle (a known label with a word put in, a modifier in front: see
`Vocab.label`), its value the rest. The reader makes that a review item (`LABEL_LOOSE`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .vocab import Label, Vocab, norm

# label keys that are not a field with a value of its own
_STRUCTURAL = {"section", "money", "composition", "heads", "long_term", "annual", "extra", "unit_decl",
               "funding"}
_MONEY = {"total_amount", "year_amount", "prev_total_amount", "prev_year_amount", "either_amount"}
_AMOUNT = re.compile(r"^[:]?\s*-?\d[\d,]*(?:\.\d+)?\s*(?:万元|亿元|元)?$")


@dataclass(frozen=True)
class Pair:
    first: str  # the first label's value
    label: str  # the second label as printed (with its leads)
    lab: Label
    unit: str | None
    second: str  # the second label's value


def raw_cut(raw: str, prefix: str) -> int:
    """Where in the raw text the normalised prefix ends (values keep their source text)."""
    if not prefix:
        return 0
    for j in range(1, len(raw) + 1):
        if norm(raw[:j]) == prefix and raw[j - 1] not in ": ：":
            return j
    return len(raw)


def _leads(v: Vocab) -> tuple[str, ...]:
    return tuple(sorted(v.form.data.get("glued", {}).get("leads", ()), key=len, reverse=True))


def second_pair(value: str, v: Vocab, key: str) -> Pair | None:
    """The cut of a value that holds a second label and its value, or None."""
    text = norm(value)
    if len(text) < 6:
        return None
    best: Pair | None = None
    leads = _leads(v)
    for known in v.longest:
        if len(known) < 4:
            continue
        at = text.find(known, 2)
        if at < 0:
            continue
        lab = v.labels[known]
        if lab.key in _STRUCTURAL or lab.key == key or lab.source is not None:
            continue
        start, end = at, at + len(known)
        moved = True
        while moved:  # the modifiers in front of the label belong to it ('区级' of 区级支出预算总量)
            moved = False
            for lead in leads:
                if start - len(lead) >= 2 and text.startswith(lead, start - len(lead)):
                    start -= len(lead)
                    moved = True
                    break
        first, second = text[:start], text[end:].lstrip(":")
        unit = None
        um = re.match(r"^\((万元|亿元|元)\)", second)
        if um:
            unit, second = um.group(1), second[um.end():]
        if len(first) < 2 or not second:
            continue
        if lab.key in _MONEY:
            if not _AMOUNT.match(second):
                continue
        elif len(second) < 2 or second[0] in "及和与、)(":
            continue
        a, b = raw_cut(value, text[:start]), raw_cut(value, text[:end])
        first, second = value[:a].strip(), re.sub(r"^[\s:：]*(?:[(（]\s*(?:万元|亿元|元)\s*[)）])?\s*", "", value[b:])
        pair = Pair(first, value[a:b].strip(), lab, unit, second.strip())
        if best is None or start < len(best.first) or (start == len(best.first) and len(pair.label) > len(best.label)):
            best = pair
    return best


def loose_prefix(text: str, v: Vocab) -> tuple[Label, str, str | None, str] | None:
    """(label, label text, unit, value) of a line glued to a label the form does not list
    but reads by principle; None when no beginning of the line is such a label."""
    t = norm(text)
    for i in range(min(len(t) - 2, 20), 3, -1):
        head = t[:i]
        lab, unit = v.label(head)
        if lab is None or lab.loose is None or lab.key in _STRUCTURAL:
            continue
        rest = t[i:].lstrip(":")
        if len(rest) >= 2:
            j = raw_cut(text, head)
            return lab, text[:j].strip(), unit, re.sub(r"^[\s:：]+", "", text[j:]).strip()
    return None


def label_run(text: str, v: Vocab) -> list[tuple[str, Label, str | None]] | None:
    """A cell that is nothing but two or more labels glued ('总体目标年度目标': a header row of
    goal columns printed without borders): each label as printed, else None."""
    t = norm(text)
    if len(t) < 6 or len(t) > 40:
        return None

    def cover(pos: int) -> list[tuple[str, Label, str | None]] | None:
        if pos == len(t):
            return []
        for end in range(len(t), pos + 2, -1):  # the longest label first
            lab, unit = v.label(t[pos:end])
            if lab is None or lab.loose is not None or lab.key in ("extra", "unit_decl"):
                continue
            rest = cover(end)
            if rest is not None:
                return [(t[pos:end], lab, unit), *rest]
        return None

    run = cover(0)
    return run if run is not None and len(run) >= 2 else None
