"""Macro workbooks: turn a plain .xlsx package, written by any writer, into an .xlsm that
carries xlsync's buttons, with no step in the VBA editor.

`make_macro_workbook(path)` rewrites the package in place:
- a VBA project (xl/vbaProject.bin) built with pyOpenVBA from the file's own project, or from
  xlwings' `quickstart_standalone.xlsm` when it has none: the `xlwings` module is set to the
  one the *installed* xlwings ships (so RunPython matches the Python side), the `xlsync`
  module holds the four macros, and the document modules match the workbook's sheets one for
  one (no ghost modules of sheets that are gone, none missing for new ones);
- code names on the workbook and every sheet, the macro-enabled content type, the project's
  relationship, and the xlsync ribbon tab (customUI) whose buttons call the macros.

It is idempotent: run after every save of an .xlsm (openpyxl's round trip keeps the project
but not the code names of sheets it creates), it leaves the user's own modules alone.
"""

from __future__ import annotations

import html
import importlib.metadata
import importlib.util
import posixpath
import re
import tempfile
import zipfile
from pathlib import Path

from ..errors import WorkbookError
from ..safefile import replacing
from . import layout as L

VBA_PART = "xl/vbaProject.bin"
CUSTOMUI_PART = "customUI/customUI.xml"
MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PLAIN_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
VBA_CONTENT = "application/vnd.ms-office.vbaProject"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CUSTOMUI_REL = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
_SHEET_RELS = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet":
        "0{00020820-0000-0000-C000-000000000046}",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet":
        "0{00020821-0000-0000-C000-000000000046}",
}
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
DOCUMENT_BASES = {WORKBOOK_BASE, *_SHEET_RELS.values()}
# Code names of the sheets xlsync writes; other sheets (the projects) get xsProject1, xsProject2, ...
ROLE_CODE_NAMES = {L.INDEX_SHEET: "xsIndex", L.FINDINGS_SHEET: "xsFindings", L.META_SHEET: "xsMeta",
                   L.LISTS_SHEET: "xsLists"}

ACTIONS = [("Validate", "validate", "校验", "AcceptInvitation", "检查本工作簿并把问题写入“校验结果”表"),
           ("Plan", "plan", "计算计划", "CalculateNow", "按金额计算实施计划占比、累计占比和季度进度"),
           ("Push", "push", "推送", "FileSave", "把本工作簿的项目推送到存储"),
           ("Pull", "pull", "拉取", "Refresh", "从存储拉取最新内容")]

# 新增项目 asks the name first (InputBox) and hands it to Python as UTF-16 hex: no quoting
# through VBA, and no Chinese in the module's source (its code page is the desk's)
NEW_PROJECT = ("NewProject", "new_project", "新增项目", "TableInsert", "按本工作簿的表式新增一张空白项目表")


def _vba_text(text: str) -> str:
    """A VBA expression for a text of any script (ChrW per character)."""
    return " & ".join(f"ChrW({ord(ch)})" for ch in text)


VBA_MODULE = "\r\n".join([
    'Attribute VB_Name = "xlsync"',
    "Option Explicit",
    "' xlsync: the buttons of this workbook (the xlsync ribbon tab). Each macro runs the same",
    "' Python entry point as the xlsync server does (xlsync.excel) through xlwings' RunPython;",
    "' the Python on this desk needs xlsync installed (pip install xlsync).",
    "' Written by xlsync each time it saves the workbook: edits here are replaced.",
    *[line for name, action, *_ in ACTIONS for line in (
        "", f"Sub Xlsync{name}()", f"    RunPython \"import xlsync.excel as x; x.run('{action}')\"", "End Sub",
        "", f"Sub Xlsync{name}Ribbon(control As IRibbonControl)", f"    Xlsync{name}", "End Sub")],
    "",
    "Private Function XlsyncHex(ByVal s As String) As String",
    "    Dim i As Long, h As String",
    "    For i = 1 To Len(s)",
    "        h = h & Right(\"000\" & Hex(AscW(Mid(s, i, 1)) And &HFFFF&), 4)",
    "    Next i",
    "    XlsyncHex = h",
    "End Function",
    "",
    "Sub XlsyncNewProject()",
    "    Dim n As String",
    f"    n = Trim(InputBox({_vba_text('新项目的名称（项目名称）')}, {_vba_text('xlsync 新增项目')}))",
    "    If Len(n) = 0 Then Exit Sub",
    "    RunPython \"import xlsync.excel as x; x.run('new_project', '\" & XlsyncHex(n) & \"')\"",
    "End Sub",
    "",
    "Sub XlsyncNewProjectRibbon(control As IRibbonControl)",
    "    XlsyncNewProject",
    "End Sub",
    "",
])

CUSTOMUI = "\n".join([
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    '<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">',
    "  <ribbon>", "    <tabs>", '      <tab id="xlsyncTab" label="xlsync 绩效目标">',
    '        <group id="xlsyncGroup" label="xlsync">',
    *[f'          <button id="xs{name}" label="{label}" size="large" imageMso="{icon}" '
      f'onAction="Xlsync{name}Ribbon" screentip="{tip}"/>' for name, _a, label, icon, tip in [*ACTIONS, NEW_PROJECT]],
    "        </group>", "      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", "",
])

_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_REL = re.compile(r"<Relationship\b[^>]*?(?:/>|>\s*</Relationship>)")


# -- what the installed xlwings ships -------------------------------------------------------
def _xlwings_dir() -> Path:
    spec = importlib.util.find_spec("xlwings")  # located, not imported: this module stays light
    if spec is None or spec.origin is None:
        raise WorkbookError("写宏工作簿 (.xlsm) 需要 xlwings：pip install xlwings")
    return Path(spec.origin).parent


def xlwings_version() -> str:
    return importlib.metadata.version("xlwings")


def xlwings_vba_container() -> Path:
    """xlwings' standalone quickstart: a workbook whose VBA project holds RunPython."""
    return _xlwings_dir() / "quickstart_standalone.xlsm"


def xlwings_module() -> str:
    """The standalone xlwings VBA module of the installed xlwings version."""
    return (_xlwings_dir() / "xlwings.bas").read_text(encoding="utf-8")


# -- package parts ----------------------------------------------------------------------------
def _attrs(tag: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in _ATTR.findall(tag)}


def _rels(text: str) -> list[dict[str, str]]:
    return [_attrs(r) for r in _REL.findall(text)]


def _set_attr(tag: str, name: str, value: str) -> str:
    """The start tag with the attribute set (replaced, or added after the element name)."""
    if re.search(rf'\s{name}="[^"]*"', tag):
        return re.sub(rf'(\s{name}=)"[^"]*"', lambda m: f'{m.group(1)}"{value}"', tag)
    m = re.match(r"<[\w:]+", tag)
    return f'{tag[:m.end()]} {name}="{value}"{tag[m.end():]}'


def _add_rel(text: str, rel_type: str, target: str) -> str:
    if any(r.get("Type") == rel_type for r in _rels(text)):
        return text
    ids = {r.get("Id") for r in _rels(text)}
    n = 1
    while f"rId{n}" in ids or f"xlsync{n}" in ids:
        n += 1
    rel = f'<Relationship Id="xlsync{n}" Type="{rel_type}" Target="{target}"/>'
    return text.replace("</Relationships>", rel + "</Relationships>", 1)


def _sheets(read) -> tuple[list[tuple[str, str, str, str | None]], str]:
    """[(title, part, document base, code name or None)] in workbook order; workbook.xml."""
    workbook = read("xl/workbook.xml")
    rels = {r.get("Id"): r for r in _rels(read("xl/_rels/workbook.xml.rels"))}
    out = []
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*/?>", workbook):
        a = _attrs(tag)
        rel = rels.get(a.get("r:id", ""), {})
        base = _SHEET_RELS.get(rel.get("Type", ""))
        if base is None:  # dialog or macro sheets: never written by xlsync
            raise WorkbookError(f"工作表 {a.get('name')!r} 的类型不受支持: {rel.get('Type')}")
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        found = re.search(r"<(?:\w+:)?sheetPr\b[^>]*>", read(part))
        code = _attrs(found.group()).get("codeName") if found else None
        out.append((a.get("name", ""), part, base, code or None))
    return out, workbook


def _code_names(sheets) -> list[str]:
    """Keep the code names sheets have; give the others one (by role, else xsProjectN)."""
    taken = {c.casefold() for *_x, c in sheets if c} | {"thisworkbook"}
    names, n = [], 0
    for title, _part, _base, code in sheets:
        if not code:
            code = ROLE_CODE_NAMES.get(title)
            while code is None or code.casefold() in taken:
                n += 1
                code = f"xsProject{n}"
            taken.add(code.casefold())
        names.append(code)
    return names


def _with_code_name(xml: str, element: str, code: str, after: tuple[str, ...]) -> str:
    """The part with <element codeName=…>: set on the existing element, or a new one put after
    the first of the `after` elements found (or first in the root)."""
    found = re.search(rf"<(?:\w+:)?{element}\b[^>]*?/?>", xml)
    if found:
        return xml[:found.start()] + _set_attr(found.group(), "codeName", code) + xml[found.end():]
    for anchor in after:
        m = re.search(rf"<(?:\w+:)?{anchor}\b[^>]*?/>|<(?:\w+:)?{anchor}\b[^>]*>.*?</(?:\w+:)?{anchor}>", xml, re.S)
        if m:
            return f'{xml[:m.end()]}<{element} codeName="{code}"/>{xml[m.end():]}'
    root = re.search(r"<(?!\?)[\w:]+\b[^>]*>", xml)
    return f'{xml[:root.end()]}<{element} codeName="{code}"/>{xml[root.end():]}'


def _content_types(xml: str) -> str:
    xml = xml.replace(f'ContentType="{PLAIN_MAIN}"', f'ContentType="{MACRO_MAIN}"')
    defaults = {_attrs(t).get("Extension", "").lower(): _attrs(t) for t in re.findall(r"<Default\b[^>]*/>", xml)}
    if "bin" not in defaults:
        xml = re.sub(r"(<Types\b[^>]*>)", rf'\1<Default Extension="bin" ContentType="{VBA_CONTENT}"/>', xml, count=1)
    elif defaults["bin"].get("ContentType") != VBA_CONTENT and f'PartName="/{VBA_PART}"' not in xml:
        xml = xml.replace("</Types>", f'<Override PartName="/{VBA_PART}" ContentType="{VBA_CONTENT}"/></Types>')
    return xml


# -- the VBA project --------------------------------------------------------------------------
def document_header(name: str, base: str) -> str:
    """The attribute header Excel writes for a workbook or sheet document module."""
    return (f'Attribute VB_Name = "{name}"\r\nAttribute VB_Base = "{base}"\r\n'
            "Attribute VB_GlobalNameSpace = False\r\nAttribute VB_Creatable = False\r\n"
            "Attribute VB_PredeclaredId = True\r\nAttribute VB_Exposed = True\r\n"
            "Attribute VB_TemplateDerived = False\r\nAttribute VB_Customizable = True\r\n")


def _document_base(source: str) -> str | None:
    m = re.search(r'Attribute VB_Base = "([^"]*)"', source)
    return m.group(1) if m and m.group(1) in DOCUMENT_BASES else None


def build_vba_project(existing: bytes | None, documents: list[tuple[str, str]]) -> bytes:
    """vbaProject.bin for a workbook whose document modules are `documents` [(code name,
    base)], starting from `existing` (the file's own project) or xlwings' quickstart."""
    from pyopenvba import ExcelFile, VBAModuleKind

    quickstart = xlwings_vba_container()
    with tempfile.TemporaryDirectory(prefix="xlsync-vba-") as tmp:
        container, out = Path(tmp) / "in.xlsm", Path(tmp) / "out.xlsm"
        with zipfile.ZipFile(quickstart) as src, zipfile.ZipFile(container, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                dst.writestr(info, existing if existing is not None and info.filename == VBA_PART
                             else src.read(info.filename))
        with ExcelFile(container) as wb:
            project = wb.vba_project()
            wanted = {name.casefold(): (name, base) for name, base in documents}
            for module in list(project.modules):
                is_document = _document_base(module.source) is not None
                stale = is_document and module.name.casefold() not in wanted
                sample = existing is None and module.name == "Module1"  # xlwings' SampleCall
                if stale or sample:
                    project.delete_module(module.name)
            present = {m.name.casefold() for m in project.modules}
            for key, (name, base) in wanted.items():
                if key not in present:
                    project.add_module(name, document_header(name, base), kind=VBAModuleKind.other)
            for name, source in (("xlwings", xlwings_module()), ("xlsync", VBA_MODULE)):
                if name.casefold() in present:
                    wb.set_module(name, source)
                else:
                    project.add_module(name, source)
            if "dictionary" not in present:  # xlwings' module needs its Dictionary class (macOS)
                with ExcelFile(quickstart) as qs:
                    project.add_module("Dictionary", qs.get_module("Dictionary"), kind=VBAModuleKind.other)
            wb.save(out)
        with zipfile.ZipFile(out) as z:
            return z.read(VBA_PART)


# -- the whole step ---------------------------------------------------------------------------
def make_macro_workbook(path: str | Path) -> Path:
    """Rewrite the package at `path` (any .xlsx/.xlsm) as xlsync's macro workbook, in place."""
    path = Path(path)
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        parts = {n: z.read(n) for n in names}
        infos = z.infolist()

    def read(name: str) -> str:
        return parts[name].decode("utf-8")

    sheets, workbook = _sheets(read)
    codes = _code_names(sheets)
    found = re.search(r"<(?:\w+:)?workbookPr\b[^>]*>", workbook)
    book_code = (_attrs(found.group()).get("codeName") if found else None) or "ThisWorkbook"
    edits: dict[str, str | bytes] = {
        "xl/workbook.xml": _with_code_name(workbook, "workbookPr", book_code, ("fileSharing", "fileVersion")),
        "[Content_Types].xml": _content_types(read("[Content_Types].xml")),
        "xl/_rels/workbook.xml.rels": _add_rel(read("xl/_rels/workbook.xml.rels"), VBA_REL, "vbaProject.bin"),
        "_rels/.rels": _add_rel(read("_rels/.rels"), CUSTOMUI_REL, CUSTOMUI_PART),
        CUSTOMUI_PART: CUSTOMUI,
    }
    for (_title, part, _base, had), code in zip(sheets, codes, strict=True):
        if had != code:
            edits[part] = _with_code_name(read(part), "sheetPr", code, ())
    documents = [(book_code, WORKBOOK_BASE)] + [(c, s[2]) for s, c in zip(sheets, codes, strict=True)]
    edits[VBA_PART] = build_vba_project(parts.get(VBA_PART), documents)
    with replacing(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info in infos:
            data = edits.pop(info.filename, parts[info.filename])
            out.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
        for name, data in edits.items():  # parts the package did not have yet
            out.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path
