"""The canonical JSON store: <store>/<year>/<unit>/<id>.json, atomic writes, lock, history.

Tables that name no year live under <store>/undated/.

Every overwritten revision is kept under <store>/.xlsync/history/<id>/<rev>.json and every
write is logged in <store>/.xlsync/history/<id>/log.jsonl, so any change can be listed and
undone. Writes go to a temporary file in the target folder, are fsynced and renamed over the
old file under a store-wide lock: a crash mid-write leaves the old file, two writers lose
nothing.
"""

from __future__ import annotations

import datetime as _dt
import errno
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock
from pydantic import ValidationError

from .document import UNDATED, ProjectDocument, dumps, loads, revision, unit_folder, year_folder
from .errors import DocumentError, StoreError

META = ".xlsync"
TMP_SUFFIX = ".tmp"
STALE_TMP_SECONDS = 300  # a temporary file this old belongs to a writer that died
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


def os_user() -> str | None:
    """The login name of whoever runs this process (the author of a command-line write)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        return None


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":  # pragma: no cover - directories cannot be fsynced on Windows
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def default_mode() -> int:
    """What a plain open() would give a new file (mkstemp's 0600 is too private to share)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_failed(path: Path, exc: OSError) -> str:
    """A user message for a failed write, naming the path and the reason."""
    reason = {
        errno.ENOSPC: "磁盘已满", errno.EDQUOT: "超出磁盘配额", errno.EROFS: "文件系统只读",
        errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限",
    }.get(exc.errno, exc.strerror or str(exc))
    return f"{path}: 写入失败（{reason}），原文件未改动"


def atomic_write(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write bytes to path so that readers see the old or the new file, never a torn one.
    mode: the new file's permissions (default: what a plain open() would give).
    A failed write (disk full, read-only) raises StoreError naming the path; the old file
    stays whole and no temporary file is left."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
        os.chmod(tmp, default_mode() if mode is None else mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
        _fsync_dir(path.parent)
    except OSError as exc:
        raise StoreError(write_failed(path, exc)) from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def sweep_temporary(root: Path, older_than: float = STALE_TMP_SECONDS) -> list[Path]:
    """Remove the temporary files a killed writer left under root (only those older than
    `older_than` seconds: a live writer's file is younger). Call with the store lock held."""
    removed = []
    cutoff = time.time() - older_than
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if name.startswith(".") and name.endswith(TMP_SUFFIX):
                p = Path(folder) / name
                try:
                    if p.stat().st_mtime < cutoff:
                        p.unlink()
                        removed.append(p)
                except OSError:
                    continue
    return removed


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
        from .forms import add_forms_folder

        add_forms_folder(self.forms_folder)  # an office's own forms travel with its store

    @property
    def forms_folder(self) -> Path:
        """Where the store keeps the form files of an office's own layouts."""
        return self.meta / "forms"

    def keep_form(self, form) -> None:
        """Keep a copy of an office's own form file, so that its documents can be written
        back into workbooks from this store."""
        from .forms import BUILTIN

        if form.name in BUILTIN or not Path(form.source).is_file():
            return
        target = self.forms_folder / f"{form.name}.toml"
        data = Path(form.source).read_bytes()
        if not target.exists() or target.read_bytes() != data:
            atomic_write(target, data)

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
        """The write lock; on first taking it, temporary files left by killed writers go."""
        lock = self.lock()
        try:
            lock.acquire()
        except OSError as exc:
            raise StoreError(write_failed(Path(lock.lock_file), exc)) from None
        try:
            if not self._swept:
                self._swept = True
                sweep_temporary(self.root)
            yield
        finally:
            lock.release()

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
        if not path.exists():
            raise StoreError(f"存储 {self.root} 中没有项目 {doc_id}")
        return self._read_path(path)

    def exists(self, doc_id: str) -> bool:
        return self.path_for_id(doc_id).exists()

    def paths(self) -> list[Path]:
        if not self.root.is_dir():
            raise StoreError(f"存储文件夹不存在: {self.root}")
        found = [*self.root.glob("[0-9][0-9][0-9][0-9]/*/*.json"), *self.root.glob(f"{UNDATED}/*/*.json")]
        return sorted(found)

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
            cleared: list | None = None) -> PutResult:
        """Write one document; keep the overwritten revision in history.

        expect: the revision the caller based its change on; a different current revision
        raises StoreError (someone else wrote in between). cleared: the review items this
        write clears, recorded in the history entry (xlsync.review.cleared_record).
        """
        with self.writing():
            return self._put_locked(doc, action, expect, cleared)

    def put_many(self, docs: Iterable[ProjectDocument], action: str = "write") -> list[PutResult]:
        with self.writing():
            return [self._put_locked(doc, action, None) for doc in docs]

    def _put_locked(self, doc: ProjectDocument, action: str, expect: str | None,
                    cleared: list | None = None) -> PutResult:
        path = self.path_for_id(doc.id)
        data = dumps(doc)
        rev = hashlib.sha256(data).hexdigest()[:16]  # revision(doc), without dumping it twice
        previous = None
        if path.exists():
            try:
                old = self._read_path(path)
            except StoreError as exc:
                raise StoreError(
                    f"{exc.message} — 该文件已损坏，xlsync 不会覆盖它；请修复或移走后重试"
                ) from None
            previous = revision(old)
            if expect is not None and expect != previous:
                raise StoreError(f"项目 {doc.id} 已被他人修改 (当前版本 {previous}, 期望 {expect})")
            if previous == rev:
                return PutResult(doc.id, rev, previous, False, path)
            hist = self.history_dir(doc.id) / f"{previous}.json"
            if not hist.exists():
                atomic_write(hist, dumps(old))
        atomic_write(self.history_dir(doc.id) / f"{rev}.json", data)
        atomic_write(path, data)
        try:
            self._append_log(doc.id, LogEntry(_now(), rev, previous, action, self.author or os_user(),
                                                  cleared or None))
        except StoreError as exc:
            raise StoreError(
                f"项目 {doc.id} 已写入 {path}，但历史记录未能更新: {exc.message}；下次写入时会补记") from None
        return PutResult(doc.id, rev, previous, True, path)

    def _append_log(self, doc_id: str, entry: LogEntry) -> None:
        """Rewrite the log with one more line, atomically: never empty, never a torn line.
        A torn last line (an older writer killed mid-append) is dropped; a write whose log line
        was lost (disk full after the document was written) is recorded as recovered."""
        log = self.history_dir(doc_id) / "log.jsonl"
        try:
            raw = log.read_bytes()
        except FileNotFoundError:
            raw = b""
        except OSError as exc:
            raise StoreError(f"{log}: 无法读取: {exc.strerror}") from None
        lines = raw.splitlines(keepends=True)
        if lines and not lines[-1].endswith(b"\n"):
            lines.pop()
        last = None
        for line in reversed(lines):
            try:
                last = json.loads(line)["rev"]
                break
            except (ValueError, KeyError, TypeError):
                continue
        out = [bytes(line) for line in lines if line.strip()]
        if entry.previous is not None and last != entry.previous:
            lost = LogEntry(entry.at, entry.previous, last, "write (log entry recovered)", entry.author)
            out.append(_log_line(lost))
        out.append(_log_line(entry))
        atomic_write(log, b"".join(out))

    # -- history ---------------------------------------------------------------------
    def log(self, doc_id: str) -> list[LogEntry]:
        log = self.history_dir(doc_id) / "log.jsonl"
        if not log.exists():
            if self.exists(doc_id):
                return []
            raise StoreError(f"存储 {self.root} 中没有项目 {doc_id} 的历史")
        entries = []
        for n, line in enumerate(log.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entries.append(LogEntry(**json.loads(line)))
            except (ValueError, TypeError):
                raise StoreError(f"{log}:{n}: 历史记录行损坏") from None
        return entries

    def revision_of(self, doc_id: str, rev_prefix: str) -> ProjectDocument:
        folder = self.history_dir(doc_id)
        if not re.fullmatch(r"[0-9a-f]{4,16}", rev_prefix):
            raise StoreError(f"不是有效的版本号: {rev_prefix!r}")
        matches = sorted(folder.glob(f"{rev_prefix}*.json"))
        if not matches:
            raise StoreError(f"项目 {doc_id} 没有版本 {rev_prefix}")
        if len(matches) > 1:
            raise StoreError(f"版本号 {rev_prefix} 不唯一，请写得更长")
        return self._read_path(matches[0])

    def restore(self, doc_id: str, rev_prefix: str) -> PutResult:
        """Make an earlier revision current again; the current one stays in history."""
        with self.writing():
            old = self.revision_of(doc_id, rev_prefix)
            return self._put_locked(old, f"restore {revision(old)}", None)


def in_scope(path: Path, unit: str | None, year: int | None) -> bool:
    """Whether a store file lies in the folder of this unit and year (None: any)."""
    return ((year is None or path.parent.parent.name == year_folder(year))
            and (unit is None or path.parent.name == unit_folder(unit)))


def _log_line(entry: LogEntry) -> bytes:
    record = {k: v for k, v in entry.__dict__.items() if not (k in ("author", "cleared") and v is None)}
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
