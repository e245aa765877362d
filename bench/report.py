"""The benchmark's table, from bench/run.py's JSON; refreshes README's "Performance" section.

    python bench/report.py RESULTS.json            # print the table (Markdown)
    python bench/report.py RESULTS.json --write    # replace the block between the markers in README.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
MB = 2**20


def judge(result: dict, n_changed: int | None = None) -> None:
    """Add the ratio, and whether the target is met, to one job's result."""
    mine = result["xlsync"]["median"]
    floors = result["floors"]
    result["ratio"] = mine / floors[0]["median"] if floors and floors[0]["median"] else None
    cpu = floors[0].get("cpu") if floors else None
    result["cpu_ratio"] = result["xlsync"]["cpu"] / cpu if cpu else None
    target = result.get("target")
    met = None
    if target:
        if target["kind"] == "seconds":
            met = mine <= target["limit"]
        elif target["kind"] == "ratio":
            met = result["ratio"] is not None and result["ratio"] <= target["limit"]
            if target.get("memory"):
                met = met and result["xlsync"]["rss"] <= target["memory"]
        elif target["kind"] == "proportional" and n_changed and floors:
            result["per_changed_s"] = (mine - floors[0]["median"]) / n_changed
    result["met"] = met


def secs(t: float) -> str:
    return f"{t:.3f} s" if t < 1 else (f"{t:.2f} s" if t < 100 else f"{t:.0f} s")


def spread(s: dict) -> str:
    n = len(s["runs"])
    return secs(s["median"]) + (f" ({secs(s['min'])}–{secs(s['max'])}, {n} runs)" if n > 1 else " (1 run)")


def floor_text(result: dict) -> str:
    return "; ".join(f"{f['label']} {secs(f['median'])}" for f in result["floors"]) or "—"


def ratio_text(result: dict) -> str:
    if result.get("ratio") is None:
        return "—"
    text = f"{result['ratio']:.1f}×"
    if result.get("cpu_ratio") is not None:
        text += f" (CPU {result['cpu_ratio']:.1f}×)"
    if result.get("per_changed_s") is not None:
        text += f", +{result['per_changed_s'] * 1000:.0f} ms a changed project"
    return text


def met_text(result: dict) -> str:
    return {True: "yes", False: "**no**", None: ""}[result.get("met")]


def line(result: dict) -> str:
    if "error" in result:
        return f"{result['label']}: failed: {result['error'].splitlines()[-1][:200]}"
    return (f"{result['label']}: {spread(result['xlsync'])}, {result['xlsync']['rss'] / MB:.0f} MB; "
            f"floor {floor_text(result)}; ratio {ratio_text(result)}"
            + (f"; target {result['target']['text']} {met_text(result)}" if result.get("target") else ""))


def table(doc: dict) -> str:
    m = doc["machine"]
    head = (f"Measured {doc['when'][:10]} on {m['cpus']} CPUs, Python {m['python']} "
            f"({'--quick' if doc['quick'] else 'full run'}: {', '.join(f'{s:,}' for s in doc['sizes'])} "
            f"projects in units of 50; median of up to {doc['repeats']} runs; the whole run took "
            f"{doc['seconds']:.0f} s). Ratio: wall time, and CPU time (steadier on a shared machine).")
    rows = ["| projects | job | xlsync: median (min–max) | peak memory | floor, same run | ratio | target | met |",
            "|---:|---|---|---:|---|---|---|---|"]
    for r in doc["results"]:
        if "error" in r:
            rows.append(f"| {r['size']:,} | {r['label']} | failed (see the JSON) | | | | | **no** |")
            continue
        rows.append(f"| {r['size']:,} | {r['label']} | {spread(r['xlsync'])} | "
                    f"{r['xlsync']['rss'] / MB:.0f} MB | {floor_text(r)} | {ratio_text(r)} | "
                    f"{(r.get('target') or {}).get('text', '—')} | {met_text(r)} |")
    return head + "\n\n" + "\n".join(rows)


def write_readme(doc: dict) -> None:
    body = README.read_text(encoding="utf-8")
    head, rest = body.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    README.write_text(f"{head}{BEGIN}\n{table(doc)}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__)
    doc = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    if "--write" in sys.argv:
        write_readme(doc)
    else:
        print(table(doc))


if __name__ == "__main__":
    main()
