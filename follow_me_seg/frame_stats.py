"""Frame counters and timings of the segmentation node, summarised for /diagnostics (ROS-free)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

OK, WARN = 0, 1  # diagnostic_msgs/DiagnosticStatus levels


@dataclass(frozen=True)
class Report:
    level: int
    message: str
    values: list[tuple[str, str]]


class FrameStats:
    """Processed / bad / dropped frame counts, processing rate and latency over a sliding window."""

    def __init__(self, window_s: float = 5.0):
        self.window_s = window_s
        self.processed = self.bad = self.dropped = 0
        self._recent: deque[tuple[float, float]] = deque()  # (time s, latency s)
        self._bad_reported = 0
        self._start_s: float | None = None

    def start(self, now_s: float) -> None:
        self._start_s = now_s

    def frame_processed(self, now_s: float, latency_s: float) -> None:
        self.processed += 1
        self._recent.append((now_s, latency_s))

    def frame_bad(self) -> None:
        self.bad += 1

    def frame_dropped(self) -> None:
        self.dropped += 1

    def report(self, now_s: float) -> Report:
        """Level, message and key/values for now; WARN on new bad frames or no frame within the window."""
        while self._recent and self._recent[0][0] < now_s - self.window_s:
            self._recent.popleft()
        start = self._start_s if self._start_s is not None else now_s
        span = min(self.window_s, max(now_s - start, 1e-9))
        latencies = [lat for _, lat in self._recent]
        rate = len(latencies) / span if latencies else 0.0
        new_bad, self._bad_reported = self.bad - self._bad_reported, self.bad
        if new_bad:
            level, message = WARN, f"{new_bad} bad frame(s) since the last report"
        elif not latencies:
            level, message = WARN, f"no frame processed in the last {self.window_s:g} s"
        else:
            level, message = OK, "processing frames"
        values = [
            ("rate_hz", f"{rate:.2f}"),
            ("latency_mean_ms", f"{1000 * sum(latencies) / len(latencies):.1f}" if latencies else "nan"),
            ("latency_max_ms", f"{1000 * max(latencies):.1f}" if latencies else "nan"),
            ("frames_processed", str(self.processed)),
            ("frames_bad", str(self.bad)),
            ("frames_dropped", str(self.dropped)),
        ]
        return Report(level, message, values)
