"""One exception family: a user message, a location, an exit code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a value came from: a file, and a line or a sheet and cell in it."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts[0] += f":{self.line}" + (f":{self.column}" if self.column else "")
        if self.sheet is not None:
            parts.append(f"[{self.sheet}!{self.cell}]" if self.cell else f"[{self.sheet}]")
        return " ".join(parts)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


class XlsyncError(Exception):
    """An error a user can act on. exit_code 2: the command could not run."""

    exit_code = 2
    code = "XLSYNC_ERROR"  # stable English code printed next to the Chinese message

    def __init__(self, message: str, location: Location | None = None):
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class DocumentError(XlsyncError):
    """A project document does not follow the canonical contract."""

    code = "DOCUMENT_INVALID"


class StoreError(XlsyncError):
    """The store cannot be read or written as asked."""

    code = "STORE_ERROR"


class ImportTextError(XlsyncError):
    """A published-table text file cannot be read."""

    code = "TEXT_UNREADABLE"


class WorkbookError(XlsyncError):
    """A workbook cannot be read or written as asked."""

    code = "WORKBOOK_ERROR"


class AccessDenied(XlsyncError):
    """The user may not read or write these projects (another unit's)."""

    code = "ACCESS_DENIED"
