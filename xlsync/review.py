"""Review items after reading: what a person sees of them, when they are cleared, and how
the store's list of them merges with a workbook's or a re-import's. No I/O.

A review item (document.ReviewItem) is a fact the reader of a published table guessed. It
stays on the document until a person has looked: edited the field's cell in the workbook
(its value differs from the exported copy), or ticked the item on the 核对 sheet, and pushed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .document import ProjectDocument, ReviewItem
from .findings import field_zh as finding_field_zh

STATUS_ZH = "待核对"
WHOLE = "(document)"
# how an item was cleared, as the history records it
EDITED, TICKED = "edited", "ticked"
CLEARED_ZH = {EDITED: "已修改单元格", TICKED: "已勾选核对"}
_SUB_ZH = {"year_amount": "本年度金额", "total_amount": "总金额", "source": "来源", "item": "经济科目",
           "note": "备注", "label": "栏目", "value": "内容", "stated_percent": "写明比例",
           "percent_basis": "比例口径"}
_PATH = re.compile(r"(\w+)\[(\d+)\](?:\.(\w+))?")


def item_key(item: ReviewItem) -> tuple:
    """What makes two review items the same item: the same code on the same field for the same
    source text (the message or the line may be worded or numbered differently next time)."""
    return (item.code, item.field, item.source)


def key_text(item: ReviewItem) -> str:
    """The key as one string (the 核对 sheet keeps it in a hidden column): JSON, which a cell
    holds as it is."""
    import json

    return json.dumps(list(item_key(item)), ensure_ascii=False, separators=(",", ":"))


def field_zh(path: str) -> str:
    """'year_amount' → '项目本年度金额'; 'indicators[3].target' → '绩效指标 第4行 目标值';
    'funding[0].year_amount' → '资金来源 第1行 本年度金额'; '(document)' → '整张表'."""
    if path == WHOLE:
        return "整张表"
    m = _PATH.fullmatch(path)
    if m and m.group(3) in _SUB_ZH:
        return finding_field_zh(f"{m.group(1)}[{m.group(2)}]") + " " + _SUB_ZH[m.group(3)]
    return finding_field_zh(path)


def describe(item: ReviewItem, width: int = 40) -> str:
    """One line: the field in Chinese, where the text had it, what it said, why."""
    where = f"第 {item.line} 行" if item.line else (item.location or "")
    source = item.source or ""
    if len(source) > width:
        source = source[: width - 1] + "…"
    parts = [field_zh(item.field)]
    if where or source:
        parts.append(f"（{where}{'：' if where and source else ''}{f'“{source}”' if source else ''}）")
    text = "".join(parts) + f"：{item.message}"
    if item.proposed:
        text += f"；建议读作 {item.proposed}"
    return f"{text} [{item.code}]"


def value_at(doc: ProjectDocument | dict, path: str):
    """The value of a document key or path; `_missing` where the path leads nowhere."""
    data = doc.model_dump(mode="json") if isinstance(doc, ProjectDocument) else doc
    if path == WHOLE:
        return _missing
    m = _PATH.fullmatch(path)
    if m is None:
        return data.get(path, _missing)
    rows = data.get(m.group(1))
    i = int(m.group(2))
    if not isinstance(rows, list) or i >= len(rows):
        return _missing
    row = rows[i]
    if m.group(3) is None:
        return row
    return row.get(m.group(3), _missing) if isinstance(row, dict) else _missing


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_missing = _Missing()


def clear(base: ProjectDocument | None, doc: ProjectDocument, ticked: Iterable[str] = ()
          ) -> tuple[ProjectDocument, list[tuple[ReviewItem, str]]]:
    """The workbook's document with the items a person looked at removed, and those items with
    how (EDITED: the field's value differs from the exported copy `base`; TICKED: its key is
    in `ticked`). An item on the whole table (`(document)`) is cleared only by a tick."""
    ticked = set(ticked)
    if not doc.review:
        return doc, []
    old = base.model_dump(mode="json") if base is not None else None
    new = doc.model_dump(mode="json")
    kept, cleared = [], []
    for item in doc.review:
        if key_text(item) in ticked:
            cleared.append((item, TICKED))
        elif old is not None and item.field != WHOLE and value_at(old, item.field) != value_at(new, item.field):
            cleared.append((item, EDITED))
        else:
            kept.append(item)
    if not cleared:
        return doc, []
    return doc.model_copy(update={"review": kept}), cleared


def merge_items(base: list[ReviewItem] | None, ours: list[ReviewItem], theirs: list[ReviewItem]
                ) -> list[ReviewItem]:
    """Review lists merge as sets, never in conflict: the target's items, less those the source
    cleared (in the base, gone from the source), plus those the source added (not in the base)."""
    if base is None:
        base = theirs
    b = {item_key(i) for i in base}
    o = {item_key(i) for i in ours}
    t = {item_key(i) for i in theirs}
    out = [i for i in theirs if not (item_key(i) in b and item_key(i) not in o)]
    out += [i for i in ours if item_key(i) not in b and item_key(i) not in t]
    return out


def cleared_record(cleared: list[tuple[ReviewItem, str]]) -> list[dict]:
    """What the history keeps of cleared items: code, field, how."""
    return [{"code": i.code, "field": i.field, "source": i.source, "how": how} for i, how in cleared]
