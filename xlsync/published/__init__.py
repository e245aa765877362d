"""Reading published 绩效目标表 (text pulled out of PDF, Word or web pages, and the files
themselves) into documents: a pipeline of small stages, one module each.

    decode      bytes → text (encodings named)
    segment     lines → tables (titles, the form each table is read with)
    cells       a table's lines → rows of cells
    grid        a table's lines → its Grid (rows of cells with their lines; text without
                borders cut into rows: runtogether), before any meaning is given
    vocab       a form's vocabulary: labels, synonyms, levels, column headers
    facts       Grid → facts, row by row: labelled fields, money, funding, 项目构成
    indicators  the indicator table, rows aligned to their columns (rows)
    regions     each grid row's region (fields, money, goals, composition, indicators, footer)
    footer      a footer row → extra fields and the slots left out
    amounts     an amount as printed → 元, or none and a review item
    truncation  does the text stop inside the table?
    runtogether text without any cell borders
    selfeval    项目支出绩效自评表 / 绩效运行监控表: found in a text, read by their own stages:
    selfevalread  cells → facts, money, goal, indicator rows (every guess a note)
    glued         values printed without any border, cut by their shapes
    selfevaldoc   what was read → one document with targets and the year's results
    table       the row-reading stage's state (one table) and its hand-over: TableRead
    rowstate    that state, one small object per concern (the place read to, the money
                group, the indicator columns, what waits, each project's facts, the trace)
    assemble    TableRead (plain TableFacts per project) → ImportedTable documents with review items
    explain     each line's role for import-text --explain
    notes       what a reading gives: tables, notes, options
    read        the entry points: read_text, read_file
"""

from .notes import ImportedTable, Note, ReadOptions
from .read import decode, read_file, read_text

__all__ = ["ImportedTable", "Note", "ReadOptions", "decode", "read_file", "read_text"]
