"""The xlsync command line: thin click commands over the library.

Heavy libraries (pandas, pandera, openpyxl) are imported inside the commands that use them,
so `xlsync --help` and the store commands start fast.
"""

from __future__ import annotations

import json
import sys
from functools import wraps
from pathlib import Path

import click

from . import __version__
from .errors import XlsyncError
from .usage import XlsyncGroup


def _store_forms(ctx, _param, value):
    """The forms kept with the store are found by name while this command runs."""
    if value is not None:
        from .forms import forms_from
        from .store import META

        ctx.with_resource(forms_from(Path(value) / META / "forms"))
    return value


STORE = click.option(
    "--store", "store_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="The store folder (created on first write).", callback=_store_forms,
)
INCLUDE_WITHDRAWN = click.option("--include-withdrawn", is_flag=True,
                                  help="Include withdrawn (撤回) projects, left out by default.")
VERBOSE = click.option("-v", "--verbose", is_flag=True, help="Print every detail after the summary.")
FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
    help="Human-readable table or machine-readable JSON.",
)


def handle_errors(fn):
    """Turn XlsyncError into a message on stderr and its exit code; no tracebacks."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        from filelock import Timeout

        try:
            return fn(*args, **kwargs)
        except XlsyncError as exc:
            click.echo(f"错误 (error) [{exc.code}]: {exc}", err=True)
            sys.exit(exc.exit_code)
        except Timeout as exc:
            click.echo(f"错误 (error) [STORE_LOCKED]: 存储正被其他程序写入（锁 {exc.lock_file}），"
                       "未做任何修改：请等它写完后重试", err=True)
            sys.exit(2)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"错误 (error) [FILE_ERROR]: {where}{exc.strerror or exc} — 请检查路径和权限后重试",
                       err=True)
            sys.exit(2)

    return wrapper


def emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(cls=XlsyncGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xlsync")
def cli() -> None:
    """xlsync: 项目支出绩效目标表 — validate, compute plan percentages, store, sync, consolidate.

    Exit codes: 0 success; 1 the input has errors (findings, incomplete tables); 2 the
    command could not run (bad arguments, unreadable file); 3 a sync conflict.
    """


@cli.command()
@click.option("--checks", is_flag=True,
              help="Print the checks instead: table, column, check name, code, title, severity, on/off.")
@click.option("--rules", default=None, metavar="NAME|PATH", help="--checks: of this rule profile (default: seed).")
@handle_errors
def schema(checks, rules) -> None:
    """Print the JSON Schema of the canonical project document (--checks: the validation checks)."""
    if checks:
        from .validators.profiles import load_profile
        from .validators.schemas import describe

        emit_json(describe(load_profile(rules)))
        return
    from .document import json_schema

    emit_json(json_schema())


@cli.command("import-text")
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
    """Import published tables into the store: text files, Word (.docx), workbooks of any
    layout (.xlsx/.xlsm/.xls), saved web pages (.html) and PDF with a text layer (the kind is
    read from the content; xlsync's own workbooks go through push).

    Every layout is read: the Zhengzhou form, the national 申报表/审批表 family and an office's
    own form file. Exit 0: all written, nothing guessed; 1: a table is incomplete or cut off
    (the others are written), or needs review (待核对: written, with what the reader guessed
    to check); 2: a file could not be read (the others are imported); 3: a table conflicts
    with changes made in the store since its last import.
    """
    from .ingest import import_text
    from .published import ReadOptions
    from .render import render_import_report
    from .store import Store

    if form:
        from .forms import load_form

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
            from .render import render_explain

            click.echo(render_explain(report))
        click.echo(render_import_report(report, store_dir))
    sys.exit(report.exit_code)


@cli.command("list")
@STORE
@click.option("--unit", help="Only this unit code.")
@click.option("--year", type=int, help="Only this budget year.")
@INCLUDE_WITHDRAWN
@FORMAT
@handle_errors
def list_cmd(store_dir, unit, year, include_withdrawn, fmt) -> None:
    """List the projects in the store (withdrawn ones with --include-withdrawn)."""
    from .document import revision
    from .store import Store
    from .withdraw import visible

    docs, errors = Store(store_dir).documents(unit=unit, year=year)
    rows = [
        {"id": d.id, "year": d.year, "unit_code": d.unit_code, "name": d.name,
         "year_amount": d.year_amount, "rev": revision(d), "review": len(d.review)}
        | ({"status": d.status} if d.status else {})
        for d in visible(docs, include_withdrawn)
    ]
    if fmt == "json":
        emit_json({"projects": rows, "errors": [str(e) for e in errors]})
    else:
        from .render import render_list

        click.echo(render_list([r | {"name": f"{r['name']}（已撤回）"} if r.get("status") else r for r in rows]))
        hidden = len(docs) - len(rows)
        if hidden:
            click.echo(f"[WITHDRAWN_HIDDEN] 另有 {hidden} 个已撤回的项目未列出（--include-withdrawn 显示）")
    _store_errors(errors)
    sys.exit(2 if errors else 0)


def _store_errors(errors) -> None:
    for e in errors:
        click.echo(f"错误 (error) [{e.code}]: {e}", err=True)
    if errors:
        click.echo(f"[STORE_DAMAGED] 存储中有 {len(errors)} 个文件无法读取，已跳过：请按上面的路径修复或移走"
                   "（xlsync 不会覆盖它们）", err=True)


@cli.command()
@click.argument("doc_id")
@STORE
@handle_errors
def show(doc_id, store_dir) -> None:
    """Print one project document as canonical JSON."""
    from .document import dumps
    from .store import Store

    click.echo(dumps(Store(store_dir).get(doc_id)).decode("utf-8"), nl=False)


@cli.command()
@click.argument("doc_id")
@STORE
@FORMAT
@handle_errors
def log(doc_id, store_dir, fmt) -> None:
    """List the revisions of a project, oldest first."""
    from .store import Store

    entries = Store(store_dir).log(doc_id)
    if fmt == "json":
        emit_json([e.__dict__ for e in entries])
        return
    from .render import render_log

    click.echo(render_log(doc_id, entries))


@cli.command()
@click.argument("doc_id")
@click.argument("rev")
@STORE
@handle_errors
def restore(doc_id, rev, store_dir) -> None:
    """Make an earlier revision of a project current again (the current one stays in history)."""
    from .store import Store
    from .term import say

    r = Store(store_dir).restore(doc_id, rev)
    click.echo(say("RESTORED", f"{doc_id}：已恢复版本 {r.rev}（原来的当前版本 {r.previous} 留在历史中）。")
               if r.changed else say("UNCHANGED", f"{doc_id}：当前已是版本 {r.rev}，未修改。"))


@cli.command("check")
@STORE
@click.option("--repair", is_flag=True,
              help="Roll an unfinished journal forward, remove temporary files, record missing log entries.")
@handle_errors
def check_cmd(store_dir, repair) -> None:
    """Check that the store is whole: no unfinished journal, documents parse, every document's
    revision is in its log and history, logs complete, no temporary files. Exit 1 naming each
    problem (with --repair: each one not repaired)."""
    from .store import Store
    from .storecheck import check_store
    from .term import say

    problems = check_store(Store(store_dir), repair=repair)
    for p in problems:
        click.echo(str(p), err=not p.repaired)
    left = [p for p in problems if not p.repaired]
    if left:
        click.echo(say("STORE_CHECK_FAILED", f"存储 {store_dir} 有 {len(left)} 处问题"
                       + ("" if repair else "：运行 `xlsync check --store 存储 --repair` 可修复其中可修复的")), err=True)
        sys.exit(1)
    click.echo(say("STORE_OK", f"存储 {store_dir} 完好" + (f"（已修复 {len(problems)} 处）" if problems else "")))


RULES = click.option(
    "--rules", default=None, metavar="NAME|PATH",
    help="Rule profile: 'seed', 'national', or a profile file (.toml). Default: each project's "
         "form's profile (national tables by the national framework, Zhengzhou tables by the seed's).",
)


@cli.command()
@STORE
@click.argument("ids", nargs=-1)
@RULES
@FORMAT
@VERBOSE
@handle_errors
def plan(store_dir, ids, rules, fmt, verbose) -> None:
    """Plan percentages: per period share and cumulative share, quarters, plan findings.

    A summary line per project; every period with --verbose or when IDS are given.
    Exit 0 no plan errors, 1 plan errors found, 2 failed to run (unreadable store files)."""
    from .plan import compute, figures_as_dict
    from .render import render_plan_report
    from .store import Store
    from .validate import plan_findings

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
    _store_errors(errors)
    if errors:
        sys.exit(2)
    sys.exit(1 if any(f.severity == "error" for _d, _fig, found in items for f in found) else 0)


@cli.command()
@click.argument("workbooks", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), callback=_store_forms,
              help="Validate every project in this store (instead of workbooks).")
@RULES
@FORMAT
@click.option("--write-back", is_flag=True,
              help="Put the findings into each workbook: a 校验结果 sheet, marked cells.")
@VERBOSE
@handle_errors
def validate(workbooks, store_dir, rules, fmt, write_back, verbose) -> None:
    """Check projects: amounts, dates, plan, categories, targets. Exit 0 clean, 1 errors, 2 failed to run."""
    from .checking import validate_store, validate_workbooks
    from .render import render_validation
    from .term import progress
    from .validators.profiles import load_profile

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


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Where the unit workbooks go.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), callback=_store_forms,
              help="The store to bring the files into first (default: OUT_DIR/store).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Read and write files in this many processes.")
@RULES
@FORMAT
@handle_errors
def convert(sources, out_dir, store_dir, jobs, rules, fmt) -> None:
    """Batch convert text tables and workbooks (files or folders) into unit workbooks, through the store.

    Published tables (text, .docx, .xls/.xlsx of any layout, .html, .pdf) are imported,
    xlsync's own workbooks pushed (field-by-field merge); then the workbook of
    every unit-year they touched is written into OUT_DIR. Exit 0 done, 1 a file failed,
    3 a conflict (that file was not written).
    """
    from .convert import STATUS_ZH
    from .convert import convert as run
    from .progressbar import bar

    def counts(report) -> str:
        c = report.counts()
        return " · ".join(f"{STATUS_ZH[k]} {v}" for k, v in c.items())

    with bar("转换", len(sources)) as progress:
        report = run(list(sources), out_dir, store_dir, rules, jobs,
                     progress=lambda done, total, r: progress.update(done, total, counts(r)))
    if fmt == "json":
        emit_json({"files": [o.as_dict() for o in report.files],
                   "outputs": [o.as_dict() for o in report.outputs], "exit_code": report.exit_code})
        sys.exit(report.exit_code)
    for o in report.files + report.outputs:
        line = f"[{STATUS_ZH[o.status]}] {o.file}  {o.detail}"
        click.echo(line, err=o.status in ("failed", "conflict"))
    c, w = report.counts(), report.counts("outputs")
    click.echo(f"共 {len(report.files)} 个文件: " + "，".join(f"{STATUS_ZH[k]} {v}" for k, v in c.items())
               + f"；工作簿 已写入 {w['written']}，未变 {w['unchanged']}，失败 {w['failed']}")
    sys.exit(report.exit_code)


@cli.command()
@STORE
@click.option("--unit", help="Only this unit code.")
@click.option("--year", type=int, help="Only this budget year.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The workbook to write (.xlsx, or .xlsm with the macros) for one unit and year.")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write one workbook per unit and year into this folder.")
@RULES
@click.option("--stage", type=click.Choice(["targets", "monitor", "evaluate"]), default="targets",
              show_default=True, help="targets: the 申报表 workbooks; monitor: 绩效运行监控表; "
                                      "evaluate: 绩效自评表 (the year's results against the targets).")
@click.option("--month", type=click.IntRange(1, 12), default=7, show_default=True,
              help="--stage monitor: the months 1-N the monitoring covers.")
@INCLUDE_WITHDRAWN
@handle_errors
def export(store_dir, unit, year, output, out_dir, rules, stage, month, include_withdrawn) -> None:
    """Write unit workbooks from the store."""
    from .exchange import export as do_export
    from .render import render_export
    from .store import Store
    from .term import progress
    from .validators.profiles import load_profile

    if bool(output) == bool(out_dir):
        raise click.UsageError("[TARGET_MISSING] 请给出 -o 工作簿.xlsx（一个单位和年度）或 --out-dir 文件夹（每个单位和年度一个工作簿）"
                               " (give either -o BOOK.xlsx or --out-dir DIR)")
    if stage != "targets":
        from .evaluation.report import export_stage_command

        sys.exit(export_stage_command(store_dir, output or out_dir, stage, month, rules, unit, year))
    result = do_export(Store(store_dir), output or out_dir, load_profile(rules) if rules else None, unit, year,
                       progress=lambda items: progress(items, "导出 (export)", len(items)),
                       include_withdrawn=include_withdrawn)
    click.echo(render_export(result, store_dir))
    for note in result.notes:
        click.echo(f"注意: {note}")
    for error in result.skipped:
        click.echo(f"警告 (warning): 已跳过无法读取的文件: {error}", err=True)
    for message in result.failed:
        click.echo(f"错误 (error): {message}", err=True)
    sys.exit(2 if result.failed or result.skipped else 0)


@cli.command()
@STORE
@click.argument("ids", nargs=-1)
@RULES
@FORMAT
@VERBOSE
@handle_errors
def score(store_dir, ids, rules, fmt, verbose) -> None:
    """绩效自评 scores by the rule profile: per project the total, 执行率 and shortfalls;
    with --verbose every indicator's inputs and the rule that scored it.
    Exit 0 all scored, 1 a self-evaluation that cannot be scored yet, 2 failed to run."""
    from .evaluation.report import render_scores, scores
    from .store import Store

    docs, errors = Store(store_dir).documents(ids)
    items = scores([d for d in docs if d.status != "withdrawn"], rules)
    if fmt == "json":
        emit_json([{"id": d.id, "unit_code": d.unit_code, "name": d.name, "score": s.as_dict() if s else None}
                   for d, s in items])
    else:
        click.echo(render_scores(items, store_dir, verbose or bool(ids)))
    _store_errors(errors)
    if errors:
        sys.exit(2)
    sys.exit(1 if any(s is not None and s.total is None for _d, s in items) else 0)


def _sync_command(direction):
    @click.argument("books", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
    @STORE
    @click.option("--force", is_flag=True,
                  help="Overwrite conflicting fields. push: the store's old values stay in its history; "
                       "pull: the workbook's old values are printed in the report (and in --format json).")
    @click.option("--dry-run", is_flag=True, help="Show the change set; write nothing.")
    @RULES
    @FORMAT
    @VERBOSE
    @handle_errors
    def command(books, store_dir, force, dry_run, rules, fmt, verbose):
        from . import exchange
        from .render import render_batch
        from .store import Store
        from .term import progress
        from .validators.profiles import load_profile

        store, profile = Store(store_dir), load_profile(rules) if rules else None
        outcomes = exchange.sync_books(progress(books, "推送 (push)" if direction == "push" else "拉取 (pull)"),
                                       store, profile, direction, force=force, dry_run=dry_run)
        if fmt == "json":
            emit_json([o.as_dict() for o in outcomes])
        else:
            click.echo(render_batch(outcomes, dry_run, store_dir, verbose))
        sys.exit(exchange.batch_exit_code(outcomes))

    return command


cli.command("import", help="Push workbooks into the store (merging field by field).")(_sync_command("push"))
cli.command("push", help="Same as import: push workbooks into the store.")(_sync_command("push"))
cli.command("pull", help="Pull store changes into existing workbooks (other sheets are kept).")(_sync_command("pull"))


@cli.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("workbooks/xlsync-template.xlsx"), show_default=True,
              help="The workbook to write (.xlsx, or .xlsm with the macros).")
@click.option("--form", "form", metavar="NAME|PATH", default=None,
              help="The form its project sheet is laid out by: seed (default), national, or an office's own.")
@click.option("--year", type=click.IntRange(1900, 2200), default=None,
              help="The budget year its titles and metadata carry (default: next year, and it says so).")
@click.option("--unit", "unit_code", default=None,
              help="The unit code (default: the placeholder 000000, and it says so).")
@click.option("--unit-name", default=None, help="The unit's name (its titles carry it).")
@RULES
@handle_errors
def template(output, form, year, unit_code, unit_name, rules) -> None:
    """Write a blank workbook for a unit, a budget year and a form (one blank project sheet;
    add more with `xlsync new-project`)."""
    import datetime as dt

    from .templates import build_template
    from .validators.profiles import load_profile

    notes = []
    if year is None:
        year = dt.date.today().year + 1
        notes.append(f"[YEAR_DEFAULT] 未给出 --year：预算年度按下一年 {year} 年")
    if unit_code is None:
        unit_code = "000000"
        notes.append("[UNIT_PLACEHOLDER] 未给出 --unit：单位编码是占位的 000000，推送前请改成本单位的编码"
                     "（或用 --unit 重新生成）")
    path = build_template(output, load_profile(rules) if rules else None, form, year, unit_code, unit_name)
    click.echo(f"已写入 (written): {path}")
    for note in notes:
        click.echo(note)


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The summary workbook to write (.xlsx).")
@click.option("--previous", multiple=True, type=click.Path(path_type=Path),
              help="Last year's store, workbooks or folder (repeatable): adds 跨年对比.")
@click.option("--into-store", type=click.Path(file_okay=False, path_type=Path),
              help="Also push every project into this store (field-by-field merge, like push).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), callback=_store_forms,
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
    """Consolidate unit workbooks, folders of them and stores (INPUT...) into one summary workbook.

    Exit 0 done, 1 some input could not be read, 3 conflicting copies of a project or a
    workbook older than --into-store (nothing picked silently; see the 冲突 sheet).
    """
    from .consolidate import consolidate as run
    from .consolidate.report import render
    from .progressbar import bar

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


USERS = click.option(
    "--users", "users_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="The users file of `xlsync serve` (holds token hashes, never tokens).",
)


@cli.command("new-project")
@click.argument("book", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", required=True, help="The new project's name (项目名称).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Create the project in this store at once (else the next push does, giving it its id).")
@handle_errors
def new_project(book, name, store_dir) -> None:
    """新增项目: add a blank project sheet of the workbook's form (and a row in 目录). The next
    push gives it an id and writes the id back into the workbook (--store: at once)."""
    from .newproject import add_project
    from .store import Store

    new = add_project(book, name, Store(store_dir) if store_dir else None)
    click.echo(f"已新增项目工作表 (added) “{new.title}”：{book}")
    if new.registered:
        click.echo(f"[PROJECT_NEW] 已在存储 {store_dir} 中建立项目，项目编号 {new.document.id}（已写入工作簿）")
        new.store = str(store_dir)
    from .term import next_step

    if new.store:
        click.echo(next_step(f"xlsync push {book} --store {new.store}   # 填写后推送，项目编号写回工作簿"))
    else:
        click.echo(next_step(f"xlsync push {book} --store STORE   # 填写后推送到存储文件夹 STORE，项目编号写回工作簿"))


@cli.command()
@click.argument("doc_ids", metavar="ID...", nargs=-1, required=True)
@STORE
@click.option("--undo", is_flag=True, help="Bring withdrawn projects back.")
@handle_errors
def withdraw(doc_ids, store_dir, undo) -> None:
    """撤回: withdraw projects (kept in the store with their history; left out of list, export
    and consolidate unless --include-withdrawn). --undo brings them back."""
    from .store import Store
    from .withdraw import set_withdrawn

    store = Store(store_dir)
    for doc_id in doc_ids:
        doc, result = set_withdrawn(store, doc_id, not undo)
        what = "已恢复 (reinstated)" if undo else "已撤回 (withdrawn)"
        click.echo(f"{what if result.changed else '未改变 (unchanged)'}: {doc.id} {doc.name}")


@cli.command()
@click.option("--from", "from_year", type=click.IntRange(1900, 2200), required=True, help="Last budget year.")
@click.option("--to", "to_year", type=click.IntRange(1900, 2200), required=True, help="The new budget year.")
@STORE
@click.option("--unit", help="Only this unit code.")
@click.option("--all", "all_projects", is_flag=True, help="Carry every project, not only the 延续项目.")
@click.option("--dry-run", is_flag=True, help="Show the drafts; write nothing.")
@handle_errors
def rollover(from_year, to_year, store_dir, unit, all_projects, dry_run) -> None:
    """Next year's drafts of the continuing projects (延续项目; all with --all): names, units,
    indicators and goals copied, last year's amounts moved to the 上年 fields, the new year's
    amounts, plan and dates left to re-enter (review items), linked to last year's project."""
    from .rollover import render_rollover
    from .rollover import rollover as run
    from .store import Store

    report = run(Store(store_dir), from_year, to_year, unit, all_projects, dry_run)
    click.echo(render_rollover(report, store_dir))
    _store_errors(report.skipped_files)
    sys.exit(2 if report.skipped_files else 0)


@cli.group()
def user() -> None:
    """Users of `xlsync serve`: who may push and pull which units' projects."""


@user.command("add")
@click.argument("name")
@click.option("--unit", "units", multiple=True, metavar="CODE", help="A unit code this user may push and pull (repeatable).")
@USERS
@handle_errors
def user_add(name, units, users_file) -> None:
    """Add a user; the new token is printed once, on the last line."""
    from .users import UsersFile

    token = UsersFile(users_file).add(name, list(units))
    click.echo(f"已添加用户 {name}（单位 {', '.join(sorted(set(units)))}）。令牌只显示这一次，请交给该用户:")
    click.echo(token)


@user.command("list")
@USERS
@FORMAT
@handle_errors
def user_list(users_file, fmt) -> None:
    """List the users and their units (never tokens)."""
    from .users import UsersFile

    users = UsersFile(users_file).users()
    if fmt == "json":
        emit_json([{"name": u.name, "units": list(u.units), "created": u.created} for u in users])
        return
    for u in users:
        click.echo(f"{u.name:20}  {' '.join(u.units):30}  {u.created}")
    click.echo(f"{len(users)} 个用户 (users)")


@user.command("remove")
@click.argument("name")
@USERS
@handle_errors
def user_remove(name, users_file) -> None:
    """Remove a user; the user's token stops working at once."""
    from .users import UsersFile

    UsersFile(users_file).remove(name)
    click.echo(f"已删除用户 {name}")


@user.command("token")
@click.argument("name")
@USERS
@handle_errors
def user_token(name, users_file) -> None:
    """Give a user a new token (printed once, on the last line); the old one stops working."""
    from .users import UsersFile

    token = UsersFile(users_file).new_token(name)
    click.echo(f"用户 {name} 的新令牌（旧令牌已失效），只显示这一次:")
    click.echo(token)


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@cli.command()
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The office's store: every push and pull goes here (a workbook's 存储位置 is ignored).")
@click.option("--users", "users_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="The users file (xlsync user add …). Required unless listening on loopback only.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--max-request-mb", default=16.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Larger requests get 413 before they are read.")
@click.option("--hostname", envvar="XLSYNC_HOSTNAME",
              help="The public host name of the HTTPS proxy in front (the manifest's URLs, the only "
                   "CORS origin). Also read from XLSYNC_HOSTNAME.")
@click.option("--manifest-id", envvar="XLSYNC_MANIFEST_ID", metavar="GUID",
              help="The add-in's id in Excel, fixed per office (default: the one made with the users "
                   "file). Also read from XLSYNC_MANIFEST_ID.")
@click.option("--rules", default=None, metavar="NAME|PATH",
              help="One rule profile for every workbook (default: each workbook's own, else 'seed').")
@click.option("--license-key", envvar="XLWINGS_LICENSE_KEY",
              help="xlwings licence key, or 'noncommercial' (PolyForm Noncommercial: e.g. government "
                   "institutions, testing). Also read from XLWINGS_LICENSE_KEY.")
@handle_errors
def serve(store_dir, users_file, host, port, max_request_mb, hostname, manifest_id, rules, license_key) -> None:
    """Run xlwings Server with xlsync's buttons, task pane and functions for a whole office."""
    import uuid

    from .errors import XlsyncError

    if not license_key:
        raise XlsyncError(
            "xlwings Server needs a licence key: set XLWINGS_LICENSE_KEY=noncommercial when your use "
            "is noncommercial under the PolyForm Noncommercial licence (it covers government "
            "institutions and testing), otherwise an xlwings key (see README, 'Licence')."
        )
    if users_file is None and not _loopback(host):
        raise click.UsageError(f"listening on {host} needs --users FILE: without users anyone who can "
                               "reach the port could push and pull (create one with `xlsync user add`)")
    if users_file is not None:
        from .users import UsersFile

        if not UsersFile(users_file).users():  # unreadable or not a users file: fails here
            click.echo(f"注意：用户文件 {users_file} 中还没有用户，任何请求都会被拒绝 (401)。", err=True)
        manifest_id = manifest_id or UsersFile(users_file).manifest_id()
    if manifest_id is not None:
        try:
            parsed = uuid.UUID(manifest_id)
        except ValueError:
            parsed = None
        if parsed is None or parsed.version != 4:
            raise click.BadParameter(f"not a version 4 GUID (make one with uuidgen): {manifest_id}",
                                     param_hint="--manifest-id")
    if rules:
        from .validators.profiles import load_profile

        load_profile(rules)  # a wrong name or file fails now, not at the first click
    try:
        import uvicorn

        from .server import app
    except ImportError:
        raise XlsyncError("xlwings Server is not installed: pip install 'xlsync[server]'") from None
    asgi = app(store_dir, users_file, license_key, max_request_mb, manifest_id=manifest_id,
               hostname=hostname, rules=rules)
    if users_file is None:
        click.echo("注意：没有用户文件，只在本机地址上提供服务，任何本机用户都可推送、拉取所有单位。", err=True)
    uvicorn.run(asgi, host=host, port=port, proxy_headers=True, forwarded_allow_ips="127.0.0.1",
                limit_concurrency=64, timeout_keep_alive=5)


def main() -> None:
    cli(prog_name="xlsync")


if __name__ == "__main__":
    main()
