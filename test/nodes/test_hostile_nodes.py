"""Attack tests of the nodes on the rclpy stand-in: the hostile corpus, hostile targets, clock jumps."""

from __future__ import annotations

import array
import math

import cv2
import numpy as np
import pytest
from hostile_messages import CORPUS_REASONS, corpus_bytes
from test_follower_node import detections
from test_follower_node import start as start_follower
from test_segmentation_node import H, W, image_msg, red_square_rgb
from test_segmentation_node import start as start_segmentation


def compressed_msg(header, data: bytes, fmt: str = "jpeg"):
    from sensor_msgs.msg import CompressedImage

    return CompressedImage(header=header, format=fmt, data=array.array("B", data))


def red_square_jpeg() -> bytes:
    return cv2.imencode(".jpg", cv2.cvtColor(red_square_rgb(), cv2.COLOR_RGB2BGR))[1].tobytes()


def test_segmentation_node_skips_every_corpus_file_and_keeps_segmenting(ros_standin, red_hero_model_path):
    node, probe = start_segmentation(ros_standin, red_hero_model_path, "image_transport:=compressed")
    header = image_msg(red_square_rgb()).header
    for name in sorted(CORPUS_REASONS):
        probe.publish("/image/compressed", compressed_msg(header, corpus_bytes(name)))
    assert probe.received["/segmentation_node/target"] == []
    assert node.stats.bad == len(CORPUS_REASONS)
    probe.publish("/image/compressed", compressed_msg(header, red_square_jpeg()))
    (hero,) = probe.received["/segmentation_node/target"][0].detections
    assert hero.bbox.center.position.x == pytest.approx(84.5, abs=2)
    assert ros_standin.messages("ERROR") == []


def test_segmentation_node_limit_applies_to_raw_compressed_and_depth(ros_standin, red_hero_model_path):
    from sensor_msgs.msg import Image

    node, probe = start_segmentation(ros_standin, red_hero_model_path, f"max_image_pixels:={H * W - 1}")
    frame = image_msg(red_square_rgb())
    probe.publish("/image", frame)
    huge = Image(header=frame.header, height=65000, width=65000, encoding="rgb8", step=3 * 65000,
                 data=array.array("B", bytes(100)))
    probe.publish("/image", huge)
    probe.publish("/depth", huge)  # kept until a frame needs it: the camera frames are refused first
    assert probe.received["/segmentation_node/target"] == [] and node.stats.bad == 2
    assert f"{W}x{H} pixels, more than the limit of {H * W - 1}" in ros_standin.messages("WARN")[0]


def test_an_unexpected_exception_in_a_callback_is_logged_not_raised(ros_standin, red_hero_model_path, monkeypatch):
    from follow_me_seg.nodes import segmentation_node

    node, probe = start_segmentation(ros_standin, red_hero_model_path)

    def broken(*args):
        raise RuntimeError("a bug the message triggered")

    monkeypatch.setattr(segmentation_node, "image_to_rgb", broken)
    probe.publish("/image", image_msg(red_square_rgb()))
    probe.publish("/image", image_msg(red_square_rgb()))
    (error,) = ros_standin.messages("ERROR")
    assert "_on_image failed" in error and "RuntimeError: a bug the message triggered" in error
    monkeypatch.undo()
    probe.publish("/image", image_msg(red_square_rgb()))
    assert len(probe.received["/segmentation_node/target"]) == 1


@pytest.mark.parametrize("box", [
    (math.nan, 1.0, 1.0, 1.0), (math.inf, -math.inf, 1.0, 1.0), (1e308, 1e308, 1e308, 1e308),
    (-1e308, 5.0, -3.0, 0.0), (float(np.float32(128.0)), 100.0, 20.0, 60.0),
])
def test_follower_commands_stay_finite_and_in_limits_for_any_box(ros_standin, box):
    from geometry_msgs.msg import PointStamped

    node, probe = start_follower(ros_standin)
    point = PointStamped()
    point.point.x = point.point.y = point.point.z = 1e308
    probe.publish("/target_point", point)
    probe.publish("/target", detections(box))
    probe.wait(0.2)
    params = node.controller.params
    for twist in probe.received["/cmd_vel"]:
        assert abs(twist.linear.x) <= params.max_forward_speed and abs(twist.angular.z) <= params.max_yaw_rate
        assert all(math.isfinite(v) for v in (twist.linear.x, twist.linear.z, twist.angular.z))
    assert ros_standin.messages("ERROR") == []


def test_follower_hovers_at_once_after_a_small_backward_clock_jump(ros_standin):
    node, probe = start_follower(ros_standin, "control_rate_hz:=20.0", "target_timeout:=1.0")
    probe.publish("/target", detections((230.0, 128.0, 20.0, 40.0)))
    probe.wait(0.1)
    assert probe.received["/cmd_vel"][-1].linear.x != 0.0  # tracking, then holding its forward command
    ros_standin.jump(-0.01)  # too small for the samples to show: the jump callback must
    probe.received["/cmd_vel"].clear()
    probe.wait(0.1)
    assert probe.received["/cmd_vel"] and all(t.angular.z == 0.0 and t.linear.x == 0.0
                                              for t in probe.received["/cmd_vel"])
