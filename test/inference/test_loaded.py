"""The bench's loaded mode and the engine's thread pinning (Linux)."""

from __future__ import annotations

import os
import threading
import time

import pytest

from follow_me_seg.inference.loaded import competing_load
from follow_me_seg.inference.pinning import can_pin, pin_new_threads, pinned_caller, thread_ids

needs_pinning = pytest.mark.skipif(not can_pin(), reason="no thread affinity on this platform")


def cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@needs_pinning
def test_competing_load_keeps_a_core_busy_then_stops():
    with competing_load(1) as pids:
        deadline = time.monotonic() + 20
        while cpu_seconds(pids[0]) < 0.5 and time.monotonic() < deadline:  # slow where the machine is shared
            time.sleep(0.1)
        assert cpu_seconds(pids[0]) >= 0.5
    assert not os.path.exists(f"/proc/{pids[0]}") or open(f"/proc/{pids[0]}/stat").read().split()[2] == "Z"


@needs_pinning
def test_pinned_caller_gives_the_cores_back():
    allowed = os.sched_getaffinity(0)
    core = min(allowed)
    with pinned_caller(core):
        assert os.sched_getaffinity(0) == {core}
    assert os.sched_getaffinity(0) == allowed


@needs_pinning
def test_new_threads_are_pinned_one_per_core():
    before, stop, seen = thread_ids(), threading.Event(), []
    workers = [threading.Thread(target=lambda: (seen.append(threading.get_native_id()), stop.wait())) for _ in range(2)]
    for w in workers:
        w.start()
    while len(seen) < 2:
        time.sleep(0.01)
    cores = sorted(os.sched_getaffinity(0))
    pin_new_threads(before, cores)
    assert [os.sched_getaffinity(tid) for tid in sorted(seen)] == [{cores[i % len(cores)]} for i in range(2)]
    stop.set()
    for w in workers:
        w.join()
