"""xlsync convert: text tables and workbooks into unit workbooks, through the store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..convert import STATUS_ZH
from ..convert import convert as run
from ..progressbar import bar
from . import command
from .common import FORMAT, RULES, emit_json, handle_errors
from .storeoption import store_forms


@command("convert")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Where the unit workbooks go.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), callback=store_forms,
              help="The store to bring the files into first (default: OUT_DIR/store).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Read and write files in this many processes.")
@RULES
@FORMAT
@handle_errors
def convert(sources, out_dir, store_dir, jobs, rules, fmt) -> None:
    """Published tables (text, .docx, .xls/.xlsx of any layout, .html, .pdf) are imported,
    xlsync's own workbooks pushed (field-by-field merge); then the workbook of
    every unit-year they touched is written into OUT_DIR. Exit 0 done, 1 a file failed,
    3 a conflict (that file was not written).
    """

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
