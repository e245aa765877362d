"""Remembering what the reader works out per distinct text.

Tables repeat their labels, headers, category cells and indicator rows (a file of fifty tables
prints 项目名称 fifty times), so the pure steps of reading a line or a cell — cutting it into
cells, cleaning markup, matching labels — are answered once per distinct text. Only short
texts are kept: a long one (a narrative paragraph) is seldom repeated, and keeping it would
let a long-running process hold every paragraph it ever read.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps

SHORT = 200  # characters: the texts worth remembering (labels, rows of cells, amounts)


def per_text(maxsize: int = 1 << 14, longest: int = SHORT) -> Callable:
    """lru_cache for a pure function whose first argument is a text (the others hashable),
    used only for texts of at most `longest` characters; longer ones are worked out each time."""

    def decorate(fn: Callable) -> Callable:
        cached = lru_cache(maxsize=maxsize)(fn)

        @wraps(fn)
        def wrapper(text, *args):
            if len(text) > longest:
                return fn(text, *args)
            return cached(text, *args)

        wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        wrapper.cache_info = cached.cache_info  # type: ignore[attr-defined]
        return wrapper

    return decorate


def short(text: str | tuple) -> bool:
    """A text (or a row of texts) short enough to remember in a vocabulary's memo."""
    return len(text) <= SHORT if isinstance(text, str) else sum(map(len, text)) <= SHORT
