"""The registry of problem codes (xlsync/codes.py): every code used anywhere is registered once,
the README's list is the registry's, findings take their titles and severities from it."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from xlsync.validators.profiles import load_profile

from xlsync import codes
from xlsync.codes import CODES, REVIEW_CODES
from xlsync.findings import Finding
from xlsync.published.notes import REVIEW_CODES as READER_REVIEW_CODES

ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(r"[A-Z][A-Z0-9_]{3,}")


def _calls(folder: Path):
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                yield path, node


def note_codes() -> dict[str, set[str]]:
    """code → the levels the code gives it: every call `(level, CODE, …)` (Note, self.note)."""
    found: dict[str, set[str]] = {}
    for _path, call in _calls(ROOT / "xlsync"):
        args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in call.args]
        for level, code in zip(args, args[1:], strict=False):
            if level in ("info", "warning", "error") and code and CODE.fullmatch(code):
                found.setdefault(code, set()).add(level)
    return found


def finding_codes() -> set[str]:
    """Codes made into findings: make(doc, CODE, …), add(CODE, …), _f(doc, CODE, …)."""
    found = set()
    for _path, call in _calls(ROOT / "xlsync"):
        name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
        if name in ("make", "add", "_f"):
            for a in call.args[:2]:
                if isinstance(a, ast.Constant) and isinstance(a.value, str) and CODE.fullmatch(a.value):
                    found.add(a.value)
    return found


def schema_codes() -> set[str]:
    """The codes of the check names ("CODE" or "CODE:field", f-strings too; not docstrings) in
    the validators' modules (the schemas, the plan checks' declarations)."""
    found = set()
    for path in (ROOT / "validators").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef) and n.body
                and isinstance(n.body[0], ast.Expr)}
        found |= {m.group(1) for n in ast.walk(tree)
                  if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
                  for m in [re.fullmatch(r"([A-Z][A-Z_]{3,})(:\w*)?", n.value)] if m}
    return found


def test_every_code_in_use_is_registered_with_the_level_it_is_given():
    notes = note_codes()
    assert len(notes) > 30  # the scan sees the reader's notes
    for code, levels in notes.items():
        assert code in CODES, f"note code {code} is not in xlsync/codes.py"
        assert "note" in CODES[code].kinds, code
        assert levels == {CODES[code].level}, (code, levels)
    assert {"UNIT_CODE_INVALID", "AMOUNT_INVALID", "CATEGORY_REQUIRED", "WEIGHT_TOTAL"} <= schema_codes()
    used = finding_codes() | schema_codes()
    assert {"PLAN_TOTAL_MISMATCH", "FIELD_MISSING", "SPENT_OVER_BUDGET", "REVIEW_PENDING"} <= used
    for code in used:
        assert code in CODES and "finding" in CODES[code].kinds, f"finding code {code} is not registered"


def test_profiles_only_name_registered_codes_and_every_code_has_what_the_registry_promises():
    for name in ("seed", "national"):
        data = tomllib.loads((ROOT / "validators" / "profiles" / f"{name}.toml").read_text(encoding="utf-8"))
        for code, severity in data.get("severity", {}).items():
            assert code in CODES and "finding" in CODES[code].kinds, (name, code)
            assert severity in ("error", "warning")
    for c in CODES.values():
        assert c.title and re.search(r"[\u4e00-\u9fff]", c.title), c.code  # a Chinese title
        assert c.description.endswith(".") and re.search(r"[A-Za-z]{3} [a-z]+", c.description), c.code  # English
        assert c.severity in ("error", "warning")
        assert ("note" in c.kinds) == (c.level is not None), c.code
        assert set(c.kinds) <= {"finding", "note", "review"}
        assert "review" not in c.kinds or "note" in c.kinds


def test_review_codes_and_finding_titles_come_from_the_registry():
    assert READER_REVIEW_CODES is REVIEW_CODES
    assert "MONEY_UNIT_UNKNOWN" in REVIEW_CODES and "FOOTER" not in REVIEW_CODES
    f = Finding("WEIGHT_TOTAL", "error", None, None, None, "indicators", "")
    assert f.title == CODES["WEIGHT_TOTAL"].title


def test_a_profile_overrides_the_default_severity_and_leaves_the_others():
    seed, national = load_profile("seed"), load_profile("national")
    assert seed.severity_of("CATEGORY_REQUIRED") == "warning"  # seed.toml overrides
    assert national.severity_of("CATEGORY_REQUIRED") == CODES["CATEGORY_REQUIRED"].severity == "error"
    assert national.severity_of("REVIEW_PENDING") == "warning"  # the registry's default
    assert national.severity_of("NOT_A_CODE") == "error"


def test_messages_render_from_templates():
    message, found, expected = CODES["WEIGHT_TOTAL"].render(
        {"period_zh": "年度", "total": __import__("decimal").Decimal("90"), "expected": __import__("decimal").Decimal("100")})
    assert (message, found, expected) == ("年度绩效指标的分值合计 90，应为 100", "90", "100")
    assert CODES["CATEGORY_UNKNOWN"].render({"level": "二级", "value": None, "row_no": 2, "name": "x"})[1] is None


def test_the_readme_code_list_is_the_registry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = readme.index(codes.BEGIN), readme.index(codes.END) + len(codes.END)
    assert readme[start:end] == codes.readme_block(), "run: python -m xlsync.codes --write"
    for code in CODES:
        assert f"`{code}`" in readme[start:end]
