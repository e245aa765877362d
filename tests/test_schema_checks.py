"""The pandera schemas: typed columns, every check named and declared once (check_specs, the
plan's included), printed by `xlsync schema --checks`, switched off by a profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from xlsync.validators.profiles import load_profile
from xlsync.validators.schemas import PLAN_CHECKS, build_schemas, check_specs, failures

from xlsync.cli import cli
from xlsync.codes import CODES
from xlsync.errors import XlsyncError
from xlsync.tidy import tidy_tables
from xlsync.validate import validate_documents

ROOT = Path(__file__).resolve().parent.parent


def schema_checks(schemas) -> set[tuple[str, str | None, str]]:
    """(table, column or None, check name) of every check the built schemas run."""
    out = set()
    for table, schema in schemas.items():
        out |= {(table, None, c.name) for c in schema.checks}
        for name, column in schema.columns.items():
            out |= {(table, name, c.name) for c in column.checks}
    return out


@pytest.mark.parametrize("rules", ["seed", "national"])
def test_every_check_is_declared_once_and_every_column_typed(rules):
    profile = load_profile(rules)
    schemas = build_schemas(profile)
    declared = {(s.table, s.column, s.name) for s in check_specs(profile)}
    assert schema_checks(schemas) == declared
    for table, schema in schemas.items():
        for name, column in schema.columns.items():
            assert column.dtype is not None, f"{table}.{name} has no type"
    assert str(schemas["projects"].columns["year_amount"].dtype) == "decimal"
    assert str(schemas["indicators"].columns["row"].dtype) == "integer"
    assert str(schemas["indicators"].columns["name"].dtype) == "text"
    for spec in check_specs(profile):
        assert "finding" in CODES[spec.code].kinds
    assert {s.code for s in PLAN_CHECKS} == {c for c in CODES if c.startswith("PLAN_")}


def test_a_value_of_the_wrong_type_is_a_bug_not_a_finding(seed_docs):
    profile = load_profile("seed")
    tables = tidy_tables(seed_docs[:2], profile)
    df = tables["projects"].copy()
    df.loc[df.index[0], "year_amount"] = 12.5  # a float where the tidy tables give Decimals
    with pytest.raises(TypeError, match="year_amount"):
        failures(build_schemas(profile)["projects"], df)


def test_a_profile_switches_checks_off_by_code_or_name(tmp_path, seed_docs):
    text = (ROOT / "validators" / "profiles" / "seed.toml").read_text(encoding="utf-8")
    custom = tmp_path / "office.toml"
    off = '\n[checks]\noff = ["TARGET_UNIT_MISSING", "PLAN_PERIOD_GAP", "TARGET_PLACEHOLDER:target"]\n'
    custom.write_text(text + off, encoding="utf-8")
    seed, office = load_profile("seed"), load_profile(str(custom))
    before = validate_documents(seed_docs, seed)
    after = validate_documents(seed_docs, office)
    gone = {"TARGET_UNIT_MISSING", "PLAN_PERIOD_GAP", "TARGET_PLACEHOLDER"}
    assert gone <= {f.code for f in before}  # the seed has each of them
    assert [f for f in before if f.code not in gone] == after

    printed = json.loads(CliRunner().invoke(cli, ["schema", "--checks", "--rules", str(custom)]).output)
    enabled = {(c["check"], c["enabled"]) for c in printed}
    assert ("TARGET_UNIT_MISSING:target", False) in enabled and ("PLAN_PERIOD_GAP:plan", False) in enabled
    assert ("TARGET_PLACEHOLDER:target", False) in enabled and ("TARGET_MISSING:target", True) in enabled
    assert all(c["title"] == CODES[c["code"]].title for c in printed)

    custom.write_text(text + '\n[checks]\noff = ["NO_SUCH_CHECK"]\n', encoding="utf-8")
    load_profile.cache_clear()
    with pytest.raises(XlsyncError, match="NO_SUCH_CHECK"):
        load_profile(str(custom))
