"""xlsync's worksheet functions as xlwings Server custom functions. The manifest puts them in
the XLSYNC namespace: in Excel they are =XLSYNC.SHARE(amount, budget) and =XLSYNC.TARGET(text)."""

from xlwings import XlwingsError
from xlwings.server import func

from xlsync import excel


def _guarded(fn, *args):
    try:
        return fn(*args)
    except (ValueError, TypeError, ArithmeticError) as exc:  # a wrong argument: #VALUE!, not a 500
        raise XlwingsError(f"参数无效: {exc}") from None


@func
def share(amount, budget):
    """占比 (%) of an amount in a budget, rounded half-up to two places."""
    return _guarded(excel.share, amount, budget)


@func
def target(text):
    """目标值 parsed into operator, number, unit, kind."""
    return _guarded(excel.target_parts, text)
