"""xlsync's import graph: every module imports, no cycle at module level, the layers declared in
pyproject.toml ([tool.xlsync.import-layers]: core → store/readers → workbook → jobs → shells)
are kept by every import of xlsync's own modules, also the ones inside functions."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"xlsync": ROOT / "xlsync", "xlsync.validators": ROOT / "validators", "xlsync.forms": ROOT / "forms"}
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["xlsync"]["import-layers"]


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    in_function: bool


def modules() -> dict[str, Path]:
    found = {}
    for base, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([base, *parts])] = path
    return found


def _absolute(module: str, is_package: bool, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    base = module.split(".")[: None if is_package else -1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def imports(mods: dict[str, Path]) -> list[Import]:
    """Every import of an xlsync module by an xlsync module (not under `if TYPE_CHECKING`)."""

    def known(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    out = []
    for module, path in mods.items():
        is_package = path.name == "__init__.py"

        def visit(node, in_function: bool, module: str = module, is_package: bool = is_package) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                    continue
                targets = []
                if isinstance(child, ast.Import):
                    targets = [a.name for a in child.names]
                elif isinstance(child, ast.ImportFrom):
                    base = _absolute(module, is_package, child.level, child.module)
                    targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in child.names]
                for t in targets:
                    target = known(t) if t.startswith("xlsync") else None
                    if target and target != module:
                        out.append(Import(module, target, child.lineno, in_function))
                visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))

        visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return out


def layer_of(module: str) -> int:
    best = None
    for n, layer in enumerate(CONFIG["layers"]):
        for prefix in layer["modules"]:
            if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > best[1]):
                best = (n, len(prefix))
    assert best is not None, f"{module} is in no layer of [tool.xlsync.import-layers]"
    return best[0]


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := walk(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := walk(node)):
            return found
    return None


def test_every_module_imports():
    """In a process of its own: importing the server's modules here would fix xlwings Server's
    settings before the server tests set theirs."""
    mods = modules()
    assert len(mods) > 80 and "xlsync.validators.schemas" in mods and "xlsync.cli" in mods
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    done = subprocess.run([sys.executable, "-c", code, *sorted(mods)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "XLWINGS_LICENSE_KEY": os.environ.get("XLWINGS_LICENSE_KEY", "noncommercial")})
    assert done.returncode == 0, done.stderr[-2000:]


def test_no_import_cycle_at_module_level():
    edges: dict[str, set[str]] = {}
    for i in imports(modules()):
        if not i.in_function:
            edges.setdefault(i.source, set()).add(i.target)
    assert cycle(edges) is None, " → ".join(cycle(edges))
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]  # the search finds one


def test_every_import_keeps_the_layers():
    mods = modules()
    names = [layer["name"] for layer in CONFIG["layers"]]
    assert names == ["core", "store/readers", "workbook", "jobs", "shells"]
    upward = {}
    for i in imports(mods):
        if layer_of(i.target) > layer_of(i.source):
            upward.setdefault(f"{i.source} -> {i.target}", []).append(
                f"{mods[i.source].relative_to(ROOT)}:{i.line} ({names[layer_of(i.source)]} imports "
                f"{names[layer_of(i.target)]})")
    assert sorted(upward) == sorted(CONFIG["exceptions"]), upward
    assert layer_of("xlsync.workbook.reader") == 2 and layer_of("xlsync.evaluation.checks") == 0


def test_the_share_of_imports_inside_functions_only_goes_down():
    found = imports(modules())
    statements = {(i.source, i.line): i.in_function for i in found}
    share = sum(statements.values()) / len(statements)
    print(f"imports of xlsync's own modules inside functions: {sum(statements.values())} of "
          f"{len(statements)} ({share:.0%})")
    assert share <= CONFIG["in-function-max"]
