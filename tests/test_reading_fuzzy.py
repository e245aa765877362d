"""OCR-garbled labels (项目完成H期, 一*级项目名称) are found with str.find instead of 1,234
compiled patterns: every match is the one the patterns find (re.finditer, re.fullmatch)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from xlsync.published.runtogether import _fuzzy_labels, fuzzy_label, split_facts
from xlsync.published.vocab import vocab

NATIONAL = vocab("national")
FUZZY = _fuzzy_labels(NATIONAL)


def _pattern(f) -> re.Pattern:
    odd = r"[^\d\s\u4e00-\u9fff]" if f.stray else r"[^\d\s]"
    return re.compile(re.escape(f.head) + odd + re.escape(f.tail))


PATTERNS = [(f, _pattern(f)) for f, _lb in FUZZY]  # compiled once (most of a millisecond each)
_LABELS = [lb for lb in NATIONAL.longest if len(lb) >= 5]
_ODD = st.sampled_from(list("H*?1２ \t\n期级名ａ_é·") + ["\u3000", "\u4e00", "\u9fff", "\u9fa5"])
_PIECE = st.one_of(st.sampled_from(_LABELS), _ODD, st.text(_ODD, max_size=3))


@st.composite
def _garbled(draw) -> str:
    """Text made of labels, some with a character replaced or put in, and odd characters."""
    out = []
    for piece in draw(st.lists(_PIECE, max_size=6)):
        if len(piece) >= 5 and draw(st.booleans()):
            i = draw(st.integers(1, len(piece) - 1))
            ch = draw(_ODD)
            piece = piece[:i] + ch + piece[i + 1:] if draw(st.booleans()) else piece[:i] + ch + piece[i:]
        out.append(piece)
    return "".join(out)


@settings(max_examples=150, deadline=None)
@given(_garbled())
def test_matches_are_the_patterns_matches(text):
    for f, rx in PATTERNS:
        assert list(f.finditer(text)) == [m.span() for m in rx.finditer(text)]
        assert f.fullmatch(text) == bool(rx.fullmatch(text))


def test_garbled_labels_are_read():
    lb = next(lb for lb in _LABELS if len(lb) >= 6)
    assert fuzzy_label(lb[:2] + "H" + lb[3:], NATIONAL) == lb
    assert fuzzy_label(lb[:2] + "*" + lb[2:], NATIONAL) == lb
    assert fuzzy_label(lb[:2] + "一" + lb[2:], NATIONAL) is None  # a CJK character put in: another word
    pieces = split_facts(f"{lb[:2]}*{lb[2:]}雾炮车", NATIONAL)
    assert pieces[0] == (f"{lb[:2]}*{lb[2:]}", True)
