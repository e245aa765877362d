"""Column letters and A1 coordinates, as openpyxl.utils.cell names and checks them.

openpyxl's own functions can only be imported with the whole openpyxl package (a large share
of a command's start-up); the workbook modules use these instead, so importing them stays
cheap and openpyxl is loaded only by the code that reads or writes with it.
"""

from __future__ import annotations

import re
from functools import cache

MAX_COLUMN = 18278  # XFD... ZZZ: openpyxl's bound
_COORD = re.compile(r"^[$]?([A-Za-z]{1,3})[$]?(\d+)$")


@cache
def get_column_letter(index: int) -> str:
    """1 → "A", 27 → "AA"; ValueError outside 1..18278."""
    if not 1 <= index <= MAX_COLUMN:
        raise ValueError(f"Invalid column index {index}")
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@cache
def column_index_from_string(letters: str) -> int:
    """"A" → 1, "aa" → 27; ValueError for anything but one to three letters."""
    if not re.fullmatch(r"[A-Za-z]{1,3}", letters):
        raise ValueError(f"'{letters}' is not a valid column name. Column names are from A to ZZZ")
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - ord("A") + 1
    return index


def coordinate_from_string(coord: str) -> tuple[str, int]:
    """"B12" → ("B", 12) (a `$` before either part is allowed); ValueError otherwise."""
    m = _COORD.match(coord)
    if not m or not int(m.group(2)):
        raise ValueError(f"Invalid cell coordinates ({coord})")
    return m.group(1), int(m.group(2))
