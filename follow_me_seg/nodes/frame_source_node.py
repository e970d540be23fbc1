"""frame_source: publish a folder of images or a video file as a camera (stand-in for a simulator bridge)."""

from __future__ import annotations

from rclpy.node import Node
from sensor_msgs.msg import CameraInfo, Image
from std_msgs.msg import Header

from follow_me_seg.nodes.callback_guard import CallbackGuard
from follow_me_seg.nodes.image_messages import camera_info_fields, fill_image
from follow_me_seg.nodes.node_parameters import FRAME_SOURCE_PARAMS
from follow_me_seg.nodes.ros_common import LiveParameters, named_qos, restart_timer, run_node
from follow_me_seg.perception.image_source import FrameSource, FrameSourceError

NAME = "frame_source"
WARN_PERIOD_S = 5.0


class FrameSourceNode(Node):
    """Publishes the frames of a folder or video file, with camera_info, at a fixed rate."""

    def __init__(self):
        super().__init__(NAME)
        self.params = p = LiveParameters(self, FRAME_SOURCE_PARAMS, self._on_params)
        self.source = FrameSource(p["source"], loop=p["loop"], max_pixels=p["max_image_pixels"])
        qos = named_qos("reliable", depth=1)
        self.image_pub = self.create_publisher(Image, "image", qos)
        self.info_pub = self.create_publisher(CameraInfo, "camera_info", qos)
        self._tick = CallbackGuard(self.get_logger().error)(self._tick)  # a frame can never kill the node
        self.timer = self.create_timer(1.0 / p["publish_rate_hz"], self._tick)
        self.get_logger().info(f"publishing {self.source.path} at {p['publish_rate_hz']:g} Hz")

    def on_exit(self) -> None:
        self.source.close()

    def _on_params(self, values: dict) -> None:
        self.source.loop = values["loop"]
        self.source.max_pixels = values["max_image_pixels"]
        if values["publish_rate_hz"] != self.params["publish_rate_hz"] and not self.timer.is_canceled():
            self.timer = restart_timer(self, self.timer, 1.0 / values["publish_rate_hz"], self._tick)

    def _tick(self) -> None:
        try:
            frame = self.source.next_frame()
        except FrameSourceError as err:
            self.get_logger().warning(f"skipping frame: {err}", throttle_duration_sec=WARN_PERIOD_S)
            return
        if frame is None:
            self.get_logger().info("end of the frame source; no more frames")
            self.timer.cancel()
            return
        header = Header(stamp=self.get_clock().now().to_msg(), frame_id=self.params["frame_id"])
        self.image_pub.publish(fill_image(Image(header=header), frame, "bgr8"))
        height, width = frame.shape[:2]
        self.info_pub.publish(CameraInfo(header=header, **camera_info_fields(width, height, self.params["horizontal_fov_deg"])))


def main(args: list[str] | None = None) -> None:
    run_node(FrameSourceNode, NAME, args)


if __name__ == "__main__":
    main()
