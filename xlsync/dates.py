"""Dates as people write them: 2020-01-01, 2020/1/1, 2020年1月1日, 2020.1.1 → ISO."""

from __future__ import annotations

import datetime as _dt
import re

from .money import normalize_digits

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_EXCEL_EPOCH = _dt.date(1899, 12, 30)


def parse_date(value: object) -> str:
    """Return YYYY-MM-DD or raise ValueError with a Chinese message."""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1 <= value < 2958466:
            return (_EXCEL_EPOCH + _dt.timedelta(days=int(value))).isoformat()
        raise ValueError(f"无法识别的日期: {value!r}")
    text = normalize_digits(str(value))
    m = _DATE_RE.match(text)
    if not m:
        raise ValueError(f"无法识别的日期: {value!r}（应写成 年-月-日，例如 2024-01-31）")
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        raise ValueError(f"不存在的日期: {value!r}") from None
