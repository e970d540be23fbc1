"""The ROS 2 nodes' parameter tables (ROS-free): name, default, description, check, read-only.

The machinery (types, checks, live updates) is :mod:`follow_me_seg.core.param_spec`; the control
law's own parameters come from :mod:`follow_me_seg.control.law_parameters`.
"""

from __future__ import annotations

from follow_me_seg.control.law_parameters import CONTROL_PARAMS
from follow_me_seg.core.classes import INPUT_SIZE
from follow_me_seg.core.param_checks import OneOf, Range, not_empty
from follow_me_seg.core.param_spec import ParamSpec
from follow_me_seg.inference.common import BACKENDS, DEVICES

QOS_NAMES = ("sensor_data", "reliable", "system_default")
IMAGE_TRANSPORTS = ("raw", "compressed")
NETWORK_PIXELS = INPUT_SIZE * INPUT_SIZE


AUTOSTART = ParamSpec("autostart", True, "configure and activate at start-up; false waits for "
                      "`ros2 lifecycle set` (or launch lifecycle events)", read_only=True)
FUTURE_TOLERANCE = ParamSpec("future_tolerance_s", 0.5, "a message stamped more than this (s) after the node's "
                             "clock is from the future: counted in /diagnostics and not used", Range(0, 60))
DIAGNOSTICS_PERIOD = ParamSpec("diagnostics_period_s", 1.0, "period (s) of the /diagnostics report",
                               Range(0, 60, low_open=True))
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
    ParamSpec("threads", 0, "CPU threads of the LiteRT / OpenVINO engine; 0 = auto (one thread, see docs/benchmarks.md)",
              Range(0, 64), read_only=True),
    ParamSpec("flip_averaging", False, "average each frame's probabilities with its mirror image's (test-time "
              "flips: two network runs a frame)", read_only=True),
    ParamSpec("input_size", 0, "side (px) the network runs at, a multiple of 8; 0 = the model's own (the shipped "
              "model: 256, whole camera frames; probabilities shrunk to 160x160). An exported model runs at the side "
              "it was exported at only; another side runs on TensorFlow", Range(0, 1024, step=8), read_only=True),
    ParamSpec("hero_threshold", 0.5, "a pixel is hero when P(hero) exceeds this, in (0, 1)",
              Range(0, 1, low_open=True, high_open=True)),
    ParamSpec("min_target_pixels", 4, "smallest hero blob (in pixels of the 160x160 class map) that counts as a target",
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
    FUTURE_TOLERANCE,
    DIAGNOSTICS_PERIOD,
    MAX_IMAGE_PIXELS,
)

FOLLOWER_NODE_PARAMS: tuple[ParamSpec, ...] = (
    AUTOSTART,
    ParamSpec("control_rate_hz", 20.0, "rate (Hz) at which cmd_vel is computed and published",
              Range(0, 1000, low_open=True)),
    ParamSpec("start_enabled", True, "follow from activation; otherwise wait for ~/enable", read_only=True),
    ParamSpec("image_width", 0, "camera image width (px) used to normalise targets until the frames' size is "
              "known (from target_mask, else camera_info); 0: unknown (the follower hovers until then)",
              Range(0, 100_000)),
    ParamSpec("image_height", 0, "camera image height (px) until the frames' size is known; 0: unknown",
              Range(0, 100_000)),
    ParamSpec("idle_zero_stream", True, "while disabled or waiting for the image size, keep publishing zero "
              "cmd_vel at control_rate_hz (false: one zero, then silence)"),
    ParamSpec("use_stamped_cmd_vel", False, "publish geometry_msgs/TwistStamped instead of Twist on cmd_vel",
              read_only=True),
    ParamSpec("cmd_vel_frame_id", "base_link", "frame_id of TwistStamped commands", not_empty),
    ParamSpec("track_hero", True, "choose the hero among a frame's hero blobs by tracking (the blob nearest the "
              "predicted position and size wins); false takes the largest blob"),
    ParamSpec("track_gate", 0.35, "largest distance of a blob from the track's predicted position, in normalised "
              "image offsets (-1..1 across the frame)", Range(0.01, 2)),
    ParamSpec("track_confirm_frames", 1, "frames in a row a new track (not the hero found again near its last "
              "place) must hold before it steers", Range(1, 100)),
    FUTURE_TOLERANCE,
    DIAGNOSTICS_PERIOD,
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
