"""The reader remembers what it works out per distinct text (xlsync.published.memo): reading
with every memo warm gives exactly what a cold read gives, and only short texts are kept."""

from __future__ import annotations

from pathlib import Path

from xlsync.published import cells, indicators, segment
from xlsync.published.memo import SHORT, per_text
from xlsync.published.read import read_text
from xlsync.published.vocab import vocab

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "zhengzhou-hpf-2020.txt"
NATIONAL = ROOT / "examples" / "national-hunan-nanyue-2018.txt"


def _cold() -> None:
    for fn in (cells.clean_text, cells.plain_line, cells._row_parts, segment._title_match_in,
               segment._labels_in_line, segment._line_cells, indicators.clean_score):
        fn.cache_clear()
    for name in ("seed", "national"):
        vocab(name).memo.clear()


def _reading(path: Path) -> list:
    tables, notes = read_text(path.read_text(encoding="utf-8"), path.name)
    return [(t.first_line, t.last_line, t.document.model_dump() if t.document else None, t.notes, t.explain)
            for t in tables] + [notes]


def test_a_warm_read_is_the_cold_read():
    for path in (SEED, NATIONAL):
        _cold()
        cold = _reading(path)
        assert cold[0][2] is not None
        warm = _reading(path)  # every line, cell and row now remembered
        assert warm == cold
    doubled = SEED.read_text(encoding="utf-8")
    _cold()
    tables, _notes = read_text(doubled + "\n" + doubled, "twice.txt")
    firsts = [t for t in tables if t.first_line <= len(doubled.splitlines())]
    seconds = tables[len(firsts):]
    assert len(firsts) == len(seconds) == 12
    for a, b in zip(firsts, seconds, strict=True):  # the copy read from the memos: the same tables
        assert a.document.model_dump(exclude={"id"}) == b.document.model_dump(exclude={"id"})


def test_only_short_texts_are_remembered():
    seen: list[str] = []

    @per_text(maxsize=8)
    def upper(text: str) -> str:
        seen.append(text)
        return text.upper()

    long = "x" * (SHORT + 1)
    assert [upper("ab"), upper("ab"), upper(long), upper(long)] == ["AB", "AB", long.upper(), long.upper()]
    assert seen == ["ab", long, long]
    assert upper.cache_info().currsize == 1
