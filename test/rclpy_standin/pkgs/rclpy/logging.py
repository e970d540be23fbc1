"""rclpy.logging: loggers with the throttle / once / skip_first filters of rclpy."""

from __future__ import annotations

import sys
import time

from rclpy._graph import GRAPH

_FILTER_KEYS = {"throttle_duration_sec", "throttle_time_source_type", "once", "skip_first"}


class RcutilsLogger:
    def __init__(self, name: str = ""):
        self.name = name
        self._contexts: dict = {}

    def get_child(self, name: str) -> RcutilsLogger:
        return RcutilsLogger(f"{self.name}.{name}" if self.name else name)

    def _log(self, severity: str, message: str, kwargs: dict) -> bool:
        unknown = set(kwargs) - _FILTER_KEYS
        if unknown:
            raise TypeError(f"parameters {sorted(unknown)} are not used by any logging filter")
        caller = sys._getframe(2)
        state = self._contexts.setdefault((caller.f_code.co_filename, caller.f_lineno), {"calls": 0, "last": None})
        state["calls"] += 1
        if kwargs.get("once") and state["calls"] > 1:
            return False
        if kwargs.get("skip_first") and state["calls"] == 1:
            return False
        period = kwargs.get("throttle_duration_sec")
        if period is not None:
            now = time.monotonic()
            if state["last"] is not None and now - state["last"] < period:
                return False
            state["last"] = now
        GRAPH.log.append((severity, self.name, str(message)))
        print(f"[{severity}] [{self.name}]: {message}", file=sys.stderr)
        return True

    def debug(self, message, **kwargs):
        return self._log("DEBUG", message, kwargs)

    def info(self, message, **kwargs):
        return self._log("INFO", message, kwargs)

    def warning(self, message, **kwargs):
        return self._log("WARN", message, kwargs)

    warn = warning

    def error(self, message, **kwargs):
        return self._log("ERROR", message, kwargs)

    def fatal(self, message, **kwargs):
        return self._log("FATAL", message, kwargs)


def get_logger(name: str) -> RcutilsLogger:
    return RcutilsLogger(name)
