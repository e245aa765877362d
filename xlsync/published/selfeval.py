"""Reading published 项目支出绩效自评表 (and 绩效运行监控表) text into one document per table.

A self-evaluation is not a target table with more columns: it declares the targets
(一级/二级/三级, 年度指标值, 分值) and reports the year-end results beside them (年初预算数 /
全年预算数 / 全年执行数 / 执行率 / 得分 per 资金来源, 实际完成情况, each indicator's 实际完成值, 分值,
得分 and 偏差原因, the 总分). This module finds such tables in a text (`take`, or a region
whose indicator header holds 完成值 and 得分: `has_result_header`) and reads each (`read_lines`)
by stages: cells (`xlsync.published.cells.split_rows`) → one stream of tokens read section by
section, facts → money → goal → indicator header → rows → totals and footer (`selfevalread`;
values printed without borders cut by `glued`) → the document (`selfevaldoc`).

Everything as printed: an amount keeps the unit the table states (never scaled when none is
stated: left empty, a review item proposing both readings), a printed 得分 is kept even where it
disagrees with the rule (validation reports SCORE_MISMATCH). Every guess is a review item; a
table whose text ends inside it is cut off (TABLE_TRUNCATED), never complete.
"""

from __future__ import annotations

import re
import unicodedata

from ..forms import SELF_EVALUATION, reading
from .cells import plain_line
from .glued import split_glued_rows
from .notes import ImportedTable, ReadOptions
from .segment import MONEY_UNIT_STATED
from .selfevaldoc import finish
from .selfevalread import BREAK, Reader, State, tokens
from .vocab import vocab

__all__ = ["has_result_header", "is_title", "read_lines", "split_glued_rows", "take"]

# -- finding the tables ---------------------------------------------------------------------
TITLE_RE = reading.regex("selfeval.title")
_TARGET_TITLE_RE = reading.regex("selfeval.target_title")
_YEAR_RE = re.compile(r"(?<!\d)(20\d{2})\s*年")


def is_title(text: str) -> bool:
    if "表" not in text:  # every title ends in 表 (cheap: called for every line of a text)
        return False
    t = plain_line(text)
    return bool(t) and bool(TITLE_RE.search(t[:60])) and (len(t) <= 80 or TITLE_RE.search(t[:40]) is not None)


def has_result_header(lines: list[str]) -> bool:
    """An indicator header holding an actual (完成值) and a score (得分/分值) column."""
    score, indicator = reading.words("selfeval.result_header")  # 得分, 指标
    if not any(score in ln for ln in lines) or not any(indicator in ln for ln in lines):
        return False
    body = re.sub(r"\s+", "", unicodedata.normalize("NFKC", "".join(plain_line(ln) for ln in lines)))
    head = body.find(reading.words("selfeval.header_start")[0])
    if head < 0:
        return False
    window = body[head: head + 120]
    return bool(reading.regex("selfeval.result_columns").search(window)) and score in window


def take(lines: list[str], file: str, options: ReadOptions | None = None
         ) -> tuple[list[ImportedTable], list[str]]:
    """The 自评表 of a text read; the lines they span blanked (so the target reader skips them)."""
    options = options or ReadOptions()
    starts = [i for i, ln in enumerate(lines) if is_title(ln)]
    # a title printed twice (a page heading and the table's own) is one table
    # a title printed twice (a page heading, then the table's own) is one table: the last one starts it
    starts = [s for k, s in enumerate(starts)
              if k + 1 == len(starts) or any(ln.strip() and len(plain_line(ln)) > 12
                                             for ln in lines[s + 1: starts[k + 1]])]
    if not starts:
        return [], lines
    out = list(lines)
    tables = []
    for k, s in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        for j in range(s + 1, end):  # a target table after it ends it
            if _TARGET_TITLE_RE.search(plain_line(lines[j])[:60]) and not is_title(lines[j]):
                end = j
                break
        if not has_result_header(lines[s:end]) and not reading.regex("selfeval.result_words").search(
                "".join(lines[s:end])):
            continue  # a mention of a 自评表 in prose, not a table: left to the target reader
        page_unit = None
        for ln in lines[max(0, s - 5): s]:
            um = MONEY_UNIT_STATED.search(plain_line(ln))
            if um:
                page_unit = um.group(1)
        tables.append(read_lines(lines[s:end], s + 1, file, options, last=end == len(lines),
                                 page_unit=page_unit))
        out[s:end] = [""] * (end - s)
    return tables, out


def read_lines(lines: list[str], first: int, file: str, options: ReadOptions | None = None, *,
               last: bool = True, page_unit: str | None = None) -> ImportedTable:
    """One 自评表 (its lines, numbered from `first`) → an ImportedTable with one document."""
    options = options or ReadOptions()
    v = vocab(SELF_EVALUATION)
    st = State(file)
    title_line = plain_line(lines[0]) if lines else ""
    title = title_line if is_title(title_line) else None
    cats = sorted((c for c in v.level1 | set(v.level2) if len(c) >= 4 and c.endswith(reading.words("selfeval.category_ending"))), key=len, reverse=True)
    body = list(lines)
    if title:
        m = TITLE_RE.search(title)
        rest = title[m.end():] if m and len(title) > 80 else ""
        ym = reading.regex("selfeval.year_after_title").match(rest)
        body[0] = rest[ym.end():] if ym else rest
    toks, open_end, mode, run_lines = tokens(body, first, cats)
    explicit = mode in ("pipe-cells", "paragraphs", "tabs")
    stream = BREAK not in toks
    if run_lines:
        st.note("warning", "RUN_TOGETHER", "这段文字没有单元格分隔，已按自评表的栏目和指标类别拆分；请核对拆分结果",
                run_lines[0])
    r = Reader(toks, st, explicit, v)
    r.stream = stream
    r.run_lines = set(run_lines)
    r.read()
    if r.saw_done and st.goal and st.done is None:
        st.note("warning", "SPLIT_GUESSED", "年度目标与实际完成情况之间没有分隔，全部读作年度目标，实际完成情况未导入；请核对",
                st.goal[1], "annual_goal", st.goal[0])
    # the year: the title's (2023年度), else the first year of the table's first lines
    year = options.year
    head = " ".join(plain_line(ln) for ln in lines[:3])
    ym = reading.regex("selfeval.year_in_title").search(head) or _YEAR_RE.search(title or "")
    if ym:
        year = int(ym.group(1))
    elif year is None:
        py = _YEAR_RE.search(head)
        if py:
            year = int(py.group(1))
            st.note("warning", "YEAR_GUESSED", f"表格标题没有写明年度，按表格开头的文字取 {year} 年；请核对", first,
                    "year", py.group(0), str(year))
    last_line = first + len(lines) - 1
    # cut off: the text ends inside a cell, a row, or before the totals/footer
    expects_total = "score" in st.roles  # a table that scores ends with its 总分/合计
    if st.truncated or (open_end and last) or (not st.ended and last and expects_total) or not st.roles:
        where = st.rows[-1]["line"] if st.rows else last_line
        st.truncated = True
        st.note("error", "TABLE_TRUNCATED", "自评表在这里中断（没有总分/合计行或表尾，文件可能被截断）；"
                "读到的内容未写入（可用 --allow-truncated 写入）", where)
    table = finish(st, file, first, last_line, year, title, page_unit, options)
    table.explain = [(first + k, st.marks.get(first + k, "标题" if k == 0 and title else "—"), plain_line(ln))
                     for k, ln in enumerate(lines) if plain_line(ln)]
    return table
