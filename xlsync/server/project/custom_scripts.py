"""xlsync's buttons as xlwings Server scripts (see xlsync.excel for what each does)."""

import xlwings as xw
from xlwings.server import script

from xlsync import excel


@script(button="[xlsync-validate]")
def xlsync_validate(book: xw.Book):
    """校验"""
    excel.validate(book)


@script(button="[xlsync-plan]")
def xlsync_plan(book: xw.Book):
    """计算计划"""
    excel.compute_plan(book)


@script(button="[xlsync-push]")
def xlsync_push(book: xw.Book):
    """推送"""
    excel.push(book)


@script(button="[xlsync-pull]")
def xlsync_pull(book: xw.Book):
    """拉取"""
    excel.pull(book)
