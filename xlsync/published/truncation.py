"""The cut-off stage: does the text stop inside the table? Plain data in (the table's lines,
the indicators read), the line and the reason out, or None. A cut-off table is reported as
cut off (TABLE_TRUNCATED), never written as complete."""

from __future__ import annotations

import re

from ..forms import reading
from .cells import HOLE, plain_line
from .vocab import Vocab, norm


def cut_fragment(lines: list[str], start: int, v: Vocab) -> tuple[int, str] | None:
    """The text ends on a piece of something: an operator with no value after it ('…下降情况>'),
    or the first characters of a label or a footer line ('主管' of 主管部门审核意见). `lines` are
    the table's lines, the first being line `start`."""
    texts = [(k, plain_line(ln)) for k, ln in enumerate(lines) if ln != HOLE]
    texts = [(k, t) for k, t in texts if t]  # the line's text: markup, pipes and tabs left out
    if not texts:
        return None
    line = start + texts[-1][0]
    tail = texts[-1][1].split()[-1]
    t = norm(tail)
    if reading.regex("ends_with_operator").search(t):
        return line, f"文本在第 {line} 行的运算符“{tail[-1]}”之后结束，没有指标值（文件可能被截断）"
    category = v.is_category(t) or (v.looks_like_category(t) and len(t) <= 12)
    if 1 < len(t) <= 4 and v.label(t)[0] is None and not category and any(
            lb.startswith(t) and lb != t for lb in (*v.labels, *(norm(m) for m in v.footer))):
        return line, f"文本在第 {line} 行的“{tail}”处结束（像是被截断的栏目名；文件可能被截断）"
    return None


def cut_sentence(indicators: list[dict], last_line: int, min_len: int = 8) -> tuple[int, str] | None:
    """The text ends inside the indicator table, in the middle of a sentence: the last
    indicator's text breaks off without the full stop the table's other sentences end with
    ('…社区满意度95%以上,家长满'). `last_line` is the table's, for an indicator without one."""
    texts = [i.get("target") or i.get("name") or "" for i in indicators]
    sentences = [t.strip() for t in texts if len(t.strip()) >= min_len and re.search(r"[\u4e00-\u9fff]", t)]
    if len(sentences) < 3 or sentences[-1] != (texts[-1] or "").strip():
        return None
    last, before = sentences[-1], sentences[:-1]
    if sum(t.endswith(("。", ".", "！", "；")) for t in before) < 2 / 3 * len(before):
        return None  # the table does not end its sentences with a full stop
    if last.endswith(("。", ".", "！", "？", "；", ";", "）", ")", "%", "％")) or re.search(r"[\d]$", last):
        return None
    if not re.search(r"[，,；;、]", last):
        return None
    line = indicators[-1].get("line") or last_line
    return line, f"文本在第 {line} 行的句子中间结束（“…{last[-12:]}”，表中其他句子以句号结束；文件可能被截断）"
