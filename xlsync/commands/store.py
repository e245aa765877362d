"""The store's own commands: list, show, log, restore, check, withdraw, rollover."""

from __future__ import annotations

import sys

import click

from ..document import dumps, revision
from ..render import render_list, render_log
from ..rollover import render_rollover
from ..rollover import rollover as run_rollover
from ..store import Store
from ..storecheck import check_store
from ..term import say
from ..withdraw import set_withdrawn, visible
from . import command
from .common import FORMAT, INCLUDE_WITHDRAWN, emit_json, handle_errors, store_errors
from .storeoption import STORE


@command("list")
@STORE
@click.option("--unit", help="Only this unit code.")
@click.option("--year", type=int, help="Only this budget year.")
@INCLUDE_WITHDRAWN
@FORMAT
@handle_errors
def list_cmd(store_dir, unit, year, include_withdrawn, fmt) -> None:
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
        click.echo(render_list([r | {"name": f"{r['name']}（已撤回）"} if r.get("status") else r for r in rows]))
        hidden = len(docs) - len(rows)
        if hidden:
            click.echo(f"[WITHDRAWN_HIDDEN] 另有 {hidden} 个已撤回的项目未列出（--include-withdrawn 显示）")
    store_errors(errors)
    sys.exit(2 if errors else 0)


@command("show")
@click.argument("doc_id")
@STORE
@handle_errors
def show(doc_id, store_dir) -> None:
    click.echo(dumps(Store(store_dir).get(doc_id)).decode("utf-8"), nl=False)


@command("log")
@click.argument("doc_id")
@STORE
@FORMAT
@handle_errors
def log(doc_id, store_dir, fmt) -> None:
    entries = Store(store_dir).log(doc_id)
    if fmt == "json":
        emit_json([e.__dict__ for e in entries])
        return
    click.echo(render_log(doc_id, entries))


@command("restore")
@click.argument("doc_id")
@click.argument("rev")
@STORE
@handle_errors
def restore(doc_id, rev, store_dir) -> None:
    r = Store(store_dir).restore(doc_id, rev)
    click.echo(say("RESTORED", f"{doc_id}：已恢复版本 {r.rev}（原来的当前版本 {r.previous} 留在历史中）。")
               if r.changed else say("UNCHANGED", f"{doc_id}：当前已是版本 {r.rev}，未修改。"))


@command("check")
@STORE
@click.option("--repair", is_flag=True,
              help="Roll an unfinished journal forward, remove temporary files, record missing log entries.")
@handle_errors
def check_cmd(store_dir, repair) -> None:
    problems = check_store(Store(store_dir), repair=repair)
    for p in problems:
        click.echo(str(p), err=not p.repaired)
    left = [p for p in problems if not p.repaired]
    if left:
        click.echo(say("STORE_CHECK_FAILED", f"存储 {store_dir} 有 {len(left)} 处问题"
                       + ("" if repair else "：运行 `xlsync check --store 存储 --repair` 可修复其中可修复的")), err=True)
        sys.exit(1)
    click.echo(say("STORE_OK", f"存储 {store_dir} 完好" + (f"（已修复 {len(problems)} 处）" if problems else "")))


@command("withdraw")
@click.argument("doc_ids", metavar="ID...", nargs=-1, required=True)
@STORE
@click.option("--undo", is_flag=True, help="Bring withdrawn projects back.")
@handle_errors
def withdraw(doc_ids, store_dir, undo) -> None:
    store = Store(store_dir)
    for doc_id in doc_ids:
        doc, result = set_withdrawn(store, doc_id, not undo)
        what = "已恢复 (reinstated)" if undo else "已撤回 (withdrawn)"
        click.echo(f"{what if result.changed else '未改变 (unchanged)'}: {doc.id} {doc.name}")


@command("rollover")
@click.option("--from", "from_year", type=click.IntRange(1900, 2200), required=True, help="Last budget year.")
@click.option("--to", "to_year", type=click.IntRange(1900, 2200), required=True, help="The new budget year.")
@STORE
@click.option("--unit", help="Only this unit code.")
@click.option("--all", "all_projects", is_flag=True, help="Carry every project, not only the 延续项目.")
@click.option("--dry-run", is_flag=True, help="Show the drafts; write nothing.")
@handle_errors
def rollover(from_year, to_year, store_dir, unit, all_projects, dry_run) -> None:
    report = run_rollover(Store(store_dir), from_year, to_year, unit, all_projects, dry_run)
    click.echo(render_rollover(report, store_dir))
    store_errors(report.skipped_files)
    sys.exit(2 if report.skipped_files else 0)
