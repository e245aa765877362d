"""A cache per object by its identity, for objects that cannot be hashed (a form, a profile) but
are loaded once and shared: what is built from one is built once, and an equal object loaded
again (another store's form of the same name) gets its own."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def per_object(fn: Callable[[T], R]) -> Callable[[T], R]:
    """fn(obj), computed once per object (the object is kept, so its id is never reused)."""
    built: dict[int, tuple[T, R]] = {}

    @wraps(fn)
    def wrapper(obj: T) -> R:
        hit = built.get(id(obj))
        if hit is None or hit[0] is not obj:
            hit = built[id(obj)] = (obj, fn(obj))
        return hit[1]

    return wrapper
