"""follower_node (managed): hero target in, body-frame velocity commands (cmd_vel, REP-103 FLU) out.

Lifecycle: configure creates cmd_vel; activate subscribes and starts the control timer;
deactivate sends a zero command and stops; cleanup forgets the hero. With ``autostart``
(default) the node configures and activates itself.
"""

from __future__ import annotations

import math

from geometry_msgs.msg import PointStamped, Twist, TwistStamped
from rclpy.clock import JumpThreshold
from rclpy.duration import Duration
from rclpy.lifecycle import LifecycleNode
from sensor_msgs.msg import CameraInfo
from std_srvs.srv import SetBool
from vision_msgs.msg import Detection2DArray

from follow_me_seg.callback_guard import CallbackGuard
from follow_me_seg.control import HOVER, Command, FollowController, observation_from_box
from follow_me_seg.node_params import FOLLOWER_PARAMS, control_params
from follow_me_seg.nodes.ros_common import (
    SUCCESS,
    LiveParameters,
    named_qos,
    now_seconds,
    restart_timer,
    run_node,
    stamp_seconds,
)

NAME = "follower_node"
HERO_CLASS_ID = "hero"


def twist(command: Command) -> Twist:
    msg = Twist()
    msg.linear.x = float(command.vx)
    msg.linear.z = float(command.vz)
    msg.angular.z = float(command.yaw_rate)
    return msg


def best_hero_box(msg: Detection2DArray) -> tuple[float, float, float, float] | None:
    """(centre x, centre y, width, height) of the highest-scoring hero detection, if any."""
    best, best_score = None, -math.inf
    for detection in msg.detections:
        for result in detection.results:
            if result.hypothesis.class_id == HERO_CLASS_ID and result.hypothesis.score > best_score:
                bbox = detection.bbox
                best = (bbox.center.position.x, bbox.center.position.y, bbox.size_x, bbox.size_y)
                best_score = result.hypothesis.score
    return best


class FollowerNode(LifecycleNode):
    """Runs the follow law at a fixed rate on the latest hero target and publishes cmd_vel."""

    def __init__(self):
        super().__init__(NAME)
        self.params = LiveParameters(self, FOLLOWER_PARAMS, self._on_params)
        self.controller = FollowController(control_params(self.params.values))
        self.enabled = self.params["start_enabled"]
        self.cmd_pub = None
        self._inputs: list = []
        self._control_timer = None
        self._camera_size: tuple[int, int] | None = None
        self._pending: tuple[float, tuple[float, float, float, float]] | None = None  # (stamp, box)
        self._new_frame = False  # a target message came since the last tick
        self._point: tuple[float, float] | None = None  # (stamp, distance m)
        self._idle_zero_sent = False
        self._clock_jumps = self.get_clock().create_jump_callback(  # a backward jump (sim time) loses the hero
            JumpThreshold(min_forward=None, min_backward=Duration(nanoseconds=-1)),
            post_callback=lambda jump: self.controller.reset())
        self.create_service(SetBool, "~/enable", self._on_enable)

    # -- lifecycle -------------------------------------------------------------------------
    def on_configure(self, state):
        msg_type = TwistStamped if self.params["use_stamped_cmd_vel"] else Twist
        self.cmd_pub = self.create_lifecycle_publisher(msg_type, "cmd_vel", named_qos("reliable", depth=1))
        return SUCCESS

    def on_activate(self, state):
        inputs, guard = named_qos("sensor_data", depth=1), CallbackGuard(self.get_logger().error)
        self._inputs = [
            self.create_subscription(Detection2DArray, "target", guard(self._on_target), inputs),
            self.create_subscription(PointStamped, "target_point", guard(self._on_point), inputs),
            self.create_subscription(CameraInfo, "camera_info", guard(self._on_camera_info), inputs),
        ]
        self._start_control(self.params["control_rate_hz"])
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
        if self._control_timer is not None:
            self.destroy_timer(self._control_timer)
            self._control_timer = None
        self.controller.reset()

    def _forget(self) -> None:
        if self.cmd_pub is not None:
            self.destroy_lifecycle_publisher(self.cmd_pub)
            self.cmd_pub = None
        self._camera_size, self._pending, self._point = None, None, None

    def _start_control(self, rate_hz: float) -> None:
        self._control_timer = restart_timer(self, self._control_timer, 1.0 / rate_hz, self._tick)

    def _on_params(self, values: dict) -> None:
        self.controller.params = control_params(values)  # raises ParamError: rejected, nothing changed
        if self._control_timer is not None and values["control_rate_hz"] != self.params["control_rate_hz"]:
            self._start_control(values["control_rate_hz"])

    # -- inputs ----------------------------------------------------------------------------
    def _on_target(self, msg: Detection2DArray) -> None:
        box = best_hero_box(msg)
        self._new_frame = True
        if self.controller.confirm(box is not None):  # one target message per camera frame
            self._pending = (stamp_seconds(msg.header.stamp), box)

    def _on_point(self, msg: PointStamped) -> None:
        p = msg.point
        self._point = (stamp_seconds(msg.header.stamp), math.sqrt(p.x * p.x + p.y * p.y + p.z * p.z))

    def _on_camera_info(self, msg: CameraInfo) -> None:
        if msg.width > 0 and msg.height > 0:
            self._camera_size = (int(msg.width), int(msg.height))

    def _on_enable(self, request: SetBool.Request, response: SetBool.Response) -> SetBool.Response:
        if request.data != self.enabled:
            self.controller.reset()
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
    def image_size(self) -> tuple[int, int] | None:
        """camera_info's size, else image_width x image_height when both are set, else None (unknown)."""
        if self._camera_size is not None:
            return self._camera_size
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
        """The latest target_point range, if it is not older than target_timeout before ``stamp``."""
        if self._point is None or self._point[0] < stamp - self.controller.params.target_timeout:
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
            (stamp, box), self._pending = self._pending, None
            observation = observation_from_box(
                *box, *size, self.controller.params.size_measure, self._distance_for(stamp)
            )
        new_frame, self._new_frame = self._new_frame, False
        self._publish(self.controller.update(observation, now_seconds(self), new_frame))


def main(args: list[str] | None = None) -> None:
    run_node(FollowerNode, NAME, args)


if __name__ == "__main__":
    main()
