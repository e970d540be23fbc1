"""frame_source on REAL rclpy (Jazzy, Fast DDS): the stand-in checks of test/nodes/test_frame_source_node.py
that depend on the middleware, on a real graph in one process.

Not covered here: the follower and segmentation nodes import vision_msgs, which has no wheel on PyPI
(nor do launch_ros and cv_bridge), so they and the whole frames -> segmentation -> follower pipeline
are tested on the stand-in only.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

rclpy = pytest.importorskip("rclpy", reason="real rclpy (ROS 2 Jazzy) is not installed")

from frame_source_cases import BAD_SOURCES, write_frames  # noqa: E402
from real_ros_graph import log_lines, ros_args  # noqa: E402  (after the skip: it imports rclpy)


def start(graph, *params: str):
    from sensor_msgs.msg import CameraInfo, Image

    from follow_me_seg.nodes.frame_source_node import FrameSourceNode

    graph.init(*params).listen(Image, "/image").listen(CameraInfo, "/camera_info")
    return graph.add(FrameSourceNode())


def seconds(stamp) -> float:
    return stamp.sec + stamp.nanosec * 1e-9


def test_publishes_frames_in_order_with_current_stamps_and_camera_info(real_ros, tmp_path):
    folder = write_frames(tmp_path / "frames")
    before = time.time()
    start(real_ros, f"source:={folder}", "publish_rate_hz:=20.0", "frame_id:=cam_optical")
    images = real_ros.count("/image", 5, timeout=5.0)
    real_ros.count("/camera_info", 5, timeout=1.0)
    after = time.time()
    assert len(images) >= 5
    assert [img.data[0] for img in images[:5]] == [10, 20, 30, 10, 20]  # in order, looping, none lost
    first = images[0]
    assert (first.encoding, first.height, first.width, first.step) == ("bgr8", 48, 64, 64 * 3)
    assert first.header.frame_id == "cam_optical"
    stamps = [seconds(img.header.stamp) for img in images[:5]]
    assert before <= stamps[0] <= stamps[-1] <= after  # stamped from the node's clock (system time), now
    assert stamps == sorted(stamps)
    infos = {seconds(info.header.stamp): info for info in real_ros.received["/camera_info"]}
    info = infos[stamps[0]]  # camera_info shares the image's header
    assert info.header.frame_id == "cam_optical" and (info.width, info.height) == (64, 48)
    assert not np.asarray(info.k).any()  # no field of view given: uncalibrated


def test_camera_info_from_the_field_of_view(real_ros, tmp_path):
    folder = write_frames(tmp_path / "frames", 1)
    start(real_ros, f"source:={folder}", "horizontal_fov_deg:=90.0", "publish_rate_hz:=20.0")
    (info, *_) = real_ros.count("/camera_info", 1, timeout=5.0)
    assert info.k[0] == pytest.approx(32.0) and info.k[4] == pytest.approx(32.0)
    assert (info.k[2], info.k[5], info.k[8]) == (31.5, 23.5, 1.0)
    assert info.p[0] == pytest.approx(32.0) and info.p[10] == 1.0


def test_stops_at_the_end_without_loop(real_ros, tmp_path, capfd):
    folder = write_frames(tmp_path / "frames", 2)
    start(real_ros, f"source:={folder}", "loop:=false", "publish_rate_hz:=20.0")
    real_ros.spin_for(0.6)  # 12 periods
    assert [img.data[0] for img in real_ros.received["/image"]] == [10, 20]
    assert any("end of the frame source" in line for line in log_lines(capfd.readouterr().err, "INFO"))


def test_unreadable_frame_is_skipped_with_one_warning(real_ros, tmp_path, capfd):
    folder = write_frames(tmp_path / "frames", 2)
    (folder / "frame_1.png").write_bytes(b"broken")
    start(real_ros, f"source:={folder}", "publish_rate_hz:=20.0")
    images = real_ros.count("/image", 3, timeout=5.0)
    assert {img.data[0] for img in images} == {10}
    (warning,) = log_lines(capfd.readouterr().err, "WARN")  # throttled: one per 5 s
    assert "cannot read image" in warning and "frame_1.png" in warning


@pytest.mark.parametrize(
    "params, complaint",
    [
        *BAD_SOURCES,
        (["source:={frames}", "publish_rate_hz:=2000.0"], "publish_rate_hz out of range"),  # rclpy's range check
        (["source:={frames}", "publish_rate_hz:=fast"], "expecting type 'DOUBLE'"),  # rclpy's type check
    ],
)
def test_bad_parameters_exit_non_zero_with_one_clear_line(real_ros, tmp_path, capfd, params, complaint):
    from follow_me_seg.nodes.frame_source_node import main

    (tmp_path / "empty").mkdir()
    frames = write_frames(tmp_path / "frames", 1)
    with pytest.raises(SystemExit) as exit_info:
        main(ros_args(*(param.format(empty=tmp_path / "empty", frames=frames) for param in params)))
    assert exit_info.value.code == 1
    assert not rclpy.ok()  # run_node shut its context down
    err = capfd.readouterr().err
    (error,) = log_lines(err, "ERROR")
    assert complaint in error
    assert "Traceback" not in err


def test_live_parameters(real_ros, tmp_path):
    from rclpy.parameter import Parameter

    folder = write_frames(tmp_path / "frames", 2)
    node = start(real_ros, f"source:={folder}", "publish_rate_hz:=5.0")
    (rejected,) = node.set_parameters([Parameter("source", value="/elsewhere")])
    assert not rejected.successful and "read-only" in rejected.reason
    (too_slow,) = node.set_parameters([Parameter("publish_rate_hz", value=0.0)])
    assert not too_slow.successful and "must be in (0, 1000]" in too_slow.reason
    assert node.get_parameter("publish_rate_hz").value == 5.0  # the old value stays in force
    (accepted,) = node.set_parameters([Parameter("publish_rate_hz", value=40.0)])
    assert accepted.successful
    (renamed,) = node.set_parameters([Parameter("frame_id", value="cam2")])
    assert renamed.successful
    real_ros.spin_for(1.0)
    images = real_ros.received["/image"]
    assert len(images) >= 15 and images[0].header.frame_id == "cam2"  # 40 Hz now (5 Hz would give 5)
    node.set_parameters([Parameter("loop", value=False)])
    real_ros.spin_for(0.3)
    stopped = len(images)
    real_ros.spin_for(0.5)
    assert len(images) == stopped  # stopped after the last frame
    assert node.timer.is_canceled()


def test_an_unexpected_error_while_reading_a_frame_is_logged_and_the_timer_keeps_publishing(real_ros, tmp_path, capfd):
    folder = write_frames(tmp_path / "frames", 2)
    node = start(real_ros, f"source:={folder}", "publish_rate_hz:=20.0")
    real, calls = node.source.next_frame, []

    def out_of_memory_once():
        calls.append(1)
        if len(calls) == 2:
            raise MemoryError("no room for this frame")
        return real()

    node.source.next_frame = out_of_memory_once
    images = real_ros.count("/image", 4, timeout=5.0)
    real_ros.spin_until(lambda: len(images) == len(calls) - 1, timeout=1.0)  # the last frame's delivery
    assert len(calls) >= 5 and len(images) == len(calls) - 1
    (error,) = log_lines(capfd.readouterr().err, "ERROR")
    assert "MemoryError" in error
