"""Per-file work in N processes, results back in input order, a bounded number in flight.

With one job the work runs in this process (no pool to start). Workers are started from a
clean server process (forkserver where the system has it), never forked from a parent that
runs threads (a progress bar does).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any


def context(preload: list[str]):
    """The start method for workers: a forkserver that has imported `preload`, else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(preload)  # imported once, shared by every worker
        return ctx
    return multiprocessing.get_context("spawn")


def imap(fn: Callable[..., Any], items: Iterable, jobs: int = 1, window: int | None = None,
         preload: list[str] = ()) -> Iterator:
    """fn(item) for every item, in order; at most `window` items submitted ahead. `preload`
    names modules the workers need (imported once in the server the workers start from)."""
    if jobs <= 1:
        for item in items:
            yield fn(item)
        return
    window = window or 2 * jobs
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context(list(preload))) as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
