"""Runs the benchmark's commands and measures them, from a process that stays small.

A child's peak RSS (ru_maxrss from wait4) starts at the RSS of the process it was forked
from: Linux carries the parent's high-water mark over fork and exec. bench/run.py grows
(it generates data), so it hands every measured command to this launcher, started first
and kept small. One JSON request a line on stdin ({"cmd", "cwd", "log"}), one JSON answer a
line on stdout ({"rc", "wall", "rss", "cpu"}).
"""

import json
import os
import subprocess
import sys
import time


def main() -> None:
    for line in sys.stdin:
        req = json.loads(line)
        with open(req["log"], "wb") as out:
            t = time.perf_counter()
            p = subprocess.Popen(req["cmd"], stdout=out, stderr=subprocess.STDOUT, cwd=req["cwd"])
            _pid, status, usage = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t
        p.returncode = os.waitstatus_to_exitcode(status)
        rss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
        sys.stdout.write(json.dumps({"rc": p.returncode, "wall": wall, "rss": rss,
                                     "cpu": usage.ru_utime + usage.ru_stime}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
