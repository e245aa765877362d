"""A published file that cannot be read: a Chinese message naming the file and a stable
English code per kind of trouble (encrypted, damaged, scanned, empty, xlsync's own workbook)."""

from __future__ import annotations

from ...errors import ImportTextError, Location

ENCRYPTED = "FILE_ENCRYPTED"
DAMAGED = "FILE_DAMAGED"
SCANNED = "FILE_SCANNED"
EMPTY = "FILE_EMPTY"
OWN_WORKBOOK = "FILE_XLSYNC_WORKBOOK"
NOT_SUPPORTED = "FILE_NOT_SUPPORTED"
TOO_LARGE = "FILE_TOO_LARGE"


class FileUnreadable(ImportTextError):
    """ImportTextError (exit 2 for this file) with the code of what is wrong with it."""

    def __init__(self, code: str, message: str, file: str, **where):
        super().__init__(message, Location(str(file), **where))
        self.code = code
