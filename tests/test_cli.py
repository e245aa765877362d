"""What the commands print and how they exit, on the seed tables and their workbooks."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from xlsync.validators.profiles import load_profile

from xlsync.cli import cli
from xlsync.exchange import export
from xlsync.store import Store
from xlsync.term import table

PROFILE = load_profile(None)


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def width(text: str) -> int:
    """Display width on a terminal, from the Unicode tables (not from rich)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table_rows(output: str, header: str) -> list[str]:
    """The rows of the table whose header line starts with `header` (below its rule)."""
    lines = output.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.strip().startswith(header))
    assert set(lines[start + 1].strip()) == {"─"}
    rows = []
    for ln in lines[start + 2:]:
        if not ln.strip() or ln.lstrip().startswith(("下一步", "[", "■")):
            break
        rows.append(ln)
    return rows


@pytest.fixture
def unit_store(tmp_path, seed_docs):
    """Only unit 095004: its plans and indicators have warnings, no errors."""
    store = Store(tmp_path / "clean")
    store.put_many([d for d in seed_docs if d.unit_code == "095004"], action="import-text")
    return store


# -- exit codes ---------------------------------------------------------------------------
def test_plan_exits_1_on_plan_errors_0_without_and_2_on_a_damaged_store(seed_store, unit_store):
    assert invoke("plan", "--store", seed_store.root).exit_code == 1
    assert invoke("plan", "--store", seed_store.root, "--format", "json").exit_code == 1
    assert invoke("plan", "--store", unit_store.root).exit_code == 0  # warnings only
    doc = next(iter(unit_store.documents()[0]))
    unit_store.path_for_id(doc.id).write_text("{", encoding="utf-8")
    res = invoke("plan", "--store", unit_store.root)
    assert res.exit_code == 2 and "STORE_DAMAGED" in res.output


def test_validate_exits_1_on_errors_0_on_warnings_only(seed_store, unit_store, tmp_path):
    assert invoke("validate", "--store", seed_store.root).exit_code == 1
    res = invoke("validate", "--store", unit_store.root)
    assert res.exit_code == 0 and "0 个错误 (errors)" in res.output
    book = export(unit_store, tmp_path / "u.xlsx", PROFILE)[0]
    assert invoke("validate", book).exit_code == 0
    bad = export(seed_store, tmp_path / "b.xlsx", PROFILE, unit="095002")[0]
    assert invoke("validate", bad).exit_code == 1
    assert invoke("validate", tmp_path / "missing.xlsx").exit_code == 2


def test_the_readme_states_the_exit_codes_the_help_promises():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    help_text = invoke("--help").output
    for code in ("`0`", "`1`", "`2`", "`3`"):
        assert f"| {code} |" in readme
    assert "1 the input has errors" in help_text and "3 a sync conflict" in help_text
    assert "Exit 0" in invoke("plan", "--help").output


# -- alignment by display width ---------------------------------------------------------------
def test_table_columns_line_up_by_display_width():
    rows = [["095001", "政府购买服务（劳务）经费", "12,210,000.00", "x"],
            ["095002", "abc", "800.00", "说明"],
            ["9", "住房公积金县区管理部发展基金", "0.00", "-"]]
    lines = table(["单位", "项目名称", "金额(元)", "备注"], rows, right=[2]).splitlines()
    body = lines[2:]
    for row, line in zip(rows, body, strict=True):
        # the right-aligned amount ends, and the last column starts, at the same display column
        end = line.index(row[2]) + len(row[2])
        assert width(line[:end]) == width(body[0][:body[0].index(rows[0][2]) + len(rows[0][2])])
        assert width(line[:line.rindex(row[3])]) == width(body[0][:body[0].rindex(rows[0][3])])


def test_list_and_plan_tables_line_up_with_chinese_names(seed_store):
    out = invoke("list", "--store", seed_store.root).output
    rows = table_rows(out, "项目编号")
    assert len(rows) == 12
    names = [r.split()[-1] for r in rows]
    assert len({width(r[:r.rindex(n)]) for r, n in zip(rows, names, strict=True)}) == 1
    out = invoke("plan", "--store", seed_store.root).output
    rows = table_rows(out, "单位")
    assert len(rows) == 12
    assert len({width(r) for r in rows}) == 1  # the last column (警告) is right-aligned


# -- summaries and messages ---------------------------------------------------------------------
def test_validate_prints_a_summary_first_and_the_details_on_request(seed_store):
    out = invoke("validate", "--store", seed_store.root).output
    first = out.splitlines()[0]
    assert first.startswith("校验 (validate)：12 个项目") and "个错误 (errors)" in first
    assert "PLAN_PERIOD_OVERLAP" in out and "下一步 (next):" in out and "--verbose" in out
    assert len(out.splitlines()) < 30
    verbose = invoke("validate", "--store", seed_store.root, "--verbose").output
    assert verbose.count("■ 095001  政府购买服务（劳务）经费") == 1
    assert "实际: 11410000.00" in verbose


def test_plan_names_each_project_once(seed_store):
    out = invoke("plan", "--store", seed_store.root, "--verbose").output
    assert out.count("住房公积金县区管理部发展基金") == 2  # its summary row and its detail heading
    assert "季度" in out and "2,260,000.00" in out


def test_validate_write_back_says_what_it_wrote(seed_store, tmp_path):
    book = export(seed_store, tmp_path / "b.xlsx", PROFILE, unit="095002")[0]
    res = invoke("validate", book, "--write-back")
    line = next(ln for ln in res.output.splitlines() if "FINDINGS_WRITTEN" in ln)
    rows = load_workbook(book)["校验结果"].max_row - 1
    assert f"“校验结果”表 {rows} 条" in line and str(book) in line
    assert "见“校验结果”表" in res.output


def test_export_without_a_target_says_so_in_chinese_and_english(seed_store):
    res = invoke("export", "--store", seed_store.root)
    assert res.exit_code == 2
    assert "请给出 -o 工作簿.xlsx" in res.output and "give either -o BOOK.xlsx or --out-dir DIR" in res.output


def test_export_writes_the_store_as_an_absolute_path(seed_store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = invoke("export", "--store", "store", "-o", "u.xlsx", "--unit", "095004")
    assert res.exit_code == 0, res.output
    values = [c.value for row in load_workbook(tmp_path / "u.xlsx")["目录"].iter_rows() for c in row]
    assert str((tmp_path / "store").resolve()) in values


def test_log_has_headers_and_an_author_column(seed_store):
    doc_id = seed_store.documents()[0][0].id
    out = invoke("log", doc_id, "--store", seed_store.root).output
    header = next(ln for ln in out.splitlines() if ln.startswith("时间"))
    assert "版本 (rev)" in header and "作者 (author)" in header
    rows = table_rows(out, "时间")
    import getpass

    # the history names who wrote each revision: here the OS user that ran the import
    assert len(rows) == 1 and rows[0].rstrip().endswith(getpass.getuser()) and "import-text" in rows[0]


# -- push and pull -------------------------------------------------------------------------------
def _cell(ws, key):
    return ws.defined_names[f"xs_{key}"].attr_text.split("!")[1].replace("$", "")


@pytest.fixture
def conflict(tmp_path, seed_docs):
    """A workbook and a store that both changed 项目负责人 of 聘用人员经费 since the export."""
    store = Store(tmp_path / "store")
    store.put_many(seed_docs)
    book = export(store, tmp_path / "b.xlsx", PROFILE, unit="095004")[0]
    doc = next(d for d in store.documents(unit="095004")[0] if d.name == "聘用人员经费")
    store.put(doc.model_copy(update={"owner": "存储改"}))
    wb = load_workbook(book)
    ws = wb["聘用人员经费"]
    ws[_cell(ws, "owner")] = "表格改"
    wb.save(book)
    return store, book, doc.id


@pytest.mark.parametrize("direction", ["push", "pull"])
def test_a_conflict_says_how_to_keep_either_side(conflict, direction):
    store, book, _doc_id = conflict
    res = invoke(direction, book, "--store", store.root)
    assert res.exit_code == 3
    assert "[SYNC_CONFLICT]" in res.output and "未做任何修改" in res.output
    assert f"xlsync push {book} --store {store.root} --force" in res.output
    assert f"xlsync pull {book} --store {store.root} --force" in res.output
    assert "先拉取" not in res.output
    assert res.output.count("聘用人员经费") == 1  # the project's name, once
    assert "煤炭行业发展基金运转费" not in res.output  # unchanged projects only with --verbose
    assert "煤炭行业发展基金运转费" in invoke(direction, book, "--store", store.root, "-v").output


def test_pull_force_shows_the_workbook_value_it_overwrote(conflict):
    store, book, doc_id = conflict
    res = invoke("pull", book, "--store", store.root, "--force")
    assert res.exit_code == 0, res.output
    assert "工作簿原值: 表格改" in res.output and "不在存储中" in res.output
    assert "保留在历史中" not in res.output
    # and the JSON keeps it too
    store2, book2 = store, book
    wb = load_workbook(book2)
    ws = wb["聘用人员经费"]
    assert ws[_cell(ws, "owner")].value == "存储改"
    ws[_cell(ws, "owner")] = "又改"
    wb.save(book2)
    store2.put(store2.get(doc_id).model_copy(update={"owner": "再改"}))
    data = json.loads(invoke("pull", book2, "--store", store2.root, "--force", "--format", "json").output)
    forced = [f for p in data[0]["projects"] for f in p["forced"]]
    assert forced == [{"field": "owner", "base": "存储改", "ours": "再改", "theirs": "又改"}]


def test_push_force_points_at_the_store_history(conflict):
    store, book, doc_id = conflict
    res = invoke("push", book, "--store", store.root, "--force")
    assert res.exit_code == 0, res.output
    assert f"xlsync log {doc_id}" in res.output and "[STORE_UPDATED]" in res.output
    assert store.revision_of(doc_id, store.log(doc_id)[-2].rev).owner == "存储改"


# -- progress ---------------------------------------------------------------------------------
class Terminal:
    """A stderr that says it is a terminal, keeping what is written to it."""

    def __init__(self):
        self.written = []

    def isatty(self):
        return True

    def write(self, text):
        self.written.append(text)
        return len(text)

    def flush(self):
        pass


def test_progress_bars_show_on_a_terminal_only(monkeypatch):
    from xlsync import term

    tty = Terminal()
    monkeypatch.setattr("sys.stderr", tty)
    assert list(term.progress(range(3), "导出 (export)")) == [0, 1, 2]
    assert any("导出" in t for t in tty.written)
    piped = io.StringIO()
    monkeypatch.setattr("sys.stderr", piped)
    assert list(term.progress(range(3), "导出")) == [0, 1, 2] and piped.getvalue() == ""


def test_help_does_not_import_rich():
    import subprocess
    import sys

    code = "import sys, xlsync.cli; sys.exit('rich' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_import_text_puts_errors_first_and_says_nothing_was_imported(tmp_path, seed_path):
    lines = seed_path.read_text(encoding="utf-8").splitlines()
    cut = tmp_path / "cut.txt"
    cut.write_text("\n".join(lines[:20]) + "\n", encoding="utf-8")  # facts, no indicator table
    res = invoke("import-text", cut, "--store", tmp_path / "s")
    assert res.exit_code == 1
    notes = [ln for ln in res.output.splitlines() if ln.startswith("  [")]
    assert notes and notes[0].startswith("  [错误]")
    assert "[TABLE_INCOMPLETE]" in res.output and "没有导入任何表" in res.output
    assert not (tmp_path / "s").exists() or not list((tmp_path / "s").rglob("*.json"))
