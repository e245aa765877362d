"""Property round trips: any decimal amount and any Unicode text comes back from the store,
through a workbook, into the store exactly (text a cell cannot hold: cleaned as reported)."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tabletext import render
from test_textimport import documents
from xlsync.validators.profiles import load_profile

from xlsync.document import dumps
from xlsync.exchange import export, push
from xlsync.published import read_text
from xlsync.store import Store
from xlsync.workbook.cells import writable_text
from xlsync.workbook.reader import read_workbook

PROFILE = load_profile("seed")
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

amounts = st.decimals(min_value=-(10**15), max_value=10**15, places=2, allow_nan=False, allow_infinity=False)


def _through_workbook(doc, folder):
    """store → workbook → the same store (pushed back) and a fresh one; both docs returned."""
    store = Store(folder / "store")
    store.put(doc)
    book = export(store, folder / "b.xlsx", PROFILE)[0]
    read = [sp.document for sp in read_workbook(book).projects]
    push(book, store, PROFILE)
    fresh = Store(folder / "fresh")
    push(book, fresh, PROFILE)
    return read, store.get(doc.id), fresh.get(doc.id)


# Amounts: text → store → workbook → store. Text tables are generated in the seed's style
# (tabletext), with the amounts written plainly or with thousands separators.
@SETTINGS
@given(doc=documents(), total=amounts, prev=amounts, prev_year=amounts, item=amounts, commas=st.booleans())
def test_any_amount_goes_text_store_workbook_store_exactly(tmp_path_factory, doc, total, prev, prev_year,
                                                           item, commas):
    doc = doc.model_copy(update={
        "total_amount": f"{total:.2f}", "prev_total_amount": f"{prev:.2f}", "prev_year_amount": f"{prev_year:.2f}",
        "composition": [doc.composition[0].model_copy(update={"amount": f"{item:.2f}"})]})
    text = render(doc)
    if commas:
        for d in {total, prev, prev_year, item}:
            text = text.replace(f"\t{d:.2f}\t", f"\t{d:,.2f}\t")
    tables, _notes = read_text(text, "gen.txt")
    imported = tables[0].document
    money = ("total_amount", "year_amount", "prev_total_amount", "prev_year_amount")
    assert [getattr(imported, k) for k in money] == [getattr(doc, k) for k in money]
    assert [c.amount for c in imported.composition] == [c.amount for c in doc.composition]
    assert [p.amount for p in imported.plan] == [p.amount for p in doc.plan]
    read, back, fresh = _through_workbook(imported, tmp_path_factory.mktemp("amounts"))
    assert read == [imported] and back == imported and dumps(fresh) == dumps(imported)
    assert Decimal(back.total_amount) == total and Decimal(back.composition[0].amount) == item


# Arbitrary Unicode: document → store → workbook → store (generated text tables cannot carry
# tabs, line structure or labels in every field, so the text leg is the test above).
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


def _expect(value, empty):
    clean = writable_text(value)
    return clean if clean.strip() else empty


@SETTINGS
@given(fields=st.fixed_dictionaries({k: texts for k in (
    "fund_use", "owner", "contact", "phone", "overview", "basis", "necessity", "measures", "plan_text",
    "remark", "overall_goal", "annual_goal")}), name=texts, item=texts, indicator=st.lists(texts, min_size=4,
                                                                                           max_size=4))
def test_any_unicode_text_goes_store_workbook_store(tmp_path_factory, seed_docs, fields, name, item, indicator):
    seed = seed_docs[0]
    level1, level2, ind_name, target = indicator
    doc = seed.model_copy(update={
        **fields, "name": name + "项目",
        "composition": [seed.composition[0].model_copy(update={"item": item})],
        "indicators": [seed.indicators[0].model_copy(update={
            "level1": level1, "level2": level2, "name": ind_name + "率", "target": target})]})
    expected = doc.model_copy(update={
        **{k: _expect(v, None) for k, v in fields.items()}, "name": writable_text(name + "项目"),
        "composition": [doc.composition[0].model_copy(update={"item": _expect(item, "")})],
        "indicators": [doc.indicators[0].model_copy(update={
            "level1": _expect(level1, None), "level2": _expect(level2, None), "name": writable_text(ind_name + "率"),
            "target": _expect(target, None)})]})
    read, back, fresh = _through_workbook(doc, tmp_path_factory.mktemp("text"))
    assert read == [expected]
    assert back == expected and fresh == expected
