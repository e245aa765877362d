"""The benchmark's generated data is valid: the text imports, the documents load, the
workbooks read back, the floors read and write the same data. Correctness only: timings are
measured by bench/run.py and never asserted."""

import sys
from collections import Counter
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from xlsync.validators.profiles import load_profile

from xlsync.exchange import export
from xlsync.ingest import import_text
from xlsync.store import Store
from xlsync.validate import validate_documents
from xlsync.workbook.reader import read_workbook

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import floors  # noqa: E402
import generate  # noqa: E402


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench")
    files = generate.generate_text(15, root / "text", per_unit=7)
    store = Store(root / "store")
    report = import_text(files, store)
    return root, files, store, report


def test_text_imports_into_valid_documents_spread_over_units(generated):
    _root, files, store, report = generated
    assert [p.name for p in files] == ["101001.txt", "101002.txt", "101003.txt"]
    assert report.file_errors == [] and [o.status for o in report.outcomes] == ["new"] * 15
    docs, errors = store.documents()
    assert errors == [] and len(docs) == 15
    assert Counter(d.unit_code for d in docs) == {"101001": 7, "101002": 7, "101003": 1}
    assert {d.unit_name for d in docs if d.unit_code == "101002"} == {generate.unit_name(1)}
    names = [d.name for d in docs if d.unit_code == "101001"]
    assert len(set(names)) == 7 and all("（" in n for n in names)
    assert all(d.indicators and d.plan_text for d in docs)


def test_generated_projects_keep_the_seeds_findings(generated):
    """A clone is checked like its seed table: the same finding codes, project for project."""
    _root, _files, store, _report = generated
    profile = load_profile("seed")
    seeds = [doc for _block, doc in generate.seed_blocks()]
    codes = {}
    for f in validate_documents(seeds, profile):
        codes.setdefault(f.project_id, Counter())[f.code] += 1
    docs = {(d.unit_code, d.name): d for d in store.documents()[0]}
    clones = {}
    for f in validate_documents(list(docs.values()), profile):
        clones.setdefault(f.project_id, Counter())[f.code] += 1
    for u, j, k in generate.projects(15, 7):
        seed = seeds[k]
        clone = docs[(generate.unit_code(u), generate.project_name(seed.name, j))]
        assert clones.get(clone.id, Counter()) == codes.get(seed.id, Counter())
        assert clone.indicators == seed.indicators and clone.plan == seed.plan


def test_workbooks_read_back_and_floors_handle_them(generated, tmp_path):
    root, files, store, _report = generated
    books = export(store, root / "books", load_profile("seed"))
    assert [p.name for p in books] == ["101001-2020.xlsx", "101002-2020.xlsx", "101003-2020.xlsx"]
    stored = {d.id: d for d in store.documents()[0]}
    for book in books:
        content = read_workbook(book)
        assert content.errors == []
        for sp in content.projects:
            assert sp.document == stored[sp.document.id]
    assert floors.read_books(books) > 0
    assert len(floors.read_docs(store.root, books[:1])) == 7
    floors.dump_cells(books, tmp_path / "cells.jsonl")
    floors.write_books(tmp_path / "cells.jsonl", tmp_path / "floor")
    for book in books:
        ours, theirs = CalamineWorkbook.from_path(str(book)), CalamineWorkbook.from_path(
            str(tmp_path / "floor" / book.name))
        assert theirs.sheet_names == ours.sheet_names
        name = ours.sheet_names[-1]
        assert _values(theirs, name) == _values(ours, name)


def _values(wb, name):
    sheet = wb.get_sheet_by_name(name)
    r0, c0 = sheet.start or (0, 0)
    return {(r0 + i, c0 + j): v for i, row in enumerate(sheet.to_python()) for j, v in enumerate(row)
            if v != ""}


def test_floor_checks_count_what_xlsync_finds(generated):
    """The plain-pandas floor does the same checks: same failures per code as xlsync."""
    _root, _files, store, _report = generated
    docs, _ = store.documents()
    ours = Counter(f.code for f in validate_documents(docs, load_profile("seed")))
    theirs = floors.checks(floors.read_docs(store.root))
    assert {k: v for k, v in theirs.items() if v} == dict(ours)


def test_changed_store_for_pull_has_valid_new_revisions(generated, tmp_path):
    import shutil

    _root, _files, store, _report = generated
    copy = tmp_path / "changed"
    shutil.copytree(store.root, copy)
    ids = generate.change_store(copy, 4)
    changed = Store(copy)
    assert len(ids) == 4 and len(set(ids)) == 4
    for doc_id in ids:
        assert changed.get(doc_id).remark == "根据预算评审意见调整"
        assert changed.get(doc_id).overview != store.get(doc_id).overview
        assert len(changed.log(doc_id)) == 2
    assert len(changed.documents()[0]) == 15
