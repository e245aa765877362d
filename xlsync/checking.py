"""Validation jobs: a store, or workbooks (with optional write-back of the findings)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Location, XlsyncError
from .findings import Finding
from .store import Store
from .validate import validate_documents
from .validators.profiles import profile_for
from .workbook.marks import write_findings
from .workbook.reader import read_workbooks, readable_projects


@dataclass
class Checked:
    """What a validation job did. Unpacks as (findings, problems)."""

    findings: list[Finding] = field(default_factory=list)
    problems: list[XlsyncError] = field(default_factory=list)
    projects: int = 0  # how many projects were checked
    written: list[tuple[Path, int, int]] = field(default_factory=list)  # (book, rows, cells marked)
    rules: dict[str, int] = field(default_factory=dict)  # rule profile title → projects checked with it

    def count_rules(self, docs, profile) -> None:
        for d in docs:
            p = profile or profile_for(d)
            self.rules[f"{p.name}（{p.title}）"] = self.rules.get(f"{p.name}（{p.title}）", 0) + 1

    def __iter__(self):
        return iter((self.findings, self.problems))


def validate_store(store_dir, profile) -> Checked:
    store = Store(store_dir)
    docs, errors = store.documents()
    sources = {d.id: Location(str(store.path_for_id(d.id))) for d in docs}
    done = Checked(validate_documents(docs, profile, sources=sources), list(errors), len(docs))
    done.count_rules(docs, profile)
    return done


def validate_workbooks(paths: Iterable[Path], profile, write_back: bool = False) -> Checked:
    """Book by book (`paths` may be a progress bar's iterator)."""
    done = Checked()
    for path in paths:
        contents, problems = read_workbooks([path])
        done.problems.extend(problems)
        for book in contents:
            readable = readable_projects(book)
            found = validate_documents(
                [p.document for p in readable], profile,
                provenance={p.document.id: p.provenance for p in readable},
                sources={p.document.id: Location(str(book.path), sheet=p.sheet) for p in readable},
            )
            done.findings.extend(found)
            done.projects += len(readable)
            done.count_rules([p.document for p in readable], profile)
            if write_back:
                write_findings(book.path, found)
                cells = {(f.location.sheet, f.location.cell) for f in found
                         if f.location and f.location.sheet and f.location.cell}
                done.written.append((Path(book.path), len(found), len(cells)))
    return done
