"""The users of `xlsync serve`: who may push and pull the projects of which units.

A users file (JSON) holds, per user, the units and a salted scrypt hash of the user's token,
never the token itself: a token is shown once, when it is made. A token reads
``xls_<key id>_<secret>``; the key id finds the user's entry, the secret is hashed with that
entry's salt and compared in constant time. The file also holds the office's add-in manifest
id, made once with the file, so that every Excel of the office knows the add-in as one.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import json
import os
import re
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

from .errors import XlsyncError
from .safefile import atomic_write

VERSION = 1
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
_NAME = re.compile(r"[\w.@-]{1,64}")
_UNIT = re.compile(r"[0-9A-Za-z_]{1,32}")
_TOKEN = re.compile(r"xls_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")


class UsersError(XlsyncError):
    """The users file cannot be read or changed as asked."""

    code = "USERS_ERROR"


@dataclass(frozen=True)
class User:
    name: str
    units: tuple[str, ...]
    created: str


def _hash(secret: str, salt: bytes, entry: dict | None = None) -> bytes:
    """scrypt with the parameters the entry was made with (today's for a new one)."""
    params = {k: int((entry or {}).get(k, v)) for k, v in SCRYPT.items()}
    return hashlib.scrypt(secret.encode("ascii"), salt=salt, maxmem=64 * 1024 * 1024, **params)


def _new_credentials() -> tuple[str, dict]:
    """(token to show once, what the file keeps of it)."""
    key_id, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_bytes(16)
    return f"xls_{key_id}_{secret}", {"key_id": key_id, "salt": salt.hex(), "hash": _hash(secret, salt).hex(),
                                       "kdf": "scrypt", **SCRYPT}


def check_unit(code: str) -> str:
    if not _UNIT.fullmatch(code or ""):
        raise UsersError(f"单位编码只能由字母、数字和下划线组成（1-32 位）: {code!r}")
    return code


class UsersFile:
    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    # -- reading -----------------------------------------------------------------------
    def _read(self) -> dict:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {"version": VERSION, "manifest_id": str(uuid.uuid4()), "users": {}}
        except OSError as exc:
            raise UsersError(f"{self.path}: 无法读取用户文件: {exc.strerror}") from None
        try:
            data = json.loads(raw)
            if data.get("version") != VERSION or not isinstance(data.get("users"), dict):
                raise ValueError("version/users")
            return data
        except (ValueError, AttributeError) as exc:
            raise UsersError(f"{self.path}: 不是 xlsync 用户文件 ({exc})") from None

    def users(self) -> list[User]:
        return [User(name, tuple(e["units"]), e["created"]) for name, e in sorted(self._read()["users"].items())]

    def manifest_id(self) -> str | None:
        return self._read().get("manifest_id") if self.path.exists() else None

    def authenticate(self, token: str) -> User | None:
        """The user whose token this is, or None. Same work for a wrong key id as a right one."""
        m = _TOKEN.fullmatch(token or "")
        data = self._read() if m else {"users": {}}
        entry = next(((n, e) for n, e in data["users"].items() if m and e["key_id"] == m.group(1)), None)
        salt = bytes.fromhex(entry[1]["salt"]) if entry else b"\0" * 16
        expected = bytes.fromhex(entry[1]["hash"]) if entry else b"\1" * SCRYPT["dklen"]
        ok = hmac.compare_digest(_hash(m.group(2) if m else "x", salt, entry and entry[1]), expected)
        if not (ok and entry):
            return None
        name, e = entry
        return User(name, tuple(e["units"]), e["created"])

    # -- changing ----------------------------------------------------------------------
    def _change(self, edit) -> str | None:
        from filelock import FileLock


        self.path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.path) + ".lock", timeout=30):
            data = self._read()
            result = edit(data["users"])
            text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
            atomic_write(self.path, text.encode("utf-8"), mode=0o600)
        return result

    def add(self, name: str, units: list[str]) -> str:
        """A new user; returns the token (shown once)."""
        if not _NAME.fullmatch(name or ""):
            raise UsersError(f"用户名只能由文字、数字和 . _ @ - 组成（1-64 个字符）: {name!r}")
        if not units:
            raise UsersError("请用 --unit 指定该用户可以推送、拉取的单位编码")
        units = sorted({check_unit(u) for u in units})

        def edit(users):
            if name in users:
                raise UsersError(f"用户 {name} 已存在（换新令牌请用 xlsync user token {name}）")
            token, cred = _new_credentials()
            users[name] = {"units": units, "created": _now(), **cred}
            return token

        return self._change(edit)

    def remove(self, name: str) -> None:
        def edit(users):
            if users.pop(name, None) is None:
                raise UsersError(f"没有用户 {name}")

        self._change(edit)

    def new_token(self, name: str) -> str:
        """A new token for a user; the old one stops working."""
        def edit(users):
            if name not in users:
                raise UsersError(f"没有用户 {name}")
            token, cred = _new_credentials()
            users[name].update(cred)
            return token

        return self._change(edit)


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
