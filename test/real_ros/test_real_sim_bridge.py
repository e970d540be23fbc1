"""sim_bridge on REAL rclpy (Jazzy, Fast DDS): camera, depth and poses out, cmd_vel in, ~/pause as a real
service; the stand-in checks of test/nodes/test_sim_bridge_node.py on a real graph, in wall-clock time.

Not covered here: the 25 s ``lost`` scenario (too slow in real time; on the stand-in only).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

rclpy = pytest.importorskip("rclpy", reason="real rclpy (ROS 2 Jazzy) is not installed")
pytest.importorskip("std_srvs", reason="std_srvs (ros-jazzy-std-srvs) is not installed")

from real_ros_graph import log_lines  # noqa: E402  (after the skip: it imports rclpy)

SMALL = ("width:=64", "height:=64")  # where the pictures do not matter: cheaper frames
POSES = ("/sim/hero_pose", "/sim/drone_pose")


def start(graph, *params: str):
    from geometry_msgs.msg import PoseStamped
    from sensor_msgs.msg import CameraInfo, Image

    from follow_me_seg.nodes.sim_bridge_node import SimBridgeNode

    graph.init(*params).listen(Image, "/camera/image_raw", "/camera/depth")
    graph.listen(CameraInfo, "/camera/camera_info").listen(PoseStamped, *POSES)
    return graph.add(SimBridgeNode())


def forward(speed: float, yaw_rate: float = 0.0):
    from geometry_msgs.msg import Twist

    msg = Twist()
    msg.linear.x, msg.angular.z = speed, yaw_rate
    return msg


def key(header) -> tuple[int, int]:
    return header.stamp.sec, header.stamp.nanosec


def test_publishes_camera_depth_and_poses(real_ros):
    from follow_me_seg.nodes.image_messages import depth_to_metres, image_to_array
    from follow_me_seg.sim.simulation import SimConfig, Simulation

    start(real_ros, "scenario:=straight", "seed:=2", "rate_hz:=10.0")
    images = real_ros.count("/camera/image_raw", 2, timeout=5.0)
    real_ros.count("/camera/camera_info", 2, timeout=1.0)
    real_ros.count("/camera/depth", 2, timeout=1.0)
    first = images[0]
    assert (first.encoding, first.width, first.height) == ("rgb8", 256, 256)
    assert first.header.frame_id == "camera_optical_frame"
    depth = {key(d.header): d for d in real_ros.received["/camera/depth"]}[key(first.header)]
    info = {key(i.header): i for i in real_ros.received["/camera/camera_info"]}[key(first.header)]
    expected = Simulation(SimConfig(scenario="straight"), seed=2).render()  # the first frame: nothing flown yet
    assert np.array_equal(image_to_array(first), expected.rgb)
    assert depth.encoding == "32FC1" and np.allclose(depth_to_metres(depth), expected.depth)
    assert info.k[0] == pytest.approx(128 / math.tan(math.radians(30))) and (info.k[2], info.k[5]) == (127.5, 127.5)
    drone, hero = real_ros.received["/sim/drone_pose"][0], real_ros.received["/sim/hero_pose"][0]
    assert drone.header.frame_id == hero.header.frame_id == "map" and key(drone.header) == key(first.header)
    assert drone.pose.position.z == pytest.approx(2.5) and drone.pose.orientation.w == pytest.approx(1.0)
    assert 6.0 <= math.hypot(hero.pose.position.x, hero.pose.position.y) <= 9.0


def test_flies_cmd_vel_and_stops_when_commands_stop(real_ros):
    start(real_ros, "scenario:=straight", "cmd_timeout_s:=0.3", "rate_hz:=20.0", *SMALL)
    real_ros.count("/sim/drone_pose", 1, timeout=5.0)
    for _ in range(15):  # 1.5 s of 1 m/s forward while turning left
        real_ros.publish("/cmd_vel", forward(1.0, 0.2))
        real_ros.spin_for(0.1)
    moving = real_ros.received["/sim/drone_pose"][-1].pose
    assert moving.position.x > 0.5 and moving.position.y > 0.0 and moving.orientation.z > 0.0
    real_ros.spin_for(2.0)  # no more commands: past cmd_timeout_s the drone brakes to a stop
    poses = real_ros.received["/sim/drone_pose"]
    assert poses[-1].pose.position.x == pytest.approx(poses[-2].pose.position.x, abs=1e-3)


def test_pause_service_freezes_the_world_and_the_drone_but_frames_keep_coming(real_ros):
    from std_srvs.srv import SetBool

    start(real_ros, "scenario:=straight", "rate_hz:=20.0", *SMALL)
    assert real_ros.call(SetBool, "/sim_bridge/pause", SetBool.Request(data=True)).message == "paused"
    heroes, drones = (real_ros.received[topic] for topic in POSES)
    seen = len(drones)
    for _ in range(8):
        real_ros.publish("/cmd_vel", forward(1.0))
        real_ros.spin_for(0.1)
    paused_heroes = heroes[seen:]
    assert len(drones) - seen >= 5 and len(paused_heroes) >= 5  # frames keep coming
    assert len({(p.pose.position.x, p.pose.position.y) for p in paused_heroes}) == 1
    assert {p.pose.position.x for p in drones} == {0.0}
    assert real_ros.call(SetBool, "/sim_bridge/pause", SetBool.Request(data=False)).message == "running"
    for _ in range(4):
        real_ros.publish("/cmd_vel", forward(1.0))
        real_ros.spin_for(0.1)
    assert drones[-1].pose.position.x > 0.0 and heroes[-1].pose.position.x != paused_heroes[0].pose.position.x


def test_bad_parameter_exits_non_zero_with_one_clear_line(real_ros, capfd):
    from follow_me_seg.nodes.sim_bridge_node import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--ros-args", "-p", "scenario:=moonwalk"])
    assert exit_info.value.code == 1
    err = capfd.readouterr().err
    (error,) = log_lines(err, "ERROR")
    assert "parameter scenario must be one of straight" in error
    assert "Traceback" not in err
