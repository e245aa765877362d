"""The checking commands: plan, validate, score."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..checking import validate_store, validate_workbooks
from ..evaluation.report import render_scores, scores
from ..plan import check_with_profile, compute, figures_as_dict
from ..render import render_plan_report, render_validation
from ..store import Store
from ..term import progress
from ..validators.profiles import load_profile, profile_for
from . import command
from .common import FORMAT, RULES, VERBOSE, emit_json, handle_errors, store_errors
from .storeoption import STORE, store_forms


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
    items = []
    for doc in docs:
        figures = compute(doc)
        items.append((doc, figures, check_with_profile(doc, profile_for(doc, rules), figures)))
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
