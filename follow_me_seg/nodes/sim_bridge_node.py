"""sim_bridge: the built-in follow-me simulator on a ROS 2 graph (thin wiring over follow_me_seg.sim).

Every 1 / rate_hz it flies the latest cmd_vel (zero once older than cmd_timeout_s) for one frame
period, then publishes the rendered camera/image_raw (rgb8), camera/camera_info, camera/depth
(32FC1, m), the drone's pose and, while the hero is in the world, the hero's pose. ``~/pause``
(std_srvs/SetBool) freezes the world and the drone (frames keep coming) or lets them go on.
"""

from __future__ import annotations

import math

from geometry_msgs.msg import PoseStamped, Twist
from rclpy.node import Node
from sensor_msgs.msg import CameraInfo, Image
from std_msgs.msg import Header
from std_srvs.srv import SetBool

from follow_me_seg.nodes.image_messages import camera_info_fields, fill_image
from follow_me_seg.nodes.ros_common import LiveParameters, named_qos, now_seconds, run_node
from follow_me_seg.nodes.sim_bridge_support import SIM_BRIDGE_PARAMS, sim_config, yaw_quaternion
from follow_me_seg.sim.simulation import Simulation

NAME = "sim_bridge"


class SimBridgeNode(Node):
    """Steps one simulated episode at the camera rate with the commands it receives."""

    def __init__(self):
        super().__init__(NAME)
        self.params = p = LiveParameters(self, SIM_BRIDGE_PARAMS)
        self.sim = Simulation(sim_config(p.values), seed=p["seed"])
        self._command: tuple[float, Twist] | None = None  # (receipt time, command)
        self._stepped = False
        self.paused = False
        qos = named_qos("reliable", depth=1)
        self.image_pub = self.create_publisher(Image, "camera/image_raw", qos)
        self.info_pub = self.create_publisher(CameraInfo, "camera/camera_info", qos)
        self.depth_pub = self.create_publisher(Image, "camera/depth", qos)
        self.hero_pub = self.create_publisher(PoseStamped, "sim/hero_pose", named_qos("reliable", depth=10))
        self.drone_pub = self.create_publisher(PoseStamped, "sim/drone_pose", named_qos("reliable", depth=10))
        self.create_subscription(Twist, "cmd_vel", self._on_cmd_vel, named_qos("reliable", depth=1))
        self.create_service(SetBool, "~/pause", self._on_pause)
        self.create_timer(1.0 / p["rate_hz"], self._tick)
        self.get_logger().info(f"simulating scenario {p['scenario']} (seed {p['seed']}) at {p['rate_hz']:g} Hz")

    def on_exit(self) -> None:
        """Nothing to release (run_node calls this on shutdown)."""

    def _on_cmd_vel(self, msg: Twist) -> None:
        self._command = (now_seconds(self), msg)

    def _on_pause(self, request: SetBool.Request, response: SetBool.Response) -> SetBool.Response:
        self.paused = bool(request.data)
        response.success, response.message = True, "paused" if self.paused else "running"
        self.get_logger().info(f"simulation {response.message}")
        return response

    def _tick(self) -> None:
        if self._stepped and not self.paused:
            vx = vz = yaw_rate = 0.0
            if self._command is not None and now_seconds(self) - self._command[0] <= self.params["cmd_timeout_s"]:
                twist = self._command[1]
                vx, vz, yaw_rate = twist.linear.x, twist.linear.z, twist.angular.z
            self.sim.step(vx, vz, yaw_rate, 1.0 / self.params["rate_hz"])
        self._stepped = True
        self._publish()

    def _publish(self) -> None:
        p, frame = self.params, self.sim.render()
        header = Header(stamp=self.get_clock().now().to_msg(), frame_id=p["frame_id"])
        self.image_pub.publish(fill_image(Image(header=header), frame.rgb, "rgb8"))
        self.info_pub.publish(CameraInfo(header=header, **camera_info_fields(p["width"], p["height"], math.degrees(p["horizontal_fov"]))))
        self.depth_pub.publish(fill_image(Image(header=header), frame.depth, "32FC1"))
        world = Header(stamp=header.stamp, frame_id=p["world_frame"])
        drone, hero = self.sim.drone.state, self.sim.world.hero
        self.drone_pub.publish(self._pose(world, drone.x, drone.y, drone.z, drone.yaw))
        if hero.visible:
            self.hero_pub.publish(self._pose(world, hero.x, hero.y, 0.0, hero.heading))

    @staticmethod
    def _pose(header: Header, x: float, y: float, z: float, yaw: float) -> PoseStamped:
        msg = PoseStamped(header=header)
        msg.pose.position.x, msg.pose.position.y, msg.pose.position.z = float(x), float(y), float(z)
        q = msg.pose.orientation
        q.x, q.y, q.z, q.w = yaw_quaternion(yaw)
        return msg


def main(args: list[str] | None = None) -> None:
    run_node(SimBridgeNode, NAME, args)


if __name__ == "__main__":
    main()
