"""A review item's life after reading: the import outcome 待核对 and its exit code, the marked
cells and the 核对 sheet of the exported workbook, clearing by editing the cell or ticking the
item and pushing (CLI, add-in), the history naming who, validate's REVIEW_PENDING, `list`'s
counts, pull refreshing the sheet. The documents carry items given here (the seed and the
national samples), as the reader of published tables will give them."""

from __future__ import annotations

import json
import shutil

import pytest
import xlwings as xw
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from lo import convert
from openpyxl import load_workbook
from payload import payload_from_xlsx
from samples import national_docs
from xlsync.validators.profiles import load_profile

from xlsync import excel
from xlsync.cli import cli
from xlsync.document import ReviewItem
from xlsync.exchange import export, pull, push
from xlsync.ingest import ImportReport, write_table
from xlsync.render import render_import_report
from xlsync.review import item_key, merge_items
from xlsync.store import Store
from xlsync.validate import validate_documents
from xlsync.workbook import layout as L
from xlsync.workbook import style
from xlsync.workbook.reviewsheet import ID_COL, KEY_COL, TICK_COL, TOP

AMOUNT = ReviewItem(code="MONEY_UNIT_ASSUMED", field="year_amount", source="5.00", line=14,
                    message="金额没有写单位，按“元”读取；本页表头写“万元”", proposed="50000.00")
TARGET = ReviewItem(code="LEVEL_INHERITED", field="indicators[2].target", source="≥95%", line=30,
                    message="一级指标从上一行沿用")
WHOLE = ReviewItem(code="LINE_UNPLACED", field="(document)", source="经办人：张三", line=52,
                   message="表内有一行无法归入任何栏目")
ITEMS = [AMOUNT, TARGET, WHOLE]


def _with_items(doc, items=ITEMS):
    return doc.model_copy(update={"review": list(items)})


@pytest.fixture
def review_store(tmp_path, seed_tables):
    """The seed's unit 095001 (three tables), the first with three review items, stored as an
    import of published text would store it."""
    store = Store(tmp_path / "store", author="importer")
    docs = [t.document for t in seed_tables if t.document.unit_code == "095001"]
    store.put(_with_items(docs[0]), "import-text")
    for d in docs[1:]:
        store.put(d, "import-text")
    return store, docs[0].id


def _sheet_rows(ws):
    rows = []
    for r in range(TOP + 1, ws.max_row + 1):
        if ws.cell(r, ID_COL).value:
            rows.append({"row": r, "field": ws.cell(r, 3).value, "cell": ws.cell(r, 4).value,
                         "source": ws.cell(r, 5).value, "line": ws.cell(r, 6).value,
                         "why": ws.cell(r, 7).value, "proposed": ws.cell(r, 8).value,
                         "id": ws.cell(r, ID_COL).value, "key": ws.cell(r, KEY_COL).value})
    return rows


def _sheet(wb, name):
    return wb[name[:26]]


NAME = "政府购买服务（劳务）经费"  # the seed's table given the items


def _cell_of(ws, key):
    return ws.defined_names[f"xs_{key}"].attr_text.split("!")[1].replace("$", "")


# -- import ---------------------------------------------------------------------------------
def test_a_table_with_review_items_is_written_review_and_the_import_exits_1(tmp_path, seed_tables, seed_path):
    store = Store(tmp_path / "store")
    guessed = seed_tables[0]
    guessed = type(guessed)(**{**guessed.__dict__, "document": _with_items(guessed.document)})
    report = ImportReport(files=[str(seed_path)])
    with store.writing():
        report.outcomes = [write_table(store, guessed), write_table(store, seed_tables[1])]
    assert [o.status for o in report.outcomes] == ["review", "new"]
    assert report.outcomes[0].written == "new" and report.exit_code == 1
    stored = store.get(guessed.document.id)
    assert [item_key(i) for i in stored.review] == [item_key(i) for i in ITEMS]
    text = render_import_report(report, tmp_path / "store")
    assert "待核对 1 (review)，新增 1 (new)" in text
    assert "[REVIEW_PENDING]" in text
    assert "项目本年度金额（第 14 行：“5.00”）：金额没有写单位" in text and "建议读作 50000.00" in text
    assert "绩效指标 第3行 目标值（第 30 行：“≥95%”）" in text and "整张表（第 52 行" in text
    assert "“核对”表的“已核对”列填 ✓" in text.split("下一步")[1]
    as_json = report.outcomes[0].as_dict()
    assert as_json["status"] == "review" and as_json["written"] == "new" and len(as_json["review"]) == 3
    # the same table again: still 待核对 (nothing changed, the items are still open)
    with store.writing():
        again = write_table(store, guessed)
    assert (again.status, again.written) == ("review", "unchanged")
    # a table without guesses: 新增 with exit 0
    clean = ImportReport(files=[str(seed_path)])
    with store.writing():
        clean.outcomes = [write_table(store, seed_tables[2])]
    assert [o.status for o in clean.outcomes] == ["new"] and clean.exit_code == 0


def test_a_reimport_keeps_cleared_items_cleared_and_brings_new_ones(tmp_path, seed_tables):
    store = Store(tmp_path / "store")
    t = seed_tables[0]
    guessed = type(t)(**{**t.__dict__, "document": _with_items(t.document)})
    with store.writing():
        write_table(store, guessed)
    store.put(store.get(t.document.id).model_copy(update={"review": [TARGET]}), "push b.xlsx")  # two cleared
    with store.writing():
        same = write_table(store, guessed)
    assert same.status == "review" and [i.field for i in store.get(t.document.id).review] == [TARGET.field]
    new = ReviewItem(code="LABEL_LOOSE", field="owner", source="项目负责人（签字）", line=8, message="标签近似匹配")
    reread = type(t)(**{**t.__dict__, "document": _with_items(t.document, [*ITEMS, new])})
    with store.writing():
        write_table(store, reread)
    assert [i.field for i in store.get(t.document.id).review] == [TARGET.field, "owner"]


_items = st.builds(ReviewItem, code=st.sampled_from(["A", "B"]), field=st.sampled_from(["name", "indicators[0].target"]),
                   message=st.just("m"), source=st.sampled_from([None, "x", "y"]))


@given(st.lists(_items, max_size=6), st.lists(_items, max_size=6), st.lists(_items, max_size=6))
def test_review_items_merge_as_sets(base, ours, theirs):
    out = {item_key(i) for i in merge_items(base, ours, theirs)}
    b, o, t = ({item_key(i) for i in x} for x in (base, ours, theirs))
    assert out == (t - (b - o)) | (o - b)


# -- the workbook ---------------------------------------------------------------------------
def test_export_marks_each_cell_and_lists_every_item_on_the_review_sheet(review_store, tmp_path):
    store, doc_id = review_store
    book = export(store, tmp_path / "b.xlsx")[0]
    wb = load_workbook(book)
    assert wb.sheetnames[:2] == ["目录", L.REVIEW_SHEET]
    ws = wb[L.REVIEW_SHEET]
    rows = _sheet_rows(ws)
    assert [r["field"] for r in rows] == ["项目本年度金额", "绩效指标 第3行 目标值", "整张表"]
    assert rows[0]["source"] == "5.00" and rows[0]["line"] == 14 and rows[0]["proposed"] == "50000.00"
    assert "[MONEY_UNIT_ASSUMED]" in rows[0]["why"] and rows[2]["cell"] is None
    assert {r["id"] for r in rows} == {doc_id}
    assert ws.cell(TOP, TICK_COL).value == "已核对" and ws.column_dimensions["J"].hidden
    index = wb[L.INDEX_SHEET]
    assert [index.cell(r, L.INDEX_STATUS_COL).value for r in range(8, 20)
            if index.cell(r, L.INDEX_ID_COL).value == doc_id] == ["待核对 3 项"]
    sheet = _sheet(wb, NAME)
    amount = sheet[_cell_of(sheet, "year_amount")]
    assert rows[0]["cell"] == amount.coordinate
    assert amount.fill.fgColor.rgb[-6:] == style.REVIEW_COLOR
    assert amount.comment.author == L.REVIEW_AUTHOR and "MONEY_UNIT_ASSUMED" in amount.comment.text
    assert ws.cell(rows[0]["row"], 4).hyperlink.location.endswith(f"!{amount.coordinate}")
    target = sheet[rows[1]["cell"]]
    assert target.value == store.get(doc_id).indicators[2].target
    assert target.fill.fgColor.rgb[-6:] == style.REVIEW_COLOR
    # a project without items: nothing marked
    other = wb[[t for t in wb.sheetnames if t not in (L.INDEX_SHEET, L.REVIEW_SHEET, NAME)][0]]
    assert other[_cell_of(other, "year_amount")].comment is None


def _national_book(tmp_path):
    """A national sample with a funding amount and an indicator target to review, exported."""
    doc = national_docs()[0]
    items = [ReviewItem(code="MONEY_UNIT_ASSUMED", field="funding[0].year_amount", source="20.00", line=9,
                        message="单位取自表头“万元”"),
             ReviewItem(code="INDICATOR_ROWS_MISMATCH", field="indicators[1].target", source="≥90%", line=25,
                        message="指标行数与目标值个数不一致")]
    store = Store(tmp_path / "store")
    store.put(_with_items(doc, items), "import-text")
    book = export(store, tmp_path / "n.xlsx")[0]
    return doc, store, book


def test_a_national_sheet_marks_funding_and_indicator_cells(tmp_path):
    doc, store, book = _national_book(tmp_path)
    wb = load_workbook(book)
    rows = _sheet_rows(wb[L.REVIEW_SHEET])
    sheet = wb[[t for t in wb.sheetnames if t not in (L.INDEX_SHEET, L.REVIEW_SHEET, "_lists")][0]]
    assert rows[0]["field"] == "资金来源 第1行 本年度金额"
    funding = sheet[rows[0]["cell"]]
    assert str(funding.value) == str(float(doc.funding[0].year_amount)) or funding.value == float(doc.funding[0].year_amount)
    assert sheet[rows[1]["cell"]].value == doc.indicators[1].target
    assert all(sheet[r["cell"]].fill.fgColor.rgb[-6:] == style.REVIEW_COLOR for r in rows)


def _edit_and_tick(book, tick_field="绩效指标 第3行 目标值"):
    wb = load_workbook(book)
    ws = wb[L.REVIEW_SHEET]
    rows = _sheet_rows(ws)
    sheet = _sheet(wb, NAME)
    sheet[_cell_of(sheet, "year_amount")] = 12220000  # the user corrects the amount
    ws.cell(next(r["row"] for r in rows if r["field"] == tick_field), TICK_COL).value = "✓"
    wb.save(book)


def _check_cleared(store, doc_id, book, who):
    doc = store.get(doc_id)
    assert [i.field for i in doc.review] == ["(document)"]  # the third, neither edited nor ticked
    assert doc.year_amount == "12220000.00"
    last = store.log(doc_id)[-1]
    assert last.author == who
    assert sorted((c["field"], c["how"]) for c in last.cleared) == [
        ("indicators[2].target", "ticked"), ("year_amount", "edited")]
    wb = load_workbook(book)  # the workbook shows what is still open, the cleared cells unmarked
    assert [r["field"] for r in _sheet_rows(wb[L.REVIEW_SHEET])] == ["整张表"]
    sheet = _sheet(wb, NAME)
    amount = sheet[_cell_of(sheet, "year_amount")]
    assert amount.fill.fill_type is None and amount.comment is None


def test_editing_one_cell_and_ticking_another_clears_both_and_the_history_names_who(review_store, tmp_path):
    store, doc_id = review_store
    book = export(store, tmp_path / "b.xlsx")[0]
    assert [f.code for f in validate_documents([store.get(doc_id)])].count("REVIEW_PENDING") == 3
    _edit_and_tick(book)
    clerk = Store(store.root, author="王会计")
    report = push(book, clerk, None)
    change = next(c for c in report.changes if c.id == doc_id)
    assert change.status == "updated" and sorted(h for _i, h in change.cleared) == ["edited", "ticked"]
    from xlsync.render import render_sync

    text = render_sync(report, book=book, store=store.root)
    assert "已核对，清除 2 项待核对: 项目本年度金额（已修改单元格）、绩效指标 第3行 目标值（已勾选核对）" in text
    assert "仍有 1 项待核对（见工作簿的“核对”表）" in text
    _check_cleared(store, doc_id, book, "王会计")
    pending = [f for f in validate_documents([store.get(doc_id)]) if f.code == "REVIEW_PENDING"]
    assert [(f.field, f.severity) for f in pending] == [("(document)", "warning")]
    # pushing again changes nothing: the remaining item stays open
    assert all(c.status == "unchanged" for c in push(book, clerk, None).changes)
    log = CliRunner().invoke(cli, ["log", doc_id, "--store", str(store.root)])
    assert "王会计 核对并清除了 2 项待核对: 项目本年度金额（已修改单元格）、绩效指标 第3行 目标值（已勾选核对）" in log.output


def test_the_same_round_trip_through_libreoffice(review_store, tmp_path):
    store, doc_id = review_store
    book = export(store, tmp_path / "b.xlsx")[0]
    _edit_and_tick(book)
    saved = convert([book], tmp_path / "calc")[0]  # opened and saved by Calc
    push(saved, Store(store.root, author="calc-user"), None)
    _check_cleared(store, doc_id, saved, "calc-user")


def test_untouched_items_stay_and_a_tick_survives_nothing_else(review_store, tmp_path):
    store, doc_id = review_store
    book = export(store, tmp_path / "b.xlsx")[0]
    wb = load_workbook(book)
    sheet = _sheet(wb, NAME)
    sheet[_cell_of(sheet, "owner")] = "新负责人"  # another field edited: no item is cleared
    wb.save(book)
    report = push(book, store, None)
    assert [c.cleared for c in report.changes if c.id == doc_id] == [[]]
    assert [i.field for i in store.get(doc_id).review] == [i.field for i in ITEMS]
    assert "cleared" not in json.loads(
        (store.history_dir(doc_id) / "log.jsonl").read_text(encoding="utf-8").splitlines()[-1])


def test_pull_brings_items_a_reimport_added_onto_the_review_sheet(review_store, tmp_path):
    store, doc_id = review_store
    book = export(store, tmp_path / "b.xlsx")[0]
    wb = load_workbook(book)
    ws = wb[L.REVIEW_SHEET]
    ws.cell(next(r["row"] for r in _sheet_rows(ws) if r["field"] == "整张表"), TICK_COL).value = "✓"
    wb.save(book)  # ticked, not yet pushed: the pull keeps the tick
    new = ReviewItem(code="LABEL_LOOSE", field="owner", source="负责人（签字）", line=8, message="标签近似匹配")
    current = store.get(doc_id)
    store.put(current.model_copy(update={"review": [*current.review, new]}), "import-text")
    report = pull(book, store, None)
    assert report.written and not report.conflicts
    wb = load_workbook(book)
    ws = wb[L.REVIEW_SHEET]
    assert [r["field"] for r in _sheet_rows(ws)][-1] == "项目负责人"
    assert [ws.cell(r["row"], TICK_COL).value for r in _sheet_rows(ws)] == [None, None, "✓", None]
    push(book, store, None)
    assert [i.field for i in store.get(doc_id).review] == [AMOUNT.field, TARGET.field, "owner"]
    sheet = _sheet(wb, NAME)
    assert sheet[_cell_of(sheet, "owner")].fill.fgColor.rgb[-6:] == style.REVIEW_COLOR


def test_the_add_in_push_clears_a_ticked_item(review_store, tmp_path):
    store, doc_id = review_store
    book = export(store, tmp_path / "b.xlsx")[0]
    wb = load_workbook(book)
    wb["目录"]["C5"] = str(store.root)
    ws = wb[L.REVIEW_SHEET]
    ws.cell(next(r["row"] for r in _sheet_rows(ws) if r["field"] == "整张表"), TICK_COL).value = "✓"
    wb.save(book)
    xl = xw.Book(json=payload_from_xlsx(book))
    report = excel.push(xl, user="alice")
    assert [i.field for i in store.get(doc_id).review] == [AMOUNT.field, TARGET.field]
    assert [(i.field, h) for c in report.changes for i, h in c.cleared] == [("(document)", "ticked")]
    written = [a for a in xl.json()["actions"] if a["func"] == "setValues" and a["values"]
               and any("待核对事项" in str(v) for v in a["values"][0])]
    assert written and sum(1 for row in written[0]["values"] if row[ID_COL - 1] == f"'{doc_id}") == 2


# -- validate, list -------------------------------------------------------------------------
def test_review_pending_is_a_warning_a_profile_can_raise(review_store):
    store, doc_id = review_store
    doc = store.get(doc_id)
    found = [f for f in validate_documents([doc]) if f.code == "REVIEW_PENDING"]
    assert [f.severity for f in found] == ["warning"] * 3
    found = [f for f in found if f.field == "year_amount"]
    assert found[0].message.startswith("“项目本年度金额”待核对：金额没有写单位") and "原文“5.00”，第 14 行" in found[0].message
    strict = load_profile("seed")
    strict.severity["REVIEW_PENDING"] = "error"
    try:
        assert {f.severity for f in validate_documents([doc], strict) if f.code == "REVIEW_PENDING"} == {"error"}
    finally:
        del strict.severity["REVIEW_PENDING"]
    result = CliRunner().invoke(cli, ["validate", "--store", str(store.root)])
    assert "REVIEW_PENDING" in result.output and "读取时不确定，待核对" in result.output


def test_list_shows_how_many_items_each_project_still_has(review_store):
    store, doc_id = review_store
    result = CliRunner().invoke(cli, ["list", "--store", str(store.root)])
    assert result.exit_code == 0
    assert "待核对" in result.output.splitlines()[1]
    line = next(x for x in result.output.splitlines() if doc_id in x)
    assert " 3 " in line
    assert "[REVIEW_PENDING] 1 个项目共 3 项待核对" in result.output
    as_json = json.loads(CliRunner().invoke(cli, ["list", "--store", str(store.root), "--format", "json"]).output)
    assert [p["review"] for p in as_json["projects"] if p["review"]] == [3]


def test_stored_documents_carry_their_items_for_check_samples(review_store):
    store, doc_id = review_store
    raw = json.loads(store.path_for_id(doc_id).read_text(encoding="utf-8"))
    assert [i["code"] for i in raw["review"]] == [i.code for i in ITEMS]


def test_copying_a_workbook_keeps_its_review_sheet_readable(review_store, tmp_path):
    store, _doc_id = review_store
    book = export(store, tmp_path / "b.xlsx")[0]
    copy = tmp_path / "copy.xlsx"
    shutil.copy(book, copy)
    from xlsync.workbook.reader import read_workbook

    content = read_workbook(copy)
    assert content.review_sheet and content.ticked == {}


@given(st.lists(_items, max_size=5, unique_by=item_key), st.data())
def test_an_item_is_cleared_by_a_tick_or_an_edit_of_its_field_and_only_then(items, data):
    from xlsync.document import new_document
    from xlsync.review import clear, key_text

    base = new_document(year=2020, unit_code="095001", name="项目", review=items,
                        indicators=[{"level1": "产出", "level2": "数量", "name": "n", "target": "1"}])
    ticks = data.draw(st.sets(st.sampled_from([key_text(i) for i in items]))) if items else set()
    edit = data.draw(st.booleans())
    doc = base.model_copy(update={"name": "改过的名称"}) if edit else base
    out, cleared = clear(base, doc, ticks)
    gone = {item_key(i) for i, _how in cleared}
    for i in items:
        expect = key_text(i) in ticks or (edit and i.field == "name")
        assert (item_key(i) in gone) == expect
    assert [item_key(i) for i in out.review] == [item_key(i) for i in items if item_key(i) not in gone]


def test_convert_reports_a_text_file_with_guesses_as_review_and_exits_1(tmp_path, seed_tables, seed_path):
    from xlsync.convert import ConvertReport, _Parsed, _Seen, _write_text
    from xlsync.ingest import TableOutcome, needs_review

    t = seed_tables[0]
    guessed = type(t)(**{**t.__dict__, "document": _with_items(t.document)})
    report = ImportReport(files=[str(seed_path)],
                          outcomes=[needs_review(TableOutcome(guessed, "would-write")),
                                    TableOutcome(seed_tables[1], "would-write")])
    assert report.exit_code == 1 and len(report.outcomes[0].review) == 3  # a dry read says so too
    store = Store(tmp_path / "store")
    outcome = _write_text(_Parsed(seed_path, "text", report), store, _Seen())
    assert outcome.status == "review" and outcome.changed and "1 张表有 3 处待核对" in outcome.detail
    assert ConvertReport(files=[outcome]).exit_code == 1
    again = _write_text(_Parsed(seed_path, "text", report), store, _Seen())
    assert again.status == "review" and not again.changed  # nothing new: its workbook is not rewritten


def test_validate_marks_and_review_marks_come_off_in_either_order(review_store, tmp_path):
    store, _doc_id = review_store
    book = export(store, tmp_path / "b.xlsx")[0]

    def check():
        from xlsync.checking import validate_workbooks

        validate_workbooks([book], None, write_back=True)

    check()  # 校验结果 marks the cells to review too (REVIEW_PENDING)
    target = next(r["cell"] for r in _sheet_rows(load_workbook(book)[L.REVIEW_SHEET]) if r["field"].startswith("绩效指标"))
    _edit_and_tick(book)
    push(book, store, None)
    check()  # the cleared cell is not marked for review again by either
    wb = load_workbook(book)
    sheet = _sheet(wb, NAME)
    amount = sheet[_cell_of(sheet, "year_amount")]  # the new amount differs from 项目构成: an error
    assert amount.fill.fgColor.rgb[-6:] == "FFC7CE" and "REVIEW_PENDING" not in amount.comment.text
    ticked = sheet[target]
    assert ticked.fill.fill_type is None and ticked.comment is None
    assert [r["field"] for r in _sheet_rows(wb[L.REVIEW_SHEET])] == ["整张表"]


def test_an_empty_field_to_review_gets_a_cell_to_fill_and_filling_it_clears_the_item(tmp_path, seed_docs):
    doc = seed_docs[0]
    assert doc.department_name is None  # the seed form has no cell for it
    item = ReviewItem(code="LABEL_LOOSE", field="department_name", source="主管预算部门：市财政局", line=5,
                      message="标签“主管预算部门”只是近似匹配“主管部门”，值未读取", proposed="市财政局")
    store = Store(tmp_path / "store")
    store.put(_with_items(doc, [item]), "import-text")
    book = export(store, tmp_path / "b.xlsx")[0]
    wb = load_workbook(book)
    sheet = _sheet(wb, doc.name)
    cell = _cell_of(sheet, "department_name")
    assert _sheet_rows(wb[L.REVIEW_SHEET])[0]["cell"] == cell
    sheet[cell] = "市财政局"
    wb.save(book)
    push(book, store, None)
    assert store.get(doc.id).department_name == "市财政局" and store.get(doc.id).review == []


def test_consolidation_counts_open_items_per_project(review_store, tmp_path):
    store, _doc_id = review_store
    out = tmp_path / "汇总.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", "--store", str(store.root), "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    wb = load_workbook(out, data_only=True)
    rows = list(wb["项目清单"].iter_rows(values_only=True))
    head = next(r for r in rows if r[0] == "序号")
    body = [r for r in rows[rows.index(head) + 1:] if r[0] is not None and isinstance(r[0], int)]
    counts = {r[head.index("项目名称")]: r[head.index("待核对")] for r in body}
    assert counts[NAME] == 3 and sum(v or 0 for v in counts.values()) == 3
    codes = [v for r in wb["校验"].iter_rows(values_only=True) for v in r if v == "REVIEW_PENDING"]
    assert len(codes) == 3


def test_the_add_in_pull_writes_the_review_sheet_with_a_new_item(review_store, tmp_path):
    store, doc_id = review_store
    book = export(store, tmp_path / "b.xlsx")[0]
    wb = load_workbook(book)
    wb["目录"]["C5"] = str(store.root)
    wb.save(book)
    new = ReviewItem(code="LABEL_LOOSE", field="owner", source="负责人（签字）", line=8, message="标签近似匹配")
    current = store.get(doc_id)
    store.put(current.model_copy(update={"review": [*current.review, new]}), "import-text")
    xl = xw.Book(json=payload_from_xlsx(book))
    excel.pull(xl)
    actions = xl.json()["actions"]
    sheet = [a for a in actions if a["func"] == "setValues" and a["values"]
             and any("待核对事项" in str(v) for v in a["values"][0])]
    assert sheet and [row[2] for row in sheet[0]["values"] if row[ID_COL - 1] == f"'{doc_id}"][-1] == "'项目负责人"
    colors = [a["args"] for a in actions if a["func"] == "setRangeColor"]
    assert colors.count(["#" + style.REVIEW_COLOR]) == 3  # the two open items with cells, and the new one


def test_a_national_round_trip_clears_the_edited_funding_amount_and_keeps_the_indicator(tmp_path):
    doc, store, book = _national_book(tmp_path)
    wb = load_workbook(book)
    rows = _sheet_rows(wb[L.REVIEW_SHEET])
    sheet = _sheet(wb, doc.name)
    sheet[rows[0]["cell"]] = 200000
    wb.save(book)
    push(book, Store(store.root, author="县财政局"), None)
    after = store.get(doc.id)
    assert after.funding[0].year_amount == "200000.00" and [i.field for i in after.review] == ["indicators[1].target"]
    wb = load_workbook(book)
    sheet = _sheet(wb, doc.name)
    assert [r["cell"] for r in _sheet_rows(wb[L.REVIEW_SHEET])] == [rows[1]["cell"]]
    assert sheet[rows[1]["cell"]].fill.fgColor.rgb[-6:] == style.REVIEW_COLOR
    assert sheet[rows[0]["cell"]].fill.fgColor.rgb[-6:] != style.REVIEW_COLOR


# -- a real table, read by the reader: its guesses round-trip through the workbook ------------
def test_a_real_table_with_no_unit_of_money_round_trips_its_review_items(tmp_path):
    """The bundled national table with its '(万元)' taken off: the reader leaves the amounts
    empty with review items proposing both readings (never 10.00 元 for 10万元); the user types
    the amount in the marked cell and ticks the rest; the push clears them and names who."""
    from pathlib import Path

    src = (Path(__file__).parents[1] / "examples" / "national-hunan-nanyue-2018.txt").read_text(encoding="utf-8")
    text = tmp_path / "no-unit.txt"
    text.write_text(src.replace("资金情况(万元)", "资金情况"), encoding="utf-8")
    res = CliRunner().invoke(cli, ["import-text", str(text), "--store", str(tmp_path / "s")])
    assert res.exit_code == 1 and "待核对" in res.output, res.output
    store = Store(tmp_path / "s")
    (doc,) = store.documents()[0]
    assert doc.year_amount is None and [f.year_amount for f in doc.funding] == [None, "0.00"]
    codes = {(r.code, r.field) for r in doc.review}
    assert codes == {("MONEY_UNIT_UNKNOWN", "year_amount"), ("MONEY_UNIT_UNKNOWN", "funding[0].year_amount")}
    assert all("按万元: 100000.00 元" in r.proposed for r in doc.review)
    book = export(store, tmp_path / "b.xlsx")[0]
    wb = load_workbook(book)
    rows = _sheet_rows(wb[L.REVIEW_SHEET])
    assert len(rows) == 2 and all(r["source"] == "10" for r in rows)
    sheet = wb[[n for n in wb.sheetnames if n not in (L.INDEX_SHEET, L.REVIEW_SHEET, L.META_SHEET)][0]]
    sheet[_cell_of(sheet, "year_amount")] = 100000  # the user types the amount in 元
    review = wb[L.REVIEW_SHEET]
    review.cell(next(r["row"] for r in rows if r["field"] != "项目本年度金额"), TICK_COL).value = "✓"
    wb.save(book)
    report = push(book, Store(store.root, author="李会计"), None)
    assert [c.status for c in report.changes] == ["updated"]
    after = store.get(doc.id)
    assert after.year_amount == "100000.00" and after.review == []
    assert sorted(c["how"] for c in store.log(doc.id)[-1].cleared) == ["edited", "ticked"]
    assert store.log(doc.id)[-1].author == "李会计"
