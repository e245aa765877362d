"""A progress bar with counts for batch commands, drawn (rich) only on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


class _Bar:
    def __init__(self, progress, task):
        self.progress, self.task = progress, task

    def update(self, done: int, total: int | None = None, counts: str | None = None,
               label: str | None = None) -> None:
        fields = {}
        if counts is not None:
            fields["counts"] = counts
        if label is not None:
            self.progress.update(self.task, description=label)
        self.progress.update(self.task, completed=done, total=total, **fields)


class _Silent:
    def update(self, *args, **kwargs) -> None:
        pass


def on_terminal() -> bool:
    return sys.stderr.isatty() or sys.stdout.isatty()


@contextmanager
def bar(description: str, total: int, enabled: bool | None = None) -> Iterator[_Bar | _Silent]:
    """Yields an object with update(done, total, counts, label); silent when not a terminal."""
    if enabled is None:
        enabled = on_terminal()
    if not enabled:
        yield _Silent()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=sys.stderr.isatty())
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[counts]}"), TimeElapsedColumn(), console=console,
                        transient=False)
    with progress:
        task = progress.add_task(description, total=total, counts="")
        yield _Bar(progress, task)
