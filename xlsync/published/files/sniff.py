"""What a file is, decided by its content (never by its name): docx, xlsx (also .xlsm), xls,
pdf, html or txt; or why it cannot be read (encrypted, damaged, empty, xlsync's own
workbook, another kind of file)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ...errors import ImportTextError, Location
from ...limits import limits, size_text
from . import bad

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OWN_SHEETS = ("_xlsync", "_lists")  # xlsync.workbook.layout's META_SHEET, LISTS_SHEET: its own workbooks
_HTML = re.compile(rb"<\s*(!doctype\s+html|html|head|body|table|meta|title)\b", re.I)
KINDS = ("txt", "docx", "xlsx", "xls", "html", "pdf")


def sniff(path: str | Path) -> str:
    """The kind of a file; FileUnreadable when it is none that can be read."""
    path = Path(path)
    file = str(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise ImportTextError(f"无法读取文件: {exc.strerror}", Location(file)) from None
    limit = limits().max_file_bytes
    if size > limit:
        raise bad.FileUnreadable(bad.TOO_LARGE, f"文件过大（{size_text(size)}，上限 {size_text(limit)}，"
                                 "可用 XLSYNC_MAX_FILE_MB 调整）", file)
    if not head.strip():
        raise bad.FileUnreadable(bad.EMPTY, "文件为空（没有任何内容）", file)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path)
    if head.startswith(OLE_MAGIC):
        return _ole_kind(path)
    if head.lstrip().startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"{\\rtf"):
        raise bad.FileUnreadable(bad.NOT_SUPPORTED, "这是 RTF 文档：请在 Word 中另存为 .docx 后再导入", file)
    for magic, what in ((b"\x89PNG", "PNG 图片"), (b"\xff\xd8\xff", "JPEG 图片"), (b"GIF8", "GIF 图片"),
                        (b"II*\x00", "TIFF 图片"), (b"MM\x00*", "TIFF 图片")):
        if head.startswith(magic):
            raise bad.FileUnreadable(bad.SCANNED, f"这是{what}（二进制文件：扫描件或截图），没有可读取的文字；"
                                     "本程序不做文字识别 (OCR)：请取得原始的 Word/Excel/PDF 文件", file)
    sample = _as_ascii(head)
    if _HTML.search(sample):
        return "html"
    return "txt"


def _as_ascii(head: bytes) -> bytes:
    """The head of a file with UTF-16 NUL bytes dropped, so an HTML page saved as UTF-16 is found."""
    return head.replace(b"\x00", b"") if head[:2] in (b"\xff\xfe", b"\xfe\xff") else head


def _zip_kind(path: Path) -> str:
    file = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            workbook = zf.read("xl/workbook.xml") if "xl/workbook.xml" in names else None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError) as exc:
        raise bad.FileUnreadable(bad.DAMAGED, "文件已损坏：zip 结构无法读取（zip 压缩包或 Office 文件 .docx/.xlsx）"
                                 f": {exc}", file) from None
    if "word/document.xml" in names:
        return "docx"
    if workbook is not None:
        if any(re.search(rb'<(?:\w+:)?sheet\b[^>]*name="' + name.encode() + rb'"', workbook) for name in OWN_SHEETS):
            raise bad.FileUnreadable(
                bad.OWN_WORKBOOK, "这是 xlsync 的工作簿，不是公开发布的表格：请用 xlsync push（即 xlsync import）"
                "或 xlsync convert 把它导入存储", file)
        return "xlsx"
    if "xl/workbook.bin" in names:
        raise bad.FileUnreadable(bad.NOT_SUPPORTED, "这是 .xlsb 二进制工作簿：请在 Excel 中“另存为” .xlsx 后再导入", file)
    if "mimetype" in names or "content.xml" in names:
        raise bad.FileUnreadable(bad.NOT_SUPPORTED, "这是 OpenDocument 文件 (.odt/.ods)：请另存为 .docx 或 .xlsx 后再导入", file)
    raise bad.FileUnreadable(bad.NOT_SUPPORTED, "这是 zip 压缩包，不是 Word 文档或 Excel 工作簿：请先解压", file)


def _ole_kind(path: Path) -> str:
    import olefile

    file = str(path)
    try:
        with olefile.OleFileIO(file) as ole:
            streams = {"/".join(s).lower() for s in ole.listdir(streams=True, storages=True)}
    except Exception as exc:  # noqa: BLE001 - olefile raises many kinds on a broken file
        raise bad.FileUnreadable(bad.DAMAGED, "旧版 Office 文件 (.doc/.xls) 已损坏："
                                 f"OLE 复合文件无法读取 ({exc})", file) from None
    if "encryptedpackage" in streams or "encryptioninfo" in streams:
        raise bad.FileUnreadable(bad.ENCRYPTED, "文件受密码保护（已加密），无法读取：请在 Word/Excel 中打开，"
                                 "清除“用密码进行加密”后保存，再导入", file)
    if "workbook" in streams or "book" in streams:
        return "xls"
    if "worddocument" in streams:
        raise bad.FileUnreadable(bad.NOT_SUPPORTED, "这是旧版 Word 文档 (.doc)：请在 Word 或 LibreOffice 中"
                                 "另存为 .docx 后再导入", file)
    raise bad.FileUnreadable(bad.NOT_SUPPORTED, "这是 OLE 复合文件，不是可读取的 Office 文档", file)
