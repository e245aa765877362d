"""What reading published text gives: a table with its document and notes (what the reader
corrected, guessed or could not place), and the options a caller passes."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..document import ProjectDocument
from ..errors import Location

# What the reader guessed or could not read: each such note is also a review item on the
# document (`ProjectDocument.review`), which makes the table 待核对 (needs review) until a
# person has looked. The other notes say what the reader did plainly.
REVIEW_CODES = frozenset({
    "MONEY_UNIT_UNKNOWN",  # an amount with no unit stated anywhere: left empty, a reading proposed
    "MONEY_UNIT_FROM_PAGE",  # the unit taken from the page above the table or a column header
    "AMOUNT_UNREADABLE",  # an amount that is not exact money: left empty, its text kept
    "AMOUNT_SUMMED",  # an amount the table leaves blank, taken as the sum of its printed parts
    "DATE_UNREADABLE",
    "WEIGHT_UNREADABLE",
    "LABEL_LOOSE",  # a label matched by its head word, not by the form's vocabulary
    "LABEL_CORRECTED",  # a label read through an OCR slip
    "CATEGORY_GUESSED",  # a misspelt 一级 corrected without its 二级 to confirm it
    "CATEGORY_INHERITED",  # a 一级 taken from the framework, the table names none above the row
    "RUN_TOGETHER",  # text without cell borders, cut by labels and categories
    "SPLIT_GUESSED",
    "ROW_UNPLACED",  # an indicator row whose cells did not align with the columns
    "LINE_UNPLACED",  # a line inside the table the reader could not place
    "FIELD_REPEATED",
    "YEAR_GUESSED",
    "NO_LEVEL3",  # the 指标名称 column read as 二级 (the table has no 三级 names)
    "TARGETS_MISCOUNTED",  # indicator rows and target cells do not pair one to one
})


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
