"""Values printed without any cell border, cut by their shapes (a stage of the 自评表 reader,
`xlsync.published.selfeval`; pure functions, no notes). Each returns the one cut that fits, or
None when no cut or several do: the reader then leaves the text unread, never guesses."""

from __future__ import annotations

import re
from decimal import Decimal


def split_money(text: str, cols: list[str], cap: Decimal | None = None) -> tuple[list[str] | None, int]:
    """'202010100.00%10' in the columns `cols` (budget_initial, budget_full, spent, weight, rate,
    score): the cut where 执行数 ÷ 预算数 is the printed 执行率 (within 0.6 points), no 执行数 above
    its budget, a 得分 at most its 分值, no budget above `cap` (the total's, for a source row);
    among several, the one whose 得分 is its 执行率 × 分值. A source row may leave out its 执行率.
    Returns (the pieces, how many cuts fitted)."""
    found = []

    def cut(rest: str, k: int, acc: list[str]):
        if k == len(cols):
            if not rest:
                found.append(list(acc))
            return
        for n in range(1, len(rest) + 1):
            piece = rest[:n]
            if cols[k] == "rate" and not re.fullmatch(r"\d{1,3}(?:\.\d+)?%", piece):
                continue
            if cols[k] in ("weight", "score") and not re.fullmatch(r"\d{1,2}(?:\.\d+)?|100", piece):
                continue
            if cols[k] != "rate" and not re.fullmatch(r"\d+(?:\.\d+)?(?:万元|亿元|元)?", piece):
                continue
            if len(piece) > 1 and piece[0] == "0" and piece[1] != ".":
                continue
            cut(rest[n:], k + 1, acc + [piece])

    cut(text, 0, [])
    if not found and "rate" in cols and "weight" not in cols:  # a source row without its 执行率
        cols = [c for c in cols if c != "rate"]
        cut(text, 0, [])
    ok: list[list[str]] = []
    for parts in found:
        d = {k: re.sub(r"[万亿元%]", "", x) for k, x in zip(cols, parts, strict=True)}
        try:
            budget = Decimal(d.get("budget_full") or d.get("budget_initial"))
            spent = Decimal(d["spent"])
            if spent > budget or (cap is not None and budget > cap):
                continue
            if "rate" in d and (budget == 0 or abs(spent / budget * 100 - Decimal(d["rate"])) > Decimal("0.6")
                                or (Decimal(d["rate"]) == 0) != (spent == 0)):
                continue
            if "score" in d and "weight" in d and Decimal(d["score"]) > Decimal(d["weight"]):
                continue
        except (ArithmeticError, KeyError, TypeError):
            continue
        ok.append(parts)
    if len(ok) > 1 and all(k in cols for k in ("rate", "weight", "score")):  # the 得分 its 执行率 gives
        by_rule = [p for p in ok if abs(Decimal(p[cols.index("rate")].rstrip("%")) / 100
                                        * Decimal(p[cols.index("weight")]) - Decimal(p[cols.index("score")])) <= 1]
        ok = by_rule or ok
    if len(ok) == 1:
        return ok[0], 1
    return None, len(ok)


_UNITS = sorted(("%", "‰", "个", "人", "人次", "户", "米", "厘米", "公里", "千米", "平方米", "亩", "元", "万元", "亿元", "台",
                 "套", "项", "次", "天", "日", "月", "年", "小时", "家", "所", "件", "辆", "吨", "座", "处", "场", "批", "份",
                 "篇", "期", "元/亩", "元/个", "元/平方米", "分", "册", "本", "条", "张", "名", "间", "棵", "株", "头", "只",
                 "公顷", "立方米", "万人", "万元/个", "百分比", "分钟", "工作日", "个工作日"), key=len, reverse=True)
_QTY = re.compile(r"[≥≤≧≦=<>]?\d+(?:\.\d+)?(?:" + "|".join(re.escape(u) for u in _UNITS) + ")?")
_QUAL = re.compile(r"[^\d≥≤≧≦=<>]{2,16}")
_POINTS = re.compile(r"(?:100|[1-9]?\d)(?:\.\d+)?")


def split_glued_rows(text: str, template: list[str]) -> list[tuple[str, dict]] | None:
    """Indicator rows printed without any border ('安装坡面水标尺10≥266米≥266米10水标尺宽度10≥50厘米…'),
    cut by the shapes of their values in the header's order: 分值/得分 a number of points, a
    target or actual a number with a known unit (or words, but never right after the name: where
    the name ends could not be told); a unit is never cut off its number, a name holds no
    operator and begins with no number but a year. The one cut that fits (a 得分 at most its
    分值; among several, those with the most rows, then, with the same names, the one whose
    actual is printed as its target); None when no cut or several fit."""
    roles = [r for r in template if r not in ("reason", "remedy", "outlook", "op", "unit") and not r.startswith("?")]
    if not roles or len(text) > 200:
        return None
    found: list[list[tuple[str, dict]]] = []

    def values(pos: int, k: int, acc: dict, rows: list):
        if len(found) > 60:
            return
        if k == len(roles):
            if acc.get("score") and acc.get("weight") and Decimal(acc["score"]) > Decimal(acc["weight"]):
                return
            rows2 = rows[:-1] + [(rows[-1][0], dict(acc))]
            if pos == len(text) or re.fullmatch(r"[.…。·]+", text[pos:]):
                found.append(rows2)
            else:
                names(pos, rows2)
            return
        role = roles[k]
        # words right after a name: where the name ends cannot be told, so never
        shapes = [_POINTS] if role in ("weight", "score") else [_QTY] if k == 0 else [_QTY, _QUAL]
        for rx in shapes:
            for end in range(len(text), pos, -1):
                piece = text[pos:end]
                if rx.fullmatch(piece):
                    if rx is not _QUAL and end < len(text) and text[end - 1].isdigit() and text[end].isdigit() \
                            and role in ("target", "actual"):
                        continue
                    if len(piece) > 1 and piece[0] == "0" and piece[1] != ".":
                        continue
                    if rx is not _QUAL and piece[-1].isdigit() and text[end:].startswith(tuple(_UNITS)):
                        continue  # a unit is never cut off its number
                    if rx is _QTY and re.fullmatch(r"(?:19|20)\d\d年", piece):
                        continue  # a year is words ('同比2022年'), not an amount
                    values(end, k + 1, {**acc, role: piece}, rows)

    def names(pos: int, rows: list):
        for end in range(pos + 2, min(len(text), pos + 40) + 1):
            name = text[pos:end]
            if re.search(r"\d$", name) or re.search(r"[≥≤≧≦=<>]", name) or name[0] in "%‰" or (
                    name[0].isdigit() and not re.match(r"(?:19|20)\d\d年", name)):  # a name begins with a year, not a number
                continue
            values(end, 0, {}, rows + [(name, {})])

    names(0, [])
    if not found:
        return None
    if len(found) > 1:
        if len({tuple(n for n, _v in f) for f in found}) == 1:  # the names agree: the actual printed as its target
            found = [f for f in found if all(v.get("target") == v.get("actual") for _n, v in f)]
        else:  # the most rows: no name swallows a row
            most = max(len(f) for f in found)
            found = [f for f in found if len(f) == most]
            if len({tuple(n for n, _v in f) for f in found}) == 1:
                found = [f for f in found if all(v.get("target") == v.get("actual") for _n, v in f)]
    return found[0] if len(found) == 1 else None


