"""forms/reading.toml, the reading knowledge every form shares (xlsync.forms.reading): the
shipped file loads, every entry is used by the reader, a word list written into a pattern is
the same pattern, and a malformed file is an error naming the file and the key
([FORM_INVALID]), never a silent default."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from nationaltext import small_national
from xlsync.forms import reading
from xlsync.forms.reading import ReadingError, parse

ROOT = Path(__file__).resolve().parent.parent


def test_the_shipped_file_loads_and_its_entries_read_as_the_reader_needs():
    r = reading.shared()
    assert r.source == "forms/reading.toml"
    assert "负责人" in r.words("label_endings")
    # a pattern naming word lists: their words as alternatives, nothing else changed
    assert r.pattern("level1_shape") == "^(?:项目)?(?:产出|效益|完成|满意度)(?:指标|目标)$"
    assert r.regex("level1_shape").match("项目完成指标") and not r.regex("level1_shape").match("数量指标")
    assert r.mapping("word_operators")["不低于"] == "≥"
    assert [k for k, _rx in r.regexes("selfeval.field")][:2] == ["name", "department_name"]


def test_every_entry_is_asked_for_by_the_code():
    """No dead entry: each key (or the group it is in) is named by xlsync's code, or its word
    list is written into a pattern."""
    r = reading.shared()
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "xlsync").rglob("*.py"))
    raw = (ROOT / "forms" / "reading.toml").read_text(encoding="utf-8")
    unused = []
    for key in [*r.word_lists, *r.patterns, *r.maps]:
        group = key.rsplit(".", 1)[0] if key.count(".") >= 2 else None
        if f'"{key}"' in code or (group and f'"{group}"' in code) or "{" + key + "}" in raw:
            continue
        unused.append(key)
    assert not unused, f"entries of forms/reading.toml no code asks for: {unused}"


@pytest.mark.parametrize(("text", "names"), [
    ("[words\nx = 1", ["reading.toml", "TOML"]),
    ('[words]\nlabel_endings = "编码"', ["reading.toml", "[words] label_endings", "文字列表"]),
    ('[words]\nlabel_endings = []', ["[words] label_endings"]),
    ('[words]\nlabel_endings = ["编码", 3]', ["[words] label_endings"]),
    ("[patterns]\nlevel1_shape = '^(?:产出'", ["[patterns] level1_shape", "正则表达式"]),
    ("[patterns]\nlevel1_shape = '^(?:{stems})指标$'", ["[patterns] level1_shape", "{stems}"]),
    ("[patterns]\nlevel1_shape = 3", ["[patterns] level1_shape"]),
    ('[maps]\nword_operators = { "不低于" = 1 }', ["[maps.word_operators]"]),
    ('words = 3', ["[words]", "表"]),
])
def test_a_malformed_entry_names_the_file_and_the_key(tmp_path, text, names):
    path = tmp_path / "reading.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReadingError) as info:
        reading.load(path)
    assert info.value.code == "FORM_INVALID"
    message = str(info.value)
    assert str(path) in message
    for name in names:
        assert name in message
    assert re.search(r"[\u4e00-\u9fff]", message)  # a finance user reads Chinese


def test_a_key_the_reader_asks_for_that_is_not_there_is_named():
    r = parse("[words]\nlabel_endings = [\"编码\"]\n", "office/reading.toml")
    for ask in (lambda: r.words("natures"), lambda: r.regex("level1_shape"), lambda: r.mapping("word_operators"),
                lambda: r.regexes("selfeval.field")):
        with pytest.raises(ReadingError, match=r"office/reading\.toml.*(natures|level1_shape|word_operators|selfeval)"):
            ask()


def test_a_broken_shipped_file_stops_the_cli_with_its_code(tmp_path):
    """The reader's modules load the file when imported: a broken entry is the CLI's error
    ([FORM_INVALID], exit 2, the file and key named), not a traceback."""
    script = (
        "import sys\n"
        "from xlsync.forms import reading\n"
        "reading.shared = lambda: reading.parse(\"[words]\\nlabel_endings = 7\\n\", 'forms/reading.toml')\n"
        "from xlsync.cli import cli\n"
        "sys.argv = ['xlsync', 'import-text', sys.argv[1], '--store', sys.argv[2]]\n"
        "cli()\n")
    sample = ROOT / "examples" / "zhengzhou-hpf-2020.txt"
    p = subprocess.run([sys.executable, "-c", script, str(sample), str(tmp_path / "store")],
                       capture_output=True, text=True, encoding="utf-8")
    assert p.returncode == 2, p.stderr
    assert "[FORM_INVALID]" in p.stderr and "forms/reading.toml" in p.stderr and "label_endings" in p.stderr, p.stderr
    assert "Traceback" not in p.stderr


def _office_form(tmp_path, old: str, new: str) -> Path:
    text = (ROOT / "forms" / "national.toml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "office.toml"
    path.write_text(text.replace('name = "national"', 'name = "office"', 1).replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "names"), [
    ("titles = [\n", "titles = [\"(未闭合\",\n", ["[detect] titles", "第 1 个", "正则表达式"]),
    ("markers = [", "markers = \"填报人\"\nold_markers = [", ["[footer] markers", "文字列表"]),
    ("min_labels = 0", "min_labels = \"2\"", ["[detect] min_labels", "整数"]),
    ("weight = [", "weight = [3, ", ["[indicators] weight"]),
])
def test_an_office_form_with_a_malformed_reading_entry_is_refused_by_name(tmp_path, old, new, names):
    """A form file travels with an office's store and is edited by hand: a reading entry of the
    wrong kind is refused when the form is loaded (a string of markers would otherwise be read
    as its characters), at the CLI as [FORM_INVALID] with the file and key, exit 2."""
    path = _office_form(tmp_path, old, new)
    p = subprocess.run([sys.executable, "-c", "from xlsync.cli import cli; cli()", "import-text", str(ROOT / "examples" / "zhengzhou-hpf-2020.txt"),
                        "--store", str(tmp_path / "store"), "--form", str(path)],
                       capture_output=True, text=True, encoding="utf-8")
    assert p.returncode == 2, p.stdout + p.stderr
    assert "[FORM_INVALID]" in p.stderr and str(path) in p.stderr, p.stderr
    for name in names:
        assert name in p.stderr, p.stderr
    assert "Traceback" not in p.stderr
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").rglob("*.json"))


def test_an_offices_form_of_one_name_in_two_stores_reads_with_each_stores_own_labels(tmp_path):
    """A server serves many stores: two offices' forms both named 'office' differ (one lists
    工程名称 as the project name's label); each store's reading uses its own."""
    from xlsync.forms import forms_from

    from xlsync.published import read_text
    from xlsync.published.notes import ReadOptions

    national = (Path(__file__).parents[1] / "forms" / "national.toml").read_text(encoding="utf-8")
    plain = national.replace('name = "national"', 'name = "office"', 1)
    own = plain.replace('name = ["项目名称", ', 'name = ["工程名称", "项目名称", ', 1)
    assert own != plain
    for folder, text in (("a", plain), ("b", own)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "office.toml").write_text(text, encoding="utf-8")
    table = small_national(name_label="工程名称")
    names = {}
    for folder in ("a", "b", "a"):
        with forms_from(tmp_path / folder):
            (t,) = read_text(table, "t.txt", ReadOptions(form="office"))[0]
        names.setdefault(folder, set()).add(t.document.name if t.document else None)
    assert names == {"a": {None}, "b": {"道路维修"}}
