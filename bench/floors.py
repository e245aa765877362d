"""Floors: the same work as an xlsync job done with plain, fast libraries, for the benchmark.

Each floor runs as its own process (like the xlsync command it stands beside), so start-up
and imports count on both sides:

    floors.py read      --books B... --store S          python-calamine reads every sheet; orjson the unit's documents
    floors.py checks    [--books B...] --store S        (calamine read, then) the validation rules in plain pandas
    floors.py plan      --store S                       plan shares and quarters in plain Decimal
    floors.py consolidate [--books B...] --store S --summary CELLS --out X.xlsx
                                                        read, check, xlsxwriter writes the summary's cells
    floors.py xlsxwriter --cells CELLS --out DIR        xlsxwriter writes the same cells as the export
    floors.py jsonio    --text T... --store S --out DIR read the text, read and write the same JSON
    floors.py convert   --text T... --store S --cells CELLS --out DIR   jsonio, then xlsxwriter

The checks are the rules of the `seed` profile (required fields, amounts, dates, codes,
categories, duplicates, 目标值 kinds, 项目构成 sums, plan sums, percentages, overlaps and gaps),
vectorised, without messages: a floor, not a second validator.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "validators" / "profiles" / "seed.toml"


# -- reading ------------------------------------------------------------------------------
def read_books(paths) -> int:
    from python_calamine import CalamineWorkbook

    cells = 0
    for path in paths:
        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            cells += sum(len(r) for r in wb.get_sheet_by_name(name).to_python())
    return cells


def dump_cells(books, out: Path) -> None:
    """The cells of workbooks (values, merged ranges), one JSON line a workbook: what the
    xlsxwriter floor writes."""
    from python_calamine import CalamineWorkbook

    with open(out, "wb") as fh:
        for path in books:
            wb = CalamineWorkbook.from_path(str(path))
            sheets = []
            for name in wb.sheet_names:
                ws = wb.get_sheet_by_name(name)
                merged = [(a[0], a[1], b[0], b[1]) for a, b in ws.merged_cell_ranges or ()]
                sheets.append({"name": name, "start": list(ws.start or (0, 0)), "rows": ws.to_python(),
                               "merged": merged})
            fh.write(orjson.dumps({"name": Path(path).name, "sheets": sheets}, default=str) + b"\n")


def cell_books(cells: Path):
    """The workbooks of a dump_cells file, one at a time."""
    with open(cells, "rb") as fh:
        for line in fh:
            yield orjson.loads(line)


def doc_paths(store: Path, books=()) -> list[Path]:
    """The store's documents; with books, only those of the books' units (<unit>-<year>.xlsx)."""
    if books:
        units = {Path(b).name.split("-", 1)[0] for b in books}
        return sorted(p for u in units for p in store.glob(f"[0-9][0-9][0-9][0-9]/{u}/*.json"))
    return sorted(store.glob("[0-9][0-9][0-9][0-9]/*/*.json"))


def read_docs(store: Path, books=()) -> list[dict]:
    return [orjson.loads(p.read_bytes()) for p in doc_paths(store, books)]


# -- checks -------------------------------------------------------------------------------
def checks(docs: list[dict]) -> dict[str, int]:
    """The seed profile's rules over tidy frames; returns the number of failures per code."""
    import pandas as pd

    prof = tomllib.loads(PROFILE.read_text(encoding="utf-8"))
    level1 = {e["name"]: e.get("level2", []) + e.get("also_level2", []) for e in prof["level1"]}
    pairs = {f"{a}\x1f{b}" for a, bs in level1.items() for b in bs}
    lists = ("plan", "composition", "indicators", "funding", "extra")
    required = prof["required_fields"]["fields"]
    placeholders = list(prof["targets"]["placeholders"])
    rate = tuple(prof["targets"]["rate_suffixes"])
    fails: dict[str, int] = {}

    def fail(code, mask) -> None:
        fails[code] = fails.get(code, 0) + int(mask.sum())

    p = pd.DataFrame([{k: v for k, v in d.items() if k not in lists} | {"n_comp": len(d["composition"])}
                      for d in docs])
    money = {k: pd.to_numeric(p[k]) for k in ("total_amount", "year_amount", "prev_total_amount",
                                              "prev_year_amount")}
    for f in required:
        if f != "composition":
            fail("FIELD_MISSING", p[f].isna() | (p[f].astype(str).str.strip() == ""))
    for m in money.values():
        fail("AMOUNT_INVALID", m < 0)
    fail("AMOUNT_INCONSISTENT", money["year_amount"] > money["total_amount"])
    fail("AMOUNT_INCONSISTENT", money["prev_year_amount"] > money["prev_total_amount"])
    if "composition" in required:
        fail("FIELD_MISSING", (money["year_amount"] > 0) & (p["n_comp"] == 0))
    start, end = p["start_date"].fillna(""), p["end_date"].fillna("")
    fail("DATE_INVALID", (start > end) & (start != "") & (end != ""))
    year = pd.to_numeric(p["year"])
    fail("DATE_INVALID", (start.str[:4].replace("", "0").astype(int) > year) & (start != ""))
    fail("DATE_INVALID", (end.str[:4].replace("", "9999").astype(int) < year) & (end != ""))
    pattern = prof.get("unit_code", {}).get("pattern", r"\d{6}")
    fail("UNIT_CODE_INVALID", ~p["unit_code"].dropna().str.fullmatch(pattern))
    phone = p["phone"].dropna().str.replace(" ", "")
    fail("PHONE_INVALID", ~phone.str.fullmatch(r"(?=(?:.*\d){2})[\d*]{2,5}-?[\d*]{5,11}"))
    fail("FIELD_INVALID", ~p["fund_use"].dropna().isin(prof["fund_use"]["values"]))

    ind = pd.DataFrame([{"pid": d["id"], **i} for d in docs for i in d["indicators"]])
    known = ind["level1"].isin(list(level1))
    fail("CATEGORY_UNKNOWN", ~known)
    fail("CATEGORY_UNKNOWN", known & ~(ind["level1"] + "\x1f" + ind["level2"]).isin(pairs))
    fail("INDICATOR_DUPLICATE", ind.duplicated(["pid", "period", "name"]) & ind["name"].notna())
    fail("FIELD_MISSING", ind["name"].fillna("").str.strip() == "")
    full = str.maketrans("０１２３４５６７８９．＝％", "0123456789.=%")
    t = ind["target"].fillna("").str.translate(full).str.strip().str.rstrip("。.;；")
    t = t.str.replace(r"^([^=≥≤><].*?\d.*?)\s*(?:及以上|以上|及以下|以下|以内|之内)$", r"\1", regex=True)
    missing = t == ""
    ph = t.isin(placeholders) | t.str.match(r"^[=≥≤><]?\s*(?:[nNxX]{1,3}|\*+|…+|\.{2,})\s*(?:%|[^\d\s]{0,2})?$")
    q = t.str.extract(r"^(?:>=|<=|[=≥≧≤≦><])?\s*(?:下降|降低|减少|上升|提高|增长|增加|不低于|不高于|不少于|不超过|达到|大于|小于)?"
                      r"\s*(\d+(?:\.\d+)?)\s*(%|‰|[^\d\s%]{1,6})?$")
    quant = q[0].notna() & ~ph & ~missing
    fail("TARGET_MISSING", missing)
    fail("TARGET_PLACEHOLDER", ph & ~missing)
    other = ~missing & ~ph & ~quant & t.str.contains(r"\d")
    descriptive = (t.str.len() > 10) & t.str.contains(r"[\u4e00-\u9fff]{4,}")
    fail("TARGET_UNPARSEABLE", other & ~descriptive)
    fail("TARGET_DESCRIPTIVE", other & descriptive)
    fail("TARGET_UNIT_MISSING", quant & q[1].isna() & ind["name"].fillna("").str.endswith(rate))
    named = ind[(ind["name"].fillna("") != "") | (ind["target"].fillna("") != "")]
    present = set(zip(named["pid"], named["level1"], strict=True))
    for e in prof["level1"]:
        if e.get("required"):
            fail("CATEGORY_REQUIRED", ~pd.Series([(i, e["name"]) in present for i in p["id"]], dtype=bool))

    comp = pd.DataFrame([{"pid": d["id"], "amount": c["amount"], "year": d["year_amount"]}
                         for d in docs for c in d["composition"]])
    if len(comp):
        amount = pd.to_numeric(comp["amount"])
        fail("AMOUNT_INVALID", amount.isna() | (amount < 0))
        sums = amount.groupby(comp["pid"]).sum()
        year = pd.to_numeric(comp.groupby("pid")["year"].first())
        fail("AMOUNT_INCONSISTENT", (sums - year).abs() > 0.005)

    plan = pd.DataFrame([{"pid": d["id"], "s": x["start_month"], "e": x["end_month"],
                          "amount": x["amount"], "pct": x["stated_percent"], "basis": x["percent_basis"],
                          "year": d["year_amount"]} for d in docs for x in d["plan"]])
    if len(plan):
        amount, year = pd.to_numeric(plan["amount"]), pd.to_numeric(plan["year"])
        by = plan["pid"]
        total = amount.groupby(by).sum(min_count=1)
        fail("PLAN_TOTAL_MISMATCH", (total - year.groupby(by).first()).abs() > 0.005)
        quantified = (amount.notna() | plan["pct"].notna()).groupby(by).any()
        fail("PLAN_NOT_QUANTIFIED", ~quantified)
        share = amount * 100 / year
        cum = amount.groupby(by).cumsum() * 100 / year
        computed = share.where(plan["basis"] == "share", cum)
        fail("PLAN_PERCENT_MISMATCH", (pd.to_numeric(plan["pct"]) - computed).abs() > 1)
        months = plan.assign(m=[list(range(s, e + 1)) for s, e in zip(plan["s"], plan["e"], strict=True)])
        months = months.explode("m")
        fail("PLAN_PERIOD_OVERLAP", (months.groupby(["pid", "m"]).size() > 1).groupby(level=0).any())
        span = months.groupby("pid")["m"].agg(["min", "max", "nunique"])
        ends = p.set_index("id")["end_date"].reindex(span.index).fillna("")
        last = ends.str[5:7].where(ends.str[:4] == p.set_index("id")["year"].reindex(span.index).astype(str), "12")
        last = pd.concat([span["max"], pd.to_numeric(last.replace("", "12")).clip(upper=12)], axis=1).max(axis=1)
        fail("PLAN_PERIOD_GAP", last - span["min"] + 1 > span["nunique"])
    return fails


# -- plan ---------------------------------------------------------------------------------
def plan(docs: list[dict]) -> None:
    from decimal import Decimal

    out = []
    for d in docs:
        year = Decimal(d["year_amount"]) if d["year_amount"] else None
        running = Decimal(0)
        monthly = [Decimal(0)] * 13
        lines = [f"{d['unit_code']} {d['name']}"]
        for x in d["plan"]:
            if x["amount"] is None:
                continue
            a = Decimal(x["amount"])
            running += a
            n = x["end_month"] - x["start_month"] + 1
            for m in range(x["start_month"], x["end_month"] + 1):
                monthly[m] += a / n
            if year:
                lines.append(f"  {x['start_month']}-{x['end_month']}月 {a:.2f} {a * 100 / year:.2f}% "
                             f"{running * 100 / year:.2f}%")
        lines.append("  " + " ".join(f"{sum(monthly[3 * q - 2:3 * q + 1]):.2f}" for q in range(1, 5)))
        out.append("\n".join(lines))
    sys.stdout.write("\n".join(out) + "\n")


# -- writing ------------------------------------------------------------------------------
def write_book(path: Path, sheets: list[dict]) -> None:
    """xlsxwriter writes the cells: strings wrapped, numbers as money, merged ranges merged."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    text = wb.add_format({"text_wrap": True, "border": 1, "valign": "top"})
    num = wb.add_format({"num_format": "#,##0.00", "border": 1})
    for sheet in sheets:
        ws = wb.add_worksheet(sheet["name"])
        r0, c0 = sheet["start"]
        covered = set()
        for r1, c1, r2, c2 in sheet["merged"]:
            first = sheet["rows"][r1 - r0][c1 - c0] if 0 <= r1 - r0 < len(sheet["rows"]) else ""
            ws.merge_range(r1, c1, r2, c2, first if isinstance(first, str) else str(first), text)
            covered.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
        for i, row in enumerate(sheet["rows"]):
            for j, v in enumerate(row):
                r, c = r0 + i, c0 + j
                if v == "" or v is None or (r, c) in covered:
                    continue
                if isinstance(v, bool) or not isinstance(v, int | float):
                    ws.write_string(r, c, str(v), text)
                else:
                    ws.write_number(r, c, v, num)
    wb.close()


def write_books(cells: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for book in cell_books(cells):
        write_book(out / book["name"], book["sheets"])


def jsonio(texts, store: Path, out: Path) -> None:
    for t in texts:
        Path(t).read_text(encoding="utf-8")
    for path in doc_paths(store):
        doc = orjson.loads(path.read_bytes())
        target = out / path.relative_to(store)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["read", "checks", "plan", "consolidate", "xlsxwriter", "jsonio",
                                     "convert", "dump"])
    ap.add_argument("--books", nargs="*", default=[])
    ap.add_argument("--text", nargs="*", default=[])
    ap.add_argument("--store", type=Path)
    ap.add_argument("--cells", type=Path)
    ap.add_argument("--summary", type=Path)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)
    if a.kind in ("read", "checks", "consolidate") and a.books:
        read_books(a.books)
    if a.kind == "read":
        read_docs(a.store, a.books)
    elif a.kind == "checks":
        print(checks(read_docs(a.store, a.books)))
    elif a.kind == "plan":
        plan(read_docs(a.store))
    elif a.kind == "consolidate":
        checks(read_docs(a.store, a.books))
        write_book(a.out, next(cell_books(a.summary))["sheets"])
    elif a.kind == "xlsxwriter":
        write_books(a.cells, a.out)
    elif a.kind == "dump":  # not a floor: the cells the xlsxwriter floor writes
        dump_cells(a.books, a.out)
    elif a.kind in ("jsonio", "convert"):
        jsonio(a.text, a.store, a.out / "store")
        if a.kind == "convert":
            write_books(a.cells, a.out)


if __name__ == "__main__":
    main()
