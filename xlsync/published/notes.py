"""What reading published text gives: a table with its document and notes (what the reader
corrected, guessed or could not place), and the options a caller passes."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..codes import REVIEW_CODES as _REVIEW_CODES
from ..document import ProjectDocument
from ..errors import Location

# What the reader guessed or could not read: each such note is also a review item on the
# document (`ProjectDocument.review`), which makes the table 待核对 (needs review) until a
# person has looked. The other notes say what the reader did plainly. The codes of the
# review kind are registered in xlsync.codes (with their titles and descriptions).
REVIEW_CODES = _REVIEW_CODES


@dataclass(frozen=True)
class Note:
    """What the reader corrected, guessed or could not place.

    `field` is the document key or path the note is about (for review items), `source` the
    text as the table writes it, `proposed` a reading offered where the value was left empty."""

    level: str  # info | warning | error
    code: str
    message: str
    file: str
    line: int | None
    field: str | None = None
    source: str | None = None
    proposed: str | None = None

    @property
    def review(self) -> bool:
        return self.code in REVIEW_CODES

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None or k in ("line",)}

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: [{self.level}] {self.code}: {self.message}"


@dataclass
class ImportedTable:
    """One table: its document (None when it could not be read completely), notes, lines."""

    file: str
    first_line: int
    document: ProjectDocument | None
    notes: list[Note] = field(default_factory=list)
    provenance: dict[str, Location] = field(default_factory=dict)
    last_line: int | None = None
    form: str | None = None  # the form file it was read with
    truncated: bool = False  # the text stops inside the table
    explain: list[tuple[int, str, str]] = field(default_factory=list)  # (line, what it was read as, text)

    @property
    def ok(self) -> bool:
        return self.document is not None and not any(n.level == "error" for n in self.notes)


@dataclass(frozen=True)
class ReadOptions:
    """What the caller knows that a table may not say, and which forms to consider."""

    forms: tuple[str, ...] = ()  # extra form files (paths) to consider before the shipped ones
    form: str | None = None  # read every table with this form
    unit_code: str | None = None
    unit_name: str | None = None
    year: int | None = None
