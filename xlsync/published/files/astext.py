"""The adapter from blocks to the text reader (until the table reader takes grids itself):
each text line as it is, each table row as one line of its cells joined by ' | ' (a cell's
lines joined by a space, the lower parts of a cell merged over rows empty, a column no cell
stands in empty, empty cells at the end of a row left out, an empty row an empty line)."""

from __future__ import annotations

from ..blocks import FileBlocks, GridTable


def blocks_to_text(blocks: FileBlocks) -> str:
    lines: list[str] = []
    for block in blocks.blocks:
        if not isinstance(block, GridTable):
            lines.extend(block.text.splitlines() or [""])
            continue
        for row in block.rows:
            cells = []
            for c in row:
                if c.col is not None and c.col > len(cells):  # columns no cell stands in: empty
                    cells.extend([""] * (c.col - len(cells)))
                cells.append("" if c.covered else " ".join(c.text.split()))
                cells.extend([None] * (c.colspan - 1))
            cells = [c for c in cells if c is not None]
            while cells and not cells[-1]:
                cells.pop()
            lines.append(" | ".join(cells))
    return "\n".join(lines) + "\n"
