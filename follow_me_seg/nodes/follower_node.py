"""follower_node (managed): hero target in, body-frame velocity commands (cmd_vel, REP-103 FLU) out.

The size of the frame behind each target comes from the segmentation node's ``target_mask`` (same
header); camera_info is used only until the first mask arrives, and ignored when it disagrees.
Stamps from the future (targets, target_point) are counted in /diagnostics and not used.

Lifecycle: configure creates cmd_vel; activate subscribes and starts the control timer;
deactivate sends a zero command and stops; cleanup forgets the hero. With ``autostart``
(default) the node configures and activates itself.
"""

from __future__ import annotations

import math
from dataclasses import replace

from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from geometry_msgs.msg import PointStamped, Twist, TwistStamped
from rclpy.clock import JumpThreshold
from rclpy.duration import Duration
from rclpy.lifecycle import LifecycleNode
from sensor_msgs.msg import CameraInfo, Image
from std_srvs.srv import SetBool
from vision_msgs.msg import Detection2DArray

from follow_me_seg.control.law import HOVER, Command, FollowController, Observation, observation_from_box
from follow_me_seg.control.law_parameters import control_params
from follow_me_seg.control.tracking import HeroTracker, TrackParams, choose_hero
from follow_me_seg.core.classes import HERO_CLASS_ID
from follow_me_seg.nodes.callback_guard import CallbackGuard
from follow_me_seg.nodes.frame_size import FrameSizes, box_fits
from follow_me_seg.nodes.node_parameters import FOLLOWER_PARAMS
from follow_me_seg.nodes.ros_common import (
    SUCCESS,
    LiveParameters,
    named_qos,
    now_seconds,
    restart_timer,
    run_node,
    stamp_seconds,
)
from follow_me_seg.nodes.stamp_checks import FUTURE, StampChecks

NAME = "follower_node"
WARN_PERIOD_S = 5.0


def twist(command: Command) -> Twist:
    msg = Twist()
    msg.linear.x = float(command.vx)
    msg.linear.z = float(command.vz)
    msg.angular.z = float(command.yaw_rate)
    return msg


def hero_boxes(msg: Detection2DArray) -> list[tuple[float, float, float, float]]:
    """(centre x, centre y, width, height) of every hero detection, highest hero score first."""
    scored = []
    for detection in msg.detections:
        scores = [r.hypothesis.score for r in detection.results if r.hypothesis.class_id == HERO_CLASS_ID]
        if scores:
            bbox = detection.bbox
            scored.append((max(scores), (bbox.center.position.x, bbox.center.position.y, bbox.size_x, bbox.size_y)))
    return [box for _, box in sorted(scored, key=lambda pair: -pair[0])]


class FollowerNode(LifecycleNode):
    """Runs the follow law at a fixed rate on the latest hero target and publishes cmd_vel."""

    def __init__(self):
        super().__init__(NAME)
        self.params = LiveParameters(self, FOLLOWER_PARAMS, self._on_params)
        self.controller = FollowController(control_params(self.params.values))
        self.enabled = self.params["start_enabled"]
        self.cmd_pub = self.diagnostics_pub = None
        self._inputs: list = []
        self._control_timer = self._diagnostics_timer = None
        self._sizes = FrameSizes()
        self._target_stamps, self._point_stamps = StampChecks(), StampChecks()
        self._outside_frame = 0
        self._pending: tuple[float, Observation] | None = None  # (stamp, the hero in the last frame)
        self.tracker = HeroTracker(self._track_params(self.params.values))
        self._new_frame = False  # a target message came since the last tick
        self._point: tuple[float, float] | None = None  # (stamp, distance m)
        self._idle_zero_sent = False
        self._clock_jumps = self.get_clock().create_jump_callback(  # a backward jump (sim time) loses the hero
            JumpThreshold(min_forward=None, min_backward=Duration(nanoseconds=-1)),
            post_callback=lambda jump: self._forget_hero())
        self.create_service(SetBool, "~/enable", self._on_enable)

    # -- lifecycle -------------------------------------------------------------------------
    def on_configure(self, state):
        msg_type = TwistStamped if self.params["use_stamped_cmd_vel"] else Twist
        self.cmd_pub = self.create_lifecycle_publisher(msg_type, "cmd_vel", named_qos("reliable", depth=1))
        self.diagnostics_pub = self.create_lifecycle_publisher(DiagnosticArray, "/diagnostics",
                                                               named_qos("reliable", depth=10))
        return SUCCESS

    def on_activate(self, state):
        inputs, guard = named_qos("sensor_data", depth=1), CallbackGuard(self.get_logger().error)
        self._inputs = [
            self.create_subscription(Detection2DArray, "target", guard(self._on_target), inputs),
            self.create_subscription(PointStamped, "target_point", guard(self._on_point), inputs),
            self.create_subscription(CameraInfo, "camera_info", guard(self._on_camera_info), inputs),
            self.create_subscription(Image, "target_mask", guard(self._on_target_mask), inputs),
        ]
        self._start_control(self.params["control_rate_hz"])
        self._diagnostics_timer = restart_timer(self, self._diagnostics_timer, self.params["diagnostics_period_s"],
                                                self._publish_diagnostics)
        result = super().on_activate(state)
        self.get_logger().info(f"follower {'enabled' if self.enabled else 'disabled (call ~/enable)'}")
        return result

    def on_deactivate(self, state):
        self._publish(HOVER)
        self._stop()
        return super().on_deactivate(state)

    def on_cleanup(self, state):
        self._forget()
        return SUCCESS

    def on_shutdown(self, state):
        self._publish(HOVER)
        self._stop()
        self._forget()
        return SUCCESS

    def on_exit(self) -> None:
        """Leave the drone hovering."""
        self._publish(HOVER)

    def _stop(self) -> None:
        for subscription in self._inputs:
            self.destroy_subscription(subscription)
        self._inputs = []
        for timer in (self._control_timer, self._diagnostics_timer):
            if timer is not None:
                self.destroy_timer(timer)
        self._control_timer = self._diagnostics_timer = None
        self._forget_hero()

    def _forget(self) -> None:
        for publisher in (self.cmd_pub, self.diagnostics_pub):
            if publisher is not None:
                self.destroy_lifecycle_publisher(publisher)
        self.cmd_pub = self.diagnostics_pub = None
        self._sizes.clear()
        self._pending, self._point = None, None

    def _start_control(self, rate_hz: float) -> None:
        self._control_timer = restart_timer(self, self._control_timer, 1.0 / rate_hz, self._tick)

    def _track_params(self, values: dict) -> TrackParams:
        return TrackParams(gate=values["track_gate"], coast_s=values["target_timeout"],
                           confirm_new=values["track_confirm_frames"])

    def _forget_hero(self) -> None:
        self.controller.reset()
        self.tracker.reset()

    def _on_params(self, values: dict) -> None:
        self.controller.params = control_params(values)  # raises ParamError: rejected, nothing changed
        self.tracker.params = self._track_params(values)
        if self._control_timer is not None and values["control_rate_hz"] != self.params["control_rate_hz"]:
            self._start_control(values["control_rate_hz"])
        if self._diagnostics_timer is not None and values["diagnostics_period_s"] != self.params["diagnostics_period_s"]:
            self._diagnostics_timer = restart_timer(self, self._diagnostics_timer, values["diagnostics_period_s"],
                                                    self._publish_diagnostics)

    # -- inputs ----------------------------------------------------------------------------
    def _warn(self, message: str) -> None:
        self.get_logger().warning(message, throttle_duration_sec=WARN_PERIOD_S)

    def _from_future(self, checks: StampChecks, stamp: float, what: str) -> bool:
        now = now_seconds(self)
        if checks.future(stamp, now, self.params["future_tolerance_s"]):
            self._warn(f"ignoring a {what} stamped {stamp - now:.3f} s in the future")
            return True
        return False

    def _on_target(self, msg: Detection2DArray) -> None:
        stamp = stamp_seconds(msg.header.stamp)
        if self._from_future(self._target_stamps, stamp, "target"):
            return
        self._new_frame = True
        frame = self.image_size(stamp)
        if frame is None:
            return  # the tick hovers until the size is known
        candidates = []
        for box in hero_boxes(msg):
            if box_fits(box, frame):
                candidates.append(observation_from_box(*box, *frame, self.controller.params.size_measure))
            else:
                self._outside_frame += 1
                self._warn(f"ignoring a target outside its {frame[0]}x{frame[1]} frame: {box}")
        index = choose_hero(candidates, now_seconds(self), self.tracker if self.params["track_hero"] else None)
        hero = None if index is None else candidates[index]
        if self.controller.confirm(hero is not None):  # one target message per camera frame
            self._pending = (stamp, hero)

    def _on_point(self, msg: PointStamped) -> None:
        stamp = stamp_seconds(msg.header.stamp)
        if self._from_future(self._point_stamps, stamp, "target_point"):
            return
        p = msg.point
        self._point = (stamp, math.sqrt(p.x * p.x + p.y * p.y + p.z * p.z))

    def _on_target_mask(self, msg: Image) -> None:
        self._sizes.mask(stamp_seconds(msg.header.stamp), int(msg.width), int(msg.height))

    def _on_camera_info(self, msg: CameraInfo) -> None:
        if not self._sizes.camera_info(msg.width, msg.height):
            self._warn(f"ignoring camera_info: {msg.width}x{msg.height} is not the frames' size "
                       f"({self._sizes.latest_mask or 'unknown'})")

    def _on_enable(self, request: SetBool.Request, response: SetBool.Response) -> SetBool.Response:
        if request.data != self.enabled:
            self._forget_hero()
            self._pending = None
            self._idle_zero_sent = False
        self.enabled = bool(request.data)
        if not self.enabled:
            self._idle()
        response.success = True
        response.message = "following" if self.enabled else "disabled, hovering"
        self.get_logger().info(f"follower {response.message}")
        return response

    # -- output ----------------------------------------------------------------------------
    def image_size(self, stamp: float = 0.0) -> tuple[int, int] | None:
        """The size of the frame stamped ``stamp`` (see FrameSizes), else image_width x image_height when both
        are set, else None (unknown)."""
        size = self._sizes.size_for(stamp)
        if size is not None:
            return size
        width, height = self.params["image_width"], self.params["image_height"]
        return (width, height) if width > 0 and height > 0 else None

    def _publish(self, command: Command) -> None:
        if self.cmd_pub is None:
            return
        if self.params["use_stamped_cmd_vel"]:
            msg = TwistStamped(twist=twist(command))
            msg.header.stamp = self.get_clock().now().to_msg()
            msg.header.frame_id = self.params["cmd_vel_frame_id"]
            self.cmd_pub.publish(msg)
        else:
            self.cmd_pub.publish(twist(command))

    def _idle(self) -> None:
        """Hover: a zero command on every tick (idle_zero_stream) or once."""
        if self.params["idle_zero_stream"] or not self._idle_zero_sent:
            self._publish(HOVER)
            self._idle_zero_sent = True

    def _distance_for(self, stamp: float) -> float | None:
        """The latest target_point range, if its stamp is within target_timeout before ``stamp`` (and not after
        it by more than future_tolerance_s)."""
        if self._point is None:
            return None
        age = stamp - self._point[0]
        if not -self.params["future_tolerance_s"] <= age <= self.controller.params.target_timeout:
            return None
        return self._point[1]

    def _tick(self) -> None:
        size = self.image_size()
        if size is None and self.enabled:
            self.get_logger().warning("image size unknown (no camera_info yet and image_width/image_height "
                                      "not set): hovering until it is known", once=True)
        if not self.enabled or size is None:
            self._pending, self._new_frame = None, False
            self._idle()
            return
        self._idle_zero_sent = False
        observation = None
        if self._pending is not None:
            (stamp, hero), self._pending = self._pending, None
            observation = replace(hero, distance_m=self._distance_for(stamp))
        new_frame, self._new_frame = self._new_frame, False
        self._publish(self.controller.update(observation, now_seconds(self), new_frame))


    def _publish_diagnostics(self) -> None:
        size = self._sizes.latest_mask
        values = [("targets_future", str(self._target_stamps.counts[FUTURE])),
                  ("target_points_future", str(self._point_stamps.counts[FUTURE])),
                  ("camera_info_ignored", str(self._sizes.camera_info_ignored)),
                  ("targets_outside_frame", str(self._outside_frame)),
                  ("frame_size", f"{size[0]}x{size[1]}" if size else "unknown"),
                  ("track_id", str(self.tracker.track_id)), ("track_state", self.tracker.state),
                  ("track_reacquisitions", str(self.tracker.reacquisitions))]
        problems = any(v != "0" for _, v in values[:4])
        status = DiagnosticStatus(
            level=DiagnosticStatus.WARN if problems else DiagnosticStatus.OK,
            name=f"{self.get_fully_qualified_name()}: follower",
            message="inputs ignored (see values)" if problems else ("following" if self.enabled else "disabled"),
            values=[KeyValue(key=k, value=v) for k, v in values])
        array = DiagnosticArray(status=[status])
        array.header.stamp = self.get_clock().now().to_msg()
        self.diagnostics_pub.publish(array)


def main(args: list[str] | None = None) -> None:
    run_node(FollowerNode, NAME, args)


if __name__ == "__main__":
    main()
