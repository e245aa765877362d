"""Pull without rewriting the workbook: only the changed cells (placeholder)."""

from __future__ import annotations


def try_patch(path, projects, profile) -> bool:
    return False
