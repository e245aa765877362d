"""Workbooks of any layout (.xlsx/.xlsm through xlsync's XML reader, .xls through calamine)
into blocks: each visible sheet's used range as one table, merged ranges as spans, the
hidden sheets, rows and columns left out (and named in notes). A number keeps the digits the
file holds (`GridCell.number`); its text is what the sheet shows for a percentage or a date
format, else those digits."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl.utils import get_column_letter

from ...workbook.grid import Uncalculated
from ..blocks import FileBlocks, GridCell, GridTable
from . import bad


def read_xlsx(path: str | Path) -> FileBlocks:
    from ...errors import WorkbookError
    from ...workbook.xlsxgrid import read_book

    file = str(path)
    try:
        book = read_book(path)
    except WorkbookError as exc:
        code = bad.ENCRYPTED if "密码" in exc.message else bad.DAMAGED
        raise bad.FileUnreadable(code, exc.message, file) from None
    out = FileBlocks(file, "xlsx")
    for grid in book.sheets:
        if grid.sheet_state != "visible":
            out.notes.append(("info", "SHEET_HIDDEN", f"隐藏的工作表“{grid.title}”未读取"))
            continue
        merged = []
        for ref in grid.merged_cells:
            a, _, b = ref.partition(":")
            merged.append((_rc(a), _rc(b or a)))
        formats = grid.formats
        values = [[_shown(v, formats.get((r + 1, c + 1))) for c, v in enumerate(row)]
                  for r, row in enumerate(grid.values)]
        unknown = [f"{get_column_letter(c + 1)}{r + 1}" for r, row in enumerate(grid.values)
                   for c, v in enumerate(row) if isinstance(v, Uncalculated)]
        if unknown:
            out.notes.append(("warning", "FORMULA_UNCALCULATED",
                              f"工作表“{grid.title}”中 {len(unknown)} 个公式单元格没有计算结果（{', '.join(unknown[:5])}），"
                              "按空白读取：请在 Excel 中打开并保存后再导入"))
        table = _table(grid.title, values, merged, grid.hidden_rows, grid.hidden_cols, out)
        if table.rows:
            out.blocks.append(table)
    _check_nonempty(out)
    return out


def read_xls(path: str | Path) -> FileBlocks:
    import python_calamine as pc

    file = str(path)
    try:
        book = pc.CalamineWorkbook.from_path(file)
    except Exception as exc:  # noqa: BLE001 - calamine's errors name what is wrong
        text = str(exc)
        if "password" in text.lower() or "encrypt" in text.lower():
            raise bad.FileUnreadable(bad.ENCRYPTED, "工作簿受密码保护（已加密），无法读取：请在 Excel 中清除密码后保存，再导入",
                                     file) from None
        raise bad.FileUnreadable(bad.DAMAGED, f"工作簿 (.xls) 已损坏，无法读取: {text}", file) from None
    out = FileBlocks(file, "xls")
    hidden = _xls_hidden(file)
    for meta in book.sheets_metadata:
        visible = str(getattr(meta, "visible", "visible")).lower()
        if "visible" not in visible or "hidden" in visible:
            out.notes.append(("info", "SHEET_HIDDEN", f"隐藏的工作表“{meta.name}”未读取"))
            continue
        try:
            sheet = book.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            ranges = sheet.merged_cell_ranges or []
        except Exception as exc:  # noqa: BLE001
            raise bad.FileUnreadable(bad.DAMAGED, f"工作表“{meta.name}”无法读取: {exc}", file) from None
        values = [[_shown_xls(v) for v in row] for row in rows]
        merged = [((a[0] + 1, a[1] + 1), (b[0] + 1, b[1] + 1)) for a, b in ranges]
        hidden_rows, hidden_cols = hidden.get(meta.name, (set(), set()))
        table = _table(meta.name, values, merged, hidden_rows, hidden_cols, out)
        if table.rows:
            out.blocks.append(table)
    _check_nonempty(out)
    return out


def _xls_hidden(file: str) -> dict[str, tuple[set[int], set[int]]]:
    """Sheet name → (hidden rows, hidden columns), 1-based, from the BIFF8 records calamine does
    not give: ROW (fDyZero) and COLINFO (fHidden). {} when the stream cannot be walked."""
    import struct

    import olefile

    try:
        with olefile.OleFileIO(file) as ole:
            name = "Workbook" if ole.exists("Workbook") else "Book"
            data = ole.openstream(name).read()
        sheets: list[tuple[int, str]] = []
        pos = 0
        while pos + 4 <= len(data):
            rtype, size = struct.unpack_from("<HH", data, pos)
            body = data[pos + 4: pos + 4 + size]
            if rtype == 0x0085 and len(body) >= 8:  # BOUNDSHEET: where the sheet starts, its name
                cch, high = body[6], body[7]
                raw = body[8: 8 + cch * (2 if high & 1 else 1)]
                sheets.append((struct.unpack_from("<I", body)[0],
                               raw.decode("utf-16-le" if high & 1 else "latin-1")))
            elif rtype == 0x000A:  # EOF of the globals
                break
            pos += 4 + size
        out: dict[str, tuple[set[int], set[int]]] = {}
        for start, sheet in sheets:
            rows, cols = set(), set()
            pos = start
            while pos + 4 <= len(data):
                rtype, size = struct.unpack_from("<HH", data, pos)
                body = data[pos + 4: pos + 4 + size]
                if rtype == 0x0208 and len(body) >= 14 and body[12] & 0x20:  # ROW, fDyZero
                    rows.add(struct.unpack_from("<H", body)[0] + 1)
                elif rtype == 0x007D and len(body) >= 10 and body[8] & 0x01:  # COLINFO, fHidden
                    first, last = struct.unpack_from("<HH", body)
                    cols.update(range(first + 1, min(last, 255) + 2))
                elif rtype == 0x000A:
                    break
                pos += 4 + size
            out[sheet] = (rows, cols)
        return out
    except Exception:  # noqa: BLE001 - a stream it cannot walk: nothing known hidden
        return {}


def _check_nonempty(out: FileBlocks) -> None:
    if not out.blocks:
        raise bad.FileUnreadable(bad.EMPTY, "工作簿中没有可读取的内容（所有可见工作表都是空的）", out.file)


def _rc(ref: str) -> tuple[int, int]:
    letters = ref.rstrip("0123456789").replace("$", "").upper()
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return int(ref[len(ref.rstrip("0123456789")):]), n


def _digits(d: Decimal) -> str:
    s = format(d, "f")
    return s


_PLACES = re.compile(r"\.(0+)")


def _places(v: Decimal, fmt: str | None) -> str:
    """The digits with the decimal places a fixed format ('0.00', '#,##0.00') shows, when
    showing them changes no digit; else the digits as held."""
    m = _PLACES.search((fmt or "").split(";")[0])
    if m:
        shown = v.quantize(Decimal(1).scaleb(-len(m.group(1))))
        if shown == v:
            return _digits(shown)
    return _digits(v)


def _shown(v, fmt: str | None) -> tuple[str, str | None]:
    """(the text the sheet shows, the exact digits of a number) for a value of xlsxgrid."""
    if v is None:
        return "", None
    if isinstance(v, bool):
        return ("TRUE" if v else "FALSE"), None
    if isinstance(v, Uncalculated):
        return "", None
    if isinstance(v, Decimal):
        digits = _digits(v)
        if fmt and "%" in fmt.replace('"%"', ""):
            return _digits((v * 100).normalize()) + "%", digits
        return _places(v, fmt), digits
    if isinstance(v, dt.datetime):
        return (v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")), None
    if isinstance(v, dt.date | dt.time):
        return v.isoformat(), None
    return str(v), None


def _shown_xls(v) -> tuple[str, str | None]:
    if v is None or v == "":
        return "", None
    if isinstance(v, bool):
        return ("TRUE" if v else "FALSE"), None
    if isinstance(v, int | float):
        try:
            d = Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
        except InvalidOperation:
            return str(v), None
        if isinstance(v, float) and v.is_integer():
            d = Decimal(int(v))
        return _digits(d), _digits(d)
    if isinstance(v, dt.datetime):
        return (v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")), None
    if isinstance(v, dt.date | dt.time | dt.timedelta):
        return str(v), None
    return str(v), None


def _table(title: str, values, merged, hidden_rows: set, hidden_cols: set, out: FileBlocks) -> GridTable:
    """The sheet's visible rows and columns as a table (1-based merged ranges)."""
    height = len(values)
    while height and not any(t for t, _n in values[height - 1]):
        height -= 1
    width = max((len(row) for row in values[:height]), default=0)
    while width and not any(len(row) >= width and row[width - 1][0] for row in values[:height]):
        width -= 1
    for (r1, c1), (r2, c2) in merged:  # a merged cell's lower and right parts belong to the table
        if min(r1, r2) <= height and min(c1, c2) <= width:
            height, width = max(height, r1, r2), max(width, c1, c2)
    skipped_rows = sorted(r for r in hidden_rows if r <= height)
    skipped_cols = sorted(c for c in hidden_cols if c <= width)
    if skipped_rows or skipped_cols:
        what = []
        if skipped_rows:
            what.append(f"隐藏的行 {_runs(skipped_rows, str)}")
        if skipped_cols:
            what.append(f"隐藏的列 {_runs(skipped_cols, get_column_letter)}")
        out.notes.append(("info", "CELLS_HIDDEN", f"工作表“{title}”中{'、'.join(what)}未读取"))
    rows = [r for r in range(1, height + 1) if r not in hidden_rows]
    cols = [c for c in range(1, width + 1) if c not in hidden_cols]
    row_at = {r: i for i, r in enumerate(rows)}
    col_at = {c: i for i, c in enumerate(cols)}
    owner: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for (r1, c1), (r2, c2) in merged:
        r1, r2, c1, c2 = min(r1, r2), max(r1, r2), min(c1, c2), max(c1, c2)
        for r in range(r1, min(r2, height) + 1):
            for c in range(c1, min(c2, width) + 1):
                owner[(r, c)] = (r1, c1, r2, c2)

    def value(r, c) -> tuple[str, str | None]:
        row = values[r - 1] if r - 1 < len(values) else []
        return row[c - 1] if c - 1 < len(row) else ("", None)

    table = GridTable(where=title)
    for r in rows:
        cells = []
        for c in cols:
            where = f"{title}!{get_column_letter(c)}{r}"
            m = owner.get((r, c))
            if m is None:
                text, number = value(r, c)
                cells.append(GridCell(text, col_at[c], where=where, number=number))
                continue
            r1, c1, r2, c2 = m
            vis_rows = [x for x in range(r1, r2 + 1) if x in row_at]
            vis_cols = [x for x in range(c1, c2 + 1) if x in col_at]
            if not vis_rows or not vis_cols or c != vis_cols[0]:
                continue  # inside a span: the cell at the left holds it
            text, number = value(r1, c1)
            if r == vis_rows[0]:
                cells.append(GridCell(text, col_at[c], len(vis_rows), len(vis_cols), where, number))
            else:
                cells.append(GridCell(text, col_at[c], 1, len(vis_cols), where, number, covered=True))
        table.rows.append(cells)
    return table


def _runs(numbers: list[int], name) -> str:
    """'3-5, 9' for [3, 4, 5, 9] (named by `name`)."""
    out, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            out.append(name(start) if start == n else f"{name(start)}-{name(n)}")
            start = None
    return ", ".join(out[:10]) + (" …" if len(out) > 10 else "")
