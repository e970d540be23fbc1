"""ROS-free parameter specs and start-up validation for the ROS 2 nodes.

Each node declares the specs below (name, default, description) and validates the values it
got with :func:`validate_params`, which raises :class:`ParamError` with one line per problem.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, Callable, Mapping, Sequence

from follow_me_seg.control import ControlParams
from follow_me_seg.errors import FollowMeError

QOS_NAMES = ("sensor_data", "reliable", "system_default")
IMAGE_TRANSPORTS = ("raw", "compressed")
DEVICES = ("auto", "cpu", "gpu")
BACKENDS = ("auto", "tensorflow", "litert")

Check = Callable[[Any], "str | None"]  # returns what is wrong with a value, or None


class ParamError(FollowMeError):
    """A node parameter with a wrong type or value."""


@dataclass(frozen=True)
class ParamSpec:
    """One node parameter: its name, default (which also fixes its type) and meaning."""

    name: str
    default: bool | int | float | str
    description: str
    check: Check | None = None


def one_of(*choices: str) -> Check:
    return lambda v: None if v in choices else f"must be one of {', '.join(choices)}"


def in_range(low: float, high: float, low_open: bool = False, high_open: bool = False) -> Check:
    def check(value: float) -> str | None:
        above = value > low if low_open else value >= low
        below = value < high if high_open else value <= high
        if above and below:
            return None
        return f"must be in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"

    return check


def at_least(low: float) -> Check:
    return lambda v: None if v >= low else f"must be >= {low:g}"


def positive(value: float) -> str | None:
    return None if value > 0 else "must be > 0"


def odd_positive(value: int) -> str | None:
    return None if value >= 1 and value % 2 == 1 else "must be an odd number >= 1"


def not_empty(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


SEGMENTATION_PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("model_path", "", "Keras model file; empty means the model shipped with the package"),
    ParamSpec("device", "auto", "TensorFlow device: auto, cpu or gpu (gpu without a GPU is an error)",
              one_of(*DEVICES)),
    ParamSpec("backend", "auto", "inference backend: auto, tensorflow or litert", one_of(*BACKENDS)),
    ParamSpec("hero_threshold", 0.5, "a pixel is hero when P(hero) exceeds this, in (0, 1)",
              in_range(0, 1, True, True)),
    ParamSpec("min_target_pixels", 4, "smallest hero blob (in 160x160 network pixels) that counts as a target",
              at_least(1)),
    ParamSpec("image_qos", "sensor_data", "QoS of the image, depth and camera_info subscriptions (depth 1): "
              "sensor_data, reliable or system_default", one_of(*QOS_NAMES)),
    ParamSpec("image_transport", "raw", "raw subscribes to image; compressed to image/compressed",
              one_of(*IMAGE_TRANSPORTS)),
    ParamSpec("publish_overlay", True, "draw ~/overlay (only while someone subscribes to it)"),
    ParamSpec("overlay_alpha", 0.45, "opacity of the class colours in ~/overlay, in [0, 1]", in_range(0, 1)),
    ParamSpec("depth_window", 5, "side (depth pixels, odd) of the window whose median valid depth is the hero's",
              odd_positive),
    ParamSpec("depth_max_skew_s", 0.2, "largest stamp difference (s) between a frame and the depth image used "
              "for ~/target_point", at_least(0)),
    ParamSpec("max_frame_age_s", 0.0, "frames older than this (s, by header stamp) are dropped; 0 disables",
              at_least(0)),
    ParamSpec("diagnostics_period_s", 1.0, "period (s) of the /diagnostics report", positive),
    ParamSpec("max_image_pixels", 4096 * 4096, "largest width x height of an image or depth message, checked on "
              "the declared size before decoding; larger messages are skipped", at_least(1)),
)

FOLLOWER_NODE_PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("control_rate_hz", 20.0, "rate (Hz) at which cmd_vel is computed and published", positive),
    ParamSpec("start_enabled", True, "follow from start-up; otherwise wait for ~/enable"),
    ParamSpec("image_width", 256, "camera image width (px) used to normalise targets until camera_info arrives",
              at_least(1)),
    ParamSpec("image_height", 256, "camera image height (px) used until camera_info arrives", at_least(1)),
)

# The control law's own parameters, with its defaults and descriptions (checked by ControlParams.validate).
CONTROL_PARAMS: tuple[ParamSpec, ...] = tuple(
    ParamSpec(item.name, item.default, item.metadata["doc"]) for item in fields(ControlParams)
)

FOLLOWER_PARAMS = FOLLOWER_NODE_PARAMS + CONTROL_PARAMS

FRAME_SOURCE_PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("source", "", "folder of images (.jpg .jpeg .png .bmp, in name order) or a video file",
              lambda v: None if v.strip() else "must name a folder of images or a video file"),
    ParamSpec("publish_rate_hz", 10.0, "frames per second to publish", positive),
    ParamSpec("frame_id", "camera_optical_frame", "frame_id of the published images and camera_info",
              not_empty),
    ParamSpec("loop", True, "start again at the first frame after the last one; otherwise stop publishing"),
    ParamSpec("horizontal_fov_deg", 0.0, "horizontal field of view for camera_info K; 0 publishes an "
              "uncalibrated camera_info (K all zeros)", in_range(0, 180, high_open=True)),
)


def _typed(spec: ParamSpec, value: Any) -> Any:
    """``value`` in the spec's type (an integer is accepted for a float), or raise ParamError."""
    kind = type(spec.default)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if type(value) is not kind:
        names = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}
        raise ParamError(f"parameter {spec.name} must be {names[kind]}, got {value!r}")
    if kind is float and not math.isfinite(value):
        raise ParamError(f"parameter {spec.name} must be finite, got {value!r}")
    return value


def validate_params(specs: Sequence[ParamSpec], values: Mapping[str, Any]) -> dict[str, Any]:
    """Check and type every spec'd value (missing ones take their default); raise ParamError on the first problem."""
    checked = {}
    for spec in specs:
        value = _typed(spec, values.get(spec.name, spec.default))
        problem = spec.check(value) if spec.check else None
        if problem:
            raise ParamError(f"parameter {spec.name} {problem}, got {value!r}")
        checked[spec.name] = value
    return checked


def control_params(values: Mapping[str, Any]) -> ControlParams:
    """The follower's ControlParams from its (typed) parameter values; raise ParamError if invalid."""
    try:
        return ControlParams(**{spec.name: values[spec.name] for spec in CONTROL_PARAMS}).validate()
    except ValueError as err:
        raise ParamError(f"parameter {err}") from None
