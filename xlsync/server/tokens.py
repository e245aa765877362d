"""Bearer tokens → users of the users file, for xlwings Server's auth hook
(project/auth/xlsync.py). A token once checked is remembered (by its SHA-256) until the users
file changes, so scrypt runs once per token, not once per request; a removed user or a
replaced token stops working with the next request."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from ..users import User, UsersFile

_lock = threading.Lock()
_known: dict = {"stamp": None, "users": {}}


def user_for_header(header: str | None, users_path: str | None) -> User | None:
    scheme, _, token = (header or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or not users_path:
        return None
    path = Path(users_path)
    try:
        st = path.stat()
    except OSError:
        return None
    stamp = (str(path), st.st_ino, st.st_mtime_ns, st.st_size)
    key = hashlib.sha256(token.encode("utf-8", "replace")).digest()
    with _lock:
        if _known["stamp"] != stamp:
            _known.update(stamp=stamp, users={})
        if key in _known["users"]:
            return _known["users"][key]
    user = UsersFile(path).authenticate(token)
    with _lock:
        if user is not None and _known["stamp"] == stamp:
            _known["users"][key] = user
    return user
