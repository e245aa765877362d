"""Workbooks and the store: export, and push (import) / pull."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import exchange
from ..evaluation import layout as EL
from ..evaluation.sheet import export_stage
from ..render import render_batch, render_export
from ..store import Store
from ..term import next_step, progress, say
from ..validators.profiles import load_profile
from . import command
from .common import FORMAT, INCLUDE_WITHDRAWN, RULES, VERBOSE, emit_json, handle_errors
from .storeoption import STORE


def _export_stage(store_dir, out, stage: str, month: int, rules: str | None, unit, year) -> int:
    """export --stage monitor|evaluate: the stage workbooks written, and what to do next."""
    paths = export_stage(Store(store_dir), Path(out), stage, month if stage == "monitor" else None,
                         load_profile(rules) if rules else None, unit, year)
    what = EL.STAGES[stage] + (f"（1-{month}月）" if stage == "monitor" else "")
    click.echo(say("WORKBOOKS_WRITTEN", f"已写入 {len(paths)} 个{what}工作簿 (written):"))
    for p in paths:
        click.echo(f"  {p}")
    click.echo(next_step(f"在浅黄色单元格填写完成情况；xlsync validate {paths[0]} --write-back   # 校验",
                         f"xlsync push {paths[0]} --store {store_dir}   # 推送回存储",
                         f"xlsync score --store {store_dir} --verbose   # 按规则计算得分"))
    return 0


@command("export")
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
    if bool(output) == bool(out_dir):
        raise click.UsageError("[TARGET_MISSING] 请给出 -o 工作簿.xlsx（一个单位和年度）或 --out-dir 文件夹（每个单位和年度一个工作簿）"
                               " (give either -o BOOK.xlsx or --out-dir DIR)")
    if stage != "targets":
        sys.exit(_export_stage(store_dir, output or out_dir, stage, month, rules, unit, year))
    result = exchange.export(Store(store_dir), output or out_dir, load_profile(rules) if rules else None, unit, year,
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


def _sync_command(name, direction):
    @command(name)
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
    def sync(books, store_dir, force, dry_run, rules, fmt, verbose):
        store, profile = Store(store_dir), load_profile(rules) if rules else None
        outcomes = exchange.sync_books(progress(books, "推送 (push)" if direction == "push" else "拉取 (pull)"),
                                       store, profile, direction, force=force, dry_run=dry_run)
        if fmt == "json":
            emit_json([o.as_dict() for o in outcomes])
        else:
            click.echo(render_batch(outcomes, dry_run, store_dir, verbose))
        sys.exit(exchange.batch_exit_code(outcomes))

    return sync


import_cmd = _sync_command("import", "push")
push = _sync_command("push", "push")
pull = _sync_command("pull", "pull")
