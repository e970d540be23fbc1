"""Header stamps checked against the receiver's clock on both sides (ROS-free).

A stamp further in the future than ``future_tolerance_s`` is invalid: the message is not used and
is counted. Frames are also checked for order, with a clock jump told apart from a late frame: a
frame a little older than the last one (at most ``REORDER_WINDOW_S``) arrived out of order and is
dropped; one much older means the sender's clock stepped back (a replayed bag looping, a driver
resynchronising), and it starts a new timeline instead of blinding the node until the old one is
caught up. No stamp, however wrong, can make later good messages be dropped.
"""

from __future__ import annotations

from collections import Counter

REORDER_WINDOW_S = 1.0  # frames older than the last one by at most this are out of order
FUTURE, OUT_OF_ORDER, TOO_OLD = "future", "out_of_order", "too_old"


def is_future(stamp_s: float, now_s: float, tolerance_s: float) -> bool:
    """A stamped (non-zero) message from more than ``tolerance_s`` after the receiver's now."""
    return stamp_s > 0.0 and stamp_s - now_s > tolerance_s


class StampChecks:
    """The verdicts on a stream of stamps, with counts by reason (for /diagnostics)."""

    def __init__(self):
        self.counts: Counter[str] = Counter()
        self.clock_jumps = 0
        self._last = 0.0

    def reset(self) -> None:
        self._last = 0.0

    def future(self, stamp_s: float, now_s: float, tolerance_s: float) -> bool:
        """True (and counted) when the stamp is from the future; for partner messages such as depth."""
        if is_future(stamp_s, now_s, tolerance_s):
            self.counts[FUTURE] += 1
            return True
        return False

    def frame(self, stamp_s: float, now_s: float, tolerance_s: float, max_age_s: float = 0.0) -> str | None:
        """Why a frame must not be used (future, out_of_order, too_old), or None to use it.

        Unstamped frames (0) always pass. ``max_age_s`` 0 disables the age check.
        """
        if stamp_s <= 0.0:
            return None
        reason = None
        if self.future(stamp_s, now_s, tolerance_s):
            return FUTURE
        if stamp_s < self._last:
            if self._last - stamp_s <= REORDER_WINDOW_S:
                reason = OUT_OF_ORDER
            else:
                self.clock_jumps += 1  # the sender's clock stepped back: a new timeline
        if reason is None and max_age_s > 0 and now_s - stamp_s > max_age_s:
            reason = TOO_OLD
        if reason is None:
            self._last = stamp_s
        else:
            self.counts[reason] += 1
        return reason

    def values(self, prefix: str) -> list[tuple[str, str]]:
        """Diagnostic key/values: ``<prefix>_future`` and the others, and the clock jumps seen."""
        keys = [(f"{prefix}_{reason}", str(self.counts[reason])) for reason in (FUTURE, OUT_OF_ORDER, TOO_OLD)]
        return keys + [(f"{prefix}_clock_jumps", str(self.clock_jumps))]
