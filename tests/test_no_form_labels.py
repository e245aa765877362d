"""Everything that differs between forms lives in the form files; no Python names a form
(issue 23). A check anyone can run: `pytest tests/test_no_form_labels.py`.

The words: every text the form files declare for reading (forms/*.toml: [detect] labels and the
Chinese words of its title patterns, [labels], [sections], [composition], [indicators],
[funding], [footer] …; not [workbook], which says how xlsync *writes* a sheet), the
categories of the rule profiles (validators/profiles/*.toml [[level1]] names and their
二级), and the shared reading knowledge of forms/reading.toml (its word lists and the Chinese
words of its patterns). Words of one character are left out (一, 是, 否 are language, not a
form's), and so are the money units (元, 万元, 亿元: xlsync.money reads amounts of any form).
A two-character word of reading.toml's word lists is a fragment (label endings, category stems:
情况, 完成 …): a literal matches it only by being it; every other word also when a literal
holds it.

The rule: a string literal in xlsync/**/*.py and validators/*.py (installed as
xlsync.validators; docstrings are not code) may not spell one of
those words, or hold one, where it decides behaviour:
- an operand of a comparison (`==`, `in`, …), alone or in a tuple/list/set literal;
- an argument of a str method that matches (startswith, endswith, find, split, replace, strip …);
- the pattern of a `re` function (compile, match, search, sub, …), concatenations included;
- a key of a dict literal (keys are what is looked up);
- an element of a tuple/list/set literal of strings a loop or comprehension goes through
  (`any(w in t for w in ("盖章", "签字"))`; pairs such as `(("total_amount", "总金额"), …)`
  name headings to show);
- an element of a module- or class-level constant (tuple, list, set, frozenset(...), dict keys,
  re.compile(...)) that the module uses in one of the positions above.
What is shown (messages, the 中文 of a code in xlsync/codes.py, headings a writer puts into a
workbook or report, dict *values* such as `_ROLE_ZH`) is presentation: it decides nothing and
is not checked here, wherever it sits. A literal equal to a form's name (`form.name == "seed"`,
`vocab("national")`) is flagged wherever it sits: code refers to forms through xlsync.forms
(DEFAULT, NEW_PROJECT, SELF_EVALUATION …) so that no branch names one; only the registries of
the shipped files name them (forms/__init__.py, and validators/profiles.py for the rule
profiles, whose names are the same).
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HAN = re.compile(r"[\u4e00-\u9fff]")
HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
STR_METHODS = {"startswith", "endswith", "find", "rfind", "index", "rindex", "count", "replace", "split",
               "rsplit", "strip", "lstrip", "rstrip", "removeprefix", "removesuffix", "partition", "rpartition"}
RE_FUNCS = {"compile", "match", "search", "fullmatch", "sub", "subn", "split", "findall", "finditer"}
# form-file sections that say how a sheet is written or which file/profile a form is, not how text reads
NOT_READING = {"name", "title", "profile", "money_unit", "workbook", "required"}


def _texts(value, path=()):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            if HAN.search(k):
                yield (*path, "<key>"), k
            yield from _texts(v, (*path, k))
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item, path)


MONEY_UNITS = {"元", "万元", "亿元"}


def form_words() -> dict[str, str]:
    """word → where it is declared; a fragment's place is marked "(fragment)"."""
    words: dict[str, str] = {}

    def add(word: str, where: str) -> None:
        if len(word) >= 2 and HAN.search(word) and word not in MONEY_UNITS:
            if words.get(word, "(fragment)").endswith("(fragment)"):
                words[word] = where

    for f in sorted((ROOT / "forms").glob("*.toml")):
        data = tomllib.loads(f.read_text(encoding="utf-8"))
        for path, text in _texts(data):
            where = f"forms/{f.name} [{'.'.join(map(str, path))}]"
            if path and path[0] in NOT_READING:
                continue
            if f.name == "reading.toml" and path and path[0] == "patterns" or path[:2] == ("detect", "titles"):
                for run in HAN_RUN.findall(text):  # a pattern: its words
                    add(run, where)
            else:
                add(text, where + (" (fragment)" if f.name == "reading.toml" and len(text) <= 2 else ""))
    for f in sorted((ROOT / "validators" / "profiles").glob("*.toml")):
        data = tomllib.loads(f.read_text(encoding="utf-8"))
        for l1 in data.get("level1", []):
            for name in [l1["name"], *l1.get("level2", []), *l1.get("also_level2", [])]:
                add(name, f"validators/profiles/{f.name} [[level1]]")
    return words


def form_names() -> set[str]:
    return {tomllib.loads(f.read_text(encoding="utf-8")).get("name", f.stem)
            for f in (ROOT / "forms").glob("*.toml") if f.name != "reading.toml"}


def _strings(node: ast.AST) -> list[ast.Constant]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _names(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Attribute):
        return {node.attr}
    return set()


_LITERAL = (ast.Constant, ast.Tuple, ast.List, ast.Set, ast.JoinedStr, ast.BinOp)


def deciding(tree: ast.Module) -> list[tuple[ast.Constant, str]]:
    """The string literals of a module that stand where they decide behaviour, with why."""
    found: list[tuple[ast.Constant, str]] = []
    used: set[str] = set()  # names of constants used in such positions
    for n in ast.walk(tree):
        if isinstance(n, ast.Compare):
            for x in (n.left, *n.comparators):
                if isinstance(x, _LITERAL):
                    found += [(c, "comparison") for c in _strings(x)]
                used |= _names(x)
        elif isinstance(n, ast.Call):
            f = n.func
            if isinstance(f, ast.Attribute) and f.attr in STR_METHODS:
                for a in n.args:
                    if isinstance(a, _LITERAL):
                        found += [(c, f"str.{f.attr}") for c in _strings(a)]
                    used |= _names(a)
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "re" \
                    and f.attr in RE_FUNCS and n.args:
                a = n.args[0]
                if isinstance(a, _LITERAL):
                    found += [(c, f"re.{f.attr}") for c in _strings(a)]
                used |= _names(a)
        elif isinstance(n, ast.Dict):
            found += [(k, "dict key") for k in n.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        elif isinstance(n, (ast.comprehension, ast.For)) and isinstance(n.iter, (ast.Tuple, ast.List, ast.Set)) \
                and all(isinstance(e, ast.Constant) for e in n.iter.elts):  # words, not (key, heading) pairs
            found += [(c, "loop over words") for c in _strings(n.iter)]
    bodies = [tree.body] + [c.body for c in ast.walk(tree) if isinstance(c, ast.ClassDef)]
    for body in bodies:
        for st in body:
            if not isinstance(st, (ast.Assign, ast.AnnAssign)) or st.value is None:
                continue
            targets = st.targets if isinstance(st, ast.Assign) else [st.target]
            named = {t.id for t in targets if isinstance(t, ast.Name)}
            if not named & used:
                continue
            v = st.value
            if isinstance(v, ast.Dict):  # what is looked up: the keys (the values are shown)
                found += [(k, f"constant {', '.join(sorted(named))}") for k in v.keys
                          if isinstance(k, ast.Constant) and isinstance(k.value, str)]
            elif isinstance(v, (ast.Tuple, ast.List, ast.Set, ast.Constant)) or (
                    isinstance(v, ast.Call) and (_names(v.func) & {"frozenset", "set", "tuple", "compile"})):
                found += [(c, f"constant {', '.join(sorted(named))}") for c in _strings(v)]
    return found


def _docstrings(tree: ast.Module) -> set[int]:
    ids = set()
    for n in ast.walk(tree):
        if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.body:
            first = n.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _modules(folders=("xlsync", "validators")):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path.relative_to(ROOT), ast.parse(path.read_text(encoding="utf-8"))


def test_the_words_are_collected():
    words = form_words()
    # a label of a form, a synonym, a footer marker, a category of a profile, a shared reading word
    for w in ("项目名称", "主管部门及编码", "填报人", "产出指标", "满意度指标", "一级指标"):
        assert w in words, w
    assert form_names() >= {"seed", "national"}


def test_no_form_word_decides_behaviour_in_python():
    words = form_words()
    hits = []
    for rel, tree in _modules():
        docs = _docstrings(tree)
        seen: set[int] = set()
        for const, why in deciding(tree):
            if id(const) in seen or id(const) in docs or not HAN.search(const.value):
                continue
            seen.add(id(const))
            spelled = sorted((w for w, where in words.items() if w == const.value or (
                w in const.value and not where.endswith("(fragment)"))), key=len, reverse=True)
            if spelled:
                hits.append(f"{rel}:{const.lineno} [{why}] {const.value[:50]!r} spells {spelled[0]!r} "
                            f"({words[spelled[0]]})")
    assert not hits, "form words deciding behaviour in Python (move them into forms/):\n" + "\n".join(hits)


def test_no_python_names_a_form():
    names = form_names()
    hits = []
    for rel, tree in _modules(("xlsync",)):
        docs = _docstrings(tree)
        for n in ast.walk(tree):
            if isinstance(n, ast.Constant) and n.value in names and id(n) not in docs:
                hits.append(f"{rel}:{n.lineno} {n.value!r}")
    assert not hits, "Python naming a form (use xlsync.forms' names for them):\n" + "\n".join(hits)


def test_the_check_finds_what_it_is_for():
    """The rule on a module written for it: each kind of position is caught, a message is not."""
    src = '''
import re
WORDS = ("项目名称", "其他")
_RX = re.compile(r"^(?:产出|效益)指标$")
ROLE_ZH = {"name": "项目名称"}
def f(t, form):
    if t == "填报人" or t.startswith(("主管部门", "x")) or re.search("一级指标", t) or t in WORDS:
        return {"单位编码": 1}
    if any(w in t for w in ("签字", "盖章")):
        return None
    if t in ROLE_ZH:
        raise ValueError(f"项目名称 {t}")
    return _RX.match(t)
'''
    tree = ast.parse(src)
    words = form_words()
    got = {(c.lineno, c.value) for c, _why in deciding(tree) if any(w in c.value for w in words)}
    # 其他 is a funding source of the national form; the message and the dict's value are not caught
    assert {v for _l, v in got} == {"项目名称", "其他", "填报人", "主管部门", "一级指标", "单位编码",
                                     r"^(?:产出|效益)指标$", "签字", "盖章"}, got
