"""launch_testing on a real ROS 2 graph (Humble / Jazzy): the whole follow-me loop in the built-in simulator.

sim_bridge (scenario ``lost``, seed 0, no other people, hero 5 m ahead: the episode that
test_sim_loop.py follows without ROS) feeds segmentation_node and follower_node, started with the
installed parameters file and wired as follow.launch.py wires them (plus camera/depth for the
hero's range); the follower's cmd_vel flies the simulated drone. The test pauses the simulation
until the pipeline answers (model loading can take a while), then checks that the drone keeps
up with the hero and hovers once the hero vanishes (13.7 s in, for 4.4 s).

Skipped where rclpy / launch_testing are not importable. Run with ``colcon test`` or
``launch_test test/launch/test_launch_sim.py`` after ``colcon build`` and sourcing the workspace.
"""

from __future__ import annotations

import math
import os
import time
import unittest
from collections import defaultdict

import pytest

rclpy = pytest.importorskip("rclpy")
pytest.importorskip("launch_testing")
pytest.importorskip("launch_ros")

import launch_ros.actions  # noqa: E402
import launch_testing.actions  # noqa: E402
import launch_testing.asserts  # noqa: E402
from ament_index_python.packages import get_package_share_directory  # noqa: E402
from geometry_msgs.msg import PoseStamped, Twist  # noqa: E402
from rclpy.qos import HistoryPolicy, QoSProfile, ReliabilityPolicy  # noqa: E402
from std_srvs.srv import SetBool  # noqa: E402
from vision_msgs.msg import Detection2DArray  # noqa: E402

from launch import LaunchDescription  # noqa: E402

PACKAGE = "follow_me_seg"
STARTUP_S = 180.0  # TensorFlow import and model load on a slow machine
TARGET_TIMEOUT_S = 1.0  # config/follow_me.yaml
LATENCY_S = 0.6  # frame -> segmentation -> follower -> sim_bridge on a loaded machine
RELIABLE = QoSProfile(history=HistoryPolicy.KEEP_LAST, depth=200, reliability=ReliabilityPolicy.RELIABLE)


@pytest.mark.launch_test
def generate_test_description():
    share = get_package_share_directory(PACKAGE)
    params = os.path.join(share, "config", "follow_me.yaml")
    sim = launch_ros.actions.Node(
        package=PACKAGE, executable="sim_bridge", name="sim_bridge", output="screen",
        parameters=[{"scenario": "lost", "seed": 0, "others": 0, "start_distance_m": 5.0,
                     "realism": "optimistic"}])  # the graph's wiring, not perception under the realistic world
    camera = [("image", "camera/image_raw"), ("camera_info", "camera/camera_info"), ("depth", "camera/depth")]
    segmentation = launch_ros.actions.Node(
        package=PACKAGE, executable="segmentation_node", name="segmentation_node", output="screen",
        parameters=[params, {"device": "cpu"}], remappings=camera)
    follower = launch_ros.actions.Node(
        package=PACKAGE, executable="follower_node", name="follower_node", output="screen", parameters=[params],
        remappings=[("target", "segmentation_node/target"), ("target_point", "segmentation_node/target_point"),
                    ("target_mask", "segmentation_node/target_mask"), ("camera_info", "camera/camera_info")])
    return LaunchDescription([sim, segmentation, follower, launch_testing.actions.ReadyToTest()])


class TestSimulatedFollowing(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        rclpy.init()
        cls.node = rclpy.create_node("sim_launch_test")
        cls.received = defaultdict(list)  # topic -> [(monotonic receipt time, message)]
        for msg_type, topic in ((PoseStamped, "/sim/hero_pose"), (PoseStamped, "/sim/drone_pose"),
                                (Twist, "/cmd_vel"), (Detection2DArray, "/segmentation_node/target")):
            cls.node.create_subscription(msg_type, topic, cls._recorder(topic), RELIABLE)
        cls.pause = cls.node.create_client(SetBool, "/sim_bridge/pause")

    @classmethod
    def _recorder(cls, topic):
        return lambda msg: cls.received[topic].append((time.monotonic(), msg))

    @classmethod
    def tearDownClass(cls):
        cls.node.destroy_node()
        rclpy.shutdown()

    def spin_until(self, done, seconds: float) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            rclpy.spin_once(self.node, timeout_sec=0.05)
            if done():
                return True
        return False

    def set_paused(self, paused: bool) -> None:
        self.assertTrue(self.pause.wait_for_service(timeout_sec=STARTUP_S), "no /sim_bridge/pause service")
        future = self.pause.call_async(SetBool.Request(data=paused))
        self.assertTrue(self.spin_until(future.done, 10.0) and future.result().success)

    def distance(self) -> float:
        (_, hero), (_, drone) = self.received["/sim/hero_pose"][-1], self.received["/sim/drone_pose"][-1]
        return math.hypot(hero.pose.position.x - drone.pose.position.x, hero.pose.position.y - drone.pose.position.y)

    def test_drone_keeps_up_with_the_hero_and_hovers_when_it_is_lost(self):
        self.set_paused(True)
        target = "/segmentation_node/target"
        self.assertTrue(self.spin_until(lambda: any(m.detections for _, m in self.received[target]), STARTUP_S),
                        "the pipeline never detected the hero in the paused scene")
        start_distance, start_x = self.distance(), self.received["/sim/drone_pose"][-1][1].pose.position.x
        self.set_paused(False)
        self.spin_until(lambda: False, 8.0)
        (_, drone) = self.received["/sim/drone_pose"][-1]
        self.assertGreater(drone.pose.position.x - start_x, 4.0, "the drone did not follow the walking hero")
        self.assertLess(self.distance(), start_distance + 2.0, "the hero walked away from the drone")

        heroes = self.received["/sim/hero_pose"]
        vanished = self.spin_until(lambda: time.monotonic() - heroes[-1][0] > 0.5, 20.0)
        self.assertTrue(vanished, "the hero never vanished")
        last_seen = heroes[-1][0]
        self.spin_until(lambda: False, TARGET_TIMEOUT_S + LATENCY_S + 1.5)
        zero = [t for t, m in self.received["/cmd_vel"] if t > last_seen and m.linear.x == m.linear.z == m.angular.z == 0.0]
        self.assertTrue(zero, "no zero cmd_vel after the hero vanished")
        self.assertLessEqual(zero[0] - last_seen, TARGET_TIMEOUT_S + LATENCY_S)
        still = [m.pose.position for t, m in self.received["/sim/drone_pose"] if t > zero[0] + 1.0]
        self.assertTrue(still and math.hypot(still[-1].x - still[0].x, still[-1].y - still[0].y) < 0.05,
                        "the drone kept moving after the hover command")


@launch_testing.post_shutdown_test()
class TestShutdown(unittest.TestCase):
    def test_nodes_exit_cleanly(self, proc_info):
        launch_testing.asserts.assertExitCodes(proc_info)
