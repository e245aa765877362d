"""Blank workbooks and new project sheets: template, new-project."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..newproject import add_project
from ..store import Store
from ..templates import build_template
from ..term import next_step
from ..validators.profiles import load_profile
from . import command
from .common import RULES, handle_errors


@command("template")
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


@command("new-project")
@click.argument("book", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", required=True, help="The new project's name (项目名称).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Create the project in this store at once (else the next push does, giving it its id).")
@handle_errors
def new_project(book, name, store_dir) -> None:
    new = add_project(book, name, Store(store_dir) if store_dir else None)
    click.echo(f"已新增项目工作表 (added) “{new.title}”：{book}")
    if new.registered:
        click.echo(f"[PROJECT_NEW] 已在存储 {store_dir} 中建立项目，项目编号 {new.document.id}（已写入工作簿）")
        new.store = str(store_dir)
    if new.store:
        click.echo(next_step(f"xlsync push {book} --store {new.store}   # 填写后推送，项目编号写回工作簿"))
    else:
        click.echo(next_step(f"xlsync push {book} --store STORE   # 填写后推送到存储文件夹 STORE，项目编号写回工作簿"))
