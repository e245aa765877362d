"""xlsync's buttons as xlwings Server scripts (see xlsync.excel for what each does).

Each runs with the store `xlsync serve` was given (never the workbook's 存储位置), as the user
of the request's token, for the units of that user's roles. A refused workbook or value
comes back as a message in Excel (status 200, nothing else written); another unit's projects
as 403. Only a bug is a 500. The task pane passes "pane" to show the result in the pane;
the ribbon passes nothing and gets a dialog.
"""

from functools import partial

import xlwings as xw
from anyio import to_thread
from fastapi import HTTPException, status
from xlwings.server import script
from xlwings_server.models import CurrentUser

from xlsync import excel
from xlsync.errors import AccessDenied, XlsyncError
from xlsync.server import settings
from xlsync.store import Store

UNIT_ROLE = "unit:"


def _pane(book, text: str, error: bool = False) -> None:
    book.app.macro("xlsyncShowResult")(text, "error" if error else "ok")


async def _run(action, book, user, where, with_store: bool, **extra):
    conf = settings()
    report = _pane if where == "pane" else excel.alert
    kwargs = {"rules": conf["rules"], "report": report, **extra}
    if with_store:
        authenticated = bool(conf["users"])
        store = Store(conf["store"], author=user.name if authenticated else None)
        store.register_forms()  # the server's one store: its forms for every request
        kwargs.update(store=store,
                      units=[r[len(UNIT_ROLE):] for r in user.roles if r.startswith(UNIT_ROLE)]
                      if authenticated else None,
                      user=user.name)
    try:
        await to_thread.run_sync(partial(action, book, **kwargs))
    except AccessDenied as exc:
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail=str(exc)) from None
    except XlsyncError as exc:
        book.json()["actions"].clear()  # nothing half-done reaches the workbook
        report(book, str(exc), error=True)
    return book


def _script(action, with_store: bool, label: str):
    async def run(book: xw.Book, current_user: CurrentUser, where: str = "dialog"):
        await _run(action, book, current_user, where, with_store)

    run.__doc__ = label
    return script(run)


xlsync_validate = _script(excel.validate, False, "校验")
xlsync_plan = _script(excel.compute_plan, False, "计算计划")
xlsync_push = _script(excel.push, True, "推送")
xlsync_pull = _script(excel.pull, True, "拉取")


@script
async def xlsync_new_project(book: xw.Book, current_user: CurrentUser, where: str = "dialog", name: str = "",
                             year: str = ""):
    """新增项目: a blank project sheet of the workbook's form, created in the store at once under
    the user's unit (a workbook with no project yet: the year given in the task pane)."""
    await _run(excel.new_project, book, current_user, where, True, name=name, year=year)
