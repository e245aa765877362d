"""xlsync.forms.reading: how any form's text reads, as data (forms/reading.toml).

What is the same for every form — label endings, level-word stems (产出, 效益 …), operators
in words (大于等于, 不低于), signature words, the words of an indicator table's headers —
is listed once in ``reading.toml`` beside the form files; the reader asks for it by key:

    _LABEL_END = reading.words("label_endings")     # a tuple of words
    _LEVEL1_SHAPE = reading.regex("level1_shape")   # a compiled pattern

A pattern may name a word list as ``{list_name}``: it stands for the list's words as
alternatives (``产出|效益|满意度``), so a word is added to the list, not to each pattern.
Entries may be grouped in sub-tables (``[patterns.selfeval]`` …): a key is then named with
its group, ``selfeval.title``, and ``regexes("selfeval.field")`` gives a group's patterns in
file order (role → pattern tables). ``[maps]`` map words to what they stand for (大于等于 → ≥).
The file is checked when it is loaded: a malformed entry is an error naming the file and the
key ([FORM_INVALID]), never a silent default.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from xlsync.forms import FormError

FILE = "forms/reading.toml"
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)\}")


class ReadingError(FormError):
    """forms/reading.toml cannot be used as it is (syntax, a key of the wrong kind, a pattern
    that does not compile, a key the reader asks for that is not there)."""

    code = "FORM_INVALID"


@dataclass(frozen=True, eq=False)
class Reading:
    source: str
    word_lists: dict[str, tuple[str, ...]]
    patterns: dict[str, str]  # key → the pattern with its {lists} written out
    maps: dict[str, dict[str, str]]

    def words(self, key: str) -> tuple[str, ...]:
        try:
            return self.word_lists[key]
        except KeyError:
            raise ReadingError(f"{self.source}: 缺少词表 [words] {key}") from None

    def pattern(self, key: str) -> str:
        try:
            return self.patterns[key]
        except KeyError:
            raise ReadingError(f"{self.source}: 缺少模式 [patterns] {key}") from None

    def regex(self, key: str, flags: int = 0) -> re.Pattern:
        return _compiled(self, key, flags)

    def regexes(self, group: str) -> list[tuple[str, re.Pattern]]:
        """The patterns of a group ([patterns.<group>]), in file order: (their key, compiled)."""
        found = [(k[len(group) + 1:], self.regex(k)) for k in self.patterns
                 if k.startswith(group + ".") and "." not in k[len(group) + 1:]]
        if not found:
            raise ReadingError(f"{self.source}: 缺少模式组 [patterns.{group}]")
        return found

    def mapping(self, key: str) -> dict[str, str]:
        try:
            return dict(self.maps[key])
        except KeyError:
            raise ReadingError(f"{self.source}: 缺少对照表 [maps] {key}") from None


@cache
def _compiled(r: Reading, key: str, flags: int) -> re.Pattern:
    return re.compile(r.pattern(key), flags)


def parse(text: str, source: str) -> Reading:
    """The reading file's text → Reading; ReadingError naming `source` and the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ReadingError(f"{source}: TOML 语法错误: {exc}") from None
    lists: dict[str, tuple[str, ...]] = {}
    for key, value in _entries(data, "words", source):
        if not isinstance(value, list) or not value or not all(isinstance(w, str) and w for w in value):
            raise ReadingError(f"{source}: [words] {key} 应为非空的文字列表（如 [\"编码\", \"名称\"]）")
        lists[key] = tuple(value)
    patterns: dict[str, str] = {}
    for key, value in _entries(data, "patterns", source):
        if not isinstance(value, str) or not value:
            raise ReadingError(f"{source}: [patterns] {key} 应为一个正则表达式文字")

        def expand(m: re.Match, key=key) -> str:
            name = m.group(1)
            if name not in lists:
                raise ReadingError(f"{source}: [patterns] {key} 引用了不存在的词表 {{{name}}}")
            return "|".join(re.escape(w) for w in lists[name])

        expanded = _PLACEHOLDER.sub(expand, value)
        try:
            re.compile(expanded)
        except re.error as exc:
            raise ReadingError(f"{source}: [patterns] {key} 不是有效的正则表达式: {exc}") from None
        patterns[key] = expanded
    maps: dict[str, dict[str, str]] = {}
    for key, value in _table(data, "maps", source).items():
        if not isinstance(value, dict) or not value or not all(
                isinstance(v, str) and v for v in value.values()):
            raise ReadingError(f"{source}: [maps.{key}] 应为“文字 = 文字”的对照表（如 \"大于等于\" = \"≥\"）")
        maps[key] = dict(value)
    return Reading(source, lists, patterns, maps)


def _entries(data: dict, section: str, source: str) -> list[tuple[str, object]]:
    """(dotted key, value) of a section, its sub-tables flattened ([patterns.selfeval] title →
    selfeval.title), in file order."""
    out: list[tuple[str, object]] = []

    def walk(table: dict, prefix: str) -> None:
        for key, value in table.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}{key}.")
            else:
                out.append((prefix + key, value))

    walk(_table(data, section, source), "")
    return out


def _table(data: dict, key: str, source: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ReadingError(f"{source}: [{key}] 应为一个表 (table)")
    return value


@cache
def shared() -> Reading:
    """The shipped reading file, loaded once."""
    return parse((resources.files("xlsync.forms") / "reading.toml").read_text(encoding="utf-8"), FILE)


def load(path: str | Path) -> Reading:
    """A reading file by path (an office's copy, a test's)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReadingError(f"{path}: 无法读取读表文件: {exc.strerror}") from None
    return parse(text, str(path))


def words(key: str) -> tuple[str, ...]:
    """A word list of the shipped reading file."""
    return shared().words(key)


def regex(key: str, flags: int = 0) -> re.Pattern:
    """A pattern of the shipped reading file, compiled."""
    return shared().regex(key, flags)


def regexes(group: str) -> list[tuple[str, re.Pattern]]:
    """The patterns of a group of the shipped reading file, in file order."""
    return shared().regexes(group)


def mapping(key: str) -> dict[str, str]:
    """A map of the shipped reading file (a copy)."""
    return shared().mapping(key)


def pattern(key: str) -> str:
    """A pattern of the shipped reading file, its word lists written out (to build on)."""
    return shared().pattern(key)
