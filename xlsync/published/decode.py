"""Text files: the encoding detected (UTF-8 with or without BOM, UTF-16 LE/BE with or without
BOM, GB18030/GBK) or named, and a file that is not text called what it is (PDF, Office file,
binary), before any table is looked for."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ImportTextError, Location
from ..limits import limits, size_text

_BOMS = (
    (b"\xff\xfe\x00\x00", None, "UTF-32 LE"),
    (b"\x00\x00\xfe\xff", None, "UTF-32 BE"),
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16 LE"),
    (b"\xfe\xff", "utf-16-be", "UTF-16 BE"),
)
_NOT_TEXT = (
    (b"%PDF", "这是 PDF 文件，不是文本：请先把表格复制或导出为文本"),
    (b"PK\x03\x04", "这是 zip 压缩包或 Office 文件（.docx/.xlsx），不是文本：工作簿请用 xlsync push 导入，"
                    "Word 文档请先另存为纯文本"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "这是旧版 Office 文件（.doc/.xls），不是文本：请先另存为纯文本"),
    (b"{\\rtf", "这是 RTF 文档，不是纯文本：请先另存为纯文本"),
    (b"\x89PNG", "这是 PNG 图片（二进制文件），不是文本"),
    (b"\xff\xd8\xff", "这是 JPEG 图片（二进制文件），不是文本"),
)
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_UNLIKELY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd]")
SAMPLE = 1 << 16


def check_file(path: str | Path) -> None:
    """Refuse a text file larger than XLSYNC_MAX_TEXT_MB before reading it."""
    try:
        size = Path(path).stat().st_size
    except OSError as exc:
        raise ImportTextError(f"无法读取文件: {exc.strerror}", Location(str(path))) from None
    _check_size(size, str(path))


def _check_size(size: int, file: str) -> None:
    limit = limits().max_text_bytes
    if size > limit:
        raise ImportTextError(
            f"文件过大（{size_text(size)}，上限 {size_text(limit)}，可用 XLSYNC_MAX_TEXT_MB 调整）", Location(file))


def _plausible(text: str) -> float:
    """Share of characters a published table is made of (not control, private or replacement)."""
    if not text:
        return 0.0
    return 1 - len(_UNLIKELY.findall(text)) / len(text)


def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the NUL bytes sit on one side of each pair (ASCII digits,
    tabs and line breaks of UTF-16 text), else None."""
    sample = raw[:SAMPLE]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if even + odd < max(2, len(sample) // 200):
        return None
    if odd >= 0.9 * (even + odd):
        return "utf-16-le"
    if even >= 0.9 * (even + odd):
        return "utf-16-be"
    return None


def decode(raw: bytes, file: str, note) -> tuple[str, list]:
    """The text of a file and notes on how it was read; ImportTextError naming the problem.

    note(level, code, message, file, line) builds a note (the caller's Note class)."""
    _check_size(len(raw), file)
    loc = Location(file)
    if not raw.strip():
        raise ImportTextError("文件为空", loc)
    for magic, message in _NOT_TEXT:
        if raw.startswith(magic):
            raise ImportTextError(message, loc)
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            if codec is None:
                raise ImportTextError(f"文件是 {name} 编码：请另存为 UTF-8 后再导入", loc)
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError as exc:
                raise ImportTextError(f"文件以 {name} 的 BOM 开头，但第 {exc.start} 字节起不是有效的 {name}", loc) from None
            text = text.removeprefix("\ufeff")
            return _checked(text, loc), ([] if codec == "utf-8-sig" else [
                note("info", "ENCODING_UTF16", f"文件是 {name} 编码，已正确转换", file, None)])
    codec = _utf16_without_bom(raw)
    if codec:
        name = codec.upper().replace("-LE", " LE").replace("-BE", " BE")
        try:
            text = raw[: len(raw) // 2 * 2].decode(codec)
        except UnicodeDecodeError:
            text = ""
        if text and _plausible(text[:SAMPLE]) > 0.99:
            return text, [note("info", "ENCODING_UTF16", f"文件是 {name} 编码（无 BOM），已正确转换", file, None)]
    if b"\x00" in raw[:SAMPLE]:
        raise ImportTextError("这是二进制文件，不是文本，也不是能读取的 Word (.docx)、Excel (.xlsx/.xls)、网页 (.html) 或 PDF 文件", loc)
    try:
        return _checked(raw.decode("utf-8"), loc), []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportTextError(
            f"无法识别的编码：既不是 UTF-8（第 {utf8_error.start} 字节出错）、UTF-16，也不是 GB18030/GBK；"
            "请另存为 UTF-8 后再导入",
            loc,
        ) from None
    if not _CJK.search(text) or _plausible(text[:SAMPLE]) < 0.99:
        raise ImportTextError(
            f"无法识别的编码：不是 UTF-8（第 {utf8_error.start} 字节出错），按 GB18030 解码也不像中文文本；"
            "请另存为 UTF-8 后再导入", loc)
    return text, [note("info", "ENCODING_GB18030", "文件是 GB18030/GBK 编码，已正确转换", file, None)]


def _checked(text: str, loc: Location) -> str:
    if "\x00" in text:
        raise ImportTextError("文件中有空字符 (NUL)：这不是纯文本，或编码声明有误", loc)
    return text
