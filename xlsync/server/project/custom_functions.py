"""xlsync's worksheet functions as xlwings Server custom functions."""

from xlwings.server import func

from xlsync import excel


@func
def xlsync_share(amount: float, budget: float):
    """占比 (%) of an amount in a budget, rounded half-up to two places."""
    return excel.share(amount, budget)


@func
def xlsync_target(text: str):
    """目标值 parsed into operator, number, unit, kind."""
    return excel.target_parts(text)
