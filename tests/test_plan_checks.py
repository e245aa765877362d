"""The plan's checks as pandera checks over the plan tables: named and registered like every
other check, listed by `xlsync schema --checks`, switched off by a profile, agreeing with the
plan's own computation (xlsync.plan.compute) on generated plans, and pointing at the same
workbook cells as before they moved into the schemas."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal, localcontext
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from xlsync.validators.plan_checks import plain_failures
from xlsync.validators.profiles import load_profile
from xlsync.validators.schemas import PLAN_CHECKS, build_schemas, failures

from xlsync.cli import cli
from xlsync.codes import CODES
from xlsync.document import new_document
from xlsync.exchange import export
from xlsync.plan import compute, months_text, pct
from xlsync.tidy import plan_rows, plan_tables
from xlsync.validate import plan_findings, validate_documents

ROOT = Path(__file__).resolve().parent.parent
PLAN_TABLES = {"plans", "plan", "plan_months", "plan_problems"}


def test_the_plan_tables_are_typed_and_run_every_plan_check(seed_docs):
    schemas = build_schemas(load_profile("seed"))
    assert PLAN_TABLES <= set(schemas)
    plan = schemas["plan"].columns
    assert {str(plan[c].dtype) for c in ("amount", "share", "cumulative_share", "stated_percent")} == {"decimal"}
    assert str(plan["row"].dtype) == "integer" and str(plan["percent_basis"].dtype) == "text"
    assert str(schemas["plan_months"].columns["in_project"].dtype) == "boolean"
    ran = {c.name for t in PLAN_TABLES for c in schemas[t].checks}
    ran |= {c.name for t in PLAN_TABLES for col in schemas[t].columns.values() for c in col.checks}
    assert ran == {s.name for s in PLAN_CHECKS}
    for spec in PLAN_CHECKS:  # each registered once, with its message templates
        assert CODES[spec.code].messages and CODES[spec.code].title
    tables = plan_tables(seed_docs)
    assert failures(schemas["plan"], tables["plan"])  # the seed's plans fail some checks …
    df = tables["plan"].copy()
    df.loc[df.index[0], "share"] = float(df["share"].iloc[0])  # … but a float share is a bug, not a finding
    with pytest.raises(TypeError, match="share"):
        failures(schemas["plan"], df)


def test_switching_a_plan_check_off_silences_it_and_schema_lists_it(tmp_path, seed_docs, seed_store):
    text = (ROOT / "validators" / "profiles" / "seed.toml").read_text(encoding="utf-8")
    custom = tmp_path / "office.toml"  # one by its check name, one by its code
    custom.write_text(text + '\n[checks]\noff = ["PLAN_PERCENT_MISMATCH:stated_percent", "PLAN_PERIOD_OVERLAP"]\n',
                      encoding="utf-8")
    seed, office = load_profile("seed"), load_profile(str(custom))
    gone = {"PLAN_PERCENT_MISMATCH", "PLAN_PERIOD_OVERLAP"}
    before = validate_documents(seed_docs, seed)
    assert gone <= {f.code for f in before}  # the seed has both
    assert validate_documents(seed_docs, office) == [f for f in before if f.code not in gone]

    runner = CliRunner()
    plain = json.loads(runner.invoke(cli, ["plan", "--store", str(seed_store.root), "--format", "json"]).output)
    done = runner.invoke(cli, ["plan", "--store", str(seed_store.root), "--rules", str(custom), "--format", "json"])
    switched = json.loads(done.output)
    assert {f["code"] for p in plain for f in p["findings"]} >= gone
    assert [[f for f in p["findings"] if f["code"] not in gone] for p in plain] == [p["findings"] for p in switched]
    assert done.exit_code == 1  # the seed's plans still have errors (PLAN_TOTAL_MISMATCH)

    listed = {c["check"]: c for c in json.loads(runner.invoke(cli, ["schema", "--checks"]).output)}
    printed = {c["check"]: c for c in json.loads(runner.invoke(cli, ["schema", "--checks", "--rules",
                                                                     str(custom)]).output)}
    for spec in PLAN_CHECKS:
        assert listed[spec.name]["enabled"] and listed[spec.name]["table"] in PLAN_TABLES
        assert printed[spec.name]["enabled"] == (spec.code not in gone)
        assert printed[spec.name]["title"] == CODES[spec.code].title
    assert listed["PLAN_PERIOD_GAP:plan"]["severity"] == "warning"


def test_plan_findings_point_at_the_cells_they_did(tmp_path, seed_docs):
    """The cells recorded before the plan checks moved into the schemas (the seed's unit
    095001 exported; the plan's rows start at row 22, A21 is the plan as a whole)."""
    from xlsync.store import Store

    store = Store(tmp_path / "store")
    store.put_many(seed_docs)
    book = export(store, tmp_path / "b.xlsx", load_profile("seed"), unit="095001")[0]
    res = CliRunner().invoke(cli, ["validate", str(book), "--format", "json"])
    found = {(f["code"], f["field"], f["location"]["cell"]) for f in json.loads(res.output)["findings"]
             if f["project_name"] == "公积金信息专网及驻场服务费" and f["code"].startswith("PLAN_")}
    assert found == {
        ("PLAN_PERCENT_MISMATCH", "plan[0].stated_percent", "D22"), ("PLAN_PERCENT_MISMATCH", "plan[1].stated_percent", "D23"),
        ("PLAN_PERCENT_MISMATCH", "plan[2].stated_percent", "D24"), ("PLAN_PERCENT_MISMATCH", "plan[3].stated_percent", "D25"),
        ("PLAN_PERIOD_OVERLAP", "plan[3]", "A25"), ("PLAN_PERIOD_GAP", "plan[3]", "A25"), ("PLAN_TOTAL_MISMATCH", "plan", "A21"),
    }


# -- generated plans: the pandera checks against the plan's computation ----------------------

@cache
def _profile(points: str):
    return replace(load_profile("seed"), plan_percent_points=Decimal(points))


@st.composite
def plans(draw):
    """Any plan: periods in any order (overlapping, with gaps), amounts in fen or none, stated
    percentages of either basis, a year's amount or none, project dates inside or across the year."""
    periods = []
    for _ in range(draw(st.integers(0, 6))):
        a = draw(st.integers(1, 12))
        b = draw(st.integers(a, 12))
        amount = draw(st.none() | st.integers(0, 10**9).map(lambda f: f"{Decimal(f) / 100:.2f}"))
        basis = draw(st.sampled_from([None, "share", "cumulative"]))
        stated = None if basis is None else draw(st.decimals(0, 150, places=2).map(lambda d: f"{d.normalize():f}"))
        periods.append({"start_month": a, "end_month": b, "amount": amount, "stated_percent": stated,
                        "percent_basis": basis})
    year_amount = draw(st.none() | st.integers(0, 10**9).map(lambda f: f"{Decimal(f) / 100:.2f}"))
    start = draw(st.sampled_from([None, "2019-06-01", "2020-01-01", "2020-04-01", "2021-01-01"]))
    end = draw(st.sampled_from([None, "2019-12-31", "2020-09-30", "2020-12-31", "2022-06-30"]))
    doc = new_document(year=2020, unit_code="095001", name="测试", year_amount=year_amount, start_date=start,
                       end_date=end, plan=periods, plan_text=draw(st.sampled_from([None, "计划"])))
    return doc, draw(st.sampled_from(["0", "1", "2.5"]))


@settings(max_examples=80, deadline=None)
@given(plans())
def test_the_pandera_plan_checks_agree_with_the_plan_computation(case):
    doc, points = case
    tolerance = Decimal(points)
    figures = compute(doc)
    found = plan_findings([doc], _profile(points), {doc.id: figures})[doc.id]
    by_code: dict[str, list] = {}
    for f in found:
        by_code.setdefault(f.code, []).append(f)

    # percentages: each stated one against its share or cumulative share, exactly (Decimal)
    year = None if doc.year_amount is None else Decimal(doc.year_amount)
    running, expected = Decimal(0), {}
    for i, p in enumerate(doc.plan):
        if p.amount is not None:
            running += Decimal(p.amount)
        if p.stated_percent is None or not year or p.amount is None:
            continue
        with localcontext() as ctx:  # xlsync.plan's precision: 34 digits
            ctx.prec = 34
            computed = (Decimal(p.amount) if p.percent_basis == "share" else running) * 100 / year
        assert computed == (figures.periods[i].share if p.percent_basis == "share"
                            else figures.periods[i].cumulative_share)
        if abs(Decimal(p.stated_percent) - computed) > tolerance:
            expected[f"plan[{i}].stated_percent"] = (f"{Decimal(p.stated_percent)}%", f"{pct(computed)}%")
    assert {f.field: (f.found, f.expected) for f in by_code.get("PLAN_PERCENT_MISMATCH", [])} == expected
    assert {i for i, p in enumerate(figures.periods) if p.agrees(tolerance) is False} == {
        int(f.field[5:].split("]")[0]) for f in by_code.get("PLAN_PERCENT_MISMATCH", [])}

    # the total: the periods' amounts against the year's, to the fen
    amounts = [Decimal(p.amount) for p in doc.plan if p.amount is not None]
    mismatch = bool(amounts) and year is not None and sum(amounts) != year
    assert len(by_code.get("PLAN_TOTAL_MISMATCH", [])) == int(mismatch)

    # months: in two periods, in none (within the plan's span), outside the project's dates
    covered = [m for p in doc.plan for m in range(p.start_month, p.end_month + 1)]
    twice = sorted({m for m in covered if covered.count(m) > 1})
    assert [f.found for f in by_code.get("PLAN_PERIOD_OVERLAP", [])] == ([months_text(twice)] if twice else [])
    if doc.plan:
        outside = sorted({m for m in covered if not (doc.start_date is None or doc.start_date < f"2020-{m:02d}-32")
                          or not (doc.end_date is None or doc.end_date >= f"2020-{m:02d}-01")})
        assert [f.found for f in by_code.get("PLAN_OUTSIDE_PROJECT", [])] == ([months_text(outside)] if outside else [])
    else:
        assert not {"PLAN_PERIOD_GAP", "PLAN_OUTSIDE_PROJECT"} & set(by_code)

    # the plan tables hold the computation's figures, as Decimals, never floats
    tables = plan_tables([doc], {doc.id: figures})
    assert tables["plan"]["share"].tolist() == [p.share for p in figures.periods]
    assert all(v is None or type(v) is Decimal for c in ("amount", "share", "cumulative_amount", "cumulative_share")
               for v in tables["plan"][c].tolist())


# -- the plain runner (`xlsync plan`) against the pandera schemas (`xlsync validate`) -------------

PLAN_TEXTS = (None, "计划", "1-3月支付1.2345678万元", "4-6月支付2.5E3万元，7-9月支付10万元")
SWITCHABLE = tuple(s.name for s in PLAN_CHECKS) + tuple(s.code for s in PLAN_CHECKS)


@cache
def _switched(points: str, off: tuple[str, ...]):
    return replace(_profile(points), checks_off=frozenset(off))


@st.composite
def plan_sets(draw):
    """One to three generated plans (distinct projects; plan texts with unreadable amounts too)
    and a profile: a tolerance and any plan checks switched off, by name or by code."""
    docs = []
    for i in range(draw(st.integers(1, 3))):
        doc, points = draw(plans())
        data = {**doc.model_dump(), "id": None, "name": f"测试{i}", "plan_text": draw(st.sampled_from(PLAN_TEXTS))}
        docs.append(new_document(**data))
    off = draw(st.lists(st.sampled_from(SWITCHABLE), max_size=3, unique=True))
    return docs, _switched(points, tuple(sorted(off)))


def _same_failures(docs, profile):
    """The plain runner over the plan tables' rows and the pandera schemas over their
    DataFrames fail the same checks on the same rows."""
    plain = plain_failures(profile, plan_rows(docs))
    frames, schemas = plan_tables(docs), build_schemas(profile)
    assert set(plain) == PLAN_TABLES
    for table in PLAN_TABLES:
        assert plain[table] == failures(schemas[table], frames[table]), table
    return plain


@settings(max_examples=60, deadline=None)
@given(plan_sets())
def test_the_plain_plan_checks_fail_what_the_pandera_schemas_fail(case):
    docs, profile = case
    plain = _same_failures(docs, profile)
    assert not {name for found in plain.values() for name, _row in found} & profile.checks_off
    # and the findings `xlsync plan` reports are `xlsync validate`'s plan findings
    planned = [f for found in plan_findings(docs, profile).values() for f in found]
    validated = [f for f in validate_documents(docs, profile) if f.code.startswith("PLAN_")]
    assert sorted(map(repr, planned)) == sorted(map(repr, validated))


def test_the_plain_plan_checks_fail_what_the_pandera_schemas_fail_on_the_seed(seed_docs):
    plain = _same_failures(seed_docs, load_profile("seed"))
    assert {name.partition(":")[0] for found in plain.values() for name, _row in found} >= {
        "PLAN_PERCENT_MISMATCH", "PLAN_PERIOD_OVERLAP", "PLAN_PERIOD_GAP", "PLAN_TOTAL_MISMATCH"}


def _run_loading(store, command: str) -> tuple[int, str, set[str]]:
    """Run `xlsync COMMAND --store STORE --format json` in a fresh interpreter: its exit code,
    its output and the third-party data libraries it loaded."""
    script = ("import sys\nfrom xlsync.cli import main\n"
              f"sys.argv = ['xlsync', {command!r}, '--store', {str(store)!r}, '--format', 'json']\n"
              "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
              "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'pandera', 'numpy'})\n"
              "print('LOADED', *heavy)\nsys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, encoding="utf-8")
    out, _, loaded = done.stdout.rpartition("LOADED")
    return done.returncode, out, set(loaded.split())


def test_xlsync_plan_imports_neither_pandas_nor_pandera(seed_store):
    code, out, loaded = _run_loading(seed_store.root, "plan")
    found = {f["code"] for p in json.loads(out) for f in p["findings"]}
    assert code == 1 and "PLAN_TOTAL_MISMATCH" in found  # it ran its checks: the seed's plans have errors
    assert loaded == set()
    code, out, loaded = _run_loading(seed_store.root, "validate")  # validate runs them with pandera
    assert code == 1 and "PLAN_TOTAL_MISMATCH" in {f["code"] for f in json.loads(out)["findings"]}
    assert {"pandas", "pandera"} <= loaded
