"""frame_source wiring on the rclpy stand-in, and the whole pipeline: frames -> segmentation -> follower."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
from frame_source_cases import BAD_SOURCES, write_frames


def start(graph, *params: str):
    import rclpy
    from rclpy_standin.probe import Probe, ros_args
    from sensor_msgs.msg import CameraInfo, Image

    from follow_me_seg.nodes.frame_source_node import FrameSourceNode

    rclpy.init(args=ros_args(*params))
    node = FrameSourceNode()
    probe = Probe(graph, node).listen(Image, "/image").listen(CameraInfo, "/camera_info")
    return node, probe


def test_publishes_frames_at_the_rate_with_current_stamps_and_camera_info(ros_standin, tmp_path):
    folder = write_frames(tmp_path / "frames")
    node, probe = start(ros_standin, f"source:={folder}", "publish_rate_hz:=5.0", "frame_id:=cam_optical")
    probe.wait(1.0)
    images, infos = probe.received["/image"], probe.received["/camera_info"]
    assert len(images) == 5 and len(infos) == 5
    assert [img.data[0] for img in images] == [10, 20, 30, 10, 20]  # in order, looping
    first = images[0]
    assert (first.encoding, first.height, first.width, first.step) == ("bgr8", 48, 64, 64 * 3)
    assert first.header.frame_id == "cam_optical"
    assert first.header.stamp.sec + first.header.stamp.nanosec * 1e-9 == pytest.approx(1.7e9 + 0.2)
    assert infos[0].header == first.header and (infos[0].width, infos[0].height) == (64, 48)
    assert not infos[0].k.any()  # no field of view given: uncalibrated


def test_camera_info_from_the_field_of_view(ros_standin, tmp_path):
    folder = write_frames(tmp_path / "frames", 1)
    node, probe = start(ros_standin, f"source:={folder}", "horizontal_fov_deg:=90.0")
    probe.wait(0.1)
    info = probe.received["/camera_info"][0]
    assert info.k[0] == pytest.approx(32.0) and info.k[4] == pytest.approx(32.0)
    assert (info.k[2], info.k[5], info.k[8]) == (31.5, 23.5, 1.0)
    assert info.p[0] == pytest.approx(32.0) and info.p[10] == 1.0


def test_stops_at_the_end_without_loop(ros_standin, tmp_path):
    folder = write_frames(tmp_path / "frames", 2)
    node, probe = start(ros_standin, f"source:={folder}", "loop:=false", "publish_rate_hz:=10.0")
    probe.wait(1.0)
    assert len(probe.received["/image"]) == 2
    assert any("end of the frame source" in m for m in ros_standin.messages("INFO"))


def test_unreadable_frame_is_skipped_with_a_warning(ros_standin, tmp_path):
    folder = write_frames(tmp_path / "frames", 2)
    (folder / "frame_1.png").write_bytes(b"broken")
    node, probe = start(ros_standin, f"source:={folder}", "publish_rate_hz:=10.0")
    probe.wait(0.3)
    assert [img.data[0] for img in probe.received["/image"]] == [10, 10]
    (warning,) = ros_standin.messages("WARN")
    assert "cannot read image" in warning and "frame_1.png" in warning


@pytest.mark.parametrize("params, complaint", BAD_SOURCES)
def test_bad_source_exits_non_zero_with_one_clear_line(ros_standin, tmp_path, capsys, params, complaint):
    from rclpy_standin.probe import ros_args

    from follow_me_seg.nodes.frame_source_node import main

    (tmp_path / "empty").mkdir()
    frames = write_frames(tmp_path / "frames", 1)
    with pytest.raises(SystemExit) as exit_info:
        main(ros_args(*(param.format(empty=tmp_path / "empty", frames=frames) for param in params)))
    assert exit_info.value.code == 1
    (error,) = ros_standin.messages("ERROR")
    assert complaint in error
    assert "Traceback" not in capsys.readouterr().err


def test_whole_pipeline_follows_a_red_hero(ros_standin, tmp_path, red_hero_model_path):
    """frame_source -> segmentation_node -> follower_node, remapped as follow.launch.py does."""
    import rclpy
    from geometry_msgs.msg import Twist
    from rclpy_standin.probe import Probe

    from follow_me_seg.nodes.follower_node import FollowerNode
    from follow_me_seg.nodes.frame_source_node import FrameSourceNode
    from follow_me_seg.nodes.segmentation_node import SegmentationNode

    folder = tmp_path / "frames"
    folder.mkdir()
    bgr = np.zeros((120, 160, 3), np.uint8)
    bgr[40:100, 120:140] = (0, 0, 255)  # red hero on the right, 60 px tall
    cv2.imwrite(str(folder / "hero.png"), bgr)
    rclpy.init(args=[
        "--ros-args", "-p", f"source:={folder}", "-p", f"model_path:={red_hero_model_path}", "-p", "device:=cpu",
        "-p", "smoothing:=0.0", "-r", "image:=camera/image_raw", "-r", "camera_info:=camera/camera_info",
        "-r", "target:=segmentation_node/target", "-r", "target_point:=segmentation_node/target_point",
        "-r", "target_mask:=segmentation_node/target_mask",
    ])
    nodes = [FrameSourceNode(), SegmentationNode(), FollowerNode()]
    for managed in nodes[1:]:
        managed.trigger_configure()
        managed.trigger_activate()
    probe = Probe(ros_standin, *nodes).listen(Twist, "/cmd_vel")
    probe.wait(0.5)
    vx, yaw = probe.received["/cmd_vel"][-1].linear.x, probe.received["/cmd_vel"][-1].angular.z
    assert yaw < 0  # hero right of centre: turn right
    assert vx < 0  # 60/120 = 0.5 tall, above the desired 0.3: back off
    assert math.isfinite(vx) and abs(vx) <= 2.0


def test_live_parameters(ros_standin, tmp_path):
    from rclpy.parameter import Parameter

    folder = write_frames(tmp_path / "frames", 2)
    node, probe = start(ros_standin, f"source:={folder}", "publish_rate_hz:=5.0")
    (rejected,) = node.set_parameters([Parameter("source", value="/elsewhere")])
    assert not rejected.successful and "read-only" in rejected.reason
    (accepted,) = node.set_parameters([Parameter("publish_rate_hz", value=20.0)])
    assert accepted.successful
    node.set_parameters([Parameter("frame_id", value="cam2")])
    probe.wait(1.0)
    images = probe.received["/image"]
    assert len(images) == 20 and images[0].header.frame_id == "cam2"  # 20 Hz now
    node.set_parameters([Parameter("loop", value=False)])
    probe.wait(1.0)
    assert len(probe.received["/image"]) <= 22  # stopped after the last frame


def test_an_unexpected_error_while_reading_a_frame_is_logged_and_the_node_keeps_publishing(ros_standin, tmp_path):
    folder = write_frames(tmp_path / "frames", 2)
    node, probe = start(ros_standin, f"source:={folder}", "publish_rate_hz:=10.0")
    real, calls = node.source.next_frame, []

    def out_of_memory_once():
        calls.append(1)
        if len(calls) == 2:
            raise MemoryError("no room for this frame")
        return real()

    node.source.next_frame = out_of_memory_once
    probe.wait(0.45)
    assert len(calls) >= 4 and len(probe.received["/image"]) == len(calls) - 1
    (error,) = ros_standin.messages("ERROR")
    assert "MemoryError" in error
