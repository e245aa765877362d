"""A fault plan for xlsync's file writes, the way SQLite's test VFS is one for SQLite.

Every write, fsync, rename, mkdir and unlink xlsync makes passes `xlsync.safefile.fault`;
a plan installed there counts them and makes the N-th one fail with ENOSPC or EIO, or
"kills" the process: that operation and every later one raises SimulatedKill (a
BaseException no handler of ours catches), so no cleanup runs, as after kill -9.
"""

from __future__ import annotations

import errno
import os
from contextlib import contextmanager
from pathlib import Path

from xlsync import safefile

KILL = "kill"
FAULTS = (errno.ENOSPC, errno.EIO, KILL)


class SimulatedKill(BaseException):
    pass


class Plan:
    def __init__(self, at: int | None = None, fault=None):
        self.at, self.fault = at, fault
        self.count = 0
        self.fired = False
        self.dead = False
        self.ops: list[tuple[str, Path]] = []

    def __call__(self, kind: str, path: Path) -> None:
        if self.dead:
            raise SimulatedKill(f"after the kill: {kind} {path}")
        self.count += 1
        self.ops.append((kind, path))
        if self.count != self.at:
            return
        self.fired = True
        if self.fault == KILL:
            self.dead = True
            raise SimulatedKill(f"{kind} {path}")
        raise OSError(self.fault, os.strerror(self.fault), str(path))


@contextmanager
def planned(plan: Plan):
    safefile.set_fault_hook(plan)
    try:
        yield plan
    finally:
        safefile.set_fault_hook(None)


class Tally:
    """What a harness run did: faults injected and checks made (printed by the test run)."""

    faults = 0
    checks = 0
    by_job: dict[str, tuple[int, int]] = {}

    @classmethod
    def record(cls, job: str, faults: int, checks: int) -> None:
        cls.faults += faults
        cls.checks += checks
        f, c = cls.by_job.get(job, (0, 0))
        cls.by_job[job] = (f + faults, c + checks)
