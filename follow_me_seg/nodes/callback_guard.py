"""A top-level guard for ROS callbacks, free of ROS: nothing a message does may kill the node.

    guard = CallbackGuard(node.get_logger().error)
    node.create_subscription(Image, "image", guard(node._on_image), qos)
"""

from __future__ import annotations

import functools
import os
import time
import traceback
from typing import Any, Callable


class CallbackGuard:
    """Wraps callbacks so that an unexpected exception is counted and logged (throttled), never raised."""

    def __init__(self, log: Callable[[str], Any], period_s: float = 5.0,
                 clock: Callable[[], float] = time.monotonic):
        self.errors = 0  # unexpected exceptions caught so far
        self._log, self._period_s, self._clock = log, period_s, clock
        self._last_report_s: float | None = None
        self._unreported = 0

    def __call__(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """``callback`` guarded: it returns None instead of raising an Exception."""

        @functools.wraps(callback)
        def guarded(*args: Any) -> Any:
            try:
                return callback(*args)
            except Exception as err:  # noqa: BLE001 - the guard's whole point
                self._caught(getattr(callback, "__name__", "callback"), err)
                return None

        return guarded

    def _caught(self, name: str, err: Exception) -> None:
        self.errors += 1
        now = self._clock()
        if self._last_report_s is not None and now - self._last_report_s < self._period_s:
            self._unreported += 1
            return
        where = traceback.extract_tb(err.__traceback__)[-1]
        also = f", {self._unreported} more since the last report" if self._unreported else ""
        self._log(f"{name} failed at {os.path.basename(where.filename)}:{where.lineno} and was skipped "
                  f"({self.errors} unexpected errors so far{also}): {type(err).__name__}: {str(err)[:300]}")
        self._last_report_s, self._unreported = now, 0
