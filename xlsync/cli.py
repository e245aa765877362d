"""The xlsync command line: thin click commands over the library.

The commands live in xlsync/commands/ (one module per group of commands, named with its summary
in the registry xlsync.commands.COMMANDS). This group loads a command's module only when that
command runs, so `xlsync --help` lists every command without importing any of them.
"""

from __future__ import annotations

import importlib

import click

from . import __version__
from .commands import COMMANDS
from .errors import XlsyncError
from .usage import XlsyncGroup, exit_with


class LazyGroup(XlsyncGroup):
    """The commands of the registry, each imported when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        try:
            module = importlib.import_module(f"{__package__}.commands.{entry.module}")
        except XlsyncError as exc:  # a module that reads a file when imported (a form file): named, exit 2
            exit_with(exc)
        return getattr(module, entry.attr)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:  # "did you mean" among the registry's names
            raise click.exceptions.NoSuchCommand(exc.command_name, possibilities=COMMANDS, ctx=ctx) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of --help from the registry's summaries (no command module imported),
        shortened as click shortens a command's help."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, click.Command(name, help=COMMANDS[name].summary).get_short_help_str(limit))
                for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xlsync")
def cli() -> None:
    """xlsync: 项目支出绩效目标表 — validate, compute plan percentages, store, sync, consolidate.

    Exit codes: 0 success; 1 the input has errors (findings, incomplete tables); 2 the
    command could not run (bad arguments, unreadable file); 3 a sync conflict.
    """


def main() -> None:
    cli(prog_name="xlsync")


if __name__ == "__main__":
    main()
