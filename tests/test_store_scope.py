"""Opening a store changes nothing for the rest of the process; the store is the only code
that knows its folders."""

import pytest
from xlsync.forms import load_form

from xlsync.errors import XlsyncError
from xlsync.store import Store


def test_opening_a_store_does_not_make_its_forms_visible_to_the_whole_process(tmp_path):
    store = Store(tmp_path / "s")
    store.forms_folder.mkdir(parents=True)
    national = load_form("national")
    text = open(national.source, encoding="utf-8").read() if national.source.endswith(".toml") and \
        __import__("pathlib").Path(national.source).is_file() else None
    if text is None:
        from importlib import resources

        text = (resources.files("xlsync.forms") / "national.toml").read_text(encoding="utf-8")
    (store.forms_folder / "office-y.toml").write_text(text.replace('name = "national"', 'name = "office-y"', 1),
                                                      encoding="utf-8")
    Store(tmp_path / "s")  # opening it again
    with pytest.raises(XlsyncError, match="office-y"):
        load_form("office-y")
    with store.using_forms():
        assert load_form("office-y").name == "office-y"
    with pytest.raises(XlsyncError, match="office-y"):
        load_form("office-y")


def test_the_store_lists_its_unit_years_and_reads_one(tmp_path, seed_docs):
    store = Store(tmp_path / "s")
    store.put_many(seed_docs)
    groups = store.unit_year_files()
    assert [len(g) for g in groups] == [7, 2, 3]
    assert Store.is_store(store.root) and not Store.is_store(tmp_path)
    docs = store.unit_year("095002", 2020)
    assert sorted(d.id for d in docs) == sorted(d.id for d in seed_docs if d.unit_code == "095002")
