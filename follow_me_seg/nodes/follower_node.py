"""follower_node: hero target in, body-frame velocity commands (cmd_vel, REP-103 FLU) out."""

from __future__ import annotations

import math

from geometry_msgs.msg import PointStamped, Twist
from rclpy.clock import JumpThreshold
from rclpy.duration import Duration
from rclpy.node import Node
from sensor_msgs.msg import CameraInfo
from std_srvs.srv import SetBool
from vision_msgs.msg import Detection2DArray

from follow_me_seg.callback_guard import CallbackGuard
from follow_me_seg.control import HOVER, Command, FollowController, observation_from_box
from follow_me_seg.node_params import FOLLOWER_PARAMS, control_params
from follow_me_seg.nodes.ros_common import declare_parameters, named_qos, now_seconds, run_node, stamp_seconds

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


class FollowerNode(Node):
    """Runs the follow law at a fixed rate on the latest hero target and publishes cmd_vel."""

    def __init__(self):
        super().__init__(NAME)
        values = declare_parameters(self, FOLLOWER_PARAMS)
        self.controller = FollowController(control_params(values))
        self.enabled = values["start_enabled"]
        self._image_size = (values["image_width"], values["image_height"])
        self._pending: tuple[float, tuple[float, float, float, float]] | None = None  # (stamp, box)
        self._point: tuple[float, float] | None = None  # (stamp, distance m)

        self.cmd_pub = self.create_publisher(Twist, "cmd_vel", named_qos("reliable", depth=1))
        inputs, guard = named_qos("sensor_data", depth=1), CallbackGuard(self.get_logger().error)
        self.create_subscription(Detection2DArray, "target", guard(self._on_target), inputs)
        self.create_subscription(PointStamped, "target_point", guard(self._on_point), inputs)
        self.create_subscription(CameraInfo, "camera_info", guard(self._on_camera_info), inputs)
        self._clock_jumps = self.get_clock().create_jump_callback(  # a backward jump (sim time) loses the hero
            JumpThreshold(min_forward=None, min_backward=Duration(nanoseconds=-1)),
            post_callback=lambda jump: self.controller.reset())
        self.create_service(SetBool, "~/enable", self._on_enable)
        self.create_timer(1.0 / values["control_rate_hz"], self._tick)
        self.get_logger().info(f"follower {'enabled' if self.enabled else 'disabled (call ~/enable)'}")

    def on_exit(self) -> None:
        """Leave the drone hovering."""
        self.cmd_pub.publish(twist(HOVER))

    def _on_target(self, msg: Detection2DArray) -> None:
        box = best_hero_box(msg)
        if box is not None:
            self._pending = (stamp_seconds(msg.header.stamp), box)

    def _on_point(self, msg: PointStamped) -> None:
        p = msg.point
        self._point = (stamp_seconds(msg.header.stamp), math.sqrt(p.x * p.x + p.y * p.y + p.z * p.z))

    def _on_camera_info(self, msg: CameraInfo) -> None:
        if msg.width > 0 and msg.height > 0:
            self._image_size = (int(msg.width), int(msg.height))

    def _on_enable(self, request: SetBool.Request, response: SetBool.Response) -> SetBool.Response:
        if request.data != self.enabled:
            self.controller.reset()
            self._pending = None
        self.enabled = bool(request.data)
        if not self.enabled:
            self.cmd_pub.publish(twist(HOVER))
        response.success = True
        response.message = "following" if self.enabled else "disabled, hovering"
        self.get_logger().info(f"follower {response.message}")
        return response

    def _distance_for(self, stamp: float) -> float | None:
        """The latest target_point range, if it is not older than target_timeout before ``stamp``."""
        if self._point is None or self._point[0] < stamp - self.controller.params.target_timeout:
            return None
        return self._point[1]

    def _tick(self) -> None:
        if not self.enabled:
            return
        observation = None
        if self._pending is not None:
            (stamp, box), self._pending = self._pending, None
            observation = observation_from_box(
                *box, *self._image_size, self.controller.params.size_measure, self._distance_for(stamp)
            )
        self.cmd_pub.publish(twist(self.controller.update(observation, now_seconds(self))))


def main(args: list[str] | None = None) -> None:
    run_node(FollowerNode, NAME, args)


if __name__ == "__main__":
    main()
