"""xlsync import-text: published tables of any kind into the store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..forms import load_form
from ..ingest import import_text
from ..published import ReadOptions
from ..render import render_explain, render_import_report
from ..store import Store
from . import command
from .common import FORMAT, emit_json, handle_errors
from .storeoption import STORE


@command("import-text")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@STORE
@click.option("--dry-run", is_flag=True, help="Read and report; write nothing.")
@click.option("--form", "form", metavar="NAME|PATH",
              help="Read every table with this form ('seed', 'national' or a form file); "
                   "default: the form that fits each table.")
@click.option("--unit-code", help="Unit code for tables that name none.")
@click.option("--unit-name", help="Unit name for tables that name none.")
@click.option("--year", type=int, help="Budget year for tables that name none.")
@click.option("--explain", is_flag=True,
              help="Print each line of each table with what it was read as, and every review item.")
@click.option("--allow-truncated", is_flag=True,
              help="Also write tables the text cuts off (what they hold); they are reported.")
@FORMAT
@handle_errors
def import_text_cmd(files, store_dir, dry_run, form, unit_code, unit_name, year, explain, allow_truncated,
                    fmt) -> None:
    """Every layout is read: the Zhengzhou form, the national 申报表/审批表 family and an office's
    own form file. Exit 0: all written, nothing guessed; 1: a table is incomplete or cut off
    (the others are written), or needs review (待核对: written, with what the reader guessed
    to check); 2: a file could not be read (the others are imported); 3: a table conflicts
    with changes made in the store since its last import.
    """
    if form:
        load_form(form)  # a missing or broken form file stops here, with its name
    options = ReadOptions(form=form, unit_code=unit_code, unit_name=unit_name, year=year)
    report = import_text(list(files), Store(store_dir), dry_run=dry_run, options=options,
                         allow_truncated=allow_truncated)
    if fmt == "json":
        emit_json(
            {
                "errors": [{"code": e.code, "message": e.message, "file": e.location.file if e.location else None}
                           for e in report.file_errors],
                "files": [{"file": f, "outcome": o} for f, o in report.file_outcomes()],
                "file_notes": [n.as_dict() for n in report.file_notes],
                "tables": [o.as_dict() for o in report.outcomes],
            }
        )
    else:
        if explain:
            click.echo(render_explain(report))
        click.echo(render_import_report(report, store_dir))
    sys.exit(report.exit_code)
