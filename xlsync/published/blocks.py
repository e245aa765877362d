"""What a file of any kind gives the table reader: a sequence of blocks in reading order.

A published file (a text, a Word document, a workbook of any layout, a saved web page, a PDF)
is read by a reader of its kind into blocks: lines of running text (titles, page text, the
lines of a text file) and tables whose cells the file already knows (a Word or HTML table, a
sheet's used range, a PDF table found from its ruling lines or word positions). From there on
every kind is read the same way: the blocks are cut into tables at their titles, each table's
rows of cells are given meaning by the form's vocabulary (`xlsync.published.facts`,
`xlsync.published.indicators`), and each guess becomes a review item.

Only the first stage differs by file kind; nothing here assigns meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class GridCell:
    """One cell of a table as the file holds it.

    `text` is the cell's text with its paragraphs joined by newlines ('' for an empty cell).
    `col` is the cell's first column (0-based) where the file knows it; a cell merged over
    several columns or rows appears once, at its top-left, with its spans. `where` names the
    cell for a person ('Sheet1!C4', '表 2 第 3 行第 4 列', '第 2 页 表 1 第 3 行')."""

    text: str
    col: int | None = None
    rowspan: int = 1
    colspan: int = 1
    where: str | None = None
    number: str | None = None  # a workbook's numeric cell: its exact decimal digits as the file holds them
    covered: bool = False  # the lower part of a cell merged over rows (its text is the merged cell's)


@dataclass
class TextLine:
    """A line of running text outside any table (a title, the page text above a table)."""

    text: str
    where: str | None = None


@dataclass
class GridTable:
    """A table whose cells the file knows: rows of cells in column order."""

    rows: list[list[GridCell]] = field(default_factory=list)
    where: str | None = None  # '表 2', 'Sheet1', '第 3 页'
    continued: bool = False  # the part of a table that runs on from the previous page


Block = TextLine | GridTable


@dataclass
class FileBlocks:
    """A file read into blocks, with what its reader had to say (a hidden sheet skipped, a
    scanned page without text)."""

    file: str
    kind: str  # txt | docx | xlsx | xls | html | pdf
    blocks: list[Block] = field(default_factory=list)
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (level, code, Chinese message)
