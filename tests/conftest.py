from __future__ import annotations

import os
from pathlib import Path

# xlwings' remote engine (the one xlwings Server uses) runs under the PolyForm Noncommercial
# licence for testing; it must be set before xlwings is imported.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import pytest
from hypothesis import HealthCheck, settings

# Generated inputs are checked for what they produce, not for how fast they are drawn: on a
# shared two-core machine a slow draw says nothing about xlsync (speed lives in bench/run.py).
settings.register_profile("xlsync", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("xlsync")

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "zhengzhou-hpf-2020.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_tables():
    from xlsync.published import read_file

    tables, _notes = read_file(SEED)
    return tables


@pytest.fixture(scope="session")
def seed_docs(seed_tables):
    return [t.document for t in seed_tables]


@pytest.fixture
def seed_store(tmp_path, seed_docs):
    from xlsync.store import Store

    store = Store(tmp_path / "store")
    store.put_many(seed_docs, action="import-text")
    return store


def by_name(docs, name, unit=None):
    found = [d for d in docs if d.name == name and (unit is None or d.unit_code == unit)]
    assert len(found) == 1, (name, unit, len(found))
    return found[0]


@pytest.fixture
def workspace(tmp_path, seed_docs):
    """A store of the seed and the workbook of unit 095004 exported from it."""
    from xlsync.validators.profiles import load_profile

    from xlsync.exchange import export
    from xlsync.store import Store

    store = Store(tmp_path / "store")
    store.put_many(seed_docs)
    book = export(store, tmp_path / "b.xlsx", load_profile("seed"), unit="095004")[0]
    return store, book


def pytest_terminal_summary(terminalreporter):
    """The fault harness's count of injected faults and checks (tests/test_fault_harness.py)."""
    import sys

    faults = sys.modules.get("faults")
    if faults is not None and faults.Tally.faults:
        t = faults.Tally
        jobs = ", ".join(f"{k} {f}/{c}" for k, (f, c) in sorted(t.by_job.items()))
        terminalreporter.write_line(f"fault harness: {t.faults} faults injected, {t.checks} checks ({jobs})")
