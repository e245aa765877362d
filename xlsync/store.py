"""The canonical JSON store: <store>/<year>/<unit>/<id>.json, atomic writes, lock, history.

Tables that name no year live under <store>/undated/.

Every revision is kept under <store>/.xlsync/history/<id>/<rev>.json and every write is
logged in <store>/.xlsync/history/<id>/log.jsonl, so any change can be listed and undone.

Every job (one workbook's push, one import, one consolidation, a restore) is one
transaction, made durable by a write-ahead redo journal: under the store-wide lock its
documents and log entries are first written whole into <store>/.xlsync/journal.json and
fsynced (the commit point), then applied to the document, history and log files (each
replaced atomically, not fsynced one by one), the file system is flushed once, and the
journal is removed. A journal found by the next process that opens the store (reading or
writing), or by `xlsync check --store S --repair`, is rolled forward: applying it again is
harmless. So after any crash each job is in the store whole or not at all, and a document
never lacks its log entry.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock
from pydantic import ValidationError

from . import safefile
from .document import UNDATED, ProjectDocument, dumps, loads, revision, unit_folder, year_folder
from .errors import DocumentError, StoreError
from .forms import BUILTIN, add_forms_folder, forms_from
from .safefile import STALE_TMP_SECONDS, TMP_SUFFIX, WriteFailed, atomic_write, write_failed

META = ".xlsync"
JOURNAL = "journal.json"
__all__ = ["META", "JOURNAL", "STALE_TMP_SECONDS", "TMP_SUFFIX", "Store", "StoreError", "LogEntry",
           "PutResult", "JournalPending", "sweep_temporary"]
_ID_RE = re.compile(r"^(\d{4}|undated)-([0-9A-Za-z_]{1,32})-([0-9a-f]{12})$")
# characters a JSON string can only spell with a \u escape (no short escape stands for them)
_PLAIN_RE = re.compile(r'[^"\\/\x00-\x1f]*')


def _parse(raw: bytes, source: str) -> ProjectDocument:
    """Bytes → validated document. pydantic parses and validates the JSON in one pass; what
    it refuses goes through document.loads, which accepts exactly what it always did (e.g.
    amounts written as JSON numbers) and names the file, line and key of every error."""
    try:
        return ProjectDocument.model_validate_json(raw)
    except ValidationError:
        return loads(raw, source=source)


def _may_hold_unit(raw: bytes, unit: str) -> bool:
    """False only when this file cannot hold a document of that unit code: the code's bytes
    occur nowhere in it and no escape could spell them."""
    return unit.encode("utf-8") in raw or b"\\u" in raw or not _PLAIN_RE.fullmatch(unit)


@dataclass(frozen=True)
class PutResult:
    id: str
    rev: str
    previous: str | None
    changed: bool
    path: Path


@dataclass(frozen=True)
class LogEntry:
    at: str
    rev: str
    previous: str | None
    action: str
    author: str | None = None  # who wrote it: the server's user, or the OS user; absent in old logs
    cleared: list | None = None  # review items this write cleared ({code, field, source, how}); absent: none
    # the revision of what the source (an imported text) said, when the write merged it with
    # changes made in the store; a re-import merges against it (absent: the same as rev)
    source: str | None = None


def os_user() -> str | None:
    """The login name of whoever runs this process (the author of a command-line write)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        return None


def sweep_temporary(root: Path, older_than: float = STALE_TMP_SECONDS) -> list[Path]:
    """Remove the temporary files a killed writer left under root (see safefile)."""
    return safefile.sweep_temporary(root, older_than)


def _write(path: Path, data: bytes, durable: bool = False) -> None:
    try:
        atomic_write(path, data, durable=durable)
    except WriteFailed as exc:
        raise StoreError(exc.message) from None


@dataclass
class _Staged:
    """One document write of a transaction, as its journal records it."""

    id: str
    data: bytes
    rev: str
    previous: str | None
    action: str
    author: str | None
    at: str
    old: bytes | None = None  # the overwritten document, when its history copy is missing
    source: bytes | None = None  # what the imported text said, when it was merged (LogEntry.source)
    cleared: list | None = None  # review items this write cleared (LogEntry.cleared)

    def as_json(self) -> dict:
        def text(raw):  # any bytes round-trip exactly (the journal itself is ASCII JSON)
            return None if raw is None else raw.decode("utf-8", "surrogateescape")

        return {"id": self.id, "rev": self.rev, "previous": self.previous, "action": self.action,
                "author": self.author, "at": self.at, "doc": text(self.data), "old": text(self.old),
                "source": text(self.source), "cleared": self.cleared}

    @classmethod
    def from_json(cls, d: dict) -> _Staged:
        def raw(key):
            return None if d.get(key) is None else d[key].encode("utf-8", "surrogateescape")

        return cls(d["id"], raw("doc"), d["rev"], d["previous"], d["action"], d["author"],
                   d["at"], raw("old"), raw("source"), d.get("cleared"))

    @property
    def source_rev(self) -> str | None:
        return None if self.source is None else hashlib.sha256(self.source).hexdigest()[:16]

    @property
    def entry(self) -> LogEntry:
        return LogEntry(self.at, self.rev, self.previous, self.action, self.author, self.cleared, self.source_rev)


class Transaction:
    """The writes of one job: staged in memory, then committed together (see Store.transaction)."""

    def __init__(self, label: str):
        self.label = label
        self.staged: list[_Staged] = []
        self.latest: dict[str, _Staged] = {}

    def add(self, item: _Staged) -> None:
        self.staged.append(item)
        self.latest[item.id] = item


class JournalPending(StoreError):
    """A job was committed to the journal but not yet applied in full: the next write to the
    store (or `xlsync check --store S --repair`) completes it."""

    code = "STORE_JOURNAL_PENDING"


class Store:
    """A folder of project documents.

    author: who the history names for this object's writes; by default the OS user.
    """

    def __init__(self, root: str | os.PathLike, author: str | None = None):
        self.root = Path(root)
        self.author = author
        self.meta = self.root / META
        self._lock: FileLock | None = None
        self._swept = False
        self._local = threading.local()  # per thread: lock depth and open transaction

    @property
    def _depth(self) -> int:
        return getattr(self._local, "depth", 0)

    @_depth.setter
    def _depth(self, value: int) -> None:
        self._local.depth = value

    @property
    def _txn(self) -> Transaction | None:
        return getattr(self._local, "txn", None)

    @_txn.setter
    def _txn(self, value: Transaction | None) -> None:
        self._local.txn = value

    @property
    def forms_folder(self) -> Path:
        """Where the store keeps the form files of an office's own layouts."""
        return self.meta / "forms"

    @property
    def journal_path(self) -> Path:
        return self.meta / JOURNAL

    def keep_form(self, form) -> None:
        """Keep a copy of an office's own form file, so that its documents can be written
        back into workbooks from this store."""
        if form.name in BUILTIN or not Path(form.source).is_file():
            return
        target = self.forms_folder / f"{form.name}.toml"
        data = Path(form.source).read_bytes()
        if not target.exists() or target.read_bytes() != data:
            with self.writing():
                _write(target, data, durable=True)

    def using_forms(self):
        """A block in which the forms kept with this store are found by name (this thread or
        task only: opening a store changes nothing for the rest of the process)."""
        return forms_from(self.forms_folder)

    def register_forms(self) -> None:
        """Find this store's forms by name for the rest of the process (a server of one store)."""
        add_forms_folder(self.forms_folder)

    def kept_forms(self) -> list[Path]:
        """The form files kept with this store (see keep_form)."""
        return sorted(self.forms_folder.glob("*.toml")) if self.forms_folder.is_dir() else []

    # -- layout ----------------------------------------------------------------------
    def path_for_id(self, doc_id: str) -> Path:
        m = _ID_RE.match(doc_id)
        if not m:
            raise StoreError(f"不是有效的项目编号 (id): {doc_id!r}")
        return self.root / m.group(1) / m.group(2) / f"{doc_id}.json"

    def history_dir(self, doc_id: str) -> Path:
        self.path_for_id(doc_id)  # validates the id
        return self.meta / "history" / doc_id

    def lock(self) -> FileLock:
        """The store-wide write lock (re-entrant within one Store object)."""
        if self._lock is None:
            try:
                self.meta.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(write_failed(self.meta, exc)) from None
            self._lock = FileLock(str(self.meta / "lock"), timeout=120)
        return self._lock

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The write lock; on first taking it, an unfinished journal is rolled forward and
        temporary files left by killed writers go."""
        lock = self.lock()
        try:
            lock.acquire()
        except OSError as exc:
            raise StoreError(write_failed(Path(lock.lock_file), exc)) from None
        self._depth += 1
        try:
            if self._depth == 1:
                if self.journal_path.exists():
                    try:
                        self.recover()
                    except JournalPending as exc:  # an earlier job's: this one has written nothing
                        raise StoreError(f"存储中有一个之前中断的写入尚未补全，本次未写入任何内容（存储未改动）: {exc.message}") from None
                if not self._swept:  # every store writer holds the lock: any temporary is a dead one's
                    self._swept = True
                    sweep_temporary(self.root, older_than=0)
            yield
        finally:
            self._depth -= 1
            lock.release()

    @contextmanager
    def transaction(self, label: str = "write") -> Iterator[Transaction]:
        """One job's writes, committed together when the block ends without an error (and
        none of them when it raises). Nested blocks join the outermost one. A failed commit
        raises StoreError: nothing of the job is in the store — or, once the journal is
        written, JournalPending: all of it will be."""
        with self.writing():
            if self._txn is not None:
                yield self._txn
                return
            txn = self._txn = Transaction(label)
            try:
                yield txn
            finally:
                self._txn = None
            self._commit(txn)

    def _commit(self, txn: Transaction) -> None:
        if not txn.staged:
            return
        for folder in sorted({p for item in txn.staged
                              for p in (self.path_for_id(item.id).parent, self.history_dir(item.id))}):
            try:  # folders first: a permission refused here leaves no journal behind
                safefile.make_dirs(folder)
            except OSError as exc:
                raise StoreError(f"{folder}: 无法建立文件夹（{safefile.reason(exc)}）；存储未改动"
                                 f"（本次的 {len(txn.latest)} 个项目都未写入）") from None
        record = {"version": 1, "label": txn.label, "entries": [item.as_json() for item in txn.staged]}
        try:
            atomic_write(self.journal_path, json.dumps(record).encode("ascii"), durable=True)
        except WriteFailed as exc:
            try:  # the rename may have happened (a failed folder fsync): then take it back
                safefile.remove(self.journal_path)
            except OSError:
                raise JournalPending(
                    f"{exc.message}；本次写入已记入存储的日志 {self.journal_path}，但未能写入文件：下次写入存储或运行 "
                    f"`xlsync check --store {self.root} --repair` 时会补全") from None
            raise StoreError(f"{exc.message}；存储未改动（本次的 {len(txn.latest)} 个项目都未写入）") from None
        self._finish(txn.staged)

    def _finish(self, staged: list[_Staged]) -> None:
        """Apply a committed journal, flush, and remove it."""
        try:
            for item in staged:
                self._apply(item)
            safefile.sync_folder(self.root, [self.path_for_id(i.id) for i in staged])
            safefile.remove(self.journal_path)
            safefile.fsync_dir(self.meta)
        except (OSError, StoreError) as exc:
            why = exc.message if isinstance(exc, StoreError) else write_failed(Path(exc.filename or self.root), exc)
            ids = sorted({item.id for item in staged})
            raise JournalPending(
                f"{why}；本次写入已记入存储的日志 {self.journal_path}（{len(ids)} 个项目: {', '.join(ids[:5])}"
                f"{' …' if len(ids) > 5 else ''}），但尚未全部写入文件：下次写入存储或运行 "
                f"`xlsync check --store {self.root} --repair` 时会补全") from None

    def _apply(self, item: _Staged) -> None:
        """Make one journal entry true in the files; harmless when it already is."""
        hist = self.history_dir(item.id)
        if item.old is not None and item.previous and not (hist / f"{item.previous}.json").exists():
            _write(hist / f"{item.previous}.json", item.old)
        if not (hist / f"{item.rev}.json").exists():
            _write(hist / f"{item.rev}.json", item.data)
        if item.source is not None and not (hist / f"{item.source_rev}.json").exists():
            _write(hist / f"{item.source_rev}.json", item.source)
        path = self.path_for_id(item.id)
        try:
            same = path.read_bytes() == item.data
        except OSError:
            same = False
        if not same:
            _write(path, item.data)
        self._append_log(item.id, item.entry)

    def read_journal(self) -> tuple[str, list[_Staged]] | None:
        """The unfinished journal (label, entries), or None. StoreError when it is unreadable."""
        try:
            raw = self.journal_path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"{self.journal_path}: 无法读取: {exc.strerror}") from None
        try:
            record = json.loads(raw)
            return record.get("label", ""), [_Staged.from_json(d) for d in record["entries"]]
        except (ValueError, KeyError, TypeError, AttributeError):
            raise StoreError(f"{self.journal_path}: 存储日志 (journal) 已损坏，无法读取") from None

    def recover(self) -> str | None:
        """Roll an unfinished journal forward (call with the lock held). Returns its label."""
        try:
            found = self.read_journal()
        except StoreError:
            # written whole before anything was applied (rename), so a journal that does not
            # parse never was one: nothing of it reached the store; roll back = remove it
            safefile.remove(self.journal_path)
            return "damaged journal removed"
        if found is None:
            return None
        label, staged = found
        self._finish(staged)
        return label

    def settle(self) -> None:
        """Before reading: wait for a writer's unfinished job and roll it forward."""
        if self._depth == 0 and self.journal_path.exists():
            with self.writing():
                pass

    # -- reading ---------------------------------------------------------------------
    def _read_bytes(self, path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as exc:
            error = StoreError(f"{path}: 无法读取: {exc.strerror}")
        error.path = path
        raise error

    def _read_path(self, path: Path, raw: bytes | None = None) -> ProjectDocument:
        """The document in a file; StoreError (with .path) when it cannot be read."""
        if raw is None:
            raw = self._read_bytes(path)
        try:
            return _parse(raw, str(path))
        except DocumentError as exc:
            error = StoreError(exc.message)
        error.path = path
        raise error

    def get(self, doc_id: str) -> ProjectDocument:
        path = self.path_for_id(doc_id)
        if self._txn is not None and doc_id in self._txn.latest:
            return self._read_path(path, self._txn.latest[doc_id].data)
        self.settle()
        if not path.exists():
            raise StoreError(f"存储 {self.root} 中没有项目 {doc_id}")
        return self._read_path(path)

    def exists(self, doc_id: str) -> bool:
        if self._txn is not None and doc_id in self._txn.latest:
            return True
        self.settle()
        return self.path_for_id(doc_id).exists()

    def paths(self) -> list[Path]:
        if not self.root.is_dir():
            raise StoreError(f"存储文件夹不存在: {self.root}")
        self.settle()
        found = [*self.root.glob("[0-9][0-9][0-9][0-9]/*/*.json"), *self.root.glob(f"{UNDATED}/*/*.json")]
        return sorted(found)

    @staticmethod
    def is_store(folder: Path) -> bool:
        """A folder holding a store: xlsync's metadata folder, or <year>/<unit>/<id>.json."""
        folder = Path(folder)
        if (folder / META).is_dir():
            return True
        return any((p.name.isdigit() and len(p.name) == 4 or p.name == UNDATED) and any(p.glob("*/*.json"))
                   for p in folder.iterdir() if p.is_dir())

    def unit_year_files(self) -> list[list[Path]]:
        """The document files of the store, one list per unit-year folder (sorted)."""
        folders: dict[Path, list[Path]] = {}
        for path in self.paths():
            folders.setdefault(path.parent, []).append(path)
        return [files for _folder, files in sorted(folders.items())]

    def unit_year(self, unit_code: str | None, year: int | None) -> list[ProjectDocument]:
        """The documents of one unit and year (StoreError naming a file that cannot be read)."""
        self.settle()
        folder = self.root / year_folder(year) / unit_folder(unit_code)
        docs = [self._read_path(p) for p in sorted(folder.glob("*.json"))]
        # a unit without a code is named by its folder (a list-form sheet naming units only)
        return [d for d in docs if d.year == year and (d.unit_code == unit_code or (
            d.unit_code is None and folder.name == unit_code))]

    def scan(self, unit: str | None = None) -> Iterator[tuple[Path, ProjectDocument | StoreError]]:
        """Every document with its path; a broken file yields its error and stops nothing.
        With a unit code, files outside the unit's folder that cannot hold a document of that
        unit are not parsed."""
        folder = None if unit is None else unit_folder(unit)
        for path in self.paths():
            try:
                raw = self._read_bytes(path)
                if folder is not None and path.parent.name != folder and not _may_hold_unit(raw, unit):
                    continue
                yield path, self._read_path(path, raw)
            except StoreError as exc:
                yield path, exc

    def documents(
        self, ids: Iterable[str] = (), unit: str | None = None, year: int | None = None
    ) -> tuple[list[ProjectDocument], list[StoreError]]:
        wanted = set(ids)
        docs, errors = [], []
        if wanted:
            for doc_id in sorted(wanted):
                try:
                    docs.append(self.get(doc_id))
                except StoreError as exc:
                    errors.append(exc)
            return docs, errors
        for path, item in self.scan(unit):
            if isinstance(item, StoreError):
                if in_scope(path, unit, year):  # a broken file of another unit or year is not needed
                    errors.append(item)
            elif (unit is None or item.unit_code == unit) and (year is None or item.year == year):
                docs.append(item)
        return docs, errors

    # -- writing ---------------------------------------------------------------------
    def put(self, doc: ProjectDocument, action: str = "write", expect: str | None = None,
            source: ProjectDocument | None = None, cleared: list | None = None) -> PutResult:
        """Write one document; keep the overwritten revision in history. Inside a
        transaction it is staged (and visible to this Store's reads); else committed at once.

        expect: the revision the caller based its change on; a different current revision
        raises StoreError (someone else wrote in between).
        source: what an imported text said, when `doc` merged it with the store's changes.
        cleared: the review items this write clears, recorded in the history entry
        (xlsync.review.cleared_record).
        """
        with self.transaction(action):
            return self._stage(doc, action, expect, source, cleared)

    def put_many(self, docs: Iterable[ProjectDocument], action: str = "write") -> list[PutResult]:
        with self.transaction(action):
            return [self._stage(doc, action, None) for doc in docs]

    def _current_bytes(self, doc_id: str, path: Path) -> bytes | None:
        if self._txn is not None and doc_id in self._txn.latest:
            return self._txn.latest[doc_id].data
        if not path.exists():
            return None
        return self._read_bytes(path)

    def _stage(self, doc: ProjectDocument, action: str, expect: str | None,
               source: ProjectDocument | None = None, cleared: list | None = None) -> PutResult:
        path = self.path_for_id(doc.id)
        data = dumps(doc)
        rev = hashlib.sha256(data).hexdigest()[:16]  # revision(doc), without dumping it twice
        previous, old_raw = None, None
        raw = self._current_bytes(doc.id, path)
        if raw is not None:
            try:
                old = self._read_path(path, raw)
            except StoreError as exc:
                raise StoreError(
                    f"{exc.message} — 该文件已损坏，xlsync 不会覆盖它；请修复或移走后重试"
                ) from None
            previous = revision(old)
            if expect is not None and expect != previous:
                raise StoreError(f"项目 {doc.id} 已被他人修改 (当前版本 {previous}, 期望 {expect})")
            if previous == rev:
                return PutResult(doc.id, rev, previous, False, path)
            if not (self.history_dir(doc.id) / f"{previous}.json").exists():
                old_raw = dumps(old)
        src = None if source is None else dumps(source)
        self._txn.add(_Staged(doc.id, data, rev, previous, action, self.author or os_user(), _now(), old_raw,
                              None if src == data else src, cleared or None))
        return PutResult(doc.id, rev, previous, True, path)

    def _append_log(self, doc_id: str, entry: LogEntry) -> None:
        """Rewrite the log with one more line, atomically: never empty, never a torn line;
        nothing when that line is there already (a journal rolled forward twice).
        A torn last line (an older writer killed mid-append) is dropped; a write whose log line
        was lost (by a version of xlsync before the journal) is recorded as recovered."""
        log = self.history_dir(doc_id) / "log.jsonl"
        try:
            raw = log.read_bytes()
        except FileNotFoundError:
            raw = b""
        except OSError as exc:
            raise StoreError(f"{log}: 无法读取: {exc.strerror}") from None
        line = _log_line(entry)
        lines = raw.splitlines(keepends=True)
        if line in lines:
            return
        if lines and not lines[-1].endswith(b"\n"):
            lines.pop()
        last = None
        for old in reversed(lines):
            try:
                last = json.loads(old)["rev"]
                break
            except (ValueError, KeyError, TypeError):
                continue
        out = [bytes(old) for old in lines if old.strip()]
        if entry.previous is not None and last != entry.previous:
            lost = LogEntry(entry.at, entry.previous, last, "write (log entry recovered)", entry.author)
            out.append(_log_line(lost))
        out.append(line)
        _write(log, b"".join(out))

    # -- history ---------------------------------------------------------------------
    def log(self, doc_id: str) -> list[LogEntry]:
        log = self.history_dir(doc_id) / "log.jsonl"
        self.settle()
        staged = [s.entry for s in self._txn.staged if s.id == doc_id] if self._txn is not None else []
        if not log.exists():
            if self.exists(doc_id):
                return staged
            raise StoreError(f"存储 {self.root} 中没有项目 {doc_id} 的历史")
        entries = []
        for n, line in enumerate(log.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entries.append(LogEntry(**json.loads(line)))
            except (ValueError, TypeError):
                raise StoreError(f"{log}:{n}: 历史记录行损坏") from None
        return entries + staged

    def history(self, doc_id: str) -> list[LogEntry]:
        """The revisions of a project, oldest first (as `xlsync log` lists them): the same as `log`."""
        return self.log(doc_id)

    def revision_of(self, doc_id: str, rev_prefix: str) -> ProjectDocument:
        folder = self.history_dir(doc_id)
        if not re.fullmatch(r"[0-9a-f]{4,16}", rev_prefix):
            raise StoreError(f"不是有效的版本号: {rev_prefix!r}")
        if self._txn is not None:
            for item in self._txn.staged:
                if item.id == doc_id and item.rev.startswith(rev_prefix):
                    return self._read_path(folder / f"{item.rev}.json", item.data)
                if item.id == doc_id and item.source is not None and item.source_rev.startswith(rev_prefix):
                    return self._read_path(folder / f"{item.source_rev}.json", item.source)
        self.settle()
        matches = sorted(folder.glob(f"{rev_prefix}*.json"))
        if not matches:
            raise StoreError(f"项目 {doc_id} 没有版本 {rev_prefix}")
        if len(matches) > 1:
            raise StoreError(f"版本号 {rev_prefix} 不唯一，请写得更长")
        return self._read_path(matches[0])

    def restore(self, doc_id: str, rev_prefix: str) -> PutResult:
        """Make an earlier revision current again; the current one stays in history."""
        with self.transaction("restore"):
            old = self.revision_of(doc_id, rev_prefix)
            return self._stage(old, f"restore {revision(old)}", None)


def in_scope(path: Path, unit: str | None, year: int | None) -> bool:
    """Whether a store file lies in the folder of this unit and year (None: any)."""
    return ((year is None or path.parent.parent.name == year_folder(year))
            and (unit is None or path.parent.name == unit_folder(unit)))


def _log_line(entry: LogEntry) -> bytes:
    record = {k: v for k, v in entry.__dict__.items() if not (k in ("author", "source", "cleared") and v is None)}
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
