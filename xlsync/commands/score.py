"""xlsync score: 绩效自评 scores by the rule profile."""

from __future__ import annotations

import sys

import click

from ..evaluation.report import render_scores, scores
from ..store import Store
from . import command
from .common import FORMAT, RULES, VERBOSE, emit_json, handle_errors, store_errors
from .storeoption import STORE


@command("score")
@STORE
@click.argument("ids", nargs=-1)
@RULES
@FORMAT
@VERBOSE
@handle_errors
def score(store_dir, ids, rules, fmt, verbose) -> None:
    docs, errors = Store(store_dir).documents(ids)
    items = scores([d for d in docs if d.status != "withdrawn"], rules)
    if fmt == "json":
        emit_json([{"id": d.id, "unit_code": d.unit_code, "name": d.name, "score": s.as_dict() if s else None}
                   for d, s in items])
    else:
        click.echo(render_scores(items, store_dir, verbose or bool(ids)))
    store_errors(errors)
    if errors:
        sys.exit(2)
    sys.exit(1 if any(s is not None and s.total is None for _d, s in items) else 0)
