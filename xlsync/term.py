"""Terminal output for people: tables aligned by display width, message lines with their
code, progress bars on a terminal.

A Chinese character takes two columns on a terminal; rich measures cells by display width,
so the columns line up. rich is imported inside the functions: `xlsync --help` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def is_terminal(stream=None) -> bool:
    stream = stream if stream is not None else sys.stdout
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _width() -> int:
    """The terminal's width; piped output is never wrapped."""
    if is_terminal():
        import shutil

        return shutil.get_terminal_size().columns
    return 10_000


def table(headers: list[str], rows: Iterable[Iterable], right: Iterable[int] = (),
          indent: int = 0) -> str:
    """Rows under a header line, every column aligned by display width.

    right: indexes of the columns aligned to the right (amounts, counts). None shows as
    "-", "" as a blank cell."""
    headers, right = list(headers), set(right)
    rows = [["-" if v is None else str(v) for v in row] for row in rows]
    plain = _plain_table(headers, rows, right, max(_width() - indent, 40))
    if plain is not None:
        return "\n".join(" " * indent + line for line in plain)
    return _rich_table(headers, rows, right, indent)


def _plain_table(headers: list[str], rows: list[list[str]], right: set[int], width: int) -> list[str] | None:
    """The lines rich draws for a table that fits the width and holds only plain one-line
    text (no control characters, no edge spaces): padded columns two spaces apart, a rule
    under the header, blank lines left out. None: let rich draw it (tests hold them equal)."""
    from rich.cells import cell_len

    n = len(headers)
    texts = [headers, *rows]
    if not n or any(len(r) != n for r in rows) \
            or not all(c.isprintable() and c == c.strip() for r in texts for c in r):
        return None
    widths = [max(cell_len(r[i]) for r in texts) for i in range(n)]
    total = sum(widths) + 2 * (n - 1)
    if min(widths) == 0 or total > width:
        return None
    lines = []
    for k, r in enumerate(texts):
        cells = [" " * (w - cell_len(c)) + c if i in right else c + " " * (w - cell_len(c))
                 for i, (c, w) in enumerate(zip(r, widths, strict=True))]
        line = "  ".join(cells).rstrip()
        if line:
            lines.append(line)
        if k == 0:
            lines.append("─" * total)
    return lines


def _rich_table(headers, rows, right: set[int], indent: int) -> str:
    import io

    from rich import box
    from rich.console import Console
    from rich.table import Table

    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="",
              padding=(0, 1), collapse_padding=True)
    for i, h in enumerate(headers):
        t.add_column(h, justify="right" if i in right else "left", overflow="fold")
    for row in rows:
        t.add_row(*row)
    out = io.StringIO()
    Console(file=out, width=max(_width() - indent, 40), color_system=None, highlight=False,
            emoji=False, markup=False).print(t)
    pad = " " * indent
    return "\n".join(pad + line.rstrip() for line in out.getvalue().splitlines() if line.strip())


def money(value) -> str:
    """'12210000.00' → '12,210,000.00'; anything else as it is."""
    if value is None or value == "":
        return "-"
    try:
        return f"{Decimal(str(value)).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"
    except (InvalidOperation, ValueError):
        return str(value)


def say(code: str, text: str) -> str:
    """One message: what happened and what to do, in Chinese, with its stable English code."""
    return f"[{code}] {text}"


def next_step(*commands: str) -> str:
    lines = ["下一步 (next):"]
    lines += [f"  {c}" for c in commands]
    return "\n".join(lines)


def counted(errors: int, warnings: int) -> str:
    return f"{errors} 个错误 (errors)、{warnings} 个警告 (warnings)"


def progress(items: Iterable, label: str, total: int | None = None) -> Iterator:
    """The items, with a progress bar on stderr when it is a terminal (never when piped)."""
    if not is_terminal(sys.stderr):
        yield from items
        return
    from rich.console import Console
    from rich.progress import track

    yield from track(items, description=label, total=total, transient=True,
                     console=Console(stderr=True))


@contextmanager
def steps(label: str, total: int) -> Iterator[Callable[..., None]]:
    """A progress bar advanced by calling the function it yields (a no-op when piped)."""
    if not is_terminal(sys.stderr):
        yield lambda *_args, **_kw: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda *_args, **_kw: bar.advance(task)
