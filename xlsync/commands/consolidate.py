"""xlsync consolidate: unit workbooks, folders and stores into one summary workbook."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..consolidate import consolidate as run
from ..consolidate.report import render
from ..progressbar import bar
from . import command
from .common import INCLUDE_WITHDRAWN, RULES, handle_errors
from .storeoption import store_forms


@command("consolidate")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The summary workbook to write (.xlsx).")
@click.option("--previous", multiple=True, type=click.Path(path_type=Path),
              help="Last year's store, workbooks or folder (repeatable): adds 跨年对比.")
@click.option("--into-store", type=click.Path(file_okay=False, path_type=Path),
              help="Also push every project into this store (field-by-field merge, like push).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), callback=store_forms,
              help="Include every project of this store (same as giving it as an INPUT).")
@click.option("--year", type=int, help="The budget year to summarise (default: the latest found).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the tidy tables as one JSON file.")
@click.option("--csv", "csv_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write the tidy tables as CSV files (with datapackage.json) into this folder.")
@click.option("--parquet", "parquet_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write the tidy tables as Parquet files (with datapackage.json) into this folder.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Read the inputs in this many processes.")
@RULES
@INCLUDE_WITHDRAWN
@handle_errors
def consolidate(inputs, output, previous, into_store, store_dir, year, json_path, csv_dir, parquet_dir,
                jobs, rules, include_withdrawn) -> None:
    """Exit 0 done, 1 some input could not be read, 3 conflicting copies of a project or a
    workbook older than --into-store (nothing picked silently; see the 冲突 sheet).
    """
    inputs = list(inputs) + ([store_dir] if store_dir else [])
    if not inputs:
        raise click.UsageError("give unit workbooks, folders or stores to consolidate")
    with bar("汇总", 0) as progress:
        result = run(inputs, output, previous=previous, into_store=into_store, rules=rules, year=year,
                     jobs=jobs, json_path=json_path, csv_dir=csv_dir, parquet_dir=parquet_dir,
                     progress=lambda done, total, label: progress.update(done, total),
                     include_withdrawn=include_withdrawn)
    out, err = render(result)
    click.echo(out)
    if err:
        click.echo(err, err=True)
    sys.exit(result.exit_code)
