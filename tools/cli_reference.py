"""Print the command reference (Markdown) from the click commands' own --help.

    python tools/cli_reference.py            # print
    python tools/cli_reference.py --write    # refresh the block in README.md
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

from xlsync.cli import cli

BEGIN, END = "<!-- cli-reference:begin -->", "<!-- cli-reference:end -->"


def reference() -> str:
    runner = CliRunner()
    parts = []
    for name in cli.list_commands(click.Context(cli)):
        out = runner.invoke(cli, [name, "--help"], prog_name="xlsync", terminal_width=100).output
        parts.append(f"### `xlsync {name}`\n\n```\n{out.rstrip()}\n```\n")
    return "\n".join(parts)


def main() -> None:
    text = reference()
    if "--write" in sys.argv:
        readme = Path(__file__).resolve().parent.parent / "README.md"
        body = readme.read_text(encoding="utf-8")
        head, rest = body.split(BEGIN, 1)
        _old, tail = rest.split(END, 1)
        readme.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
