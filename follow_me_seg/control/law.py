"""The follower's control law, free of ROS: hero observations in, body-frame velocity commands out.

Commands follow REP-103 FLU body axes: ``vx`` forward (m/s), ``vz`` up (m/s), ``yaw_rate``
counter-clockwise seen from above, i.e. turning left (rad/s).

Offline use (one call per frame, ``now_s`` the frame's time in seconds)::

    controller = FollowController(ControlParams())
    command = controller.update_from_target(target, image_width, image_height, now_s)

``update_from_target`` applies ``confirm_frames`` itself; a node that ticks faster than frames arrive
calls :meth:`FollowController.confirm` once per frame and passes confirmed sightings to ``update``.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field, fields, replace

from follow_me_seg.core.param_checks import Check, OneOf, Range
from follow_me_seg.perception.target import Target

SIZE_MEASURES = ("bbox_height", "bbox_area")
_GAIN = Range(0, 20)
_FRACTION = Range(0, 1, high_open=True)


def _doc(default, doc: str, check: Check | None = None):
    return field(default=default, metadata={"doc": doc, "check": check})


@dataclass(frozen=True)
class ControlParams:
    """Gains, set points and limits of the follow law (the follower node's parameters)."""

    yaw_gain: float = _doc(1.5, "yaw rate (rad/s) per unit of horizontal hero offset (-1 left edge .. 1 right edge)",
                           _GAIN)
    forward_gain: float = _doc(3.0, "forward speed (m/s) per unit of apparent-size error", _GAIN)
    distance_gain: float = _doc(1.5, "forward speed (m/s) per metre of distance error (used when target_point is known)",
                                _GAIN)
    vertical_gain: float = _doc(1.0, "vertical speed (m/s) per unit of vertical hero offset (-1 top .. 1 bottom)",
                                _GAIN)
    use_vertical: bool = _doc(False, "also command vertical speed to keep the hero vertically centred")
    size_measure: str = _doc("bbox_height", "apparent size: bbox_height (box height / image height) or bbox_area",
                             OneOf(SIZE_MEASURES))
    desired_size: float = _doc(0.3, "apparent size to hold, in (0, 1]", Range(0, 1, low_open=True))
    desired_distance_m: float = _doc(4.0, "distance to hold (m) when the hero's 3D point is known",
                                     Range(0, 100, low_open=True))
    max_forward_speed: float = _doc(2.0, "largest linear.x magnitude (m/s), forward or back",
                                    Range(0, 20, low_open=True))
    max_vertical_speed: float = _doc(1.0, "largest linear.z magnitude (m/s), up or down", Range(0, 20, low_open=True))
    max_yaw_rate: float = _doc(1.0, "largest angular.z magnitude (rad/s)", Range(0, 10, low_open=True))
    deadband: float = _doc(0.05, "offset and size errors smaller than this are treated as zero, in [0, 1)", _FRACTION)
    distance_deadband_m: float = _doc(0.25, "distance errors smaller than this (m) are treated as zero", Range(0, 10))
    smoothing: float = _doc(0.5, "exponential smoothing of commands: 0 none, towards 1 slower, in [0, 1)", _FRACTION)
    target_timeout: float = _doc(1.0, "seconds without the hero before commanding a hover (zero velocity)",
                                 Range(0, 60, low_open=True))
    confirm_frames: int = _doc(2, "consecutive frames that must see the hero before it counts again after a frame "
                                  "without it; 1 trusts every single detection", Range(1, 100))
    min_size_ratio: float = _doc(0.4, "a sighting smaller than this fraction of the hero's apparent size when last "
                                      "seen (less than size_memory_s ago), or larger than its inverse, is not the hero: "
                                      "a red patch on a bystander, a bystander near the drone; so is a range under "
                                      "this fraction of the last (or over its inverse), when both are known; 0 "
                                      "disables, in [0, 1)", _FRACTION)
    size_memory_s: float = _doc(5.0, "seconds after the last sighting during which min_size_ratio applies",
                                Range(0, 600))
    size_check_from: float = _doc(0.1, "min_size_ratio applies only when the larger of the two sizes compared is "
                                       "at least this (smaller boxes are too noisy to compare), in [0, 1]", Range(0, 1))
    search_yaw_rate: float = _doc(0.0, "yaw rate (rad/s) of the search turn after a hover; 0 disables searching",
                                  Range(0, 10))
    search_delay: float = _doc(2.0, "seconds of hover after target_timeout before the search turn starts",
                               Range(0, 600))

    def validate(self) -> ControlParams:
        """Return self, or raise ValueError naming the first bad value in one line."""
        for item in fields(self):
            value = getattr(self, item.name)
            if item.type in ("float", float) and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise ValueError(f"{item.name} must be a number, got {value!r}")
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"{item.name} must be finite, got {value!r}")
        if isinstance(self.confirm_frames, bool) or not isinstance(self.confirm_frames, int):
            raise ValueError(f"confirm_frames must be a whole number, got {self.confirm_frames!r}")
        if not isinstance(self.use_vertical, bool):
            raise ValueError(f"use_vertical must be true or false, got {self.use_vertical!r}")
        for item in fields(self):
            problem = item.metadata["check"] and item.metadata["check"](getattr(self, item.name))
            if problem:
                raise ValueError(f"{item.name} {problem}, got {getattr(self, item.name)!r}")
        if self.search_yaw_rate > self.max_yaw_rate:
            raise ValueError(
                f"search_yaw_rate ({self.search_yaw_rate}) must not exceed max_yaw_rate ({self.max_yaw_rate})"
            )
        return self


@dataclass(frozen=True)
class Observation:
    """Where the hero appears: normalised image offsets, apparent size and, if known, distance."""

    offset_x: float  # centroid, -1 (left edge) .. 0 (centre) .. 1 (right edge)
    offset_y: float  # centroid, -1 (top edge) .. 1 (bottom edge)
    size: float  # apparent size in [0, 1] (see ControlParams.size_measure)
    distance_m: float | None = None  # range to the hero in metres, when a depth image gives it


@dataclass(frozen=True)
class Command:
    """A body-frame velocity command and the controller mode that produced it."""

    vx: float = 0.0  # forward, m/s
    vz: float = 0.0  # up, m/s
    yaw_rate: float = 0.0  # turn left, rad/s
    mode: str = "hover"  # track | hold | hover | search


HOVER = Command()


def observation_from_box(
    center_x: float,
    center_y: float,
    width: float,
    height: float,
    image_width: float,
    image_height: float,
    size_measure: str = "bbox_height",
    distance_m: float | None = None,
) -> Observation | None:
    """An observation from a hero box in pixels (centre = centroid), or None if the numbers are unusable.

    Any real numbers are accepted (NumPy scalars included); an image smaller than one pixel is unusable.
    """
    if size_measure not in SIZE_MEASURES:
        raise ValueError(f"size_measure must be one of {', '.join(SIZE_MEASURES)}, got {size_measure!r}")
    values = (center_x, center_y, width, height, image_width, image_height)
    if not all(_finite(v) for v in values) or image_width < 1 or image_height < 1:
        return None
    center_x, center_y, width, height, image_width, image_height = (float(v) for v in values)
    size = height / image_height if size_measure == "bbox_height" else width * height / (image_width * image_height)
    return Observation(
        offset_x=(center_x - (image_width - 1) / 2) / (image_width / 2),
        offset_y=(center_y - (image_height - 1) / 2) / (image_height / 2),
        size=size,
        distance_m=distance_m,
    )


def observation_from_target(
    target: Target,
    image_width: int,
    image_height: int,
    size_measure: str = "bbox_height",
    distance_m: float | None = None,
) -> Observation | None:
    """The observation for a :class:`follow_me_seg.perception.target.Target` (None when no hero was found)."""
    if not target.found:
        return None
    _, _, width, height = target.bbox
    return observation_from_box(
        target.centroid_x, target.centroid_y, width, height, image_width, image_height, size_measure, distance_m
    )


def _finite(value: object) -> bool:
    """A finite real number (Python or NumPy), not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _clean(observation: Observation | None) -> Observation | None:
    """Drop observations with non-finite values; clip the rest into range."""
    if observation is None:
        return None
    core = (observation.offset_x, observation.offset_y, observation.size)
    if not all(_finite(v) for v in core):
        return None
    distance = observation.distance_m
    if distance is not None and not (_finite(distance) and distance > 0):
        distance = None
    return Observation(
        offset_x=min(1.0, max(-1.0, float(observation.offset_x))),
        offset_y=min(1.0, max(-1.0, float(observation.offset_y))),
        size=min(1.0, max(0.0, float(observation.size))),
        distance_m=None if distance is None else float(distance),
    )


def _shrink(error: float, deadband: float) -> float:
    """Continuous deadband: zero inside, shifted towards zero outside."""
    return math.copysign(max(0.0, abs(error) - deadband), error)


def _clamp(value: float, limit: float) -> float:
    """``value`` limited to [-limit, limit]; an overflow to infinity saturates, NaN gives 0."""
    return 0.0 if math.isnan(value) else min(limit, max(-limit, value))


class FollowController:
    """Turns a stream of observations (or None when the hero is not seen) into velocity commands.

    - hero seen: yaw towards it, move to hold the desired size (or distance), optionally
      centre it vertically; smoothed, deadbanded and clamped. A sighting under ``min_size_ratio``
      of the apparent size last seen, or over its inverse (within ``size_memory_s``, when the larger
      of the two is at least ``size_check_from``), does not count: the hero does not shrink or grow
      that much between two sightings, a false detection on a bystander does. When both sightings carry
      a range, a range under ``min_size_ratio`` of the other does not count either (a bystander
      near the drone whose mask covers only a small part of them);
    - hero unseen for less than ``target_timeout`` after a sighting: hold the last forward and vertical
      command, but stop turning once a frame without the hero comes (ticks between frames keep the
      turn): a turn held blind swings the camera past the hero (at 1 rad/s a 1 s timeout turns
      through more than a 60-degree field of view);
    - otherwise hover (zeros), then after ``search_delay`` turn at ``search_yaw_rate``
      towards the side where the hero was last seen (if ``search_yaw_rate`` > 0).

    Time only counts forwards: a clock that goes back (a looping bag, a simulator reset) makes
    the controller forget the hero and hover at once, as :meth:`reset` does. Backward jumps
    that happen between two updates and are outweighed by the time passing are invisible
    here; the follower node reports those with rclpy's clock jump callbacks (calling reset).
    """

    def __init__(self, params: ControlParams | None = None):
        self.params = (params or ControlParams()).validate()
        self.reset()

    def reset(self) -> None:
        """Forget the hero and the command history (as after start-up)."""
        self._start_s: float | None = None
        self._last_now_s: float | None = None
        self._last_seen_s: float | None = None
        self._last_offset_x = 0.0
        self._last_size: float | None = None
        self._last_distance: float | None = None
        self._streak = self.params.confirm_frames - 1  # no frame without the hero yet: trust the first one
        self._command = HOVER

    def confirm(self, hero_in_frame: bool) -> bool:
        """Count one camera frame (called once per frame, not per control tick): does its sighting count?

        After a frame without the hero, a sighting counts only once ``confirm_frames`` frames in a row
        have held it, so that a one-frame false detection neither restarts the timeout nor steers.
        Frames before the first miss are trusted at once.
        """
        self._streak = self._streak + 1 if hero_in_frame else 0
        return hero_in_frame and self._streak >= self.params.confirm_frames

    def update(self, observation: Observation | None, now_s: float, new_frame: bool = True) -> Command:
        """The command for ``now_s`` given a new observation, or None when there is none this step.

        ``new_frame`` False marks a control tick between camera frames (nothing new was seen): while
        the hero is briefly lost it holds the last command, turn included; only a frame without the
        hero stops the turn.
        """
        if not _finite(now_s):
            self._command = HOVER
            return HOVER
        if self._last_now_s is not None and now_s < self._last_now_s:  # the clock went back: hero lost
            self.reset()
        if self._start_s is None:
            self._start_s = now_s
        self._last_now_s = now_s
        seen = _clean(observation)
        if seen is not None and self._jumped(seen, now_s):
            seen = None
        if seen is not None:
            self._last_seen_s = now_s
            self._last_offset_x = seen.offset_x
            self._last_size = seen.size
            self._last_distance = seen.distance_m
            self._command = self._smoothed(self._law(seen))
            return self._command
        lost_for = now_s - (self._last_seen_s if self._last_seen_s is not None else self._start_s)
        if self._last_seen_s is not None and lost_for < self.params.target_timeout:
            self._command = replace(self._command, yaw_rate=0.0 if new_frame else self._command.yaw_rate, mode="hold")
            return self._command
        self._command = HOVER
        p = self.params
        if p.search_yaw_rate > 0 and lost_for >= p.target_timeout + p.search_delay:
            direction = -1.0 if self._last_offset_x > 0 else 1.0  # hero last seen right -> turn right
            return Command(yaw_rate=direction * min(p.search_yaw_rate, p.max_yaw_rate), mode="search")
        return HOVER

    def update_from_target(self, target: Target, image_width: int, image_height: int, now_s: float,
                           distance_m: float | None = None) -> Command:
        """:meth:`confirm` and :meth:`update` for one frame's :class:`~follow_me_seg.perception.target.Target` (replay, simulator)."""
        observation = observation_from_target(target, image_width, image_height, self.params.size_measure, distance_m)
        return self.update(observation if self.confirm(observation is not None) else None, now_s)

    def _jumped(self, seen: Observation, now_s: float) -> bool:
        """Do ``seen`` and the sighting accepted last, less than ``size_memory_s`` ago, differ by more than
        ``min_size_ratio`` (either way) in apparent size (the larger being at least ``size_check_from``)
        or, when both carry one, in range?"""
        p = self.params
        if self._last_seen_s is None or now_s - self._last_seen_s >= p.size_memory_s or p.min_size_ratio <= 0:
            return False

        def apart(a: float, b: float) -> bool:
            return min(a, b) < p.min_size_ratio * max(a, b)

        if max(seen.size, self._last_size) >= p.size_check_from and apart(seen.size, self._last_size):
            return True
        if seen.distance_m is None or self._last_distance is None:
            return False
        return apart(seen.distance_m, self._last_distance)

    def _law(self, seen: Observation) -> Command:
        p = self.params
        yaw_rate = -p.yaw_gain * _shrink(seen.offset_x, p.deadband)
        vz = -p.vertical_gain * _shrink(seen.offset_y, p.deadband) if p.use_vertical else 0.0
        if seen.distance_m is not None:
            vx = p.distance_gain * _shrink(seen.distance_m - p.desired_distance_m, p.distance_deadband_m)
        else:
            vx = p.forward_gain * _shrink(p.desired_size - seen.size, p.deadband)
        return Command(vx=vx, vz=vz, yaw_rate=yaw_rate, mode="track")

    def _smoothed(self, raw: Command) -> Command:
        p, prev, a = self.params, self._command, self.params.smoothing
        return Command(
            vx=_clamp(a * prev.vx + (1 - a) * raw.vx, p.max_forward_speed),
            vz=_clamp(a * prev.vz + (1 - a) * raw.vz, p.max_vertical_speed),
            yaw_rate=_clamp(a * prev.yaw_rate + (1 - a) * raw.yaw_rate, p.max_yaw_rate),
            mode=raw.mode,
        )
