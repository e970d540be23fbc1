"""frame_source: publish a folder of images or a video file as a camera (stand-in for a simulator bridge)."""

from __future__ import annotations

from rclpy.node import Node
from sensor_msgs.msg import CameraInfo, Image
from std_msgs.msg import Header

from follow_me_seg.frames import FrameSource, FrameSourceError
from follow_me_seg.image_msgs import fill_image
from follow_me_seg.node_params import FRAME_SOURCE_PARAMS
from follow_me_seg.nodes.ros_common import LiveParameters, named_qos, restart_timer, run_node
from follow_me_seg.projection import pinhole_k

NAME = "frame_source"
WARN_PERIOD_S = 5.0


def camera_info(header: Header, width: int, height: int, horizontal_fov_deg: float) -> CameraInfo:
    """An ideal pinhole camera_info for the frame size (uncalibrated, K all zeros, when the FoV is 0)."""
    k = pinhole_k(width, height, horizontal_fov_deg)
    info = CameraInfo(header=header, width=width, height=height, distortion_model="plumb_bob")
    info.d = [0.0] * 5
    info.k = k
    info.r = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]
    info.p = k[0:3] + [0.0] + k[3:6] + [0.0] + k[6:9] + [0.0]
    return info


class FrameSourceNode(Node):
    """Publishes the frames of a folder or video file, with camera_info, at a fixed rate."""

    def __init__(self):
        super().__init__(NAME)
        self.params = p = LiveParameters(self, FRAME_SOURCE_PARAMS, self._on_params)
        self.source = FrameSource(p["source"], loop=p["loop"], max_pixels=p["max_image_pixels"])
        qos = named_qos("reliable", depth=1)
        self.image_pub = self.create_publisher(Image, "image", qos)
        self.info_pub = self.create_publisher(CameraInfo, "camera_info", qos)
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
        self.info_pub.publish(camera_info(header, width, height, self.params["horizontal_fov_deg"]))


def main(args: list[str] | None = None) -> None:
    run_node(FrameSourceNode, NAME, args)


if __name__ == "__main__":
    main()
