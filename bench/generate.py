"""Synthetic published tables cloned from the seed, for the benchmark.

Each of the seed's twelve tables (examples/zhengzhou-hpf-2020.txt) is a template: a
generated project is one of them with a new unit (code and name) and a new project name,
everything else (narratives, 项目实施计划, 项目构成, the indicator tree, the seed's own
mistakes) as published. Projects are spread over units of PER_UNIT projects; each unit's
tables go into one text file, as a unit would publish them.

    python bench/generate.py text 1000 DIR       # DIR/<unit>.txt
    python bench/generate.py change STORE 100    # give 100 of the store's projects new narratives
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "zhengzhou-hpf-2020.txt"
PER_UNIT = 50
VERSION = 1  # bump when the generated text changes

DISTRICTS = [
    "金水区", "二七区", "中原区", "管城回族区", "惠济区", "上街区", "郑东新区", "航空港区",
    "高新区", "经开区", "巩义市", "荥阳市", "新密市", "新郑市", "登封市", "中牟县",
]
DEPARTMENTS = [
    "教育局", "卫生健康委员会", "民政局", "交通运输局", "城市管理局", "生态环境局",
    "文化广电和旅游局", "农业农村局", "水利局", "住房保障和房地产管理局",
    "人力资源和社会保障局", "市场监督管理局", "应急管理局", "园林局", "体育局", "统计局",
    "审计局", "司法局", "科学技术局", "商务局",
]
PHASES = ["", "二期", "三期", "四期"]


def seed_blocks() -> list[tuple[list[str], object]]:
    """The seed split into its tables: (lines of the table, its imported document)."""
    from xlsync.published import read_file

    tables, _notes = read_file(SEED)
    lines = SEED.read_text(encoding="utf-8").splitlines()
    starts = [t.first_line for t in tables] + [len(lines) + 1]
    return [(lines[a - 1 : b - 1], t.document) for (a, b), t in
            zip(zip(starts, starts[1:], strict=False), tables, strict=True)]


def unit_code(u: int) -> str:
    return f"{101 + u // 100:03d}{u % 100 + 1:03d}"


def unit_name(u: int) -> str:
    d = DISTRICTS[u % len(DISTRICTS)]
    dept = DEPARTMENTS[(u // len(DISTRICTS)) % len(DEPARTMENTS)]
    n = u // (len(DISTRICTS) * len(DEPARTMENTS))
    return f"郑州市{d}{dept}" + (f"第{n + 1}分局" if n else "")


def project_name(seed_name: str, j: int) -> str:
    """Unique within a unit: the seed's name qualified by a district and phase."""
    k = j // len(DISTRICTS)
    q = DISTRICTS[j % len(DISTRICTS)] + PHASES[k % len(PHASES)]
    if k >= len(PHASES):
        q += f"{k // len(PHASES) + 1}"
    return f"{seed_name}（{q}）"


def _replace_first(lines: list[str], marker: str, old: str, new: str) -> None:
    for i, line in enumerate(lines):
        if marker in line and old in line:
            lines[i] = line.replace(old, new, 1)
            return
    raise ValueError(f"seed table has no line with {marker!r} and {old!r}")


def table_text(block: list[str], doc, u: int, j: int) -> str:
    lines = list(block)
    _replace_first(lines, "绩效目标表", doc.unit_name, unit_name(u))
    _replace_first(lines, "单位编码", doc.unit_code, unit_code(u))
    _replace_first(lines, "项目名称", doc.name, project_name(doc.name, j))
    return "\n".join(lines).strip("\n") + "\n\n"


def units(size: int, per_unit: int = PER_UNIT) -> list[int]:
    """Projects per unit: full units of per_unit, the last one takes the rest."""
    n, rest = divmod(size, per_unit)
    return [per_unit] * n + ([rest] if rest else [])


def projects(size: int, per_unit: int = PER_UNIT, seeds: int = 12):
    """(unit number, project number in the unit, seed table number) of every project."""
    k = 0
    for u, count in enumerate(units(size, per_unit)):
        for j in range(count):
            yield u, j, k % seeds
            k += 1


def generate_text(size: int, out: Path, per_unit: int = PER_UNIT) -> list[Path]:
    """Write size tables into out/<unit code>.txt files; returns the files."""
    blocks = seed_blocks()
    out.mkdir(parents=True, exist_ok=True)
    parts: dict[int, list[str]] = {}
    for u, j, k in projects(size, per_unit, len(blocks)):
        block, doc = blocks[k]
        parts.setdefault(u, []).append(table_text(block, doc, u, j))
    files = []
    for u, texts in parts.items():
        path = out / f"{unit_code(u)}.txt"
        path.write_text("\n".join(texts), encoding="utf-8")
        files.append(path)
    return files


def change_store(root: Path, count: int) -> list[str]:
    """Give count projects spread over the store new narratives (what a pull brings back)."""
    from xlsync.document import validate_data
    from xlsync.store import Store

    store = Store(root)
    paths = store.paths()
    step = max(1, len(paths) // count)
    changed = []
    for path in paths[::step][:count]:
        data = store._read_path(path).model_dump(mode="json")
        data["remark"] = "根据预算评审意见调整"
        data["overview"] = (data["overview"] or "") + "（已按评审意见修订）"
        changed.append(validate_data(data))
    store.put_many(changed, action="bench change")
    return [d.id for d in changed]


if __name__ == "__main__":
    if sys.argv[1] == "text":
        for p in generate_text(int(sys.argv[2]), Path(sys.argv[3])):
            print(p)
    elif sys.argv[1] == "change":
        print("\n".join(change_store(Path(sys.argv[2]), int(sys.argv[3]))))
    else:
        sys.exit(__doc__)
