"""xlsync.forms: the layouts of published tables and workbooks, described as data.

A form file (``<name>.toml`` in this folder, or any path) says what a layout looks like:
how its title reads, which labels name which document key (with their synonyms), which
column headers the indicator table has, which lines end a table, which rule profile checks
it, and how its workbook sheet is laid out. Code says how to read and write *any* layout
(`xlsync.published`, `xlsync.workbook`); nothing outside this folder names a city.

An office adds its own form by copying ``national.toml`` and passing ``--form PATH``.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from xlsync.errors import XlsyncError

BUILTIN = ("seed", "national")
DEFAULT = "seed"  # the layout of documents that name none (every version 1 document)
# the form of a project added to a workbook that has no project to take one from (新增项目 on an
# empty workbook): the national 申报表, the layout most offices are asked for
NEW_PROJECT = "national"
# the form whose labels and categories a published 自评表 / 监控表 is read with, and its documents' layout
SELF_EVALUATION = "national"


class FormError(XlsyncError):
    """A form file that cannot be used as it is: its syntax, a missing key, or a reading entry
    of the wrong kind (a label list that is not a list of texts, a title pattern that is not a
    regular expression). The message names the file and the key."""

    code = "FORM_INVALID"


@dataclass(frozen=True)
class Form:
    name: str
    title: str
    profile: str  # the rule profile a table of this form is validated with
    data: dict = field(repr=False)  # the whole file, for the readers and writers
    source: str = ""

    def section(self, key: str) -> dict:
        value = self.data.get(key, {})
        if not isinstance(value, dict):
            raise XlsyncError(f"{self.source}: 表单文件的 [{key}] 应为一个表 (table)")
        return value

    @property
    def workbook(self) -> dict:
        """The [workbook] section: how a document of this form is laid out on a sheet."""
        return self.section("workbook")


def _read(text: str, source: str) -> Form:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FormError(f"{source}: 表单文件 TOML 语法错误: {exc}") from None
    try:
        form = Form(name=str(data["name"]), title=str(data.get("title", data["name"])),
                    profile=str(data.get("profile", data["name"])), data=data, source=source)
    except KeyError as exc:
        raise FormError(f"{source}: 表单文件缺少键 {exc}") from None
    _check_reading(data, source)
    return form


# the reading sections of a form file: section → its keys' kind ("*": every key); a form file
# is user-editable, so each entry is checked when it is loaded, never read as something else
_WORDS, _REGEXES, _INT, _BOOL = "words", "regexes", "int", "bool"
_READING_KINDS = {
    "detect": {"titles": _REGEXES, "labels": _WORDS, "min_labels": _INT, "unit_from_title": _BOOL,
               "required": _WORDS, "all_level1": _BOOL},
    "labels": {"*": _WORDS, "funding_amount": "funding_amount", "extra": "extra"},
    "sections": {"*": _WORDS},
    "composition": {"*": _WORDS},
    "indicators": {"*": _WORDS},
    "funding": {"*": _WORDS},
    "footer": {"*": _WORDS},
}


def _check_reading(data: dict, source: str) -> None:
    """FormError naming the file and the key when a reading entry is not of its kind."""
    for section, kinds in _READING_KINDS.items():
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise FormError(f"{source}: 表单文件的 [{section}] 应为一个表 (table)")
        for key, value in table.items():
            kind = kinds.get(key, kinds.get("*"))
            where = f"{source}: 表单文件的 [{section}] {key}"
            if kind == _WORDS or kind == _REGEXES:
                if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
                    raise FormError(f"{where} 应为文字列表（如 [\"项目名称\", \"专项名称\"]）")
                for i, pattern in enumerate(value if kind == _REGEXES else (), 1):
                    try:
                        re.compile(pattern)
                    except re.error as exc:
                        raise FormError(f"{where} 第 {i} 个不是有效的正则表达式: {exc}") from None
            elif kind == _INT and (not isinstance(value, int) or isinstance(value, bool)):
                raise FormError(f"{where} 应为整数")
            elif kind == _BOOL and not isinstance(value, bool):
                raise FormError(f"{where} 应为 true 或 false")
            elif kind == "funding_amount" and (not isinstance(value, dict) or not all(
                    isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v)
                    for v in value.values())):
                raise FormError(f"{where} 应为“标签 = [\"文档键\", \"资金来源\"]”的表")
            elif kind == "extra" and (not isinstance(value, dict) or not all(
                    isinstance(v, list) and all(isinstance(w, str) and w for w in v) for v in value.values())):
                raise FormError(f"{where} 应为一个表，其 labels 为文字列表")


_DIRS: list[Path] = []  # folders of an office's own forms (a store's .xlsync/forms, XLSYNC_FORMS)


def add_forms_folder(folder: str | Path) -> None:
    """Look for form files (`<name>.toml`) in this folder too (e.g. a store's own forms)."""
    folder = Path(folder)
    if folder not in _DIRS:
        _DIRS.append(folder)
        _load_form.cache_clear()


# the forms of the store being worked with, for the current context only (Store.using_forms)
_SCOPE: ContextVar[tuple[Path, ...]] = ContextVar("xlsync_forms_scope", default=())


@contextmanager
def forms_from(*folders: str | Path) -> Iterator[None]:
    """Within the block (this thread or task only), also look for forms in these folders."""
    token = _SCOPE.set(_SCOPE.get() + tuple(Path(f) for f in folders))
    try:
        yield
    finally:
        _SCOPE.reset(token)


def forms_folders() -> list[Path]:
    env = [Path(p) for p in os.environ.get("XLSYNC_FORMS", "").split(os.pathsep) if p]
    return env + list(_SCOPE.get()) + _DIRS


def load_form(name_or_path: str | None = None) -> Form:
    """A form by name — shipped ('seed', 'national') or an office's own, found in the folders of
    `forms_folders()` — or a form file by path."""
    name = name_or_path or DEFAULT
    return _load_form(name, () if name in BUILTIN else tuple(forms_folders()))


@cache
def _load_form(name_or_path: str, _folders: tuple) -> Form:
    """load_form, cached per name and the folders it was looked for in."""
    if name_or_path in BUILTIN:
        ref = resources.files("xlsync.forms") / f"{name_or_path}.toml"
        return _read(ref.read_text(encoding="utf-8"), f"forms/{name_or_path}.toml")
    path = Path(name_or_path)
    if not path.is_file() and re.fullmatch(r"[\w.-]{1,64}", name_or_path):
        path = next((d / f"{name_or_path}.toml" for d in forms_folders() if (d / f"{name_or_path}.toml").is_file()),
                    path)
    if not path.is_file():
        raise XlsyncError(f"表单文件不存在: {name_or_path}（内置表单: {', '.join(BUILTIN)}；"
                          f"自己的表单放在存储的 .xlsync/forms/ 或 XLSYNC_FORMS 指定的文件夹中）")
    return _read(path.read_text(encoding="utf-8"), str(path))


def builtin_forms() -> list[Form]:
    return [load_form(n) for n in BUILTIN]


def form_of(doc) -> Form:
    """The form a document is written with: its `layout`, else the default."""
    return load_form(getattr(doc, "layout", None) or DEFAULT)
