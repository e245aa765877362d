"""`xlsync check --store S [--repair]`: is the store whole?

Checked: no unfinished journal; every document parses, lies where its id says and has its
revision kept in history; its log parses, is a chain (each entry's previous revision is the
entry before) and ends with the document's revision; no temporary file is left behind.
--repair (under the store lock) rolls an unfinished journal forward, removes temporary files,
drops a torn last log line, and records a document's missing revision in its log and history
as "write (log entry recovered)". A document that does not parse is never changed: it is named.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import safefile
from .document import revision
from .errors import StoreError
from .store import LogEntry, Store, _log_line, _now, _write, os_user


@dataclass
class Problem:
    code: str
    path: Path
    message: str
    repaired: bool = False

    def __str__(self) -> str:
        return f"[{self.code}] {self.path}: {self.message}" + ("（已修复）" if self.repaired else "")


def check_store(store: Store, repair: bool = False) -> list[Problem]:
    """Every problem found (repaired ones marked so, when repair)."""
    if not store.root.is_dir():
        raise StoreError(f"存储文件夹不存在: {store.root}")
    journal = _journal_problem(store)
    if repair:
        before = safefile.temporaries(store.root)
        with store.writing():  # rolls an unfinished journal forward, sweeps temporaries
            if journal is not None:
                journal.repaired = not store.journal_path.exists()
                journal.message = journal.message.replace("运行 --repair 会把它补全", "已补全")
            swept = [Problem("STORE_TEMP_ORPHAN", p, "中断的写入留下的临时文件", True)
                     for p in before if not p.exists()]
            return ([journal] if journal else []) + swept + _check(store, repair=True)
    return ([journal] if journal else []) + _check(store, repair=False)


def _journal_problem(store: Store) -> Problem | None:
    if not store.journal_path.exists():
        return None
    try:
        found = store.read_journal()
        what = f"任务“{found[0]}”的 {len(found[1])} 个写入" if found else ""
    except StoreError:
        what = "无法读取，从未生效"
    return Problem("STORE_JOURNAL_UNFINISHED", store.journal_path,
                   f"存储中有未完成的写入日志（{what}）：运行 --repair 会把它补全")


def _check(store: Store, repair: bool) -> list[Problem]:
    problems: list[Problem] = []
    if store.journal_path.exists():
        return problems  # the documents are checked once the journal is rolled forward
    for tmp in safefile.temporaries(store.root):
        fixed = False
        if repair:
            safefile.remove(tmp)
            fixed = True
        problems.append(Problem("STORE_TEMP_ORPHAN", tmp, "中断的写入留下的临时文件", fixed))
    for path in _document_files(store):
        problems.extend(_check_document(store, path, repair))
    return problems


def _document_files(store: Store) -> list[Path]:
    root = store.root
    return sorted([*root.glob("[0-9][0-9][0-9][0-9]/*/*.json"), *root.glob("undated/*/*.json")])


def _read_log(log: Path) -> tuple[list[dict], bool, list[int]]:
    """(entries, torn last line, numbers of broken lines)."""
    try:
        raw = log.read_bytes()
    except FileNotFoundError:
        return [], False, []
    lines = raw.splitlines(keepends=True)
    torn = bool(lines) and not lines[-1].endswith(b"\n")
    entries, broken = [], []
    for n, line in enumerate(lines[:-1] if torn else lines, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            LogEntry(**d)
            entries.append(d)
        except (ValueError, TypeError):
            broken.append(n)
    return entries, torn, broken


def _check_document(store: Store, path: Path, repair: bool) -> list[Problem]:
    out: list[Problem] = []
    try:
        doc = store._read_path(path)
    except StoreError as exc:
        return [Problem("STORE_DOC_BROKEN", path, f"无法读取: {exc.message}（xlsync 不会覆盖它：请修复或从历史中恢复）")]
    if path.stem != doc.id:
        return [Problem("STORE_DOC_MISPLACED", path, f"文件名与项目编号 {doc.id} 不符")]
    try:
        expected = store.path_for_id(doc.id)
    except StoreError as exc:
        return [Problem("STORE_DOC_MISPLACED", path, exc.message)]
    if expected != path:
        return [Problem("STORE_DOC_MISPLACED", path, f"应在 {expected}")]
    rev = revision(doc)
    hist = store.history_dir(doc.id)
    log = hist / "log.jsonl"
    entries, torn, broken = _read_log(log)
    for n in broken:
        out.append(Problem("STORE_LOG_BROKEN", log, f"第 {n} 行无法读取（xlsync 不会改动它：请修复）"))
    if torn:
        if repair and not broken:
            _write(log, b"".join(_log_line(LogEntry(**e)) for e in entries))
        out.append(Problem("STORE_LOG_TORN", log, "最后一行不完整（中断的写入）", repair and not broken))
    prev = None
    for n, e in enumerate(entries, 1):
        if e.get("previous") != prev and not (n == 1 and prev is None):
            out.append(Problem("STORE_LOG_GAP", log,
                               f"第 {n} 条记录的前一版本是 {e.get('previous')}，但上一条记录是 {prev}"))
            break
        prev = e["rev"]
    if not (hist / f"{rev}.json").exists():
        if repair:
            _write(hist / f"{rev}.json", path.read_bytes())
        out.append(Problem("STORE_HISTORY_MISSING", hist / f"{rev}.json",
                           f"当前版本 {rev} 没有留在历史中", repair))
    last = entries[-1]["rev"] if entries else None
    if last != rev:
        fixed = False
        if repair and not broken:
            store._append_log(doc.id, LogEntry(_now(), rev, last, "write (log entry recovered)", os_user()))
            fixed = True
        why = "没有历史记录" if last is None else f"历史记录的最后版本是 {last}"
        out.append(Problem("STORE_LOG_MISMATCH", log, f"项目 {doc.id} 的当前版本是 {rev}，但{why}", fixed))
    return out
