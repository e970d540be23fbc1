"""CallbackGuard: exceptions are counted and logged at most once per period; results pass through."""

from __future__ import annotations

import pytest

from follow_me_seg.nodes.callback_guard import CallbackGuard


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_results_pass_through_and_exceptions_become_throttled_log_lines():
    logged, clock = [], FakeClock()
    guard = CallbackGuard(logged.append, period_s=5.0, clock=clock)

    def on_image(value):
        if value < 0:
            raise ValueError(f"bad value {value}")
        return value * 2

    guarded = guard(on_image)
    assert guarded(21) == 42 and guard.errors == 0
    for _ in range(3):
        assert guarded(-1) is None
    assert guard.errors == 3
    assert len(logged) == 1
    assert logged[0].startswith("on_image failed at test_callback_guard.py:")
    assert "1 unexpected errors so far" in logged[0] and logged[0].endswith("ValueError: bad value -1")
    clock.now += 5.0
    guarded(-2)
    assert len(logged) == 2 and "4 unexpected errors so far, 2 more since the last report" in logged[1]


def test_the_guard_does_not_swallow_interrupts():
    guard = CallbackGuard(lambda message: None)

    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        guard(interrupted)()
