"""Rewriting only the hidden metadata sheet inside an .xlsx/.xlsm zip, leaving every other
part (charts, macros, the user's formatting) byte for byte as it was."""

from __future__ import annotations

import posixpath
import re
import zipfile
from html import escape  # as xml.sax.saxutils.escape with quote=False, without loading urllib
from pathlib import Path

from ..errors import WorkbookError
from ..safefile import replacing
from . import layout as L

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _cell(ref: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = escape(str(value), quote=False)
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def meta_sheet_xml(rows: list[list]) -> bytes:
    body = []
    for i, row in enumerate(rows, 1):
        cells = "".join(_cell(f"{_col(j)}{i}", v) for j, v in enumerate(row, 1))
        body.append(f'<row r="{i}">{cells}</row>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS}">'
            f'<sheetData>{"".join(body)}</sheetData></worksheet>').encode()


def _meta_part(z: zipfile.ZipFile) -> str:
    wb = z.read("xl/workbook.xml").decode("utf-8")
    m = re.search(r'<(?:\w+:)?sheet\b[^>]*name="' + re.escape(L.META_SHEET) + r'"[^>]*/>', wb)
    if not m:
        raise WorkbookError(f"工作簿中没有 {L.META_SHEET} 元数据表")
    rid = re.search(r'r:id="([^"]+)"', m.group(0)) or re.search(r'\bid="([^"]+)"', m.group(0))
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    for rel in re.finditer(r"<Relationship\b[^>]*/>", rels):
        if f'Id="{rid.group(1)}"' in rel.group(0):
            target = re.search(r'Target="([^"]+)"', rel.group(0)).group(1)
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    raise WorkbookError(f"找不到 {L.META_SHEET} 元数据表的内容")


def patch_meta(path: Path, rows: list[list]) -> None:
    """Replace the metadata sheet's rows; write atomically."""
    path = Path(path)
    with zipfile.ZipFile(path) as z:
        part = _meta_part(z)
        with replacing(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for info in z.infolist():
                data = meta_sheet_xml(rows) if info.filename == part else z.read(info.filename)
                out.writestr(info, data)
