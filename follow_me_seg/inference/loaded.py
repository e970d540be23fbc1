"""The benchmark's loaded mode: another process keeps CPU cores busy, as an autopilot bridge would."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from typing import Iterator

SPIN = "while True: pass"


@contextlib.contextmanager
def competing_load(processes: int = 1) -> Iterator[list[int]]:
    """Run ``processes`` busy-looping Python processes (one core each) for the duration; yields their pids."""
    busy = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(processes)]
    try:
        yield [p.pid for p in busy]
    finally:
        for p in busy:
            p.kill()
            p.wait()
