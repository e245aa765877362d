"""What importing costs: `xlsync --help` lists every command from the registry without importing
a command module, and importing the library's modules loads no heavy third-party library
(those are imported inside the functions that use them)."""

from __future__ import annotations

import subprocess
import sys

import click
from click.testing import CliRunner

from xlsync.cli import cli
from xlsync.commands import COMMANDS

HEAVY = ("openpyxl", "pandas", "pandera", "numpy", "lxml", "xlwings", "pdfplumber", "docx", "python_calamine")


def _loaded_after(code: str) -> set[str]:
    """The modules loaded in a fresh interpreter after running `code`."""
    done = subprocess.run([sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
                          capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_help_lists_every_command_without_importing_one():
    loaded = _loaded_after("from click.testing import CliRunner\nfrom xlsync.cli import cli\n"
                           "assert CliRunner().invoke(cli, ['--help']).exit_code == 0")
    assert "xlsync.commands" in loaded
    assert sorted(m for m in loaded if m.startswith("xlsync.commands.")) == []
    assert sorted(m for m in loaded if m.split(".")[0] in HEAVY + ("pydantic",)) == []
    out = CliRunner().invoke(cli, ["--help"], terminal_width=200).output
    rows = out.split("Commands:\n", 1)[1].splitlines()
    assert [r.split()[0] for r in rows if r.strip()] == sorted(COMMANDS)
    for name, text in (r.split(maxsplit=1) for r in rows if r.strip()):  # the summary, shortened
        assert COMMANDS[name].summary.startswith(text.removesuffix("...")), name


def test_each_registered_command_is_its_module_command_with_the_registry_summary():
    ctx = click.Context(cli)
    for name, entry in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None and command.name == name, name
        assert command.help.startswith(entry.summary), name
        # the summary is the help's whole first paragraph: the listing shortens it as click would
        assert command.help.partition("\n\n")[0] == entry.summary, name
    assert cli.get_command(ctx, "no-such-command") is None


def test_a_mistyped_command_is_matched_against_the_registry():
    result = CliRunner().invoke(cli, ["withdrw"])
    assert result.exit_code == 2
    assert "[USAGE_UNKNOWN_COMMAND]" in result.output and "withdraw" in result.output


def test_importing_the_jobs_loads_no_heavy_library():
    loaded = _loaded_after("import xlsync.exchange, xlsync.consolidate, xlsync.convert, xlsync.checking, "
                           "xlsync.ingest, xlsync.newproject, xlsync.templates, xlsync.api, "
                           "xlsync.workbook.writer, xlsync.workbook.reader, xlsync.evaluation.sheet")
    assert sorted(m for m in loaded if m.split(".")[0] in HEAVY) == []


def test_a_command_module_that_fails_on_import_is_named_not_a_traceback(tmp_path):
    """A command's modules may read files when imported (a form file): the error is reported
    as every command reports one, with its code and exit code, not as a traceback."""
    script = (
        "import sys\n"
        "from xlsync.errors import XlsyncError\n"
        "class Broken:  # the module of `xlsync schema` cannot be imported\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name == 'xlsync.commands.schema':\n"
        "            raise XlsyncError('forms/reading.toml: label_endings 应为列表')\n"
        "sys.meta_path.insert(0, Broken())\n"
        "from xlsync.cli import main\n"
        "sys.argv = ['xlsync', 'schema']\n"
        "main()\n")
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, encoding="utf-8")
    assert p.returncode == 2, p.stderr
    assert p.stderr == "错误 (error) [XLSYNC_ERROR]: forms/reading.toml: label_endings 应为列表\n"
