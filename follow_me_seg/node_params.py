"""ROS-free parameter specs of the ROS 2 nodes: types, ranges, read-only flags and validation.

Each node declares the specs below (name, default, description, check, read-only). The same
checks run at start-up (:func:`validate_params`) and on every live change
(:func:`update_params`), raising :class:`ParamError` with one line naming the problem. A
:class:`Range` check also gives the node's ``ParameterDescriptor`` its
``FloatingPointRange`` / ``IntegerRange``; a :class:`OneOf` check its ``additional_constraints``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, Mapping, Sequence

from follow_me_seg.control import ControlParams
from follow_me_seg.errors import FollowMeError
from follow_me_seg.param_checks import Check, OneOf, Range, not_empty

QOS_NAMES = ("sensor_data", "reliable", "system_default")
IMAGE_TRANSPORTS = ("raw", "compressed")
DEVICES = ("auto", "cpu", "gpu")
BACKENDS = ("auto", "tensorflow", "litert", "openvino")
NETWORK_PIXELS = 160 * 160


class ParamError(FollowMeError):
    """A node parameter with a wrong type or value."""


@dataclass(frozen=True)
class ParamSpec:
    """One node parameter: name, default (which fixes its type), meaning, check, read-only."""

    name: str
    default: bool | int | float | str
    description: str
    check: Check | None = None
    read_only: bool = False


AUTOSTART = ParamSpec("autostart", True, "configure and activate at start-up; false waits for "
                      "`ros2 lifecycle set` (or launch lifecycle events)", read_only=True)
MAX_IMAGE_PIXELS = ParamSpec("max_image_pixels", 4096 * 4096, "largest width x height of an image (message, depth "
                             "image or frame file), checked on the declared size before decoding; larger ones "
                             "are skipped", Range(1, 2**31 - 1))

SEGMENTATION_PARAMS: tuple[ParamSpec, ...] = (
    AUTOSTART,
    ParamSpec("model_path", "", "Keras (or .tflite) model file; empty means the model shipped with the package",
              read_only=True),
    ParamSpec("device", "auto", "TensorFlow device: auto, cpu or gpu (gpu without a GPU is an error)",
              OneOf(DEVICES), read_only=True),
    ParamSpec("backend", "auto", "inference backend: auto, tensorflow, litert or openvino", OneOf(BACKENDS),
              read_only=True),
    ParamSpec("threads", 0, "CPU threads of the LiteRT / OpenVINO engine; 0 = auto (see the README)",
              Range(0, 64), read_only=True),
    ParamSpec("hero_threshold", 0.5, "a pixel is hero when P(hero) exceeds this, in (0, 1)",
              Range(0, 1, low_open=True, high_open=True)),
    ParamSpec("min_target_pixels", 4, "smallest hero blob (in 160x160 network pixels) that counts as a target",
              Range(1, NETWORK_PIXELS)),
    ParamSpec("image_qos", "sensor_data", "QoS of the image, depth and camera_info subscriptions (depth 1): "
              "sensor_data, reliable or system_default", OneOf(QOS_NAMES), read_only=True),
    ParamSpec("image_transport", "raw", "raw subscribes to image; compressed to image/compressed",
              OneOf(IMAGE_TRANSPORTS), read_only=True),
    ParamSpec("publish_overlay", True, "draw ~/overlay (only while someone subscribes to it)"),
    ParamSpec("overlay_alpha", 0.45, "opacity of the class colours in ~/overlay, in [0, 1]", Range(0, 1)),
    ParamSpec("depth_window", 5, "side (depth pixels, odd) of the window whose median valid depth is the hero's",
              Range(1, 99, step=2)),
    ParamSpec("depth_max_skew_s", 0.2, "pairing tolerance (s): the depth image and camera_info with the nearest "
              "stamp within this of the frame's are used for ~/target_point", Range(0, 10)),
    ParamSpec("max_frame_age_s", 0.0, "frames older than this (s, by header stamp) are dropped; 0 disables",
              Range(0, 3600)),
    ParamSpec("diagnostics_period_s", 1.0, "period (s) of the /diagnostics report", Range(0, 60, low_open=True)),
    MAX_IMAGE_PIXELS,
)

FOLLOWER_NODE_PARAMS: tuple[ParamSpec, ...] = (
    AUTOSTART,
    ParamSpec("control_rate_hz", 20.0, "rate (Hz) at which cmd_vel is computed and published",
              Range(0, 1000, low_open=True)),
    ParamSpec("start_enabled", True, "follow from activation; otherwise wait for ~/enable", read_only=True),
    ParamSpec("image_width", 0, "camera image width (px) used to normalise targets; 0: unknown until "
              "camera_info arrives (the follower hovers until then)", Range(0, 100_000)),
    ParamSpec("image_height", 0, "camera image height (px); 0: unknown until camera_info arrives",
              Range(0, 100_000)),
    ParamSpec("idle_zero_stream", True, "while disabled or waiting for the image size, keep publishing zero "
              "cmd_vel at control_rate_hz (false: one zero, then silence)"),
    ParamSpec("use_stamped_cmd_vel", False, "publish geometry_msgs/TwistStamped instead of Twist on cmd_vel",
              read_only=True),
    ParamSpec("cmd_vel_frame_id", "base_link", "frame_id of TwistStamped commands", not_empty),
)

# The control law's own parameters, with its defaults, descriptions and checks (ControlParams.validate
# checks them once more together: search_yaw_rate <= max_yaw_rate).
CONTROL_PARAMS: tuple[ParamSpec, ...] = tuple(
    ParamSpec(item.name, item.default, item.metadata["doc"], item.metadata["check"]) for item in fields(ControlParams)
)

FOLLOWER_PARAMS = FOLLOWER_NODE_PARAMS + CONTROL_PARAMS

FRAME_SOURCE_PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("source", "", "folder of images (.jpg .jpeg .png .bmp, in name order) or a video file",
              lambda v: None if v.strip() else "must name a folder of images or a video file", read_only=True),
    ParamSpec("publish_rate_hz", 10.0, "frames per second to publish", Range(0, 1000, low_open=True)),
    ParamSpec("frame_id", "camera_optical_frame", "frame_id of the published images and camera_info",
              not_empty),
    ParamSpec("loop", True, "start again at the first frame after the last one; otherwise stop publishing"),
    ParamSpec("horizontal_fov_deg", 0.0, "horizontal field of view for camera_info K; 0 publishes an "
              "uncalibrated camera_info (K all zeros)", Range(0, 180, high_open=True)),
    MAX_IMAGE_PIXELS,
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


def update_params(specs: Sequence[ParamSpec], current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The values after ``changes`` (names outside ``specs`` ignored), checked like at start-up.

    Raises ParamError for a read-only parameter or a bad value; ``current`` is left as it was.
    """
    by_name = {spec.name: spec for spec in specs}
    relevant = {name: value for name, value in changes.items() if name in by_name}
    for name, value in relevant.items():
        if by_name[name].read_only and value != current[name]:
            raise ParamError(f"parameter {name} is read-only (set it at start-up)")
    return validate_params(specs, {**current, **relevant})


def control_params(values: Mapping[str, Any]) -> ControlParams:
    """The follower's ControlParams from its (typed) parameter values; raise ParamError if invalid."""
    try:
        return ControlParams(**{spec.name: values[spec.name] for spec in CONTROL_PARAMS}).validate()
    except ValueError as err:
        raise ParamError(f"parameter {err}") from None
