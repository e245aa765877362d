"""What reading a workbook gives: its project sheets (each a document with where its values
came from) and what the workbook as a whole says."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..document import ProjectDocument
from ..errors import Location, WorkbookError

if TYPE_CHECKING:
    from .reader import Shape


@dataclass
class SheetProject:
    sheet: str
    document: ProjectDocument | None
    provenance: dict[str, Location] = field(default_factory=dict)
    base_rev: str | None = None
    base: ProjectDocument | None = None
    errors: list[WorkbookError] = field(default_factory=list)
    unshown: frozenset[str] = frozenset()  # document keys the sheet has no cells for
    shape: Shape | None = None  # where the sheet keeps each key (for writing into it)
    # a project sheet of a workbook with metadata that names no id for it: a new project
    # (新增项目, a template's blank sheet: listed without an id) or a copied sheet (not listed)
    fresh: bool = False
    listed: bool = False  # the metadata lists the sheet (with or without an id)


@dataclass
class WorkbookContent:
    path: Path
    projects: list[SheetProject]
    has_meta: bool
    store_setting: str | None = None
    notes: list[str] = field(default_factory=list)
    review_sheet: bool = False  # the workbook has a 核对 sheet
    ticked: dict[str, set[str]] = field(default_factory=dict)  # project id → items ticked 已核对
    # what the workbook as a whole says it is for: (key, value, where) from the hidden
    # metadata (unit_code, year) and the 目录 (单位编码, 预算年度); see exchange.check_identity
    claims: list[tuple[str, object, Location]] = field(default_factory=list)
    # (sheet, id) of projects the metadata lists whose sheet is gone (deleted: never a withdrawal)
    missing: list[tuple[str, str]] = field(default_factory=list)
    # project id → what its 目录 row's 状态 cell says (撤回 withdraws a project on push)
    index_status: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[WorkbookError]:
        return [e for p in self.projects for e in p.errors]
