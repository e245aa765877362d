"""Form-driven workbooks: the national layout, every key on both layouts, round trips of
real national tables (through LibreOffice too) and of arbitrary documents."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lo import convert
from openpyxl import load_workbook
from samples import national_docs
from xlsync.forms import Form, load_form

from xlsync.document import dumps, new_document
from xlsync.errors import XlsyncError
from xlsync.exchange import export, pull, push
from xlsync.store import Store
from xlsync.workbook.reader import read_workbook
from xlsync.workbook.sheetform import sheet_form
from xlsync.workbook.writer import write_workbook


def _read_one(path):
    content = read_workbook(path)
    assert content.errors == []
    (sp,) = content.projects
    return sp.document


def _diff(a, b):
    x, y = a.model_dump(), b.model_dump()
    return {k: (x[k], y[k]) for k in x if x[k] != y[k]}


@pytest.fixture(scope="module")
def national_books(tmp_path_factory):
    root = tmp_path_factory.mktemp("national")
    docs = national_docs()
    return docs, [write_workbook([d], root / f"{d.id}.xlsx") for d in docs]


def test_every_national_sample_reads_back_identical(national_books):
    docs, paths = national_books
    assert len(docs) == 12 and sum(len(d.indicators) for d in docs) > 100
    for doc, path in zip(docs, paths, strict=True):
        got = _read_one(path)
        assert dumps(got) == dumps(doc), _diff(doc, got)


def test_national_samples_saved_by_libreoffice_read_back_identical(national_books, tmp_path):
    docs, paths = national_books
    by_id = {d.id: d for d in docs}
    for path in convert(paths, tmp_path / "lo"):
        got = _read_one(path)
        assert dumps(got) == dumps(by_id[got.id]), _diff(by_id[got.id], got)


def test_national_sheet_is_laid_out_like_the_form(national_books):
    docs, paths = national_books
    doc, path = next((d, p) for d, p in zip(*national_books, strict=True) if d.name == "主体班")
    ws = load_workbook(path)["主体班"]
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"项目支出绩效目标申报表", "项目名称", "主管部门及代码", "实施单位", "项目属性", "项目资金",
            "资金来源", "资金总额", "总体目标", "实施期目标（中长期目标）", "年度目标", "中长期绩效指标",
            "年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "备注", "分值"} <= texts
    assert "（2022年度）" in texts and "当年市级财政资金" in texts
    names = set(ws.defined_names)
    assert {"xs_funding", "xs_indicators", "xs_indicators_2", "xs_department_name", "xs_annual_goal"} <= names
    sources = {dv.formula1.lstrip("=") for dv in ws.data_validations.dataValidation}
    assert "XS_LEVEL1" in sources  # the national categories: the lists of the national profile
    lists = load_workbook(path)["_lists"]
    assert [lists.cell(r, 2).value for r in range(2, 5)] == ["产出指标", "效益指标", "满意度指标"]
    assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == 9


def test_a_seed_layout_document_keeps_every_national_key(tmp_path, seed_docs):
    data = seed_docs[0].model_dump()
    data.update({
        "form": "项目支出绩效目标表", "layout": "seed", "department_code": "015001",
        "department_name": "郑州市财政局", "implementing_unit": "实施单位甲", "project_attribute": "延续",
        "funding": [{"source": "财政拨款", "total_amount": "100.00", "year_amount": None},
                    {"source": "其他资金", "total_amount": None, "year_amount": "5.50"}],
        "extra": [{"label": "绩效目标说明", "value": "=见附件!"}, {"label": "审核人", "value": None}],
        "indicators": [{**i, "period": "long_term", "note": "备注 'x'", "weight": "2.5"} if n % 3 == 0 else i
                       for n, i in enumerate(data["indicators"])],
        "plan": [{**p, "start_year": 2019, "end_year": 2020} for p in data["plan"]],
    })
    doc = new_document(**data)
    path = write_workbook([doc], tmp_path / "s.xlsx")
    got = _read_one(path)
    assert dumps(got) == dumps(doc), _diff(doc, got)
    ws = load_workbook(path)[got.name[:28]]
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"其他信息（本表式未列出的栏目）", "主管部门", "资金来源", "其他栏目", "长期绩效指标"} <= texts


def test_a_national_document_keeps_the_seed_keys_and_a_null_year_and_unit(tmp_path, seed_docs):
    seed = seed_docs[3]
    doc = new_document(**{**seed.model_dump(), "id": None, "layout": "national", "year": None,
                          "unit_code": None, "name": None, "unit_name": "某县教育局"})
    store = Store(tmp_path / "store")
    store.put(doc)
    (path,) = export(store, tmp_path / "out")
    assert path.name == "某县教育局-undated.xlsx"
    got = _read_one(path)
    assert dumps(got) == dumps(doc), _diff(doc, got)
    assert load_workbook(path)["目录"]["A1"].value == "某县教育局 项目支出绩效目标表"


def test_national_workbook_pushes_and_pulls(tmp_path, national_books):
    docs, _paths = national_books
    store = Store(tmp_path / "store")
    doc = docs[2]
    store.put(doc)
    (book,) = export(store, tmp_path / "out")
    wb = load_workbook(book)
    ws = wb[doc.name]
    top = int(ws.defined_names["xs_indicators_2"].attr_text.rsplit("$", 1)[1])
    ws.cell(top + 1, 5).value = "300人次"  # 指标值 of the first annual indicator
    ws.cell(top + 1, 7).value = 10  # 分值
    wb.save(book)
    report = push(book, store, None)
    assert report.written and [c.merge.changed for c in report.changes] == [["indicators"]]
    after = store.get(doc.id)
    assert (after.indicators[0].target, after.indicators[0].weight) == ("300人次", "10")
    more = [*after.indicators, after.indicators[-1].model_copy(update={"name": "新增指标", "period": "long_term"})]
    store.put(after.model_copy(update={"indicators": more, "annual_goal": "新的年度目标"}))
    assert pull(book, store, None).written
    assert dumps(_read_one(book)) == dumps(store.get(doc.id))


def test_a_form_file_describes_the_sheet(tmp_path):
    text = load_form("seed").source
    assert text == "forms/seed.toml"
    bad = tmp_path / "mine.toml"
    bad.write_text('name = "mine"\n[workbook]\ncolumns = [10, 20]\n[[workbook.block]]\nkind = "fields"\n'
                   'rows = [["nonsense"]]\n', encoding="utf-8")
    with pytest.raises(XlsyncError, match="不认识的字段 'nonsense'"):
        sheet_form(load_form(str(bad)))
    mine = tmp_path / "office.toml"
    mine.write_text('name = "office"\nprofile = "national"\n[workbook]\ncolumns = [14, 40, 16, 16]\n'
                    '[workbook.labels]\nname = "项目"\n'
                    '[[workbook.block]]\nkind = "title"\ntext = "本办表式"\n'
                    '[[workbook.block]]\nkind = "fields"\nrows = [["name"], ["year"]]\n'
                    '[[workbook.block]]\nkind = "indicators"\ncolumns = ["level1", "name", "target", "weight?"]\n',
                    encoding="utf-8")
    form = load_form(str(mine))
    assert isinstance(form, Form) and [b.kind for b in sheet_form(form).blocks] == ["title", "fields", "indicators"]
    doc = national_docs()[0].model_copy(update={"layout": str(mine)})
    path = write_workbook([doc], tmp_path / "o.xlsx")
    got = _read_one(path)
    assert dumps(got) == dumps(doc), _diff(doc, got)


# -- arbitrary documents ------------------------------------------------------------------
_chars = st.characters(blacklist_categories=("Cs", "Cc", "Cn"), blacklist_characters="\r") | st.sampled_from(
    list("=+-!'\"@#%中文项目绩效≥≤％，。（）\n\t "))
_text = st.text(_chars, min_size=1, max_size=60).filter(lambda s: s.strip())
_maybe = st.none() | _text
_money = st.none() | st.decimals(min_value=Decimal("-1e11"), max_value=Decimal("1e12"), places=2,
                                  allow_nan=False, allow_infinity=False).map(lambda d: f"{d:.2f}")
_date = st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)).map(dt.date.isoformat)
_weight = st.none() | st.sampled_from(["10", "2.5", "10.0", "05", "0.25", "100", "123456789012345678"])
_percent = st.none() | st.sampled_from(["45", "45.50", "0.5", "100", "33.333", "0", "1000"])


@st.composite
def _indicator(draw):
    ind = {"period": draw(st.sampled_from(["annual", "long_term"])), "level1": draw(_maybe),
           "level2": draw(_maybe), "name": draw(_maybe), "target": draw(_maybe), "note": draw(_maybe),
           "weight": draw(_weight)}
    if all(ind[k] is None for k in ("level1", "level2", "name", "target", "note", "weight")):
        ind["name"] = draw(_text)
    return ind


@st.composite
def _plan(draw):
    start, end = sorted(draw(st.lists(st.integers(1, 12), min_size=2, max_size=2)))
    years = draw(st.none() | st.integers(2000, 2100))
    return {"start_month": start, "end_month": end, "start_year": years, "end_year": None if years is None else years + 1,
            "amount": draw(_money), "stated_percent": draw(_percent),
            "percent_basis": draw(st.sampled_from([None, "cumulative", "share"]))}


@st.composite
def documents(draw):
    fields = {k: draw(_maybe) for k in (
        "form", "unit_code", "unit_name", "department_code", "department_name", "implementing_unit", "name",
        "project_attribute", "fund_use", "owner", "contact", "phone", "overview", "basis", "necessity",
        "measures", "plan_text", "remark", "overall_goal", "annual_goal")}
    fields |= {k: draw(_money) for k in ("total_amount", "year_amount", "prev_total_amount", "prev_year_amount")}
    fields |= {"start_date": draw(_date), "end_date": draw(_date), "year": draw(st.none() | st.integers(1990, 2200)),
               "layout": draw(st.sampled_from([None, "seed", "national"]))}
    fields["indicators"] = draw(st.lists(_indicator(), max_size=6))
    fields["plan"] = draw(st.lists(_plan(), max_size=3))
    fields["composition"] = draw(st.lists(st.fixed_dictionaries({"item": _text, "amount": _money}), max_size=3))
    fields["funding"] = draw(st.lists(st.fixed_dictionaries(
        {"source": _text, "total_amount": _money, "year_amount": _money}), max_size=3))
    fields["extra"] = draw(st.lists(st.fixed_dictionaries({"label": _text, "value": _maybe}), max_size=3))
    return new_document(**fields)


@settings(max_examples=int(__import__("os").environ.get("XS_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(doc=documents())
def test_any_document_round_trips_through_its_workbook(tmp_path, doc):
    path = write_workbook([doc], tmp_path / "h.xlsx")
    got = _read_one(path)
    assert dumps(got) == dumps(doc), _diff(doc, got)


def test_pull_writes_only_the_cells_that_changed(tmp_path, seed_docs):
    import zipfile

    from xlsync.workbook.xlsxpatch import sheet_parts

    store = Store(tmp_path / "store")
    store.put_many(seed_docs)
    (book,) = export(store, tmp_path / "b.xlsx", unit="095001")
    before = {i.filename: zipfile.ZipFile(book).read(i.filename) for i in zipfile.ZipFile(book).infolist()}
    doc = next(d for d in store.documents(unit="095001")[0] if d.name == "管委会工作经费")
    longer = (doc.overview or "") + "补充说明：" * 80
    store.put(doc.model_copy(update={"owner": "王五", "overview": longer, "year_amount": "1234567.89"}))
    assert pull(book, store, None).written
    with zipfile.ZipFile(book) as z:
        parts = sheet_parts(z)
        after = {i.filename: z.read(i.filename) for i in z.infolist()}
    changed = {name for name in before if before[name] != after.get(name)}
    assert changed == {parts["管委会工作经费"], parts["目录"], parts["_xlsync"]}
    assert set(after) == set(before)  # charts, tables, styles: all kept
    got = {sp.document.id: sp.document for sp in read_workbook(book).projects}
    assert dumps(got[doc.id]) == dumps(store.get(doc.id))
    ws = load_workbook(book)["管委会工作经费"]
    row = int(ws.defined_names["xs_overview"].attr_text.rsplit("$", 1)[1])
    assert ws.row_dimensions[row].height >= 16 * 8  # grew with the longer text
    index = load_workbook(book, data_only=True)["目录"]
    total = next(r for r in index.iter_rows(min_row=8) if r[1].value and str(r[1].value).startswith("合计"))
    assert total[4].value == pytest.approx(float(sum(Decimal(d.year_amount) for d in got.values())))
