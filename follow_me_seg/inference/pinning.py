"""Pin an engine's CPU threads one per core (Linux): the workers a runtime starts, and the caller per frame."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

TASKS = Path("/proc/self/task")


def can_pin() -> bool:
    """True where thread affinity can be set (Linux)."""
    return hasattr(os, "sched_setaffinity") and TASKS.is_dir()


def thread_ids() -> set[int]:
    """The ids of this process's threads."""
    return {int(name) for name in os.listdir(TASKS)}


def pin_new_threads(before: set[int], cores: list[int]) -> None:
    """Pin each thread started since ``before`` was taken to its own core of ``cores``, in turn."""
    for i, tid in enumerate(sorted(thread_ids() - before)):
        with contextlib.suppress(OSError):  # a thread that has already ended
            os.sched_setaffinity(tid, {cores[i % len(cores)]})


@contextlib.contextmanager
def pinned_caller(core: int) -> Iterator[None]:
    """Run the calling thread on ``core`` only, then give it back the cores it had."""
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {core})
    try:
        yield
    finally:
        os.sched_setaffinity(0, allowed)
