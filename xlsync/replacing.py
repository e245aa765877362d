"""Kept for imports written before xlsync.safefile: every file writer lives there."""

from .safefile import replacing

__all__ = ["replacing"]
