"""The footer region: the lines below a table (填报人, 联系电话, 审核意见, signatures and dates).
A row of the footer is read alone — no state carries over from one row to the next: its
'label：value' cells (or a label cell and the cell after it) are extra fields, its signature
and approval slots (盖章, 签字, empty labels) are named and not imported."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..forms import reading


@dataclass(frozen=True)
class FooterRow:
    """What a footer row holds: extra fields (label, value) and the cells left out."""

    extra: tuple[tuple[str, str], ...] = ()
    skipped: tuple[str, ...] = ()


def read_footer_row(texts: list[str]) -> FooterRow:
    """The non-empty cells of one footer row, in order."""
    extra: list[tuple[str, str]] = []
    skipped: list[str] = []
    i = 0
    while i < len(texts):
        text = texts[i]
        m = re.match(r"^([^:：]{2,20})[:：]\s*(.*)$", text, re.S)
        if m and m.group(2).strip() and not reading.regex("signature_words").search(m.group(1)):
            extra.append((m.group(1).strip(), m.group(2).strip()))
        elif m and i + 1 < len(texts) and not re.search(r"[:：]", texts[i + 1]) \
                and not reading.regex("signature_words").search(text):
            extra.append((m.group(1).strip(), texts[i + 1]))
            i += 1
        else:
            skipped.append(text)
        i += 1
    return FooterRow(tuple(extra), tuple(skipped))
