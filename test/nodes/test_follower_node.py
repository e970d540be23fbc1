"""follower_node wiring on the rclpy stand-in: cmd_vel from targets, timeout, enable service, shutdown."""

from __future__ import annotations

import math

import pytest

STAMP_S = 1.7e9


def detections(*boxes, stamp_s: float = STAMP_S, class_id: str = "hero", score: float = 0.9):
    """A Detection2DArray with one detection per (centre x, centre y, width, height) box."""
    from builtin_interfaces.msg import Time
    from std_msgs.msg import Header
    from vision_msgs.msg import Detection2D, Detection2DArray, ObjectHypothesisWithPose

    sec = int(stamp_s)
    header = Header(stamp=Time(sec=sec, nanosec=round((stamp_s - sec) * 1e9)), frame_id="cam")
    msg = Detection2DArray(header=header)
    for x, y, w, h in boxes:
        detection = Detection2D(header=header, id="hero")
        detection.bbox.center.position.x, detection.bbox.center.position.y = float(x), float(y)
        detection.bbox.size_x, detection.bbox.size_y = float(w), float(h)
        hypothesis = ObjectHypothesisWithPose()
        hypothesis.hypothesis.class_id, hypothesis.hypothesis.score = class_id, score
        detection.results.append(hypothesis)
        msg.detections.append(detection)
    return msg


def start(graph, *params: str, size: bool = True, activate: bool = True):
    """rclpy.init with ``params``, a configured and activated FollowerNode (256x256 images unless not
    ``size``) and a probe listening to cmd_vel."""
    import rclpy
    from geometry_msgs.msg import Twist, TwistStamped
    from rclpy_standin.probe import Probe, ros_args

    from follow_me_seg.nodes.follower_node import FollowerNode

    size_params = ("image_width:=256", "image_height:=256") if size else ()
    rclpy.init(args=ros_args("smoothing:=0.0", "deadband:=0.0", *size_params, *params))
    node = FollowerNode()
    if activate:
        node.trigger_configure()
        node.trigger_activate()
    msg_type = TwistStamped if node.params["use_stamped_cmd_vel"] else Twist
    probe = Probe(graph, node).listen(msg_type, "/cmd_vel")
    return node, probe


def set_param(node, name: str, value):
    from rclpy_standin.probe import set_parameter

    return set_parameter(node, name, value)


def commands(probe) -> list[tuple[float, float, float]]:
    return [(t.linear.x, t.linear.z, t.angular.z) for t in probe.received["/cmd_vel"]]


def is_zero(twist) -> bool:
    return all(v == 0.0 for v in (twist.linear.x, twist.linear.y, twist.linear.z,
                                  twist.angular.x, twist.angular.y, twist.angular.z))


def test_publishes_at_the_control_rate_and_hovers_without_a_target(ros_standin):
    node, probe = start(ros_standin, "control_rate_hz:=10.0")
    probe.wait(1.0)
    assert len(probe.received["/cmd_vel"]) == 10
    assert all(is_zero(t) for t in probe.received["/cmd_vel"])


def test_turns_and_moves_towards_a_small_hero_on_the_right(ros_standin):
    node, probe = start(ros_standin, "image_width:=200", "image_height:=100")
    probe.publish("/target", detections((139.5, 49.5, 10, 20)))  # offset_x 0.4, size 0.2
    probe.wait(0.05)
    vx, vz, yaw = commands(probe)[-1]
    assert yaw == pytest.approx(-1.5 * 0.4)  # yaw_gain x offset; negative = turn right (FLU)
    assert vx == pytest.approx(3.0 * (0.3 - 0.2))
    assert vz == 0.0


def test_camera_info_sets_the_image_size(ros_standin):
    from sensor_msgs.msg import CameraInfo

    node, probe = start(ros_standin, size=False)
    probe.publish("/camera_info", CameraInfo(width=640, height=480))
    probe.publish("/target", detections((319.5, 239.5, 10, 144)))  # centred, size 0.3 at 640x480
    probe.wait(0.05)
    assert commands(probe)[-1] == (0.0, 0.0, 0.0)


def test_only_hero_detections_count_and_the_best_scoring_wins(ros_standin):
    node, probe = start(ros_standin)
    probe.publish("/target", detections((250, 128, 10, 10), class_id="person"))
    probe.wait(0.05)
    assert commands(probe)[-1] == (0.0, 0.0, 0.0)
    msg = detections((27.5, 127.5, 10, 77))
    msg.detections.extend(detections((250, 128, 10, 77), score=0.5).detections)
    probe.publish("/target", msg)
    probe.wait(0.05)
    assert commands(probe)[-1] == (0.0, 0.0, 0.0)  # one frame after a frame without the hero: not yet
    probe.publish("/target", msg)
    probe.wait(0.05)
    assert commands(probe)[-1][2] > 0  # confirmed (confirm_frames 2): the 0.9 detection, on the left


def test_confirm_frames_one_trusts_a_single_frame_after_a_miss(ros_standin):
    node, probe = start(ros_standin, "confirm_frames:=1")
    probe.publish("/target", detections((250, 128, 10, 10), class_id="person"))
    probe.publish("/target", detections((27.5, 127.5, 10, 77)))
    probe.wait(0.05)
    assert commands(probe)[-1][2] > 0


def test_zero_command_after_the_target_timeout(ros_standin):
    node, probe = start(ros_standin, "target_timeout:=0.5")
    probe.publish("/target", detections((200, 128, 20, 20)))
    probe.wait(0.45)
    assert all(not is_zero(t) for t in probe.received["/cmd_vel"])  # holding the last command
    probe.publish("/target", detections())  # empty: hero lost
    probe.wait(0.2)
    assert is_zero(probe.received["/cmd_vel"][-1])


def test_ticks_between_frames_keep_the_turn_and_a_frame_without_the_hero_stops_it(ros_standin):
    node, probe = start(ros_standin, "control_rate_hz:=50.0", "target_timeout:=1.0", "smoothing:=0.0")
    probe.publish("/target", detections((200, 128, 20, 20)))  # one frame, hero on the right
    probe.wait(0.3)  # 15 ticks, no new frame
    assert len(commands(probe)) >= 10 and all(yaw < 0 for _, _, yaw in commands(probe))
    probe.publish("/target", detections())  # a frame without the hero
    probe.received["/cmd_vel"].clear()
    probe.wait(0.2)
    assert commands(probe) and all(yaw == 0.0 and vx != 0.0 for vx, _, yaw in commands(probe))  # holding, no turn


def test_search_turn_after_the_hover(ros_standin):
    node, probe = start(ros_standin, "target_timeout:=0.5", "search_delay:=1.0", "search_yaw_rate:=0.2")
    probe.publish("/target", detections((10, 128, 20, 20)))  # hero on the left
    probe.wait(1.45)
    assert is_zero(probe.received["/cmd_vel"][-1])
    probe.wait(0.1)
    assert commands(probe)[-1] == (0.0, 0.0, 0.2)


def test_distance_from_target_point(ros_standin):
    from builtin_interfaces.msg import Time
    from geometry_msgs.msg import Point, PointStamped
    from std_msgs.msg import Header

    node, probe = start(ros_standin, "distance_deadband_m:=0.0")
    target = detections((127.5, 127.5, 10, 200))  # big in the image: size law would back off
    probe.publish("/target_point", PointStamped(header=Header(stamp=Time(sec=int(STAMP_S))),
                                                point=Point(x=0.0, y=3.0, z=4.0)))
    probe.publish("/target", target)
    probe.wait(0.05)
    assert commands(probe)[-1][0] == pytest.approx(1.5 * (5.0 - 4.0))  # distance_gain x (|p| - desired)


def test_nan_target_never_reaches_cmd_vel(ros_standin):
    node, probe = start(ros_standin)
    probe.publish("/target", detections((math.nan, 10, 10, 10)))
    probe.wait(0.05)
    probe.publish("/target", detections((200, math.inf, 10, 10)))
    probe.wait(0.05)
    assert commands(probe) and all(math.isfinite(v) and v == 0.0 for c in commands(probe) for v in c)


def test_enable_service_stops_with_a_zero_command_and_resumes(ros_standin):
    from std_srvs.srv import SetBool

    node, probe = start(ros_standin)
    probe.publish("/target", detections((200, 128, 20, 20)))
    probe.wait(0.05)
    assert not is_zero(probe.received["/cmd_vel"][-1])
    response = ros_standin.call_service("/follower_node/enable", SetBool.Request(data=False))
    assert response.success and "disabled" in response.message
    probe.spin()
    count = len(probe.received["/cmd_vel"])
    assert is_zero(probe.received["/cmd_vel"][-1])
    probe.publish("/target", detections((200, 128, 20, 20)))
    probe.wait(0.5)
    later = probe.received["/cmd_vel"][count:]
    assert len(later) == 10 and all(is_zero(t) for t in later)  # zeros at the control rate while disabled
    assert ros_standin.call_service("/follower_node/enable", SetBool.Request(data=True)).success
    probe.publish("/target", detections((200, 128, 20, 20)))
    probe.wait(0.05)
    assert not is_zero(probe.received["/cmd_vel"][-1])


def test_start_disabled_waits_for_enable(ros_standin):
    from std_srvs.srv import SetBool

    node, probe = start(ros_standin, "start_enabled:=false")
    probe.wait(0.5)
    assert len(probe.received["/cmd_vel"]) == 10 and all(is_zero(t) for t in probe.received["/cmd_vel"])
    ros_standin.call_service("/follower_node/enable", SetBool.Request(data=True))
    probe.publish("/target", detections((200, 128, 20, 20)))
    probe.wait(0.05)
    assert not is_zero(probe.received["/cmd_vel"][-1])


def test_idle_zero_stream_off_sends_one_zero_then_silence(ros_standin):
    node, probe = start(ros_standin, "start_enabled:=false", "idle_zero_stream:=false")
    probe.wait(0.5)
    assert len(probe.received["/cmd_vel"]) == 1 and is_zero(probe.received["/cmd_vel"][0])


def test_unknown_image_size_hovers_and_warns_once(ros_standin):
    node, probe = start(ros_standin, size=False)
    probe.publish("/target", detections((319.5, 100, 10, 20)))  # would be a right turn at 256 px wide
    probe.wait(0.5)
    assert len(probe.received["/cmd_vel"]) == 10 and all(is_zero(t) for t in probe.received["/cmd_vel"])
    warnings = [m for m in ros_standin.messages("WARN") if "image size unknown" in m]
    assert len(warnings) == 1


def test_explicit_image_size_is_used_without_camera_info(ros_standin):
    node, probe = start(ros_standin, "image_width:=640", "image_height:=480", size=False)
    probe.publish("/target", detections((319.5, 239.5, 10, 144)))  # centred, size 0.3 at 640x480
    probe.wait(0.05)
    assert commands(probe)[-1] == (0.0, 0.0, 0.0)
    assert not [m for m in ros_standin.messages("WARN") if "image size unknown" in m]


def test_stamped_cmd_vel(ros_standin):
    node, probe = start(ros_standin, "use_stamped_cmd_vel:=true", "cmd_vel_frame_id:=fcu")
    probe.publish("/target", detections((200, 128, 20, 20)))
    probe.wait(0.05)
    (msg,) = probe.received["/cmd_vel"]
    assert msg.header.frame_id == "fcu" and msg.header.stamp.sec == int(ros_standin.now_ns // 10**9)
    assert msg.twist.angular.z < 0


def test_rejected_parameter_keeps_the_old_value_in_force(ros_standin):
    node, probe = start(ros_standin)
    for name, value, reason in (
        ("yaw_gain", -1.0, "out of range"),
        ("yaw_gain", "abc", "Wrong parameter type"),
        ("control_rate_hz", -5.0, "out of range"),
        ("smoothing", 1.0, "must be in [0, 1)"),  # range edge passes rclpy, our check rejects it
        ("max_yaw_rate", 0.1, None),  # fine on its own ...
        ("search_yaw_rate", 0.5, "must not exceed max_yaw_rate (0.1)"),  # ... but then this is not
        ("use_stamped_cmd_vel", True, "read-only"),
    ):
        result = set_param(node, name, value)
        assert result.successful is (reason is None), (name, value, result.reason)
        assert reason is None or reason in result.reason
    assert node.get_parameter("yaw_gain").value == 1.5 and node.controller.params.yaw_gain == 1.5
    assert node.get_parameter("smoothing").value == 0.0 and node.controller.params.search_yaw_rate == 0.0
    probe.publish("/target", detections((255.0, 127.5, 20, 77)))  # far right: yaw clamped at the new 0.1
    probe.wait(0.05)
    assert commands(probe)[-1][2] == pytest.approx(-0.1)


def test_accepted_parameters_take_effect_at_once(ros_standin):
    node, probe = start(ros_standin)
    probe.publish("/target", detections((191.5, 127.5, 20, 77)))  # offset_x 0.5
    probe.wait(0.05)
    assert commands(probe)[-1][2] == pytest.approx(-0.75)
    assert set_param(node, "yaw_gain", 0.5).successful
    assert node.get_parameter("yaw_gain").value == 0.5
    probe.publish("/target", detections((191.5, 127.5, 20, 77)))
    probe.wait(0.05)
    assert commands(probe)[-1][2] == pytest.approx(-0.25)
    assert set_param(node, "control_rate_hz", 10.0).successful
    count = len(probe.received["/cmd_vel"])
    probe.wait(1.0)
    assert len(probe.received["/cmd_vel"]) - count == 10


def test_descriptors_carry_type_range_and_read_only(ros_standin):
    from rcl_interfaces.msg import ParameterType

    node, _ = start(ros_standin)
    yaw = node.describe_parameter("yaw_gain")
    assert yaw.type == ParameterType.PARAMETER_DOUBLE and "yaw rate" in yaw.description
    assert (yaw.floating_point_range[0].from_value, yaw.floating_point_range[0].to_value) == (0.0, 20.0)
    width = node.describe_parameter("image_width")
    assert width.type == ParameterType.PARAMETER_INTEGER and width.integer_range[0].to_value == 100_000
    assert node.describe_parameter("use_stamped_cmd_vel").read_only
    assert "bbox_area" in node.describe_parameter("size_measure").additional_constraints


def test_lifecycle_inactive_is_silent_and_deactivate_sends_zero(ros_standin):
    node, probe = start(ros_standin, activate=False)
    probe.wait(0.5)
    assert probe.received["/cmd_vel"] == [] and node.standin_state == "unconfigured"
    node.trigger_configure()
    probe.wait(0.5)
    assert probe.received["/cmd_vel"] == [] and node.standin_state == "inactive"
    node.trigger_activate()
    probe.publish("/target", detections((200, 128, 20, 20)))
    probe.wait(0.05)
    assert not is_zero(probe.received["/cmd_vel"][-1])
    node.trigger_deactivate()
    probe.spin()
    count = len(probe.received["/cmd_vel"])
    assert is_zero(probe.received["/cmd_vel"][-1])
    probe.publish("/target", detections((200, 128, 20, 20)))
    probe.wait(0.5)
    assert len(probe.received["/cmd_vel"]) == count  # inactive: no subscriptions, no timer
    node.trigger_cleanup()
    assert node.standin_state == "unconfigured" and node.cmd_pub is None


def test_lifecycle_services(ros_standin):
    from lifecycle_msgs.msg import Transition
    from lifecycle_msgs.srv import ChangeState, GetState

    node, probe = start(ros_standin, activate=False)
    request = ChangeState.Request(transition=Transition(id=Transition.TRANSITION_CONFIGURE))
    assert ros_standin.call_service("/follower_node/change_state", request).success
    state = ros_standin.call_service("/follower_node/get_state", GetState.Request()).current_state
    assert (state.id, state.label) == (2, "inactive")


def test_ctrl_c_sends_a_final_zero_command_and_shuts_down(ros_standin):
    from geometry_msgs.msg import Twist
    from rclpy.node import Node
    from vision_msgs.msg import Detection2DArray

    from follow_me_seg.nodes.follower_node import main

    received, helper = [], {}

    def drive():  # runs on every iteration of rclpy.spin: a target, some control steps, then Ctrl-C
        if not helper:
            helper["node"] = node = Node("helper")
            node.create_subscription(Twist, "/cmd_vel", received.append, 10)
            node.create_publisher(Detection2DArray, "/target", 1).publish(detections((240, 128, 20, 20)))
        ros_standin.run_pending(helper["node"])
        if len(received) >= 5:
            raise KeyboardInterrupt

    ros_standin.spin_hooks.append(drive)
    main(["--ros-args", "-p", "smoothing:=0.0", "-p", "image_width:=256", "-p", "image_height:=256"])
    ros_standin.run_pending(helper["node"])
    assert len(received) == 6 and not any(is_zero(t) for t in received[:5])
    assert is_zero(received[-1])
    assert not ros_standin.initialized


@pytest.mark.parametrize(
    "param, complaint",
    [
        ("yaw_gain:=-1.0", "parameter yaw_gain: Invalid parameter value (-1.0) for parameter. Reason: "
                           "Parameter yaw_gain out of range. Min: 0.0, Max: 20.0, value: -1.0"),
        ("max_yaw_rate:=fast", "parameter max_yaw_rate: Trying to set parameter 'max_yaw_rate' to 'fast' of type "
                               "'STRING', expecting type 'DOUBLE'"),
        ("control_rate_hz:=0.0", "parameter control_rate_hz must be in (0, 1000], got 0.0"),
        ("search_yaw_rate:=3.0", "parameter search_yaw_rate (3.0) must not exceed max_yaw_rate (1.0)"),
    ],
)
def test_bad_parameters_exit_non_zero_with_one_clear_line(ros_standin, capsys, param, complaint):
    from follow_me_seg.nodes.follower_node import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--ros-args", "-p", param])
    assert exit_info.value.code == 1
    (error,) = ros_standin.messages("ERROR")
    assert error.startswith(complaint) and "\n" not in error
    assert "Traceback" not in capsys.readouterr().err


def _stamp(stamp_s: float):
    from builtin_interfaces.msg import Time

    sec = int(stamp_s)
    return Time(sec=sec, nanosec=round((stamp_s - sec) * 1e9))


def _mask(stamp_s: float, width: int, height: int):
    from sensor_msgs.msg import Image
    from std_msgs.msg import Header

    return Image(header=Header(stamp=_stamp(stamp_s)), width=width, height=height, encoding="mono8", step=width)


def _now(node) -> float:
    from follow_me_seg.nodes.ros_common import now_seconds

    return now_seconds(node)


@pytest.mark.parametrize("ahead_s", [3600.0, 1e6])
def test_a_target_point_from_the_future_never_keeps_the_drone_moving(ros_standin, ahead_s):
    """One target_point stamped far ahead (50 m away): never used; the drone stops after the timeout."""
    from geometry_msgs.msg import Point, PointStamped
    from std_msgs.msg import Header

    node, probe = start(ros_standin, "distance_deadband_m:=0.0", "target_timeout:=1.0", "control_rate_hz:=10.0")
    probe.publish("/target_point", PointStamped(header=Header(stamp=_stamp(_now(node) + ahead_s)),
                                                point=Point(x=0.0, y=0.0, z=50.0)))
    for _ in range(10):  # the hero held at size 0.3 for 1 s: the size law holds, 50 m of range would race
        probe.publish("/target", detections((127.5, 127.5, 10, 77), stamp_s=_now(node)))
        probe.wait(0.1)
    assert len(commands(probe)) >= 9 and all(abs(vx) < 0.05 for vx, _, _ in commands(probe))
    assert node._point_stamps.counts["future"] == 1
    probe.wait(1.2)
    assert is_zero(probe.received["/cmd_vel"][-1])


def test_a_target_point_older_than_the_timeout_is_not_a_range(ros_standin):
    from geometry_msgs.msg import Point, PointStamped
    from std_msgs.msg import Header

    node, probe = start(ros_standin, "distance_deadband_m:=0.0", "target_timeout:=1.0")
    now = _now(node)
    probe.publish("/target_point", PointStamped(header=Header(stamp=_stamp(now - 5.0)), point=Point(z=50.0)))
    probe.publish("/target", detections((127.5, 127.5, 10, 77), stamp_s=now))
    probe.wait(0.1)
    assert abs(commands(probe)[-1][0]) < 0.05


@pytest.mark.parametrize("ahead_s", [2.0, 3600.0])
def test_targets_from_the_future_are_ignored_and_counted(ros_standin, ahead_s):
    node, probe = start(ros_standin, "confirm_frames:=1")
    for _ in range(3):
        probe.publish("/target", detections((250, 128, 10, 77), stamp_s=_now(node) + ahead_s))
    probe.wait(0.1)
    assert all(is_zero(t) for t in probe.received["/cmd_vel"])
    assert node._target_stamps.counts["future"] == 3
    probe.publish("/target", detections((250, 128, 10, 77), stamp_s=_now(node)))  # a good one after them
    probe.wait(0.05)
    assert commands(probe)[-1][2] < 0


@pytest.mark.parametrize("info_size", [(1280, 720), (1, 1)])
def test_camera_info_that_disagrees_with_the_frames_is_ignored(ros_standin, info_size):
    """A centred hero in 256x256 frames stays centred whatever camera_info says."""
    from sensor_msgs.msg import CameraInfo

    node, probe = start(ros_standin, size=False)
    now = _now(node)
    probe.publish("/target_mask", _mask(now, 256, 256))
    probe.publish("/camera_info", CameraInfo(width=info_size[0], height=info_size[1]))
    probe.publish("/target", detections((127.5, 127.5, 10, 77), stamp_s=now))  # centred, size 0.3
    probe.wait(0.05)
    vx, _, yaw = commands(probe)[-1]
    assert abs(vx) < 0.01 and yaw == 0.0  # was 0.43 m/s and full yaw at 1280x720, -1.95 m/s at 1x1
    assert node._sizes.camera_info_ignored == 1


def test_before_any_mask_a_wrong_camera_info_cannot_place_a_target_outside_the_frame(ros_standin):
    from sensor_msgs.msg import CameraInfo

    node, probe = start(ros_standin, "confirm_frames:=1", size=False)
    probe.publish("/camera_info", CameraInfo(width=1, height=1))
    probe.publish("/target", detections((127.5, 127.5, 10, 77), stamp_s=_now(node)))
    probe.wait(0.05)
    assert all(is_zero(t) for t in probe.received["/cmd_vel"])
    assert node._outside_frame == 1


def test_the_follower_reports_ignored_inputs_in_diagnostics(ros_standin):
    from diagnostic_msgs.msg import DiagnosticArray
    from sensor_msgs.msg import CameraInfo

    node, probe = start(ros_standin, "diagnostics_period_s:=0.1")
    probe.listen(DiagnosticArray, "/diagnostics")
    probe.publish("/target_mask", _mask(_now(node), 256, 256))
    probe.publish("/camera_info", CameraInfo(width=640, height=480))
    probe.publish("/target", detections((127.5, 127.5, 10, 77), stamp_s=_now(node) + 100.0))
    probe.wait(0.25)
    status = probe.received["/diagnostics"][-1].status[0]
    values = {kv.key: kv.value for kv in status.values}
    assert values["targets_future"] == "1" and values["camera_info_ignored"] == "1"
    assert values["frame_size"] == "256x256"
    assert status.level == status.WARN


@pytest.mark.parametrize("track, turns", [(True, "left"), (False, "right")])
def test_tracking_keeps_the_hero_when_a_larger_look_alike_appears(ros_standin, track, turns):
    """The hero on the left; from the third frame a larger hero-coloured bystander on the right."""
    node, probe = start(ros_standin, "confirm_frames:=1", f"track_hero:={str(track).lower()}")
    for k in range(8):
        hero = (60.0, 128.0, 10.0, 60.0)
        boxes = [hero] + ([(200.0, 128.0, 14.0, 90.0)] if k >= 2 else [])
        probe.publish("/target", detections(*boxes, stamp_s=_now(node)))
        probe.wait(0.1)
    yaw = commands(probe)[-1][2]
    assert (yaw > 0) if turns == "left" else (yaw < 0)
    assert node.tracker.track_id == (1 if track else 0)


def test_diagnostics_carry_the_track(ros_standin):
    from diagnostic_msgs.msg import DiagnosticArray

    node, probe = start(ros_standin, "diagnostics_period_s:=0.1", "confirm_frames:=1", "track_confirm_frames:=3")
    probe.listen(DiagnosticArray, "/diagnostics")
    probe.publish("/target", detections((60.0, 128.0, 10.0, 60.0), stamp_s=_now(node)))
    probe.wait(0.15)
    values = {kv.key: kv.value for kv in probe.received["/diagnostics"][-1].status[0].values}
    assert (values["track_id"], values["track_state"]) == ("0", "tentative")  # a new track holds 3 frames first
    for _ in range(2):
        probe.publish("/target", detections((61.0, 128.0, 10.0, 60.0), stamp_s=_now(node)))
        probe.wait(0.05)
    probe.wait(0.15)
    values = {kv.key: kv.value for kv in probe.received["/diagnostics"][-1].status[0].values}
    assert (values["track_id"], values["track_state"]) == ("1", "tracking")
