"""rclpy.clock: Clock (reading the stand-in graph's simulated time) and its time jump callbacks."""

from enum import IntEnum

from rclpy._graph import GRAPH
from rclpy.duration import Duration
from rclpy.time import Time


class ClockChange(IntEnum):
    ROS_TIME_NO_CHANGE = 1
    ROS_TIME_ACTIVATED = 2
    ROS_TIME_DEACTIVATED = 3
    SYSTEM_TIME_NO_CHANGE = 4


class JumpThreshold:
    def __init__(self, *, min_forward, min_backward, on_clock_change=True):
        if min_forward is not None and min_forward.nanoseconds <= 0:
            raise ValueError("min_forward must be a positive non-zero duration")
        if min_backward is not None and min_backward.nanoseconds >= 0:
            raise ValueError("min_backward must be a negative non-zero duration")
        if min_forward is None and min_backward is None and not on_clock_change:
            raise ValueError("At least one jump threshold must be enabled")
        self.min_forward = min_forward
        self.min_backward = min_backward
        self.on_clock_change = on_clock_change


class TimeJump:
    def __init__(self, clock_change, delta):
        if not isinstance(clock_change, ClockChange):
            raise TypeError("clock_change must be an instance of rclpy.clock.ClockChange")
        self._clock_change, self._delta = clock_change, delta

    @property
    def clock_change(self):
        return self._clock_change

    @property
    def delta(self):
        return self._delta


class JumpHandle:
    def __init__(self, *, clock, threshold, pre_callback, post_callback):
        if pre_callback is None and post_callback is None:
            raise ValueError("One of pre_callback or post_callback must be callable")
        self._clock, self._threshold = clock, threshold
        self._pre_callback, self._post_callback = pre_callback, post_callback
        GRAPH.jump_handles.append(self)

    def unregister(self):
        if self._clock is not None:
            GRAPH.jump_handles.remove(self)
            self._clock = None

    def _jumped(self, delta_ns: int) -> None:
        """What rcl does for a ROS-time jump of ``delta_ns`` (ClockChange.ROS_TIME_NO_CHANGE)."""
        forward, backward = self._threshold.min_forward, self._threshold.min_backward
        if not ((forward is not None and delta_ns >= forward.nanoseconds > 0)
                or (backward is not None and delta_ns <= backward.nanoseconds < 0)):
            return
        if self._pre_callback is not None:
            self._pre_callback()
        if self._post_callback is not None:
            self._post_callback(TimeJump(ClockChange.ROS_TIME_NO_CHANGE, Duration(nanoseconds=delta_ns)))


class Clock:
    def now(self) -> Time:
        return Time(nanoseconds=GRAPH.now_ns)

    def create_jump_callback(self, threshold, *, pre_callback=None, post_callback=None) -> JumpHandle:
        return JumpHandle(clock=self, threshold=threshold, pre_callback=pre_callback, post_callback=post_callback)
