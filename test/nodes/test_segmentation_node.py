"""segmentation_node wiring on the rclpy stand-in, with the red-is-hero model (test/red_hero_model.py)."""

from __future__ import annotations

import array

import cv2
import numpy as np
import pytest

from follow_me_seg.core.classes import HERO
from follow_me_seg.inference.common import file_sha256

H, W = 90, 120  # frames deliberately not the network's 160x160
SQUARE = (slice(30, 60), slice(70, 100))  # rows, cols of the red square: hero


def red_square_rgb() -> np.ndarray:
    rgb = np.zeros((H, W, 3), np.uint8)
    rgb[SQUARE] = (255, 0, 0)
    return rgb


def image_msg(rgb: np.ndarray, encoding: str = "bgr8", stamp_s: float = 1.7e9 + 0.25, frame_id: str = "cam",
              pad: int = 0):
    """A sensor_msgs/Image of ``rgb`` converted to ``encoding``, rows padded by ``pad`` bytes."""
    from builtin_interfaces.msg import Time
    from sensor_msgs.msg import Image
    from std_msgs.msg import Header

    convert = {"rgb8": None, "bgr8": cv2.COLOR_RGB2BGR, "rgba8": cv2.COLOR_RGB2RGBA, "bgra8": cv2.COLOR_RGB2BGRA,
               "mono8": cv2.COLOR_RGB2GRAY}[encoding]
    pixels = rgb if convert is None else cv2.cvtColor(rgb, convert)
    rows = pixels.reshape(H, -1)
    rows = np.concatenate([rows, np.zeros((H, pad), np.uint8)], axis=1)
    sec = int(stamp_s)
    header = Header(stamp=Time(sec=sec, nanosec=round((stamp_s - sec) * 1e9)), frame_id=frame_id)
    return Image(header=header, height=H, width=W, encoding=encoding, is_bigendian=0, step=rows.shape[1],
                 data=array.array("B", rows.tobytes()))


def start(graph, model_path, *params: str, activate: bool = True):
    """rclpy.init with ``params`` (name:=value), a SegmentationNode (configured and activated unless not
    ``activate``) and a probe listening to its outputs."""
    import rclpy
    from diagnostic_msgs.msg import DiagnosticArray
    from geometry_msgs.msg import PointStamped
    from rclpy_standin.probe import Probe, ros_args
    from sensor_msgs.msg import Image
    from vision_msgs.msg import Detection2DArray

    from follow_me_seg.nodes.segmentation_node import SegmentationNode

    rclpy.init(args=ros_args(f"model_path:={model_path}", "device:=cpu", *params))
    node = SegmentationNode()
    if activate:
        node.trigger_configure()
        node.trigger_activate()
    probe = Probe(graph, node)
    probe.listen(Image, "/segmentation_node/class_mask", "/segmentation_node/target_mask")
    probe.listen(Detection2DArray, "/segmentation_node/target")
    probe.listen(PointStamped, "/segmentation_node/target_point")
    probe.listen(DiagnosticArray, "/diagnostics")
    return node, probe


def set_param(node, name: str, value):
    from rclpy_standin.probe import set_parameter

    return set_parameter(node, name, value)


def as_array(msg) -> np.ndarray:
    return np.frombuffer(msg.data, np.uint8).reshape(msg.height, msg.step)[:, : msg.width]


def test_blank_frame_gives_full_size_masks_with_the_input_header_and_an_empty_target(ros_standin, red_hero_model_path):
    node, probe = start(ros_standin, red_hero_model_path)
    frame = image_msg(np.zeros((H, W, 3), np.uint8), pad=4)
    probe.publish("/image", frame)
    for topic in ("/segmentation_node/class_mask", "/segmentation_node/target_mask"):
        (mask,) = probe.received[topic]
        assert (mask.encoding, mask.height, mask.width, mask.step) == ("mono8", H, W, W)
        assert mask.header == frame.header
        assert not as_array(mask).any()
    (target,) = probe.received["/segmentation_node/target"]
    assert target.header == frame.header and list(target.detections) == []
    assert probe.received["/segmentation_node/target_point"] == []
    assert any("segmenting on /CPU:0" in m for m in ros_standin.messages("INFO"))


def test_red_square_is_the_hero_target(ros_standin, red_hero_model_path):
    node, probe = start(ros_standin, red_hero_model_path)
    frame = image_msg(red_square_rgb())
    probe.publish("/image", frame)
    class_mask = as_array(probe.received["/segmentation_node/class_mask"][0])
    assert (class_mask[SQUARE] == HERO).mean() > 0.9
    assert (class_mask == HERO).sum() < 1.2 * 30 * 30
    target_mask = as_array(probe.received["/segmentation_node/target_mask"][0])
    np.testing.assert_array_equal(target_mask, np.where(class_mask == HERO, 255, 0))
    (detections,) = probe.received["/segmentation_node/target"]
    (hero,) = detections.detections
    assert hero.header == frame.header
    assert hero.bbox.center.position.x == pytest.approx(84.5, abs=1.5)
    assert hero.bbox.center.position.y == pytest.approx(44.5, abs=1.5)
    assert hero.bbox.size_x == pytest.approx(30, abs=2) and hero.bbox.size_y == pytest.approx(30, abs=2)
    (result,) = hero.results
    assert result.hypothesis.class_id == "hero" and result.hypothesis.score > 0.9


@pytest.mark.parametrize("model, args, side", [
    ("untrained_model_path", [], 160),  # 0, the default: the model's own side
    ("camera_model_path", [], 256),
    ("untrained_model_path", ["input_size:=256"], 256),
    ("camera_model_path", ["input_size:=160"], 160),
])
def test_input_size_runs_the_network_at_that_side_and_keeps_the_outputs(ros_standin, request, model, args, side):
    node, probe = start(ros_standin, request.getfixturevalue(model), *args)
    assert node.engine.input_size == side
    frame = image_msg(red_square_rgb())
    probe.publish("/image", frame)
    (mask,) = probe.received["/segmentation_node/class_mask"]
    assert (mask.height, mask.width) == (H, W) and mask.header == frame.header
    (detections,) = probe.received["/segmentation_node/target"]
    assert detections.header == frame.header


@pytest.mark.parametrize("encoding", ["rgb8", "rgba8", "bgra8"])
def test_colour_encodings_give_the_same_target(ros_standin, red_hero_model_path, encoding):
    node, probe = start(ros_standin, red_hero_model_path)
    probe.publish("/image", image_msg(red_square_rgb(), encoding, pad=3))
    (hero,) = probe.received["/segmentation_node/target"][0].detections
    assert hero.bbox.center.position.x == pytest.approx(84.5, abs=1.5)


def test_mono8_frames_are_processed(ros_standin, red_hero_model_path):
    node, probe = start(ros_standin, red_hero_model_path)
    probe.publish("/image", image_msg(red_square_rgb(), "mono8"))
    (mask,) = probe.received["/segmentation_node/class_mask"]
    assert (mask.height, mask.width) == (H, W)
    assert probe.received["/segmentation_node/target"][0].detections == []  # grey is not red


def test_bad_frames_are_skipped_with_one_throttled_warning_and_the_node_keeps_going(ros_standin,
                                                                                    red_hero_model_path):
    node, probe = start(ros_standin, red_hero_model_path)
    unsupported = image_msg(red_square_rgb())
    unsupported.encoding = "yuv422"
    short = image_msg(red_square_rgb())
    short.data = short.data[:-1]
    empty = image_msg(red_square_rgb())
    empty.height = 0
    for bad in (unsupported, short, empty):
        probe.publish("/image", bad)
    assert probe.received["/segmentation_node/class_mask"] == []
    warnings = ros_standin.messages("WARN")
    assert len(warnings) == 1 and "unsupported encoding 'yuv422'" in warnings[0]
    probe.publish("/image", image_msg(red_square_rgb()))
    assert len(probe.received["/segmentation_node/target"][0].detections) == 1
    assert node.stats.bad == 3 and node.stats.processed == 1


def test_compressed_transport(ros_standin, red_hero_model_path):
    from sensor_msgs.msg import CompressedImage

    node, probe = start(ros_standin, red_hero_model_path, "image_transport:=compressed")
    ok, png = cv2.imencode(".png", cv2.cvtColor(red_square_rgb(), cv2.COLOR_RGB2BGR))
    frame = image_msg(red_square_rgb())
    probe.publish("/image/compressed", CompressedImage(header=frame.header, format="png",
                                                      data=array.array("B", png.tobytes())))
    (mask,) = probe.received["/segmentation_node/class_mask"]
    assert (mask.height, mask.width, mask.header) == (H, W, frame.header)
    probe.publish("/image/compressed", CompressedImage(header=frame.header, format="jpeg",
                                                      data=array.array("B", b"garbage")))
    assert node.stats.bad == 1 and "cannot decode" in ros_standin.messages("WARN")[0]
    probe.publish("/image", frame)  # raw topic is not subscribed in compressed mode
    assert len(probe.received["/segmentation_node/class_mask"]) == 1


def depth_msg(depth: np.ndarray, encoding: str, header):
    from sensor_msgs.msg import Image

    return Image(header=header, height=depth.shape[0], width=depth.shape[1], encoding=encoding, is_bigendian=0,
                 step=depth.shape[1] * depth.itemsize, data=array.array("B", depth.tobytes()))


def camera_info(header, f: float = 100.0):
    from sensor_msgs.msg import CameraInfo

    info = CameraInfo(header=header, width=W, height=H)
    info.k = [f, 0.0, 59.5, 0.0, f, 44.5, 0.0, 0.0, 1.0]
    return info


@pytest.mark.parametrize("encoding", ["32FC1", "16UC1"])
def test_target_point_from_depth_and_camera_info(ros_standin, red_hero_model_path, encoding):
    node, probe = start(ros_standin, red_hero_model_path)
    frame = image_msg(red_square_rgb(), frame_id="camera_optical")
    half = np.full((H // 2, W // 2), 3.0, np.float32)  # depth at half the colour resolution
    half[:2, :2] = 0.0
    depth = half if encoding == "32FC1" else (half * 1000).astype(np.uint16)
    probe.publish("/camera_info", camera_info(frame.header))
    probe.publish("/depth", depth_msg(depth, encoding, frame.header))
    probe.publish("/image", frame)
    (point,) = probe.received["/segmentation_node/target_point"]
    assert point.header == frame.header
    assert point.point.z == pytest.approx(3.0)
    assert point.point.x == pytest.approx((84.5 - 59.5) * 3.0 / 100.0, abs=0.06)
    assert point.point.y == pytest.approx(0.0, abs=0.06)


def test_no_target_point_without_valid_depth_or_calibration(ros_standin, red_hero_model_path):
    node, probe = start(ros_standin, red_hero_model_path, "future_tolerance_s:=10.0")  # the last frame is 5 s ahead
    frame = image_msg(red_square_rgb())
    probe.publish("/image", frame)  # nothing yet
    probe.publish("/depth", depth_msg(np.zeros((H, W), np.float32), "32FC1", frame.header))
    probe.publish("/camera_info", camera_info(frame.header))
    probe.publish("/image", frame)  # depth all invalid
    probe.publish("/depth", depth_msg(np.full((H, W), 2.0, np.float32), "32FC1", frame.header))
    probe.publish("/camera_info", camera_info(frame.header, f=0.0))
    probe.publish("/image", frame)  # uncalibrated
    probe.publish("/camera_info", camera_info(frame.header))
    probe.publish("/image", image_msg(red_square_rgb(), stamp_s=1.7e9 + 5.0))  # depth 4.75 s older
    assert probe.received["/segmentation_node/target_point"] == []
    assert len(probe.received["/segmentation_node/target"]) == 4


def test_overlay_only_when_enabled_and_subscribed(ros_standin, red_hero_model_path):
    from sensor_msgs.msg import Image

    node, probe = start(ros_standin, red_hero_model_path)
    calls = []
    import follow_me_seg.nodes.segmentation_node as module

    real_draw = module.draw_overlay
    module.draw_overlay = lambda *a, **k: calls.append(1) or real_draw(*a, **k)
    try:
        probe.publish("/image", image_msg(red_square_rgb()))
        assert calls == []
        probe.listen(Image, "/segmentation_node/overlay")
        frame = image_msg(red_square_rgb())
        probe.publish("/image", frame)
        (overlay,) = probe.received["/segmentation_node/overlay"]
        assert (overlay.encoding, overlay.height, overlay.width, overlay.header) == ("bgr8", H, W, frame.header)
        assert set_param(node, "publish_overlay", False).successful
        probe.publish("/image", frame)
        assert len(calls) == 1 and len(probe.received["/segmentation_node/overlay"]) == 1
    finally:
        module.draw_overlay = real_draw


def test_out_of_order_and_stale_frames_are_dropped(ros_standin, red_hero_model_path):
    node, probe = start(ros_standin, red_hero_model_path, "max_frame_age_s:=0.5")
    now = ros_standin.now_ns * 1e-9
    probe.publish("/image", image_msg(red_square_rgb(), stamp_s=now))
    probe.publish("/image", image_msg(red_square_rgb(), stamp_s=now - 0.1))  # older than the last one
    probe.publish("/image", image_msg(red_square_rgb(), stamp_s=now - 2.0))  # too old
    probe.publish("/image", image_msg(red_square_rgb(), stamp_s=0.0))  # unstamped: processed
    assert (node.stats.processed, node.stats.dropped) == (2, 2)
    assert len(probe.received["/segmentation_node/target"]) == 2


@pytest.mark.parametrize("bad_offset_s", [3600.0, 1e6, -30.0])
@pytest.mark.parametrize("max_age", ["0.0", "0.5"])
def test_one_bad_stamp_never_blinds_the_node(ros_standin, red_hero_model_path, bad_offset_s, max_age):
    """A frame from an hour ahead, or stamps stepping back 30 s (the sender's clock), then 20 good frames."""
    node, probe = start(ros_standin, red_hero_model_path, f"max_frame_age_s:={max_age}")
    now = lambda: ros_standin.now_ns * 1e-9  # noqa: E731
    probe.publish("/image", image_msg(red_square_rgb(), stamp_s=now()))
    probe.publish("/image", image_msg(red_square_rgb(), stamp_s=now() + bad_offset_s))
    shift = bad_offset_s if bad_offset_s < 0 and max_age == "0.0" else 0.0  # the sender's clock stepped back
    for _ in range(20):
        probe.wait(0.05)
        probe.publish("/image", image_msg(red_square_rgb(), stamp_s=now() + shift))
    targets = probe.received["/segmentation_node/target"]
    assert len(targets) >= 21, (len(targets), node.stats.dropped)
    assert len(targets) == 22 - node.stats.dropped and node.stats.dropped <= 1


def test_future_depth_and_camera_info_are_ignored_and_counted(ros_standin, red_hero_model_path):
    node, probe = start(ros_standin, red_hero_model_path)
    frame = image_msg(red_square_rgb(), stamp_s=ros_standin.now_ns * 1e-9)
    ahead = image_msg(red_square_rgb(), stamp_s=ros_standin.now_ns * 1e-9 + 100.0).header
    probe.publish("/camera_info", camera_info(ahead))
    probe.publish("/depth", depth_msg(np.full((H, W), 2.0, np.float32), "32FC1", ahead))
    probe.publish("/image", frame)
    assert probe.received["/segmentation_node/target_point"] == []
    assert node._partner_stamps.counts["future"] == 2


def test_diagnostics_report_rate_latency_and_bad_frames(ros_standin, red_hero_model_path):
    from diagnostic_msgs.msg import DiagnosticStatus

    node, probe = start(ros_standin, red_hero_model_path)
    probe.wait(0.2)
    for _ in range(5):
        probe.publish("/image", image_msg(red_square_rgb(), stamp_s=ros_standin.now_ns * 1e-9))
        probe.wait(0.1)
    bad = image_msg(red_square_rgb())
    bad.encoding = "16UC1"
    probe.publish("/image", bad)
    probe.wait(0.3)
    (report,) = probe.received["/diagnostics"]
    (status,) = report.status
    values = {kv.key: kv.value for kv in status.values}
    assert status.level == DiagnosticStatus.WARN and "1 bad frame" in status.message
    assert status.name == "/segmentation_node: segmentation"
    assert (values["frames_processed"], values["frames_bad"], values["frames_dropped"]) == ("5", "1", "0")
    assert float(values["rate_hz"]) == pytest.approx(10.0, rel=0.01)  # from the first frame, not node start
    assert float(values["processing_ms_mean"]) > 0 and values["device"] == "/CPU:0"
    assert values["backend"] == "tensorflow" and values["model_sha256"] == file_sha256(red_hero_model_path)
    probe.wait(1.0)
    assert probe.received["/diagnostics"][-1].status[0].level == DiagnosticStatus.OK
    probe.wait(5.0)
    quiet = probe.received["/diagnostics"][-1].status[0]
    assert quiet.level == DiagnosticStatus.WARN and "no frame processed" in quiet.message


@pytest.mark.parametrize(
    "param, complaint",
    [
        ("hero_threshold:=1.5", "parameter hero_threshold: Invalid parameter value (1.5) for parameter. Reason: "
                                "Parameter hero_threshold out of range"),
        ("hero_threshold:=1.0", "parameter hero_threshold must be in (0, 1), got 1.0"),
        ("min_target_pixels:=2.5", "parameter min_target_pixels: Trying to set parameter 'min_target_pixels' to "
                                   "'2.5' of type 'DOUBLE', expecting type 'INTEGER'"),
        ("image_qos:=fast", "parameter image_qos must be one of sensor_data, reliable, system_default, got 'fast'"),
        ("model_path:=/no/such/model.keras", "model file not found: /no/such/model.keras"),
        ("device:=gpu", "device 'gpu' was requested but TensorFlow sees no GPU"),
    ],
)
def test_bad_start_up_exits_non_zero_with_one_clear_line(ros_standin, red_hero_model_path, capsys, param, complaint):
    import tensorflow as tf

    from follow_me_seg.nodes.segmentation_node import main

    if param == "device:=gpu" and tf.config.list_physical_devices("GPU"):
        pytest.skip("this machine has a GPU")
    with pytest.raises(SystemExit) as exit_info:
        main(["--ros-args", "-p", f"model_path:={red_hero_model_path}", "-p", param])
    assert exit_info.value.code == 1
    errors = ros_standin.messages("ERROR")
    assert len(errors) == 1 and complaint in errors[0]
    assert "Traceback" not in capsys.readouterr().err
    assert not ros_standin.initialized  # rclpy was shut down


def test_lifecycle_configure_loads_the_model_and_only_an_active_node_processes(ros_standin, red_hero_model_path):
    node, probe = start(ros_standin, red_hero_model_path, activate=False)
    assert node.engine is None and node.standin_state == "unconfigured"
    probe.publish("/image", image_msg(red_square_rgb()))
    node.trigger_configure()
    assert node.engine is not None and node.standin_state == "inactive"
    probe.publish("/image", image_msg(red_square_rgb()))
    assert probe.received["/segmentation_node/target"] == []  # inactive: not subscribed
    node.trigger_activate()
    probe.publish("/image", image_msg(red_square_rgb()))
    assert len(probe.received["/segmentation_node/target"]) == 1
    node.trigger_deactivate()
    probe.publish("/image", image_msg(red_square_rgb()))
    probe.wait(2.0)
    assert len(probe.received["/segmentation_node/target"]) == 1 and probe.received["/diagnostics"] == []
    node.trigger_cleanup()
    assert node.engine is None and node.standin_state == "unconfigured"


def test_a_bad_model_fails_configure_with_one_line_and_stays_unconfigured(ros_standin, tmp_path):
    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"not a model")
    node, probe = start(ros_standin, broken, activate=False)
    from rclpy.lifecycle import TransitionCallbackReturn

    assert node.trigger_configure() == TransitionCallbackReturn.FAILURE
    assert node.standin_state == "unconfigured"
    (error,) = ros_standin.messages("ERROR")
    assert "cannot load model" in error and str(broken) in error


def test_live_parameters_take_effect_and_bad_ones_are_rejected(ros_standin, red_hero_model_path):
    node, probe = start(ros_standin, red_hero_model_path)
    for name, value, reason in (("hero_threshold", 2.0, "out of range"), ("hero_threshold", "abc", "Wrong parameter"),
                                ("min_target_pixels", 1_000_000, "out of range"), ("depth_window", 4, "valid step"),
                                ("model_path", "/other.keras", "read-only"), ("backend", "litert", "read-only")):
        result = set_param(node, name, value)
        assert not result.successful and reason in result.reason, (name, result.reason)
    assert node.params["hero_threshold"] == 0.5 and node.get_parameter("hero_threshold").value == 0.5
    probe.publish("/image", image_msg(red_square_rgb()))
    assert len(probe.received["/segmentation_node/target"][-1].detections) == 1
    assert set_param(node, "min_target_pixels", 25_600).successful  # the whole network image: no blob is that big
    probe.publish("/image", image_msg(red_square_rgb()))
    assert probe.received["/segmentation_node/target"][-1].detections == []
    assert set_param(node, "min_target_pixels", 4).successful
    assert set_param(node, "hero_threshold", 0.9999).successful  # the red square's P(hero) is about 0.9999
    probe.publish("/image", image_msg(red_square_rgb()))
    mask = as_array(probe.received["/segmentation_node/class_mask"][-1])
    assert (mask == HERO).sum() < (as_array(probe.received["/segmentation_node/class_mask"][0]) == HERO).sum()


def test_diagnostics_period_changes_live(ros_standin, red_hero_model_path):
    node, probe = start(ros_standin, red_hero_model_path)
    assert set_param(node, "diagnostics_period_s", 0.25).successful
    probe.wait(1.0)
    assert len(probe.received["/diagnostics"]) == 4


def test_depth_and_camera_info_are_paired_by_stamp(ros_standin, red_hero_model_path):
    node, probe = start(ros_standin, red_hero_model_path, "depth_max_skew_s:=0.02")
    base = ros_standin.now_ns * 1e-9 - 1.0
    frame = image_msg(red_square_rgb(), stamp_s=base)
    for offset, metres in ((-0.1, 9.0), (0.01, 3.0), (0.1, 7.0)):  # the middle one is nearest the frame
        header = image_msg(red_square_rgb(), stamp_s=base + offset).header
        probe.publish("/depth", depth_msg(np.full((H, W), metres, np.float32), "32FC1", header))
        probe.publish("/camera_info", camera_info(header))
    probe.publish("/image", frame)
    (point,) = probe.received["/segmentation_node/target_point"]
    assert point.point.z == pytest.approx(3.0) and point.header == frame.header
    probe.publish("/image", image_msg(red_square_rgb(), stamp_s=base + 0.05))  # 0.04 s from every depth
    assert len(probe.received["/segmentation_node/target_point"]) == 1


def test_diagnostics_count_frames_lost_upstream_and_end_to_end_latency(ros_standin, red_hero_model_path):
    node, probe = start(ros_standin, red_hero_model_path)
    now = ros_standin.now_ns * 1e-9
    for i in (0, 1, 2, 3, 4, 7, 8, 9):  # a 30 Hz camera; frames 5 and 6 never arrive
        probe.publish("/image", image_msg(red_square_rgb(), stamp_s=now - 0.25 + i / 30))
    probe.wait(1.0)
    values = {kv.key: kv.value for kv in probe.received["/diagnostics"][-1].status[0].values}
    assert values["frames_lost_upstream"] == "2" and values["frames_processed"] == "8"
    assert float(values["input_rate_hz"]) == pytest.approx(30.0, rel=0.01)
    assert 0.0 < float(values["latency_ms_mean"]) <= 250.0  # now - stamp: the stamps were up to 0.25 s old


def test_an_unexpected_error_in_configure_is_logged_not_swallowed(ros_standin, red_hero_model_path, monkeypatch):
    from rclpy.lifecycle import TransitionCallbackReturn

    import follow_me_seg.nodes.segmentation_node as module

    def broken_engine(*args, **kwargs):
        raise RuntimeError("driver exploded")

    node, probe = start(ros_standin, red_hero_model_path, activate=False)
    monkeypatch.setattr(module, "SegmentationEngine", broken_engine)
    assert node.trigger_configure() == TransitionCallbackReturn.FAILURE
    assert ros_standin.messages("ERROR") == ["RuntimeError: driver exploded"]


def test_every_hero_blob_is_published_largest_first(ros_standin, red_hero_model_path):
    node, probe = start(ros_standin, red_hero_model_path)
    rgb = red_square_rgb()
    rgb[5:20, 5:20] = (255, 0, 0)  # a second, smaller red patch top left
    frame = image_msg(rgb)
    probe.publish("/image", frame)
    (detections,) = probe.received["/segmentation_node/target"]
    big, small = detections.detections
    assert (big.id, small.id) == ("0", "1") and big.header == small.header == frame.header
    assert big.bbox.size_x > small.bbox.size_x
    assert small.bbox.center.position.x == pytest.approx(12.0, abs=2.0)
