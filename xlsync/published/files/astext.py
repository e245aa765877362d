"""The adapter from blocks to the text reader (until the table reader takes grids itself):
each text line as it is, each table row as one line of its cells joined by ' | ' (a cell's
lines joined by a space (none between Chinese characters), the lower parts of a cell merged over rows empty, a column no cell
stands in empty, empty cells at the end of a row left out, an empty row an empty line)."""

from __future__ import annotations

import re

from ..blocks import FileBlocks, GridTable
from ..cells import GRID
from ..segment import OUTSIDE

_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def one_line(text: str) -> str:
    """A cell's lines as one: joined by a space, but not between Chinese characters ('绩\\n效' is
    绩效); spaces inside a line kept as one."""
    out = ""
    for line in text.splitlines():
        part = " ".join(line.split())
        if not part:
            continue
        joined = out and not (_CJK.match(out[-1]) and _CJK.match(part[0]))
        out = f"{out} {part}" if joined else out + part
    return out


def blocks_to_text(blocks: FileBlocks) -> str:
    lines: list[str] = []
    kinds = [isinstance(b, GridTable) for b in blocks.blocks]
    for k, block in enumerate(blocks.blocks):
        if not isinstance(block, GridTable):
            # running text the file puts between two tables is outside both (a sheet's heading
            # on a saved web page): marked so, it is never read as a row of the table above it
            between = any(kinds[:k]) and any(kinds[k + 1:])
            lines.extend([OUTSIDE + ln if between and ln.strip() else ln for ln in block.text.splitlines()] or [""])
            continue
        for row in block.rows:
            cells = []
            for c in row:
                if c.col is not None and c.col > len(cells):  # columns no cell stands in: empty
                    cells.extend([""] * (c.col - len(cells)))
                cells.append("" if c.covered else one_line(c.text))
                cells.extend([None] * (c.colspan - 1))
            cells = [c for c in cells if c is not None]
            while cells and not cells[-1]:
                cells.pop()
            lines.append(GRID + " | ".join(cells) if any(cells) else "")
    return "\n".join(lines) + "\n"
