"""Generated national tables in every shape the importer reads (hypothesis): separators,
merged or repeated categories, 备注 / 分值 columns, split 指标性质/指标值/计量单位 columns,
长期 + 年度 column groups. Each reads back to the document it was rendered from."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nationaltext import SEPARATORS, TITLES, render, rows_of

from xlsync.document import new_document
from xlsync.published import read_text
from xlsync.published.vocab import vocab
from xlsync.targets import WORD_OPS

V = vocab("national")
RESERVED = set(V.labels) | set(V.headers) | set(V.level1) | set(V.level2) | set(V.funding_sources) | set(WORD_OPS)
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)


def _free(w: str) -> bool:
    return not any(r in w for r in RESERVED if len(r) >= 2) and not w.endswith(("指标", "目标", "资金", "拨款")) \
        and V.label(w)[0] is None \
        and not w.endswith("表")  # nor a label by principle ('本年金额'), nor a title alone on its line ('绩效表')


word = st.text(CJK, min_size=3, max_size=10).filter(_free)
target = st.one_of(
    st.sampled_from(["≥95%", "=100%", "≤3天", "≥200人次", "=12次"]),
    st.builds(lambda n, u: f"≥{n}{u}", st.integers(1, 999), st.sampled_from(["人", "次", "%", "个"])),
)
TREE = {"产出指标": ["数量指标", "质量指标", "时效指标", "成本指标"],
        "效益指标": ["社会效益指标", "经济效益指标"],
        "满意度指标": ["服务对象满意度指标"]}


@st.composite
def documents(draw, groups: bool, note: bool, weight: bool):
    inds = []
    for l1, l2s in TREE.items():
        for l2 in l2s:
            for _ in range(draw(st.integers(1 if l2 in ("数量指标", "服务对象满意度指标") else 0, 2))):
                inds.append({"period": "annual", "level1": l1, "level2": l2, "name": draw(word) + "率",
                             "target": draw(target), "note": draw(word) if note else None,
                             "weight": str(draw(st.integers(1, 30))) if weight else None})
    if groups:
        inds = [{**i, "period": "long_term", "target": draw(target)} for i in inds] + inds
    amount = Decimal(draw(st.integers(1, 9999))) * 10000
    funded = Decimal(draw(st.integers(0, int(amount / 10000)))) * 10000
    year = draw(st.integers(2019, 2026))
    return new_document(
        form="项目支出绩效目标申报表", layout="national", year=year,
        unit_name=draw(word) + "局", department_code=draw(st.from_regex(r"\A\d{3}\Z")),
        department_name=draw(word) + "委", implementing_unit=None, name=draw(word) + "经费",
        project_attribute=draw(st.sampled_from(["新增项目", "延续项目"])),
        start_date=f"{year}-01-01", end_date=f"{year}-12-31", year_amount=f"{amount:.2f}",
        funding=[{"source": "财政拨款", "total_amount": None, "year_amount": f"{funded:.2f}"},
                 {"source": "其他资金", "total_amount": None, "year_amount": f"{amount - funded:.2f}"}],
        overall_goal=draw(word), annual_goal=draw(word), indicators=inds,
        extra=[{"label": "填报人", "value": "张三"}, {"label": "填报日期", "value": "2023年1月5日"}],
    )


def _facts(doc) -> dict:
    d = doc.model_dump(mode="json")
    skip = {"id", "implementing_unit", "form", "year"}
    return {k: v for k, v in d.items() if k not in skip}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), sep=st.sampled_from(SEPARATORS), merged=st.booleans(), note=st.booleans(),
       weight=st.booleans(), split_value=st.booleans(), groups=st.booleans(), tables=st.booleans(),
       title=st.sampled_from(TITLES), tail_first=st.booleans())
def test_generated_national_tables_read_back(data, sep, merged, note, weight, split_value, groups, tables, title,
                                             tail_first):
    if groups and not tables:
        split_value = False
    doc = data.draw(documents(groups, note, weight))
    text = render(rows_of(doc, merged=merged, note=note, weight=weight, split_value=split_value, groups=groups,
                          tables=tables, title=title, tail_first=tail_first), sep)
    tables, _ = read_text(text, "gen.txt")
    assert len(tables) == 1, text
    t = tables[0]
    assert [str(n) for n in t.notes if n.level == "error"] == [], text
    got = _facts(t.document)
    want = _facts(doc)
    want["implementing_unit"] = None
    for key in want:
        assert got.get(key) == want[key], (key, sep, text)
