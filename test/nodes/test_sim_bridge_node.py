"""sim_bridge wiring on the rclpy stand-in: camera, depth and poses out, cmd_vel in."""

from __future__ import annotations

import math

import numpy as np
import pytest

SMALL = ("width:=64", "height:=64")  # where the pictures do not matter: cheaper frames


def start(graph, *params: str):
    import rclpy
    from geometry_msgs.msg import PoseStamped
    from rclpy_standin.probe import Probe, ros_args
    from sensor_msgs.msg import CameraInfo, Image

    from follow_me_seg.nodes.sim_bridge_node import SimBridgeNode

    rclpy.init(args=ros_args(*params))
    node = SimBridgeNode()
    probe = (Probe(graph, node).listen(Image, "/camera/image_raw", "/camera/depth")
             .listen(CameraInfo, "/camera/camera_info").listen(PoseStamped, "/sim/hero_pose", "/sim/drone_pose"))
    return node, probe


def forward(speed: float, yaw_rate: float = 0.0):
    from geometry_msgs.msg import Twist

    msg = Twist()
    msg.linear.x, msg.angular.z = speed, yaw_rate
    return msg


def test_publishes_camera_depth_and_poses_at_the_rate(ros_standin):
    from follow_me_seg.nodes.image_messages import depth_to_metres, image_to_array
    from follow_me_seg.sim.simulation import SimConfig, Simulation

    node, probe = start(ros_standin, "scenario:=straight", "seed:=2", "rate_hz:=10.0")
    probe.wait(0.5)
    images, depths, infos = (probe.received[t] for t in ("/camera/image_raw", "/camera/depth", "/camera/camera_info"))
    assert len(images) == len(depths) == len(infos) == 5
    first = images[0]
    assert (first.encoding, first.width, first.height) == ("rgb8", 256, 256)
    assert first.header.frame_id == "camera_optical_frame" and depths[0].header == infos[0].header == first.header
    expected = Simulation(SimConfig(scenario="straight"), seed=2).render()  # the first frame: nothing flown yet
    assert np.array_equal(image_to_array(first), expected.rgb)
    assert depths[0].encoding == "32FC1"
    assert np.allclose(depth_to_metres(depths[0]), expected.depth)
    k = infos[0].k
    assert k[0] == pytest.approx(128 / math.tan(math.radians(30))) and (k[2], k[5]) == (127.5, 127.5)
    drone, hero = probe.received["/sim/drone_pose"][0], probe.received["/sim/hero_pose"][0]
    assert drone.header.frame_id == hero.header.frame_id == "map"
    assert drone.pose.position.z == pytest.approx(2.5) and drone.pose.orientation.w == pytest.approx(1.0)
    assert 6.0 <= math.hypot(hero.pose.position.x, hero.pose.position.y) <= 9.0


def test_flies_cmd_vel_and_stops_when_commands_stop(ros_standin):
    node, probe = start(ros_standin, "scenario:=straight", "cmd_timeout_s:=0.3", *SMALL)
    for _ in range(20):  # 2 s of 1 m/s forward while turning left
        probe.publish("/cmd_vel", forward(1.0, 0.2))
        probe.wait(0.1)
    moving = probe.received["/sim/drone_pose"][-1].pose
    assert moving.position.x > 1.0 and moving.position.y > 0.0 and moving.orientation.z > 0.0
    probe.wait(2.0, step=0.1)  # no more commands: past cmd_timeout_s the drone brakes to a stop
    poses = probe.received["/sim/drone_pose"]
    assert poses[-1].pose.position.x == pytest.approx(poses[-2].pose.position.x, abs=1e-3)


def test_pause_freezes_the_world_and_the_drone_but_frames_keep_coming(ros_standin):
    from std_srvs.srv import SetBool

    node, probe = start(ros_standin, "scenario:=straight", *SMALL)
    assert ros_standin.call_service("/sim_bridge/pause", SetBool.Request(data=True)).message == "paused"
    for _ in range(10):
        probe.publish("/cmd_vel", forward(1.0))
        probe.wait(0.1, step=0.1)
    heroes, drones = probe.received["/sim/hero_pose"], probe.received["/sim/drone_pose"]
    assert len(drones) == 10 and len({(p.pose.position.x, p.pose.position.y) for p in heroes}) == 1
    assert {p.pose.position.x for p in drones} == {0.0}
    assert ros_standin.call_service("/sim_bridge/pause", SetBool.Request(data=False)).message == "running"
    probe.publish("/cmd_vel", forward(1.0))
    probe.wait(0.3, step=0.1)
    assert drones[-1].pose.position.x > 0.0 and heroes[-1].pose.position.x != heroes[0].pose.position.x


def test_the_hero_pose_pauses_while_the_hero_has_vanished(ros_standin):
    node, probe = start(ros_standin, "scenario:=lost", *SMALL)
    probe.wait(25.0, step=0.1)
    frames, heroes = len(probe.received["/sim/drone_pose"]), len(probe.received["/sim/hero_pose"])
    assert frames - 50 <= heroes <= frames - 30  # hidden for 3-5 s of the 25 s


def test_bad_parameter_exits_non_zero_with_one_clear_line(ros_standin, capsys):
    from follow_me_seg.nodes.sim_bridge_node import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--ros-args", "-p", "scenario:=moonwalk"])
    assert exit_info.value.code == 1
    (error,) = ros_standin.messages("ERROR")
    assert "parameter scenario must be one of straight" in error
    assert "Traceback" not in capsys.readouterr().err
