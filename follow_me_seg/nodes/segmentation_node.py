"""segmentation_node: camera frames in; class mask, hero mask, hero target, 3D point, overlay out."""

from __future__ import annotations

import time

from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from geometry_msgs.msg import PointStamped
from rclpy.node import Node
from sensor_msgs.msg import CameraInfo, CompressedImage, Image
from std_msgs.msg import Header
from vision_msgs.msg import Detection2D, Detection2DArray, ObjectHypothesisWithPose

from follow_me_seg import frame_stats
from follow_me_seg.callback_guard import CallbackGuard
from follow_me_seg.engine import SegmentationEngine
from follow_me_seg.frame_processing import FrameResult, segment_frame
from follow_me_seg.frame_stats import FrameStats
from follow_me_seg.image_msgs import ImageMessageError, compressed_to_rgb, depth_to_metres, fill_image, image_to_rgb
from follow_me_seg.node_params import SEGMENTATION_PARAMS
from follow_me_seg.nodes.ros_common import declare_parameters, named_qos, now_seconds, run_node, stamp_seconds
from follow_me_seg.overlay import draw_overlay
from follow_me_seg.projection import hero_point
from follow_me_seg.target import Target

NAME = "segmentation_node"
HERO_CLASS_ID = "hero"
WARN_PERIOD_S = 5.0
_LEVELS = {frame_stats.OK: DiagnosticStatus.OK, frame_stats.WARN: DiagnosticStatus.WARN}


def detection_array(header: Header, target: Target) -> Detection2DArray:
    """The hero target as a Detection2DArray (empty when no hero was found)."""
    detections = Detection2DArray(header=header)
    if target.found:
        detection = Detection2D(header=header, id=HERO_CLASS_ID)
        detection.bbox.center.position.x = float(target.centroid_x)
        detection.bbox.center.position.y = float(target.centroid_y)
        detection.bbox.size_x = float(target.bbox[2])
        detection.bbox.size_y = float(target.bbox[3])
        hypothesis = ObjectHypothesisWithPose()
        hypothesis.hypothesis.class_id = HERO_CLASS_ID
        hypothesis.hypothesis.score = float(target.score)
        detection.results.append(hypothesis)
        detections.detections.append(detection)
    return detections


class SegmentationNode(Node):
    """Segments every frame it gets and publishes masks, the hero target, its 3D point and diagnostics."""

    def __init__(self):
        super().__init__(NAME)
        self.params = p = declare_parameters(self, SEGMENTATION_PARAMS)
        self.engine = SegmentationEngine(p["model_path"] or None, device=p["device"], backend=p["backend"])
        self.get_logger().info(
            f"segmenting on {self.engine.device} ({self.engine.backend}) with {self.engine.model_path}"
        )
        self.stats = FrameStats(window_s=max(5.0, p["diagnostics_period_s"]))
        self.stats.start(now_seconds(self))
        self._last_stamp = 0.0
        self._depth: Image | None = None
        self._camera_info: CameraInfo | None = None

        qos, guard = named_qos(p["image_qos"]), CallbackGuard(self.get_logger().error)
        if p["image_transport"] == "compressed":
            self.create_subscription(CompressedImage, "image/compressed", guard(self._on_compressed), qos)
        else:
            self.create_subscription(Image, "image", guard(self._on_image), qos)
        self.create_subscription(Image, "depth", guard(self._on_depth), qos)
        self.create_subscription(CameraInfo, "camera_info", guard(self._on_camera_info), qos)
        out_images = named_qos("reliable", depth=1)
        out_targets = named_qos("reliable", depth=10)
        self.class_mask_pub = self.create_publisher(Image, "~/class_mask", out_images)
        self.target_mask_pub = self.create_publisher(Image, "~/target_mask", out_images)
        self.overlay_pub = self.create_publisher(Image, "~/overlay", out_images)
        self.target_pub = self.create_publisher(Detection2DArray, "~/target", out_targets)
        self.point_pub = self.create_publisher(PointStamped, "~/target_point", out_targets)
        self.diagnostics_pub = self.create_publisher(DiagnosticArray, "/diagnostics", out_targets)
        self.create_timer(p["diagnostics_period_s"], self._publish_diagnostics)

    def on_exit(self) -> None:
        """Nothing to send on shutdown."""

    def _warn(self, message: str) -> None:
        self.get_logger().warning(message, throttle_duration_sec=WARN_PERIOD_S)

    def _bad_frame(self, message: str) -> None:
        self.stats.frame_bad()
        self._warn(f"skipping frame: {message}")

    def _on_image(self, msg: Image) -> None:
        try:
            rgb = image_to_rgb(msg, self.params["max_image_pixels"])
        except ImageMessageError as err:
            self._bad_frame(str(err))
            return
        self._process(rgb, msg.header)

    def _on_compressed(self, msg: CompressedImage) -> None:
        try:
            rgb = compressed_to_rgb(msg, self.params["max_image_pixels"])
        except ImageMessageError as err:
            self._bad_frame(str(err))
            return
        self._process(rgb, msg.header)

    def _on_depth(self, msg: Image) -> None:
        self._depth = msg

    def _on_camera_info(self, msg: CameraInfo) -> None:
        self._camera_info = msg

    def _is_late(self, header: Header) -> bool:
        """Out of order (older than the last frame) or older than max_frame_age_s; unstamped frames pass."""
        stamp = stamp_seconds(header.stamp)
        if stamp == 0.0:
            return False
        max_age = self.params["max_frame_age_s"]
        late = stamp < self._last_stamp or (max_age > 0 and now_seconds(self) - stamp > max_age)
        if not late:
            self._last_stamp = stamp
        return late

    def _process(self, rgb, header: Header) -> None:
        if self._is_late(header):
            self.stats.frame_dropped()
            return
        started = time.perf_counter()
        try:
            result = segment_frame(
                self.engine.predict, rgb, self.params["hero_threshold"], self.params["min_target_pixels"]
            )
        except Exception as err:  # keep running whatever one frame does to the engine
            self._bad_frame(f"inference failed: {type(err).__name__}: {err}")
            return
        self.class_mask_pub.publish(fill_image(Image(header=header), result.class_ids, "mono8"))
        self.target_mask_pub.publish(fill_image(Image(header=header), result.target_mask, "mono8"))
        self.target_pub.publish(detection_array(header, result.target))
        point = self._target_point(result, rgb.shape, header)
        if point is not None:
            self.point_pub.publish(point)
        if self.params["publish_overlay"] and self.overlay_pub.get_subscription_count() > 0:
            overlay = draw_overlay(rgb, result.class_ids, result.target, self.params["overlay_alpha"])
            self.overlay_pub.publish(fill_image(Image(header=header), overlay, "bgr8"))
        self.stats.frame_processed(now_seconds(self), time.perf_counter() - started)

    def _target_point(self, result: FrameResult, shape, header: Header) -> PointStamped | None:
        """The hero in 3D when a close-enough depth image and a calibrated camera_info are at hand."""
        depth, info, target = self._depth, self._camera_info, result.target
        if not target.found or depth is None or info is None:
            return None
        skew = abs(stamp_seconds(depth.header.stamp) - stamp_seconds(header.stamp))
        if skew > self.params["depth_max_skew_s"]:
            return None
        try:
            depth_m = depth_to_metres(depth, self.params["max_image_pixels"])
        except ImageMessageError as err:
            self._warn(f"ignoring depth image: {err}")
            return None
        xyz = hero_point(
            (target.centroid_x, target.centroid_y), (shape[1], shape[0]), depth_m, info.k,
            (int(info.width), int(info.height)), self.params["depth_window"],
        )
        if xyz is None:
            return None
        point = PointStamped(header=header)
        point.point.x, point.point.y, point.point.z = (float(v) for v in xyz)
        return point

    def _publish_diagnostics(self) -> None:
        report = self.stats.report(now_seconds(self))
        values = [KeyValue(key=k, value=v) for k, v in report.values]
        values.append(KeyValue(key="device", value=str(self.engine.device)))
        values.append(KeyValue(key="backend", value=str(self.engine.backend)))
        status = DiagnosticStatus(
            level=_LEVELS[report.level],
            name=f"{self.get_fully_qualified_name()}: segmentation",
            message=report.message,
            hardware_id=str(self.engine.device),
            values=values,
        )
        array = DiagnosticArray(status=[status])
        array.header.stamp = self.get_clock().now().to_msg()
        self.diagnostics_pub.publish(array)


def main(args: list[str] | None = None) -> None:
    run_node(SegmentationNode, NAME, args)


if __name__ == "__main__":
    main()
