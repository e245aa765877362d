"""Reading .xlsx/.xlsm files straight from their XML into Grids, with nothing through float.

A number cell is the Decimal of the digits in the file; shared and inline strings, booleans,
dates (by the cell's number format, built-in or custom), sheet-scoped and workbook defined
names, Excel tables, merged ranges and sheet states are read as Excel means them. A formula
cell is its cached value; without one (a file written by a program and never opened in
Excel) it is an Uncalculated marker, so that a reader can refuse it instead of reading blank.

Before any XML is parsed the file is checked: its size, what it is (an encrypted workbook and
an old .xls are both OLE compound files, told apart by their streams; .ods, .xlsb, .docx are
named), and the uncompressed sizes the zip declares (zipfile never inflates past them). While
parsing, each sheet's cells are counted against the limit and the parse stops there. XML with
a DOCTYPE (entities) is refused.
"""

from __future__ import annotations

import datetime as _dt
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.parsers import expat

from ..errors import Location, WorkbookError
from ..limits import Limits, limits, size_text
from .grid import Grid, Uncalculated, _Name

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REL_OFFICE = "/officeDocument"
_COLUMNS: dict[str, int] = {}  # "AB" → 28, filled as met
_RANGE_END_RE = re.compile(r"(\d+)$")
# number formats Excel numbers itself (ECMA-376 18.8.30); 27-36 and 50-58 are the East Asian
# date formats, whose codes depend on the locale: only their being dates matters here
BUILTIN_FORMATS = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%",
    11: "0.00E+00", 12: "# ?/?", 13: "# ??/??", 14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm",
    17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss",
    22: "m/d/yy h:mm", 37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)",
    39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)", 45: "mm:ss", 46: "[h]:mm:ss",
    47: "mmss.0", 48: "##0.0E+0", 49: "@",
    **{i: 'yyyy"年"m"月"d"日"' for i in (*range(27, 37), *range(50, 59))},
}
_DATE_STRIP = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_DATE_CHARS = re.compile(r"[dmyhs]", re.I)
_EPOCH_1900 = _dt.datetime(1899, 12, 30)
_EPOCH_1904 = _dt.datetime(1904, 1, 1)
_MAX_SERIAL = 2958465  # 9999-12-31


class Refused(Exception):
    """Parsing stopped: the file is not what it claims, or beyond a limit."""


@dataclass
class Book:
    path: Path
    sheets: list[Grid]
    names: dict[str, str] = field(default_factory=dict)  # workbook-scoped name → reference
    date1904: bool = False


def is_date_format(code: str | None) -> bool:
    if not code or code == "General":
        return False
    return bool(_DATE_CHARS.search(_DATE_STRIP.sub("", code.split(";")[0])))


def _column(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _local(name: str) -> str:
    """x:c → c (namespaces are not processed: only local names matter here)."""
    return name.rpartition(":")[2] if ":" in name else name


def _parser(start=None, end=None, text=None) -> expat.XMLParserType:
    p = expat.ParserCreate()
    p.buffer_text = True
    p.buffer_size = 1 << 16

    def refuse(*_args):
        raise Refused("XML 中有 DOCTYPE/实体声明（工作簿不会有）")

    p.StartDoctypeDeclHandler = refuse
    p.EntityDeclHandler = refuse
    if start:
        p.StartElementHandler = start
    if end:
        p.EndElementHandler = end
    if text:
        p.CharacterDataHandler = text
    return p


# -- the package ---------------------------------------------------------------------------
class _Package:
    def __init__(self, path: Path, zf: zipfile.ZipFile):
        self.path, self.zf = path, zf
        self.members = {i.filename.lstrip("/"): i for i in zf.infolist()}
        self.lower = {k.lower(): k for k in self.members}

    def name(self, part: str) -> str | None:
        part = part.lstrip("/")
        return part if part in self.members else self.lower.get(part.lower())

    def has(self, part: str) -> bool:
        return self.name(part) is not None

    def parse(self, part: str, start=None, end=None, text=None) -> None:
        name = self.name(part)
        if name is None:
            raise Refused(f"缺少部件 {part}")
        p = _parser(start, end, text)
        with self.zf.open(self.members[name]) as fh:
            p.ParseFile(fh)

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (target part, type) of a part."""
        folder, base = posixpath.split(part)
        out: dict[str, tuple[str, str]] = {}
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(rels):
            return out

        def start(name, attrs):
            if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(folder, target))
                out[attrs.get("Id", "")] = (full, attrs.get("Type", ""))

        self.parse(rels, start)
        return out


def _sniff(path: Path, lim: Limits) -> None:
    """Refuse what is not an .xlsx/.xlsm zip, naming what it is."""
    loc = Location(str(path))
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise WorkbookError(f"无法读取文件: {exc.strerror}", loc) from None
    if size > lim.max_file_bytes:
        raise WorkbookError(f"文件过大（{size_text(size)}，上限 {size_text(lim.max_file_bytes)}，"
                            "可用 XLSYNC_MAX_FILE_MB 调整）", loc)
    if size == 0:
        raise WorkbookError("文件为空（0 字节），不是工作簿", loc)
    if head == OLE_MAGIC:
        raise WorkbookError(_ole_kind(path), loc)
    if not head.startswith(b"PK"):
        what = "PDF 文件" if head.startswith(b"%PDF") else "不是 zip 格式"
        raise WorkbookError(f"不是 Excel 工作簿 (.xlsx/.xlsm)：{what}", loc)


def _ole_kind(path: Path) -> str:
    """What an OLE compound file is, from its streams."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(s) for s in ole.listdir(streams=True, storages=True)}
    except Exception as exc:  # olefile raises many kinds on a broken file
        return f"工作簿已损坏：OLE 复合文件无法读取 ({exc})"
    lowered = {s.lower() for s in streams}
    if "encryptedpackage" in lowered or "encryptioninfo" in lowered:
        return ("工作簿受密码保护（已加密），无法读取：请在 Excel 中打开，"
                "“文件 → 信息 → 保护工作簿 → 用密码进行加密”清空密码后保存，再试")
    if "workbook" in lowered or "book" in lowered:
        return "这是旧格式的 Excel 97-2003 工作簿 (.xls)：请在 Excel 中“另存为” .xlsx 后再试"
    if "worddocument" in lowered:
        return "这是 Word 文档 (.doc)，不是工作簿"
    return "这是 OLE 复合文件，不是 Excel 工作簿 (.xlsx/.xlsm)"


def _open(path: Path, lim: Limits) -> _Package:
    loc = Location(str(path))
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise WorkbookError(f"工作簿已损坏（zip 结构无法读取: {exc}）", loc) from None
    pkg = _Package(path, zf)
    declared = sum(i.file_size for i in zf.infolist())
    if declared > lim.max_unpacked_bytes:
        zf.close()
        raise WorkbookError(
            f"工作簿解压后有 {size_text(declared)}，超过上限 {size_text(lim.max_unpacked_bytes)}"
            "（可用 XLSYNC_MAX_UNPACKED_MB 调整）；未读取", loc)
    if not pkg.has("[Content_Types].xml"):
        kind = _zip_kind(pkg)
        zf.close()
        raise WorkbookError(kind, loc)
    if pkg.has("xl/workbook.bin"):
        zf.close()
        raise WorkbookError("这是 .xlsb 二进制工作簿：请在 Excel 中“另存为” .xlsx 后再试", loc)
    if pkg.has("word/document.xml"):
        zf.close()
        raise WorkbookError("这是 Word 文档 (.docx)，不是工作簿", loc)
    return pkg


def _zip_kind(pkg: _Package) -> str:
    if pkg.has("mimetype"):
        try:
            mime = pkg.zf.read(pkg.name("mimetype"))[:100].decode("ascii", "replace")
        except Exception:  # noqa: BLE001 - any failure: just not named
            mime = ""
        if "opendocument.spreadsheet" in mime:
            return "这是 OpenDocument 表格 (.ods)：请在 LibreOffice 或 Excel 中“另存为” .xlsx 后再试"
    return "不是 Excel 工作簿：zip 中没有 [Content_Types].xml"


# -- workbook parts ------------------------------------------------------------------------
def _workbook_part(pkg: _Package) -> str:
    for target, kind in pkg.rels("").values():
        if kind.endswith(_REL_OFFICE):
            return target
    return "xl/workbook.xml"


def _read_workbook_xml(pkg: _Package, part: str):
    sheets: list[tuple[str, str, str]] = []  # name, rel id, state
    names: list[tuple[str, str | None, list[str]]] = []
    props = {"date1904": False}
    current: list | None = None

    def start(name, attrs):
        nonlocal current
        tag = _local(name)
        if tag == "sheet":
            rid = next((v for k, v in attrs.items() if k.endswith(":id")), "")
            sheets.append((attrs.get("name", ""), rid, attrs.get("state", "visible")))
        elif tag == "definedName":
            current = []
            names.append((attrs.get("name", ""), attrs.get("localSheetId"), current))
        elif tag == "workbookPr":
            props["date1904"] = attrs.get("date1904", "0").lower() in ("1", "true")

    def end(name):
        nonlocal current
        if _local(name) == "definedName":
            current = None

    def text(data):
        if current is not None:
            current.append(data)

    pkg.parse(part, start, end, text)
    return sheets, [(n, s, "".join(t)) for n, s, t in names], props["date1904"]


def _read_shared_strings(pkg: _Package, part: str | None) -> list[str]:
    strings: list[str] = []
    if part is None or not pkg.has(part):
        return strings
    buf: list[str] = []
    state = {"t": False, "phonetic": 0}

    def start(name, attrs):
        tag = _local(name)
        if tag == "si":
            buf.clear()
        elif tag == "t" and not state["phonetic"]:
            state["t"] = True
        elif tag == "rPh":
            state["phonetic"] += 1

    def end(name):
        tag = _local(name)
        if tag == "t":
            state["t"] = False
        elif tag == "rPh":
            state["phonetic"] -= 1
        elif tag == "si":
            strings.append("".join(buf))

    def text(data):
        if state["t"]:
            buf.append(data)

    pkg.parse(part, start, end, text)
    return strings


def _read_styles(pkg: _Package, part: str | None) -> list[str]:
    """Number format code of each cell style (cellXfs index)."""
    custom: dict[int, str] = {}
    xfs: list[int] = []
    if part is None or not pkg.has(part):
        return []
    depth = {"cellXfs": 0}

    def start(name, attrs):
        tag = _local(name)
        if tag == "numFmt":
            try:
                custom[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "General")
            except ValueError:
                pass
        elif tag == "cellXfs":
            depth["cellXfs"] += 1
        elif tag == "xf" and depth["cellXfs"]:
            try:
                xfs.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                xfs.append(0)

    def end(name):
        if _local(name) == "cellXfs":
            depth["cellXfs"] -= 1

    pkg.parse(part, start, end)
    return [custom.get(i, BUILTIN_FORMATS.get(i, "General")) for i in xfs]


def _read_table(pkg: _Package, part: str) -> tuple[str, str] | None:
    found: dict[str, str] = {}

    def start(name, attrs):
        if _local(name) == "table" and not found:
            found["name"] = attrs.get("displayName") or attrs.get("name") or part
            found["ref"] = attrs.get("ref", "")

    if not pkg.has(part):
        return None
    pkg.parse(part, start)
    return (found["name"], found["ref"]) if found.get("ref") else None


# -- one sheet -----------------------------------------------------------------------------
class _SheetReader:
    """Cells of one worksheet part into rows of values, within the cell and text limits."""

    def __init__(self, title: str, strings: list[str], formats: list[str], date1904: bool, lim: Limits,
                 path: Path):
        self.title, self.strings, self.style_formats = title, strings, formats
        self.epoch = _EPOCH_1904 if date1904 else None
        self.path = path
        self.max_cells, self.max_chars = lim.max_cells, lim.max_cell_chars
        self.rows: dict[int, dict[int, object]] = {}
        self.formats: dict[tuple[int, int], str] = {}
        self.formulas: set[tuple[int, int]] = set()
        self.merged: list[str] = []
        self.table_ids: list[str] = []
        self.hidden_rows: set[int] = set()  # rows and columns (1-based) the sheet hides
        self.hidden_cols: set[int] = set()
        self.area = 0  # cells a dense grid holds: the width of each row, plus one per row
        self.widths: dict[int, int] = {}
        self.max_row = 0
        # the cell being read
        self.row = 0
        self.col = 0
        self.ctype = None
        self.style = None
        self.ref = None
        self.text: list[str] | None = None
        self.value_text: str | None = None
        self.inline: list[str] | None = None
        self.formula: str | None = None
        self.phonetic = 0

    def fail(self, message: str, ref: str | None = None) -> WorkbookError:
        return WorkbookError(message, Location(str(self.path), sheet=self.title, cell=ref))

    def start(self, name, attrs):
        if ":" in name:  # a prefixed namespace (x:c): only local names matter here
            name = name.rpartition(":")[2]
        if name == "c":
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                col = _COLUMNS.get(letters)
                if col is None:
                    if not (letters.isalpha() and letters.isascii() and len(letters) <= 3):
                        raise Refused(f"单元格地址无效: {ref[:20]!r}")
                    col = _COLUMNS[letters] = _column(letters)
                self.col = col
                try:
                    self.row = int(ref[len(letters):])
                except ValueError:
                    raise Refused(f"单元格地址无效: {ref[:20]!r}") from None
            else:
                self.col += 1
            self.ctype, self.style = attrs.get("t", "n"), attrs.get("s")
            self.value_text = self.formula = self.inline = None
        elif name == "v":
            self.text = []
        elif name == "row":
            r = attrs.get("r")
            self.row = int(r) if r and r.isdigit() else self.row + 1
            self.col = 0
            if attrs.get("hidden") in ("1", "true"):
                self.hidden_rows.add(self.row)
        elif name == "col":
            if attrs.get("hidden") in ("1", "true") and attrs.get("min", "").isdigit():
                lo = int(attrs["min"])
                hi = int(attrs["max"]) if attrs.get("max", "").isdigit() else lo
                self.hidden_cols.update(range(lo, min(hi, 16384) + 1))
        elif name == "is":
            self.inline = []
        elif name == "t":
            if self.inline is not None and not self.phonetic:
                self.text = []
        elif name == "f":
            self.text = []
            self.formula = ""
        elif name == "rPh":
            self.phonetic += 1
        elif name == "mergeCell":
            if attrs.get("ref"):
                self.merged.append(attrs["ref"])
        elif name == "tablePart":
            rid = next((v for k, v in attrs.items() if k == "id" or k.endswith(":id")), None)
            if rid:
                self.table_ids.append(rid)

    def end(self, name):
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c":
            if self.value_text is not None or self.inline is not None or self.formula is not None:
                self._cell()
        elif name == "v":
            self.value_text, self.text = "".join(self.text or ()), None
        elif name == "t":
            if self.inline is not None and self.text is not None:
                self.inline.append("".join(self.text))
                self.text = None
        elif name == "f":
            self.formula, self.text = "".join(self.text or ()), None
        elif name == "rPh":
            self.phonetic -= 1

    def chars(self, data):
        if self.text is not None:
            self.text.append(data)

    def _cell(self):
        row, col = self.row, self.col
        if row < 1 or col < 1 or row > 1048576 or col > 16384:
            raise Refused(f"单元格位置超出 Excel 范围 (行 {row}, 列 {col})")
        fmt = None
        if self.style is not None:
            try:
                fmt = self.style_formats[int(self.style)]
            except (ValueError, IndexError):
                fmt = None
        value = self._value(fmt)
        if value is None:
            return
        if value.__class__ is str and len(value) > self.max_chars:
            raise self.fail(f"单元格文字有 {len(value)} 个字符，超过上限 {self.max_chars}"
                            "（可用 XLSYNC_MAX_CELL_CHARS 调整）；未读取", self._ref())
        cells = self.rows.get(row)
        if cells is None:
            cells = self.rows[row] = {}
            if row > self.max_row:
                self.area += row - self.max_row
                self.max_row = row
        width = self.widths.get(row, 0)
        if col > width:
            self.area += col - width
            self.widths[row] = col
            if self.area > self.max_cells:
                raise self.fail(f"工作表的单元格区域超过上限 {self.max_cells:,} 个"
                                "（可用 XLSYNC_MAX_CELLS 调整）；未读取", self._ref())
        cells[col] = value
        if fmt and fmt != "General":
            self.formats[(row, col)] = fmt
        if self.formula is not None:
            self.formulas.add((row, col))

    def _ref(self) -> str:
        n, letters = self.col, ""
        while n:
            n, rem = divmod(n - 1, 26)
            letters = chr(65 + rem) + letters
        return f"{letters}{self.row}"

    def _value(self, fmt: str | None):
        t, v = self.ctype, self.value_text
        if t == "inlineStr":
            return "".join(self.inline) or None if self.inline is not None else None
        if v is None or (not v.strip() and t not in ("str", "s")):
            if self.formula is not None:
                return Uncalculated(self.formula, self.title, self._ref())
            return None
        if t == "s":
            try:
                return self.strings[int(v)] or None
            except (ValueError, IndexError):
                raise Refused(f"{self._ref()}: 共享字符串编号无效 ({v!r})") from None
        if t in ("str", "e"):
            return v or None
        if t == "b":
            return v.strip() in ("1", "true")
        if t == "d":
            try:
                return _dt.datetime.fromisoformat(v.strip().rstrip("Z"))
            except ValueError:
                raise Refused(f"{self._ref()}: 日期值无效 ({v!r})") from None
        try:
            number = Decimal(v.strip())
        except InvalidOperation:
            raise Refused(f"{self._ref()}: 数值无效 ({v[:40]!r})") from None
        if fmt and number.is_finite() and is_date_format(fmt):
            return self._date(number) or number
        return number

    def _date(self, serial: Decimal):
        if not 0 <= serial <= _MAX_SERIAL:
            return None
        days = int(serial)
        seconds = round((serial - days) * 86400)
        if self.epoch is not None:
            base = self.epoch
        else:
            base = _EPOCH_1900 if days >= 61 else _EPOCH_1900 + _dt.timedelta(days=1)
            if days == 0 and seconds:
                return (_dt.datetime.min + _dt.timedelta(seconds=seconds)).time()
        return base + _dt.timedelta(days=days, seconds=seconds)

    def grid(self, tables: dict[str, str]) -> Grid:
        values: list[list] = [[] for _ in range(self.max_row)]
        for r, cells in self.rows.items():
            row = [None] * self.widths[r]
            for c, v in cells.items():
                row[c - 1] = v
            values[r - 1] = row
        # a table cannot end below the last cell: rows past it are empty anyway
        clipped = {}
        for name, ref in tables.items():
            m = _RANGE_END_RE.search(ref)
            if m and int(m.group(1)) > self.max_row:
                ref = ref[: m.start()] + str(max(self.max_row, 1))
            clipped[name] = ref
        return Grid(self.title, values, None, clipped, formats=self.formats, merged=self.merged,
                    formulas=self.formulas, clean=True)


# -- the whole book ------------------------------------------------------------------------
def read_book(path: str | Path, lim: Limits | None = None) -> Book:
    """Every worksheet of an .xlsx/.xlsm file as a Grid; WorkbookError naming the problem."""
    path = Path(path)
    lim = lim or limits()
    _sniff(path, lim)
    pkg = _open(path, lim)
    try:
        return _read(pkg, lim)
    except WorkbookError:
        raise
    except Refused as exc:
        raise WorkbookError(f"工作簿已损坏或不是 Excel 写出的格式: {exc}", Location(str(path))) from None
    except (expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
            KeyError, IndexError, RecursionError, NotImplementedError) as exc:
        raise WorkbookError(f"工作簿已损坏，无法读取: {exc}", Location(str(path))) from None
    finally:
        pkg.zf.close()


def _read(pkg: _Package, lim: Limits) -> Book:
    wb_part = _workbook_part(pkg)
    rels = pkg.rels(wb_part)
    sheets, names, date1904 = _read_workbook_xml(pkg, wb_part)
    by_type: dict[str, str] = {}
    for target, kind in rels.values():
        by_type.setdefault(kind.rsplit("/", 1)[-1], target)
    strings = _read_shared_strings(pkg, by_type.get("sharedStrings"))
    formats = _read_styles(pkg, by_type.get("styles"))
    book = Book(pkg.path, [], {}, date1904)
    local: dict[int, dict[str, str]] = {}
    for name, sheet_id, ref in names:
        if sheet_id is not None and sheet_id.isdigit():
            local.setdefault(int(sheet_id), {})[name] = ref
        else:
            book.names[name] = ref
    for index, (title, rid, state) in enumerate(sheets):
        target, kind = rels.get(rid, ("", ""))
        if not kind.endswith("/worksheet"):
            continue  # chartsheets and dialog sheets hold no cells
        reader = _SheetReader(title, strings, formats, date1904, lim, pkg.path)
        pkg.parse(target, reader.start, reader.end, reader.chars)
        sheet_rels = pkg.rels(target)
        tables = {}
        for rid_t in reader.table_ids:
            part = sheet_rels.get(rid_t, ("", ""))[0]
            found = _read_table(pkg, part) if part else None
            if found:
                tables[found[0]] = found[1]
        grid = reader.grid(tables)
        grid.defined_names.update({k: _Name(v) for k, v in local.get(index, {}).items()})
        grid.sheet_state = state
        grid.hidden_rows, grid.hidden_cols = reader.hidden_rows, reader.hidden_cols
        book.sheets.append(grid)
    return book

