"""Pull without rewriting the workbook: only the cells that changed are written into the
sheets' XML, every other part of the file (other sheets, charts, macros, the user's
formatting) is copied byte for byte. The cost follows what changed, not the workbook's size.

Used when every changed document fits its sheet as it is (the same cells and table rows);
otherwise the caller changes the workbook with openpyxl (writer.update_workbook).
"""

from __future__ import annotations

import datetime as _dt
import posixpath
import re
import zipfile
from decimal import Decimal
from html import escape  # as xml.sax.saxutils.escape with quote=False, without loading urllib
from pathlib import Path

from ..safefile import replacing
from . import layout as L
from . import textfit
from .book import INDEX_TOP, meta_rows, xml_safe
from .cells import fits_number
from .fill import NotFit, document_blocks
from .metapatch import meta_sheet_xml
from .sheetform import sheet_form_of

_EPOCH = _dt.date(1899, 12, 30)
_RC = re.compile(r"([A-Z]+)(\d+)")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the package."""
    wb = z.read("xl/workbook.xml").decode("utf-8")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {}
    for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
        rid = re.search(r'\bId="([^"]+)"', rel.group(0))
        tgt = re.search(r'\bTarget="([^"]+)"', rel.group(0))
        if rid and tgt:
            t = tgt.group(1)
            targets[rid.group(1)] = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
    out = {}
    for m in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", wb):
        name = re.search(r'\bname="([^"]*)"', m.group(0))
        rid = re.search(r'\br:id="([^"]+)"', m.group(0)) or re.search(r'\bid="([^"]+)"', m.group(0))
        if name and rid and rid.group(1) in targets:
            out[_unescape(name.group(1))] = targets[rid.group(1)]
    return out


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


def _cell_xml(ref: str, style: str | None, value) -> str:
    s = f' s="{style}"' if style is not None else ""
    if value is None:
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, str):
        return (f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">'
                f"{escape(xml_safe(value), quote=False)}</t></is></c>")
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, _dt.date):
        d = value.date() if isinstance(value, _dt.datetime) else value
        return f'<c r="{ref}"{s}><v>{(d - _EPOCH).days}</v></c>'
    if isinstance(value, Decimal) and not fits_number(value):  # more digits than Excel keeps
        return f'<c r="{ref}"{s} t="inlineStr"><is><t>{value:f}</t></is></c>'
    if isinstance(value, Decimal):
        return f'<c r="{ref}"{s}><v>{value:f}</v></c>'
    return f'<c r="{ref}"{s}><v>{value}</v></c>'


class SheetXml:
    """One worksheet's XML, with cells set by reference (styles kept)."""

    def __init__(self, xml: str):
        self.xml = xml
        self.rows_changed: set[int] = set()
        self.texts: dict[str, str] = {}

    def usable(self) -> bool:
        """Every cell names its reference (Excel, LibreOffice and xlsxwriter write them)."""
        return "<sheetData" in self.xml and not re.search(r"<c(?=[\s>])(?![^>]*\br=)", self.xml)

    def set(self, ref: str, value) -> None:
        col, row = _RC.fullmatch(ref).groups()
        r = int(row)
        m = re.search(rf'<c r="{ref}"(?=[\s/>])[^>]*?(?:/>|>.*?</c>)', self.xml, re.S)
        if m:
            style = re.search(r'\bs="(\d+)"', m.group(0).split(">", 1)[0])
            new = _cell_xml(ref, style.group(1) if style else None, value)
            self.xml = self.xml[:m.start()] + new + self.xml[m.end():]
        else:
            self._insert(ref, col, r, _cell_xml(ref, None, value))
        self.rows_changed.add(r)
        if isinstance(value, str):
            self.texts[ref] = value

    def _insert(self, ref: str, col: str, r: int, cell: str) -> None:
        row = re.search(rf'<row r="{r}"[^>]*?(?:/>|>.*?</row>)', self.xml, re.S)
        if row is None:
            later = next((m for m in re.finditer(r'<row r="(\d+)"', self.xml) if int(m.group(1)) > r), None)
            pos = later.start() if later else self.xml.index("</sheetData>")
            self.xml = self.xml[:pos] + f'<row r="{r}">{cell}</row>' + self.xml[pos:]
            return
        text = row.group(0)
        if text.endswith("/>"):
            new = text[:-2] + f">{cell}</row>"
        else:
            c = _col_index(col)
            at = next((m.start() for m in re.finditer(r'<c r="([A-Z]+)\d+"', text)
                       if _col_index(m.group(1)) > c), len(text) - len("</row>"))
            new = text[:at] + cell + text[at:]
        self.xml = self.xml[:row.start()] + new + self.xml[row.end():]

    def grow_rows(self) -> None:
        """Rows whose new text needs more room get taller (never shorter: the user's)."""
        widths = {}
        for m in re.finditer(r'<col\b[^>]*>', self.xml):
            lo, hi = int(re.search(r'min="(\d+)"', m.group(0)).group(1)), int(re.search(r'max="(\d+)"', m.group(0)).group(1))
            w = re.search(r'width="([\d.]+)"', m.group(0))
            for c in range(lo, min(hi, 64) + 1):
                widths[c] = float(w.group(1)) if w else 9.0
        merged = {}
        for m in re.finditer(r'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"', self.xml):
            merged[f"{m.group(1)}{m.group(2)}"] = (_col_index(m.group(1)), _col_index(m.group(3)))
        need: dict[int, float] = {}
        for ref, text in self.texts.items():
            col, row = _RC.fullmatch(ref).groups()
            c1, c2 = merged.get(ref, (_col_index(col), _col_index(col)))
            width = sum(textfit.col_pt(widths.get(c, 9.0)) for c in range(c1, c2 + 1))
            need[int(row)] = max(need.get(int(row), 0), textfit.text_height(text, width))
        for r, h in need.items():
            m = re.search(rf'<row r="{r}"[^>]*>', self.xml)
            if not m:
                continue
            tag = m.group(0)
            ht = re.search(r'\bht="([\d.]+)"', tag)
            if ht and float(ht.group(1)) >= h:
                continue
            new = re.sub(r'\s(?:ht|customHeight)="[^"]*"', "", tag)
            new = new[:-1].rstrip("/") + f' ht="{h}" customHeight="1"' + ("/>" if tag.endswith("/>") else ">")
            self.xml = self.xml[:m.start()] + new + self.xml[m.end():]


def try_patch(path, projects, content, tolerance_of) -> bool:
    """Write the changed documents into their sheets' cells; False when that cannot be done
    (a new sheet, a document that outgrows its sheet, an unusual file): nothing written."""
    if content is None or any(title is None for title, _d, _b, _c in projects):
        return False
    by_sheet = {sp.sheet: sp for sp in content.projects}
    if [t for t, _d, _b, _c in projects] != [sp.sheet for sp in content.projects]:
        return False
    blocks: dict[str, list] = {}
    for title, doc, _base, changed in projects:
        sp = by_sheet.get(title)
        if not changed:
            continue
        if sp is None or getattr(sp, "shape", None) is None or sheet_form_of(doc).name != sp.shape.form.name:
            return False
        try:
            blocks[title] = document_blocks(doc, None, tolerance_of(doc), shape=sp.shape, strict=True)
        except NotFit:
            return False
    path = Path(path)
    with zipfile.ZipFile(path) as z:
        parts = sheet_parts(z)
        if L.META_SHEET not in parts or any(t not in parts for t in blocks):
            return False
        new_parts: dict[str, bytes] = {}
        for title, cell_blocks in blocks.items():
            sheet = SheetXml(z.read(parts[title]).decode("utf-8"))
            if not sheet.usable():
                return False
            for coord, rows in cell_blocks:
                col, row = _RC.fullmatch(coord).groups()
                c0, r0 = _col_index(col), int(row)
                for i, values in enumerate(rows):
                    for j, value in enumerate(values):
                        sheet.set(_ref(r0 + i, c0 + j), value)
            sheet.grow_rows()
            new_parts[parts[title]] = sheet.xml.encode("utf-8")
        if L.INDEX_SHEET in parts:
            index = _patched_index(z.read(parts[L.INDEX_SHEET]).decode("utf-8"), projects)
            if index is None:
                return False
            new_parts[parts[L.INDEX_SHEET]] = index.encode("utf-8")
        first = projects[0][1]
        new_parts[parts[L.META_SHEET]] = meta_sheet_xml(
            meta_rows([(t, b) for t, _d, b, _c in projects], first.unit_code, first.year))
        with replacing(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for info in z.infolist():
                out.writestr(info, new_parts.get(info.filename) or z.read(info.filename))
    return True


def _ref(r: int, c: int) -> str:
    letters = ""
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{r}"


def _patched_index(xml: str, projects) -> str | None:
    """The 目录 with each project's name and amounts, and the 合计 (statuses kept)."""
    sheet = SheetXml(xml)
    if not sheet.usable():
        return None
    totals = [Decimal(0), Decimal(0)]
    for i, (_title, doc, _base, _changed) in enumerate(projects, 1):
        r = INDEX_TOP + i
        if not re.search(rf'<c r="C{r}"[^>]*>.*?</c>', xml, re.S):
            return None  # not the 目录 xlsync wrote for these sheets
        sheet.set(f"B{r}", doc.name)
        for col, key, k in (("D", "total_amount", 0), ("E", "year_amount", 1)):
            v = getattr(doc, key)
            sheet.set(f"{col}{r}", None if v is None else Decimal(v))
            totals[k] += Decimal(v) if v is not None else 0
    total_row = INDEX_TOP + len(projects) + 1
    if re.search(rf'<c r="C{total_row}"[^>]*>\s*<v>', xml) or not re.search(rf'<c r="D{total_row}"[^>]*>\s*<f>', xml):
        return None  # the 目录 lists other projects than the sheets
    for col, k in (("D", 0), ("E", 1)):
        m = re.search(rf'(<c r="{col}{total_row}"[^>]*>\s*<f>[^<]*</f>)(?:<v>[^<]*</v>)?', sheet.xml)
        if m:
            sheet.xml = sheet.xml[:m.start()] + m.group(1) + f"<v>{totals[k]:f}</v>" + sheet.xml[m.end():]
    return sheet.xml
