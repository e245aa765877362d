"""xlsync schema: the document's JSON Schema, or the validation checks."""

from __future__ import annotations

import click

from ..document import json_schema
from ..validators.profiles import load_profile
from ..validators.schemas import describe
from . import command
from .common import emit_json, handle_errors


@command("schema")
@click.option("--checks", is_flag=True,
              help="Print the checks instead: table, column, check name, code, title, severity, on/off.")
@click.option("--rules", default=None, metavar="NAME|PATH", help="--checks: of this rule profile (default: seed).")
@handle_errors
def schema(checks, rules) -> None:
    if checks:
        emit_json(describe(load_profile(rules)))
        return
    emit_json(json_schema())
