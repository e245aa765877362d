"""What each line of a table was read as (`import-text --explain`): the table's lines and the
role the reading stages gave each (line → role) → (line, role, text) for every line with text."""

from __future__ import annotations

from .cells import GRID, HOLE
from .segment import Region


def explain_lines(region: Region, marks: dict[int, str]) -> list[tuple[int, str, str]]:
    """Each line of the table: (line, role, text); a title line is 标题 (预算年度 for the year's
    own line), a line no stage named is '—'."""
    titles = {n for n, _t, _m in region.titles} | ({region.year_line} if region.year_line else set())
    out = []
    for k, raw in enumerate(region.lines):
        n = region.start + k
        text = raw.replace(GRID, "").strip() if raw != HOLE else ""
        if n in titles:
            out.append((n, "标题" if n != region.year_line else "预算年度", region.lines[k] if raw != HOLE
                        else next((t for m, t, _x in region.titles if m == n), region.year_text)))
        elif text:
            out.append((n, marks.get(n, "—"), text))
    return out
