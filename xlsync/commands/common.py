"""What the xlsync commands share: error handling, JSON output, the common options."""

from __future__ import annotations

import json
import sys
from functools import wraps

import click
from filelock import Timeout

from ..errors import XlsyncError
from ..usage import exit_with

INCLUDE_WITHDRAWN = click.option("--include-withdrawn", is_flag=True,
                                  help="Include withdrawn (撤回) projects, left out by default.")
VERBOSE = click.option("-v", "--verbose", is_flag=True, help="Print every detail after the summary.")
FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
    help="Human-readable table or machine-readable JSON.",
)
RULES = click.option(
    "--rules", default=None, metavar="NAME|PATH",
    help="Rule profile: 'seed', 'national', or a profile file (.toml). Default: each project's "
         "form's profile (national tables by the national framework, Zhengzhou tables by the seed's).",
)


def handle_errors(fn):
    """Turn XlsyncError into a message on stderr and its exit code; no tracebacks."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except XlsyncError as exc:
            exit_with(exc)
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


def store_errors(errors) -> None:
    for e in errors:
        click.echo(f"错误 (error) [{e.code}]: {e}", err=True)
    if errors:
        click.echo(f"[STORE_DAMAGED] 存储中有 {len(errors)} 个文件无法读取，已跳过：请按上面的路径修复或移走"
                   "（xlsync 不会覆盖它们）", err=True)
