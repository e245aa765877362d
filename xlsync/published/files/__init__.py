"""Readers of published files, one module per kind, each giving `FileBlocks`
(`xlsync.published.blocks`): the kind decided by the file's content (`sniff`), then

    docx    Word documents (python-docx)
    sheets  workbooks of any layout: .xlsx/.xlsm (xlsync's XML reader), .xls (calamine)
    html    saved web pages (lxml)
    pdf     PDF with a text layer (pdfplumber)
    astext  blocks → the text the table reader reads (until it reads grids itself)
    bad     what a file that cannot be read is called (code and Chinese message)

`read_blocks(path)` reads any of them; `read_published(path, options)` reads the tables in it
(a text file as before).
"""

from __future__ import annotations

from pathlib import Path

from ...errors import ImportTextError, Location
from .. import read_file, read_text
from ..blocks import FileBlocks
from ..decode import check_file
from ..notes import Note
from .astext import blocks_to_text
from .bad import FileUnreadable
from .docx import read_docx
from .html import read_html
from .pdf import read_pdf
from .sniff import sniff

__all__ = ["FileUnreadable", "blocks_to_text", "read_blocks", "read_published", "sniff"]


def read_blocks(path: str | Path, kind: str | None = None) -> FileBlocks:
    """A docx, xlsx, xls, html or pdf file as blocks; FileUnreadable naming what is wrong."""
    kind = kind or sniff(path)
    if kind == "docx":
        return read_docx(path)
    if kind in ("xlsx", "xls"):
        from .sheets import read_xls, read_xlsx  # loads openpyxl (its column letters) at import

        return read_xlsx(path) if kind == "xlsx" else read_xls(path)
    if kind == "html":
        return read_html(path)
    if kind == "pdf":
        return read_pdf(path)
    raise ValueError(f"not a file kind read as blocks: {kind}")


def read_published(path: str | Path, options=None):
    """(tables, notes) of any published file, as `xlsync.published.read_file` gives them for
    text; ImportTextError (FileUnreadable) when the file cannot be read or holds no table."""
    kind = sniff(path)
    if kind == "txt":
        check_file(path)
        return read_file(path, options)
    blocks = read_blocks(path, kind)
    notes = [Note(level, code, message, str(path), None) for level, code, message in blocks.notes]
    tables, file_notes = read_text(blocks_to_text(blocks), str(path), options)
    if not tables:
        raise ImportTextError("文件中没有找到绩效目标表（没有“…绩效目标表”标题，也没有“项目名称”等栏目）",
                              Location(str(path)))
    return tables, notes + file_notes
