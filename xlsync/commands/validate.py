"""xlsync validate: the checks on workbooks or on a store's projects."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..checking import validate_store, validate_workbooks
from ..render import render_validation
from ..term import progress
from ..validators.profiles import load_profile
from . import command
from .common import FORMAT, RULES, VERBOSE, emit_json, handle_errors
from .storeoption import store_forms


@command("validate")
@click.argument("workbooks", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), callback=store_forms,
              help="Validate every project in this store (instead of workbooks).")
@RULES
@FORMAT
@click.option("--write-back", is_flag=True,
              help="Put the findings into each workbook: a 校验结果 sheet, marked cells.")
@VERBOSE
@handle_errors
def validate(workbooks, store_dir, rules, fmt, write_back, verbose) -> None:
    if bool(workbooks) == bool(store_dir):
        raise click.UsageError("[SOURCE_MISSING] 请给出 --store 存储文件夹，或一个或多个工作簿 "
                               "(give either --store DIR or one or more WORKBOOK files)")
    profile = load_profile(rules) if rules else None  # None: each project by its form's rules
    if store_dir:
        if write_back:
            raise click.UsageError("[WRITE_BACK_STORE] --write-back 只用于工作簿，不用于 --store "
                                   "(--write-back works on workbooks, not on --store)")
        checked = validate_store(store_dir, profile)
    else:
        checked = validate_workbooks(progress(workbooks, "校验 (validate)"), profile, write_back=write_back)
    findings, problems = checked
    if fmt == "json":
        emit_json({"findings": [f.as_dict() for f in findings], "problems": [str(p) for p in problems],
                   "projects": checked.projects,
                   "written": [{"book": str(b), "rows": n, "cells": c} for b, n, c in checked.written]})
    else:
        click.echo(render_validation(checked, verbose, store_dir, workbooks, write_back))
    for p in problems:
        click.echo(f"错误 (error) [{p.code}]: {p}", err=True)
    if problems:
        sys.exit(2)
    sys.exit(1 if any(f.severity == "error" for f in findings) else 0)
