"""Usage errors (a missing option, an unknown command or option, a bad value) in Chinese with
a stable English code, like every other message: click's own texts are English."""

from __future__ import annotations

import re
import sys
from typing import NoReturn

import click


def _hint(exc: click.UsageError) -> str:
    ctx = exc.ctx
    if ctx is None:
        return "xlsync --help 查看全部命令"
    return f"{ctx.command_path} --help 查看用法"


def describe(exc: click.UsageError) -> tuple[str, str]:
    """(code, Chinese message) of a click usage error."""
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    if re.match(r"^\[[A-Z_]+\]", message):  # xlsync's own usage message: already Chinese with its code
        code, _, text = message.partition("]")
        return code.lstrip("["), text.strip()
    if isinstance(exc, click.MissingParameter):
        param = exc.param
        if param is not None and param.param_type_name == "argument":
            return "USAGE_MISSING_ARGUMENT", f"缺少参数 {param.human_readable_name}"
        hint = exc.param_hint or (" / ".join(param.opts) if param is not None and param.opts else "")
        if isinstance(hint, list | tuple):
            hint = " / ".join(hint)
        return "USAGE_MISSING_OPTION", f"缺少必需的选项 {hint}".replace("'", "").strip()
    if isinstance(exc, click.NoSuchOption):
        near = f"（是不是 {' / '.join(exc.possibilities)}？）" if exc.possibilities else ""
        return "USAGE_UNKNOWN_OPTION", f"没有这个选项 {exc.option_name}{near}"
    if isinstance(exc, click.BadOptionUsage):
        return "USAGE_BAD_OPTION", f"选项 {exc.option_name} 的用法不对（{exc.message}）"
    if isinstance(exc, click.BadParameter):
        hint = exc.param_hint or (" / ".join(exc.param.opts) if exc.param is not None and exc.param.opts else "")
        if isinstance(hint, list | tuple):
            hint = " / ".join(hint)
        if exc.param is not None and exc.param.param_type_name == "argument":
            hint = exc.param.human_readable_name
        return "USAGE_BAD_VALUE", f"{hint} 的值不对：{_value_zh(exc.message)}".replace("'", "").strip()
    if m := re.match(r"No such command '([^']*)'\.(?: Did you mean '([^']*)'\?)?", message):
        near = f"（是不是 {m.group(2)}？）" if m.group(2) else ""
        return "USAGE_UNKNOWN_COMMAND", f"没有这个命令 {m.group(1)}{near}"
    if m := re.match(r"Got unexpected extra arguments? \((.*)\)", message):
        return "USAGE_EXTRA_ARGUMENT", f"多余的参数 {m.group(1)}"
    return "USAGE_ERROR", f"命令用法不对（{message}）"


_VALUE_ZH = [
    (r"^'?(.*?)'? is not a valid integer range\.?$", "{0} 不是整数"),
    (r"^'?(.*?)'? is not a valid integer\.?$", "{0} 不是整数"),
    (r"^'?(.*?)'? is not a valid float\.?$", "{0} 不是数字"),
    (r"^'?(.*?)'? is not in the range (.*?)\.?$", "{0} 超出范围 {1}"),
    (r"^'?(.*?)'? is not one of (.*?)\.?$", "{0} 应为 {1} 之一"),
    (r"^'?(.*?)'? is not (.*?)\.?$", "{0} 应为 {1}"),
    (r"^(?:File|Path|Directory) '?(.*?)'? does not exist\.?$", "{0} 不存在"),
    (r"^(?:File|Path) '?(.*?)'? is a directory\.?$", "{0} 是文件夹，应为文件"),
    (r"^(?:Directory|Path) '?(.*?)'? is a file\.?$", "{0} 是文件，应为文件夹"),
]


def _value_zh(message: str) -> str:
    """click's sentence about a bad value, in Chinese where xlsync knows it (else as it is)."""
    for pattern, text in _VALUE_ZH:
        if m := re.match(pattern, message.strip()):
            return text.format(*m.groups())
    return message


def exit_with(exc) -> NoReturn:
    """An XlsyncError as every command reports it: its code and message on stderr, its exit code."""
    click.echo(f"错误 (error) [{exc.code}]: {exc}", err=True)
    sys.exit(exc.exit_code)


class XlsyncGroup(click.Group):
    """The xlsync command group: usage errors printed in Chinese with their code, exit 2."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            code, text = describe(exc)
            click.echo(f"错误 (error) [{code}]: {text} — {_hint(exc)}", err=True)
            sys.exit(2)
        except click.Abort:
            click.echo("已中止 (aborted) [ABORTED]", err=True)
            sys.exit(1)
        except click.ClickException as exc:  # a file click could not open, …
            click.echo(f"错误 (error) [USAGE_ERROR]: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)
