"""launch_testing on a real ROS 2 graph (Humble / Jazzy): follow.launch.py with the red-is-hero model.

Skipped where rclpy / launch_testing are not importable. Run with ``colcon test`` or
``launch_test test/launch/test_launch_follow.py`` after ``colcon build`` and sourcing the workspace.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import unittest
from collections import defaultdict

import pytest

rclpy = pytest.importorskip("rclpy")
pytest.importorskip("launch_testing")
pytest.importorskip("launch_ros")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # launch_test does not put test/ on sys.path

import launch_testing.actions  # noqa: E402
import launch_testing.asserts  # noqa: E402
import numpy as np  # noqa: E402
from ament_index_python.packages import get_package_share_directory  # noqa: E402
from geometry_msgs.msg import Twist  # noqa: E402
from launch.actions import IncludeLaunchDescription  # noqa: E402
from launch.launch_description_sources import PythonLaunchDescriptionSource  # noqa: E402
from lifecycle_msgs.srv import GetState  # noqa: E402
from rcl_interfaces.srv import GetParameters, SetParameters  # noqa: E402
from rclpy.parameter import Parameter  # noqa: E402
from rclpy.qos import HistoryPolicy, QoSProfile, ReliabilityPolicy  # noqa: E402
from red_hero_model import save_red_hero_model  # noqa: E402
from sensor_msgs.msg import CameraInfo, Image  # noqa: E402
from std_msgs.msg import Header  # noqa: E402
from vision_msgs.msg import Detection2DArray  # noqa: E402

from follow_me_seg.nodes.image_messages import fill_image  # noqa: E402
from launch import LaunchDescription  # noqa: E402

NS = "/follow_test"
H, W = 90, 120
STARTUP_S = 120.0  # TensorFlow import and model load on a slow machine
RELIABLE = QoSProfile(history=HistoryPolicy.KEEP_LAST, depth=50, reliability=ReliabilityPolicy.RELIABLE)


@pytest.mark.launch_test
def generate_test_description():
    model = save_red_hero_model(os.path.join(tempfile.mkdtemp(), "red_hero.keras"))
    launch_file = os.path.join(get_package_share_directory("follow_me_seg"), "launch", "follow.launch.py")
    arguments = {"namespace": NS.strip("/"), "image_topic": "camera/image_raw", "model_path": str(model),
                 "device": "cpu", "use_follower": "true"}
    follow = IncludeLaunchDescription(PythonLaunchDescriptionSource(launch_file),
                                      launch_arguments=arguments.items())
    return LaunchDescription([follow, launch_testing.actions.ReadyToTest()])


def red_square_bgr() -> np.ndarray:
    bgr = np.zeros((H, W, 3), np.uint8)
    bgr[30:60, 70:100] = (0, 0, 255)
    return bgr


class TestFollowPipeline(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        rclpy.init()
        cls.node = rclpy.create_node("follow_launch_test")
        cls.frames = cls.node.create_publisher(Image, f"{NS}/camera/image_raw", RELIABLE)
        cls.camera_info = cls.node.create_publisher(CameraInfo, f"{NS}/camera/camera_info", RELIABLE)
        cls.received = defaultdict(list)
        for msg_type, topic in ((Image, "segmentation_node/class_mask"), (Detection2DArray, "segmentation_node/target"),
                                (Twist, "cmd_vel")):
            cls.node.create_subscription(msg_type, f"{NS}/{topic}", cls.received[topic].append, RELIABLE)

    @classmethod
    def tearDownClass(cls):
        cls.node.destroy_node()
        rclpy.shutdown()

    def publish(self, bgr: np.ndarray, info_size: tuple[int, int] = (W, H)) -> Header:
        header = Header(stamp=self.node.get_clock().now().to_msg(), frame_id="camera_optical_frame")
        self.frames.publish(fill_image(Image(header=header), bgr, "bgr8"))
        self.camera_info.publish(CameraInfo(header=header, width=info_size[0], height=info_size[1]))
        return header

    def stream(self, bgr: np.ndarray, seconds: float, info_size: tuple[int, int] = (W, H)) -> None:
        """Frames at about 10 Hz for ``seconds``: enough for the follower to confirm a sighting."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.publish(bgr, info_size)
            self.spin(0.1)

    def spin(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            rclpy.spin_once(self.node, timeout_sec=0.05)

    def answer_to(self, bgr: np.ndarray, topic: str, after: int = 0):
        """Publish ``bgr`` until a message on ``topic`` (from the ``after``-th on) carries a published header."""
        sent = []
        end = time.monotonic() + STARTUP_S
        while time.monotonic() < end:
            sent.append(self.publish(bgr))
            self.spin(0.3)
            for msg in self.received[topic][after:]:
                if msg.header in sent:
                    return msg
        self.fail(f"no answer on {topic} within {STARTUP_S} s")

    def call(self, srv_type, service: str, request):
        client = self.node.create_client(srv_type, f"{NS}/{service}")
        self.assertTrue(client.wait_for_service(timeout_sec=STARTUP_S), f"no service {service}")
        future = client.call_async(request)
        rclpy.spin_until_future_complete(self.node, future, timeout_sec=30.0)
        self.assertTrue(future.done(), f"no answer from {service}")
        return future.result()

    def test_managed_nodes_are_active_after_autostart(self):
        self.answer_to(np.zeros((H, W, 3), np.uint8), "segmentation_node/target")  # up and running
        for name in ("segmentation_node", "follower_node"):
            state = self.call(GetState, f"{name}/get_state", GetState.Request()).current_state
            self.assertEqual(state.label, "active", name)

    def test_parameter_changes_are_validated_and_applied(self):
        self.answer_to(np.zeros((H, W, 3), np.uint8), "segmentation_node/target")
        service = "segmentation_node/set_parameters"
        for name, value in (("hero_threshold", 2.0), ("hero_threshold", 1.0), ("model_path", "/other.keras"),
                            ("input_size", 256)):  # out of range, then read-only ones
            request = SetParameters.Request(parameters=[Parameter(name, value=value).to_parameter_msg()])
            (result,) = self.call(SetParameters, service, request).results
            self.assertFalse(result.successful, (name, value))
            self.assertTrue(result.reason)
        request = SetParameters.Request(parameters=[Parameter("min_target_pixels", value=25600).to_parameter_msg()])
        self.assertTrue(self.call(SetParameters, service, request).results[0].successful)
        try:
            target = self.answer_to(red_square_bgr(), "segmentation_node/target", after=len(
                self.received["segmentation_node/target"]))
            self.assertEqual(len(target.detections), 0)  # no blob covers the whole network image
        finally:
            request = SetParameters.Request(parameters=[Parameter("min_target_pixels", value=4).to_parameter_msg()])
            self.call(SetParameters, service, request)
        values = self.call(GetParameters, "segmentation_node/get_parameters",
                           GetParameters.Request(names=["hero_threshold", "min_target_pixels", "input_size"])).values
        self.assertEqual((values[0].double_value, values[1].integer_value), (0.5, 4))
        self.assertEqual(values[2].integer_value, 0)  # config/follow_me.yaml: the model's own side

    def test_blank_frame_gives_a_full_size_mask_and_an_empty_target(self):
        blank = np.zeros((H, W, 3), np.uint8)
        mask = self.answer_to(blank, "segmentation_node/class_mask")
        self.assertEqual((mask.encoding, mask.height, mask.width), ("mono8", H, W))
        self.assertEqual(mask.header.frame_id, "camera_optical_frame")
        self.assertFalse(np.frombuffer(mask.data, np.uint8).any())
        target = self.answer_to(blank, "segmentation_node/target")
        self.assertEqual(len(target.detections), 0)

    def test_red_square_is_the_hero(self):
        target = self.answer_to(red_square_bgr(), "segmentation_node/target")
        self.assertEqual(len(target.detections), 1)
        hero = target.detections[0]
        self.assertAlmostEqual(hero.bbox.center.position.x, 84.5, delta=1.5)
        self.assertAlmostEqual(hero.bbox.center.position.y, 44.5, delta=1.5)
        self.assertEqual(hero.results[0].hypothesis.class_id, "hero")

    def test_cmd_vel_is_zero_after_the_target_timeout(self):
        self.answer_to(red_square_bgr(), "segmentation_node/target")  # the graph is up
        start = len(self.received["cmd_vel"])
        self.stream(red_square_bgr(), 1.5)  # confirm_frames (2) frames in a row, then follow
        self.assertTrue(any(t.angular.z < 0.0 for t in self.received["cmd_vel"][start:]), "follower never turned right")
        self.spin(2.0)  # no more frames: past target_timeout (1 s in config/follow_me.yaml)
        last = self.received["cmd_vel"][-1]
        self.assertEqual((last.linear.x, last.linear.y, last.linear.z), (0.0, 0.0, 0.0))
        self.assertEqual((last.angular.x, last.angular.y, last.angular.z), (0.0, 0.0, 0.0))


    def test_a_camera_info_that_disagrees_with_the_frames_does_not_steer(self):
        """camera_info says 1x1: the follower takes the frames' size from target_mask and still turns right."""
        self.answer_to(red_square_bgr(), "segmentation_node/target")
        start = len(self.received["cmd_vel"])
        self.stream(red_square_bgr(), 1.5, info_size=(1, 1))
        turns = [t.angular.z for t in self.received["cmd_vel"][start:]]
        self.assertTrue(any(z < 0.0 for z in turns), "follower never turned right")
        self.assertTrue(all(z <= 0.0 for z in turns), "follower turned left")


@launch_testing.post_shutdown_test()
class TestShutdown(unittest.TestCase):
    def test_nodes_exit_cleanly(self, proc_info):
        launch_testing.asserts.assertExitCodes(proc_info)
