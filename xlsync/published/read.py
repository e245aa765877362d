"""Reading published 绩效目标表 text (pulled out of PDF, Word or web pages) into documents.

One reader for every layout, driven by the form files (`forms/*.toml`): a file is cut into
tables at their titles (or, without a title, at the first labelled field) and each table is
read with the form that fits it best (`xlsync.published.segment`); its lines are cut into cells
(`xlsync.published.cells`), labelled fields become document keys (`xlsync.published.facts`) and the
indicator table is read row by row by aligning each row's cells to the table's columns
(`xlsync.published.indicators`, `xlsync.published.rows`). The reader writes nothing: it returns
documents and notes, and every source line of a table is placed or named in a note with its
line and why.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..errors import ImportTextError, Location
from ..forms import reading
from . import decode as textfile
from . import selfeval
from .cells import HOLE
from .notes import ImportedTable, Note, ReadOptions
from .segment import OUTSIDE, candidates, choose_form, segment
from .table import TableReader
from .tree import others as tree_others
from .tree import project_lines as tree_lines
from .tree import untree

__all__ = ["ImportedTable", "Note", "ReadOptions", "decode", "read_file", "read_text"]


# -- decoding -----------------------------------------------------------------------------
def decode(raw: bytes, file: str) -> tuple[str, list[Note]]:
    """UTF-8 (BOM or not), UTF-16 (BOM or not), GB18030/GBK; other files named (textfile)."""
    return textfile.decode(raw, file, Note)


# -- files --------------------------------------------------------------------------------
def read_text(text: str, file: str = "<text>", options: ReadOptions | None = None, prose: bool = True
              ) -> tuple[list[ImportedTable], list[Note]]:
    """Every table in a text; file-level notes (lines outside any table). prose=False: leave
    indicators written as prose (a 公示) unread (the prose stage's own second reading)."""
    options = options or ReadOptions()
    vocabs = candidates(options)
    lines = text.splitlines()
    between = {i for i, ln in enumerate(lines) if ln.startswith(OUTSIDE)}  # (segment.OUTSIDE)
    own, lines = selfeval.take([ln.removeprefix(OUTSIDE) for ln in lines], file, options)  # 自评表/监控表: their
    lines = [OUTSIDE + ln if i in between and ln else ln for i, ln in enumerate(lines)]  # own reader, lines blanked
    regions, outside = segment(lines, vocabs)
    tables: list[ImportedTable] = list(own)
    if prose:  # indicators written as prose, outside any table: written as grid rows and read
        outside = _read_prose(lines, regions, outside, vocabs, file, options, tables)
    file_notes = []
    if outside:
        where = ", ".join(str(n) for n, _t in outside[:8]) + (" …" if len(outside) > 8 else "")
        file_notes.append(Note("info", "LINE_OUTSIDE", f"{len(outside)} 行在表格之外（页面说明等，未导入）: 第 {where} 行",
                               file, outside[0][0]))
    for k, region in enumerate(regions):
        if selfeval.has_result_header(region.lines):  # a 自评表 without its title
            tables.append(selfeval.read_lines(region.lines, region.start, file, options, last=k == len(regions) - 1))
            continue
        v = choose_form(region, vocabs)
        title: dict = {"year": region.year, "page_year": region.page_year}
        if region.titles:
            n, ttext, m = region.titles[-1]
            for _n, _t, mm in region.titles:
                if mm is not None and "unit" in mm.groupdict() and mm.group("unit"):
                    title["unit"] = mm.group("unit").strip()
            form_text = next((mm.group("form") for _n, _t, mm in reversed(region.titles)
                              if mm is not None and mm.groupdict().get("form")), None)
            title["form"] = _form_name(form_text or ttext)
            if v.unit_from_title:
                mm = next((rx.match(t) for _n, t, _m in region.titles for rx in v.titles if rx.match(t)), None)
                if mm is not None and mm.groupdict().get("unit"):
                    title["unit"] = mm.group("unit").strip()
                    title["form"] = _form_name(mm.group("form"))
        region_text = [ln.strip() if ln != HOLE else "" for ln in region.lines]
        tree = untree(region.lines, region.start, v)  # an indented tree: depth as columns
        parts = [region] if tree is None else [
            replace(region, lines=tree_lines(tree, j)) for j in range(max(1, len(tree.projects)))]
        for j, part in enumerate(parts):  # (a tree of several projects: one table each, lines kept)
            t = TableReader(v, file, part, options, last_region=k == len(regions) - 1 and part is parts[-1])
            if tree is not None:
                theirs = {region.start + i for i in tree_others(tree, j)}
                for tn in tree.notes:
                    if tn.line not in theirs:
                        t.note(tn.level, tn.code, tn.message, tn.line, tn.field, tn.source)
                for line, role in tree.marks.items():
                    t.mark(line, role)
            if not region.titles:
                t.note("info", "TITLE_MISSING", "表格没有标题，从这一行开始读取", region.start)
            t.note("info", "FORM", f"按表单“{v.form.name}”（{v.form.title}）读取，校验规则“{v.form.profile}”",
                   region.start)
            t.read()
            done = t.finish(title)
            if tree is not None:  # --explain shows the source line, its role what the tree made of it
                for table in done:
                    shown = {n for n, _r, _t in table.explain}
                    theirs = {region.start + i for i in tree_others(tree, j)}
                    table.explain = sorted([(n, role, region_text[n - region.start] or text)
                                            for n, role, text in table.explain] + [
                        (n, role, region_text[n - region.start]) for n, role in tree.marks.items()
                        if n not in shown and n not in theirs], key=lambda e: e[0])
            tables.extend(done)
    return sorted(tables, key=lambda t: t.first_line), file_notes


def _read_prose(lines, regions, outside, vocabs, file, options, tables) -> list[tuple[int, str]]:
    """Prose indicator blocks (xlsync.published.prose) that no table holds: each read as the
    grid rows it is written as, its lines put back; the lines outside any table left over."""
    from . import prose as _prose

    v = next((x for x in vocabs if x.min_labels == 0), vocabs[-1])
    free = {n for n, _t in outside}
    for block in _prose.find_blocks(lines, v):
        if not all(n in free for n in range(block.start, block.end + 1) if lines[n - 1].strip()):
            continue
        written = _prose.grid_text(lines, block)
        got, _notes = read_text(written.text, file, options, prose=False)
        for t in got:
            t = _prose.remap(t, written)
            tables.append(t)
            used = {n for n, _r, _x in t.explain}
            free -= used | set(range(block.start, block.end + 1))
    return [(n, t) for n, t in outside if n in free]


def _form_name(text: str | None) -> str | None:
    """The form's name from its title: '（2021年度）', leading years and units left out."""
    if not text:
        return None
    t = reading.regex("year_in_title").sub("", text).strip(" |")
    years = list(reading.regex("year_before_form").finditer(t))
    if years:  # '…中心2020年项目绩效目标批复表': the unit and the year lead the form's name
        t = t[years[-1].end():].strip() or t
    m = reading.regex("form_in_title").match(t) or reading.regex("form_with_lead").search(t)
    return m.group(1) if m else (t or None)  # else the title whole, never a name cut inside a word


def read_file(path: str | Path, options: ReadOptions | None = None) -> tuple[list[ImportedTable], list[Note]]:
    """Read one text file; ImportTextError when it cannot be read at all or has no table."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportTextError(f"无法读取文件: {exc.strerror}", Location(str(path))) from None
    text, notes = decode(raw, str(path))
    tables, file_notes = read_text(text, str(path), options)
    if not tables:
        raise ImportTextError("文件中没有找到绩效目标表（没有“…绩效目标表”标题，也没有“项目名称”等栏目）",
                              Location(str(path)))
    return tables, notes + file_notes
