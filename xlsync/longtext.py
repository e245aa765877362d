"""Texts longer than a cell holds. A workbook cell keeps at most 32,767 characters
(XLSYNC_MAX_CELL_CHARS may lower the limit), so such a text is refused at import, naming its
line and length; a document that holds one already (written before this rule) is exported
with the cell cut, the export says so, and a push of that unedited cell leaves the whole text
in the store (never the cut one)."""

from __future__ import annotations

from .document import ProjectDocument
from .limits import limits
from .workbook.cells import writable_text

EXCEL_CELL_CHARS = 32767  # Excel keeps no more characters in one cell


def cell_limit() -> int:
    return min(limits().max_cell_chars, EXCEL_CELL_CHARS)


def _texts(doc: ProjectDocument):
    """(field path, text) of every text of a document."""
    for key, value in doc.model_dump(mode="json").items():
        if isinstance(value, str):
            yield key, value
        elif isinstance(value, list):
            for i, row in enumerate(value):
                if isinstance(row, dict):
                    for k, v in row.items():
                        if isinstance(v, str):
                            yield f"{key}[{i}].{k}", v


def too_long(doc: ProjectDocument, limit: int | None = None) -> list[tuple[str, int]]:
    """(field path, length) of every text longer than a cell holds."""
    limit = cell_limit() if limit is None else limit
    return [(key, len(text)) for key, text in _texts(doc) if len(text) > limit]


def keep_whole(doc: ProjectDocument, ref: ProjectDocument | None) -> ProjectDocument:
    """`doc` (read from a workbook) with every text that is `ref`'s long text as the workbook
    cut it replaced by `ref`'s whole text: an unedited cut cell never shortens the store."""
    if ref is None:
        return doc
    long = {key: text for key, text in _texts(ref) if len(text) > EXCEL_CELL_CHARS}
    if not long:
        return doc
    data = doc.model_dump(mode="json")
    changed = False
    for key, whole in long.items():
        cut = writable_text(whole)[:EXCEL_CELL_CHARS]
        head, _, rest = key.partition("[")
        if not rest:
            if data.get(key) == cut:
                data[key], changed = whole, True
            continue
        i, _, col = rest.partition("].")
        rows = data.get(head) or []
        if int(i) < len(rows) and isinstance(rows[int(i)], dict) and rows[int(i)].get(col) == cut:
            rows[int(i)][col], changed = whole, True
    return ProjectDocument.model_validate(data) if changed else doc
