"""The xlsync commands: one registry naming each command's module and summary, and the modules
(one per group of commands) that hold the click commands.

`xlsync --help` lists the commands from this registry alone; a command's module (and what it
imports) is loaded only when that command runs or shows its own help. A command's help is its
summary here (the first paragraph, the line `xlsync --help` shortens) followed by its function's
docstring (the paragraphs after it).
"""

from __future__ import annotations

import inspect
from typing import NamedTuple

import click


class Entry(NamedTuple):
    module: str  # under xlsync.commands
    attr: str  # the click command in that module
    summary: str


COMMANDS: dict[str, Entry] = {
    "schema": Entry("schema", "schema",
                    "Print the JSON Schema of the canonical project document (--checks: the validation checks)."),
    "import-text": Entry("importtext", "import_text_cmd",
                         "Import published tables into the store: text files, Word (.docx), workbooks of any "
                         "layout (.xlsx/.xlsm/.xls), saved web pages (.html) and PDF with a text layer (the kind is "
                         "read from the content; xlsync's own workbooks go through push)."),
    "list": Entry("store", "list_cmd", "List the projects in the store (withdrawn ones with --include-withdrawn)."),
    "show": Entry("store", "show", "Print one project document as canonical JSON."),
    "log": Entry("store", "log", "List the revisions of a project, oldest first."),
    "restore": Entry("store", "restore",
                     "Make an earlier revision of a project current again (the current one stays in history)."),
    "check": Entry("store", "check_cmd",
                   "Check that the store is whole: no unfinished journal, documents parse, every document's "
                   "revision is in its log and history, logs complete, no temporary files. Exit 1 naming each "
                   "problem (with --repair: each one not repaired)."),
    "withdraw": Entry("store", "withdraw",
                      "撤回: withdraw projects (kept in the store with their history; left out of list, export "
                      "and consolidate unless --include-withdrawn). --undo brings them back."),
    "rollover": Entry("store", "rollover",
                      "Next year's drafts of the continuing projects (延续项目; all with --all): names, units, "
                      "indicators and goals copied, last year's amounts moved to the 上年 fields, the new year's "
                      "amounts, plan and dates left to re-enter (review items), linked to last year's project."),
    "plan": Entry("plan", "plan", "Plan percentages: per period share and cumulative share, quarters, plan findings."),
    "validate": Entry("validate", "validate",
                      "Check projects: amounts, dates, plan, categories, targets. Exit 0 clean, 1 errors, "
                      "2 failed to run."),
    "score": Entry("score", "score",
                   "绩效自评 scores by the rule profile: per project the total, 执行率 and shortfalls; "
                   "with --verbose every indicator's inputs and the rule that scored it. "
                   "Exit 0 all scored, 1 a self-evaluation that cannot be scored yet, 2 failed to run."),
    "convert": Entry("convert", "convert",
                     "Batch convert text tables and workbooks (files or folders) into unit workbooks, through "
                     "the store."),
    "export": Entry("exchange", "export", "Write unit workbooks from the store."),
    "import": Entry("exchange", "import_cmd", "Push workbooks into the store (merging field by field)."),
    "push": Entry("exchange", "push", "Same as import: push workbooks into the store."),
    "pull": Entry("exchange", "pull", "Pull store changes into existing workbooks (other sheets are kept)."),
    "template": Entry("workbooks", "template",
                      "Write a blank workbook for a unit, a budget year and a form (one blank project sheet; "
                      "add more with `xlsync new-project`)."),
    "new-project": Entry("workbooks", "new_project",
                         "新增项目: add a blank project sheet of the workbook's form (and a row in 目录). The next "
                         "push gives it an id and writes the id back into the workbook (--store: at once)."),
    "consolidate": Entry("consolidate", "consolidate",
                         "Consolidate unit workbooks, folders of them and stores (INPUT...) into one summary "
                         "workbook."),
    "user": Entry("users", "user", "Users of `xlsync serve`: who may push and pull which units' projects."),
    "serve": Entry("serve", "serve",
                   "Run xlwings Server with xlsync's buttons, task pane and functions for a whole office."),
}


def command(name: str, cls: type[click.Command] = click.Command, **attrs):
    """Declare the registry's command `name`: its help is the registry's summary, then the
    decorated function's docstring (if any)."""

    def decorate(fn) -> click.Command:
        more = inspect.getdoc(fn)
        text = COMMANDS[name].summary + (f"\n\n{more}" if more else "")
        return click.command(name, cls=cls, help=text, **attrs)(fn)

    return decorate
