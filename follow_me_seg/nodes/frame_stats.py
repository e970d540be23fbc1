"""Frame counters, rates and latencies of the segmentation node, summarised for /diagnostics (ROS-free).

Rates are over a sliding window: the processed rate from the node's clock, the input rate
from the frames' header stamps (what the camera publishes). Frames lost upstream (in the
transport or the depth-1 queue, before the node saw them) are counted from gaps in the
stamps: a gap of k stamp periods means k - 1 frames never arrived.
"""

from __future__ import annotations

import statistics
from collections import deque
from dataclasses import dataclass

OK, WARN = 0, 1  # diagnostic_msgs/DiagnosticStatus levels
MIN_INTERVALS = 3  # stamp intervals needed before the input period is trusted


@dataclass(frozen=True)
class Report:
    level: int
    message: str
    values: list[tuple[str, str]]


def _rate(times: list[float]) -> float:
    """Events per second between the first and the last of ``times`` (0 for fewer than two)."""
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else 0.0


def _ms(values: list[float], summary) -> str:
    return f"{1000 * summary(values):.1f}" if values else "nan"


class FrameStats:
    """Received / processed / bad / dropped / lost frames, rates and latencies over ``window_s``."""

    def __init__(self, window_s: float = 5.0):
        self.window_s = window_s
        self.processed = self.bad = self.dropped = self.lost_upstream = 0
        self._stamps: deque[tuple[float, float]] = deque()  # (now s, header stamp s) of received frames
        self._recent: deque[tuple[float, float, float]] = deque()  # (now s, processing s, end-to-end s)
        self._intervals: deque[float] = deque(maxlen=50)  # recent stamp intervals (s)
        self._last_stamp: float | None = None
        self._bad_reported = 0

    def frame_received(self, now_s: float, stamp_s: float) -> None:
        """A frame arrived (whatever happens to it next); unstamped frames (0) are not counted for rates."""
        if stamp_s <= 0:
            return
        self._stamps.append((now_s, stamp_s))
        last, self._last_stamp = self._last_stamp, stamp_s
        if last is None or stamp_s <= last:
            return
        gap = stamp_s - last
        period = self.input_period()
        if period is not None and gap > 1.5 * period:
            self.lost_upstream += round(gap / period) - 1
        else:
            self._intervals.append(gap)

    def input_period(self) -> float | None:
        """The camera's frame period (s): the median of recent stamp intervals without gaps."""
        return statistics.median(self._intervals) if len(self._intervals) >= MIN_INTERVALS else None

    def frame_processed(self, now_s: float, processing_s: float, end_to_end_s: float) -> None:
        """A frame was published: its processing time and its age (now - header stamp) at publication."""
        self.processed += 1
        self._recent.append((now_s, processing_s, end_to_end_s))

    def frame_bad(self) -> None:
        self.bad += 1

    def frame_dropped(self) -> None:
        self.dropped += 1

    def report(self, now_s: float) -> Report:
        """Level, message and key/values for now; WARN on new bad frames or no frame within the window."""
        for queue in (self._recent, self._stamps):
            while queue and queue[0][0] < now_s - self.window_s:
                queue.popleft()
        processing = [p for _, p, _ in self._recent]
        end_to_end = [e for _, _, e in self._recent]
        period = self.input_period()
        new_bad, self._bad_reported = self.bad - self._bad_reported, self.bad
        if new_bad:
            level, message = WARN, f"{new_bad} bad frame(s) since the last report"
        elif not processing:
            level, message = WARN, f"no frame processed in the last {self.window_s:g} s"
        else:
            level, message = OK, "processing frames"
        values = [
            ("rate_hz", f"{_rate([t for t, _, _ in self._recent]):.2f}"),
            ("input_rate_hz", f"{1.0 / period:.2f}" if period else "nan"),
            ("received_rate_hz", f"{_rate([t for t, _ in self._stamps]):.2f}"),
            ("processing_ms_mean", _ms(processing, statistics.fmean)),
            ("processing_ms_max", _ms(processing, max)),
            ("latency_ms_mean", _ms(end_to_end, statistics.fmean)),
            ("latency_ms_max", _ms(end_to_end, max)),
            ("frames_processed", str(self.processed)),
            ("frames_bad", str(self.bad)),
            ("frames_dropped", str(self.dropped)),
            ("frames_lost_upstream", str(self.lost_upstream)),
        ]
        return Report(level, message, values)
