"""xlsync plan: each project's plan percentages and plan findings."""

from __future__ import annotations

import sys

import click

from ..plan import compute, figures_as_dict
from ..render import render_plan_report
from ..store import Store
from ..validate import plan_findings
from . import command
from .common import FORMAT, RULES, VERBOSE, emit_json, handle_errors, store_errors
from .storeoption import STORE


@command("plan")
@STORE
@click.argument("ids", nargs=-1)
@RULES
@FORMAT
@VERBOSE
@handle_errors
def plan(store_dir, ids, rules, fmt, verbose) -> None:
    """A summary line per project; every period with --verbose or when IDS are given.
    Exit 0 no plan errors, 1 plan errors found, 2 failed to run (unreadable store files)."""
    docs, errors = Store(store_dir).documents(ids)
    figures = {doc.id: compute(doc) for doc in docs}
    found = plan_findings(docs, rules, figures)
    items = [(doc, figures[doc.id], found[doc.id]) for doc in docs]
    if fmt == "json":
        emit_json([{"id": doc.id, "unit_code": doc.unit_code, "name": doc.name,
                    **figures_as_dict(figures), "findings": [f.as_dict() for f in findings]}
                   for doc, figures, findings in items])
    else:
        click.echo(render_plan_report(items, store_dir, verbose or bool(ids)))
    store_errors(errors)
    if errors:
        sys.exit(2)
    sys.exit(1 if any(f.severity == "error" for _d, _fig, found in items for f in found) else 0)
