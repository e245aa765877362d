"""The facts a form requires (`[required]` of forms/*.toml) that a table was read without.

A table without its project name is never written as complete: the name is asked for as a
review item, saying where it may be (a line the reader could not place, a header line) or that
the table leaves its cell empty. The form's other required facts are asked for the same way
when the table holds lines the reader could not place (one of them may be the fact); a form
variant that simply has no such row is left to `validate` (FIELD_MISSING)."""

from __future__ import annotations

from ..findings import FIELD_ZH
from ..forms import reading
from .notes import Note

_GROUP_ZH = {"period": "项目期", "money": "项目资金", "goals": "总体目标"}
_GROUP_FIELD = {"period": "start_date", "money": "year_amount", "goals": "overall_goal"}
_GROUP_KEYS = {"period": ("start_date", "end_date"), "money": ("total_amount", "year_amount", "either_amount"),
               "goals": ("overall_goal", "annual_goal")}


def _filled(key: str, data: dict, funding: list[dict], extra: list[tuple]) -> bool:
    if key == "money":
        return any(data.get(k) not in (None, "") for k in _GROUP_KEYS["money"]) or any(
            e.get("total_amount") is not None or e.get("year_amount") is not None for e in funding)
    if key == "period":
        return (data.get("start_date") is not None and data.get("end_date") is not None) or any(
            v for lb, v, _ln in extra if any(w in lb for w in reading.words("period_label_words")))
    if key in _GROUP_KEYS:
        return any(data.get(k) not in (None, "") for k in _GROUP_KEYS[key])
    return data.get(key) not in (None, "")


def required_not_read(required: list[str], data: dict, funding: list[dict], extra: list[tuple],
                      labelled: set[str], notes: list[Note], file: str, line: int) -> list[Note]:
    """REQUIRED_NOT_READ review items: the project name when it was not read (where it may be),
    and one item for the other required facts when lines were left unplaced. `labelled`: keys
    whose label the table prints (with an empty cell)."""
    unplaced = sorted({n.line for n in notes if n.code == "LINE_UNPLACED" and n.line})
    header = sorted({n.line for n in notes if n.code == "HEADER_TEXT" and n.line})
    lines = "、".join(str(n) for n in unplaced[:8]) + (" …" if len(unplaced) > 8 else "")
    out = []
    if "name" in required and not _filled("name", data, funding, extra):
        if "name" in labelled and not unplaced:
            where = "表中“项目名称”一栏是空的，请填写"
        elif unplaced:
            where = f"可能在第 {lines} 行（无法归属的内容）"
        elif header:
            where = "可能在表头第 " + "、".join(str(n) for n in header[:8]) + " 行（表头的说明文字）"
        else:
            where = "表中没有这一栏，请填写"
        out.append(Note("warning", "REQUIRED_NOT_READ", f"没有读到必填的“项目名称”：{where}", file, line, "name"))
    others = [k for k in required if k not in ("name", "indicators") and not _filled(k, data, funding, extra)]
    if others and unplaced:
        names = "、".join(_GROUP_ZH.get(k) or FIELD_ZH.get(k, k) for k in others)
        out.append(Note("warning", "REQUIRED_NOT_READ", f"没有读到必填的：{names}；表中第 {lines} 行的内容无法归属，"
                        "请核对其中是否有这些内容", file, line, "(document)", names))
    return out
