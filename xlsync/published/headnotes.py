"""Lines between a table's title and its first field: a note of the table's header (a year or
unit statement, a date, an attachment number, the web page's 发布时间/来源 line) or a line that
could hold a fact the reader did not place (a label it does not know, a name, an amount).

The first kind is reported as header text; the second is a review item: a table whose project
name sits under a label nobody listed is never written as if it had none."""

from __future__ import annotations

import re
import unicodedata

from ..forms import reading

# words of the web page around a published table (its metadata line) and of the header's notes
PAGE_WORDS = reading.words("page_words")
_YEAR = reading.regex("header_notes.year")
_DATE = reading.regex("header_notes.date")
_UNIT = reading.regex("header_notes.unit")
_NUMBERING = reading.regex("header_notes.numbering")


def is_header_note(text: str) -> bool:
    """A line of a table's header that states no fact of the project: a year or unit
    statement, a date, an attachment or table number, a remark in brackets, page metadata."""
    t = unicodedata.normalize("NFKC", text).strip().strip("|").strip()
    compact = re.sub(r"\s+", "", t)
    if not compact or not re.search(r"[\u4e00-\u9fff\d]", compact):
        return True
    if any(w in compact for w in PAGE_WORDS):
        return True
    if _YEAR.match(compact) or _DATE.match(compact) or _UNIT.match(compact) or _NUMBERING.match(compact):
        return True
    return bool(re.fullmatch(r"[(\[【][^()\[\]【】]*[)\]】]", compact))  # (此件公开发布)


def could_hold_fact(text: str) -> bool:
    """A line that may be a fact or its label: two Chinese characters or a number, and no
    header note."""
    t = unicodedata.normalize("NFKC", text)
    return not is_header_note(t) and (len(re.findall(r"[\u4e00-\u9fff]", t)) >= 2 or bool(re.search(r"\d", t)))
