"""segmentation_node (managed): camera frames in; class mask, hero mask, hero target, 3D point, overlay out.

Lifecycle: configure loads, checks and warms up the model and creates the publishers;
activate subscribes and starts /diagnostics; deactivate stops processing; cleanup frees
the model. With ``autostart`` (default) the node configures and activates itself.
"""

from __future__ import annotations

import time
from typing import Sequence

from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from geometry_msgs.msg import PointStamped
from rclpy.lifecycle import LifecycleNode
from sensor_msgs.msg import CameraInfo, CompressedImage, Image
from std_msgs.msg import Header
from vision_msgs.msg import Detection2D, Detection2DArray, ObjectHypothesisWithPose

from follow_me_seg.core.classes import HERO_CLASS_ID
from follow_me_seg.inference.common import file_sha256
from follow_me_seg.inference.engine import SegmentationEngine
from follow_me_seg.nodes import frame_stats
from follow_me_seg.nodes.callback_guard import CallbackGuard
from follow_me_seg.nodes.frame_stats import FrameStats
from follow_me_seg.nodes.image_messages import (
    ImageMessageError,
    compressed_to_rgb,
    depth_to_metres,
    fill_image,
    image_to_rgb,
)
from follow_me_seg.nodes.node_parameters import SEGMENTATION_PARAMS
from follow_me_seg.nodes.ros_common import (
    SUCCESS,
    LiveParameters,
    named_qos,
    now_seconds,
    restart_timer,
    run_node,
    stamp_seconds,
    transition,
)
from follow_me_seg.nodes.stamp_checks import FUTURE, StampChecks
from follow_me_seg.nodes.stamp_pairing import StampedBuffer
from follow_me_seg.perception.overlay import draw_overlay
from follow_me_seg.perception.pipeline import FrameResult, segment_frame
from follow_me_seg.perception.projection import hero_point
from follow_me_seg.perception.target import Target

NAME = "segmentation_node"
WARN_PERIOD_S = 5.0
STATS_WINDOW_S = 5.0
_LEVELS = {frame_stats.OK: DiagnosticStatus.OK, frame_stats.WARN: DiagnosticStatus.WARN}


def detection_array(header: Header, blobs: Sequence[Target]) -> Detection2DArray:
    """Every hero blob as a Detection2D, largest first (an empty array when no hero was found).

    Each detection's ``id`` is its rank by size; the follower chooses among them by tracking.
    """
    detections = Detection2DArray(header=header)
    for rank, blob in enumerate(blobs):
        detection = Detection2D(header=header, id=str(rank))
        detection.bbox.center.position.x = float(blob.centroid_x)
        detection.bbox.center.position.y = float(blob.centroid_y)
        detection.bbox.size_x = float(blob.bbox[2])
        detection.bbox.size_y = float(blob.bbox[3])
        hypothesis = ObjectHypothesisWithPose()
        hypothesis.hypothesis.class_id = HERO_CLASS_ID
        hypothesis.hypothesis.score = float(blob.score)
        detection.results.append(hypothesis)
        detections.detections.append(detection)
    return detections


class SegmentationNode(LifecycleNode):
    """Segments every frame it gets and publishes masks, the hero target, its 3D point and diagnostics."""

    def __init__(self):
        super().__init__(NAME)
        self.params = LiveParameters(self, SEGMENTATION_PARAMS, self._on_params)
        self.engine: SegmentationEngine | None = None
        self.model_sha256 = ""
        self.stats = FrameStats(window_s=STATS_WINDOW_S)
        self._outputs: dict = {}
        self._subscriptions_active: list = []
        self._diagnostics_timer = None
        self._frame_stamps, self._partner_stamps = StampChecks(), StampChecks()
        self._depth: StampedBuffer[Image] = StampedBuffer()
        self._camera_info: StampedBuffer[CameraInfo] = StampedBuffer()

    # -- lifecycle -------------------------------------------------------------------------
    def on_configure(self, state):
        return transition(self, self._configure)

    def _configure(self) -> None:
        p = self.params
        self.engine = SegmentationEngine(p["model_path"] or None, device=p["device"], backend=p["backend"],
                                         threads=p["threads"], warn=self.get_logger().warning,
                                         flip=p["flip_averaging"], input_size=p["input_size"])
        self.model_sha256 = file_sha256(self.engine.model_path)
        self.get_logger().info(f"segmenting on {self.engine.device} ({self.engine.backend}) with "
                               f"{self.engine.model_path} (sha256 {self.model_sha256[:12]})")
        images, targets = named_qos("reliable", depth=1), named_qos("reliable", depth=10)
        for key, msg_type, topic, qos in (
            ("class_mask", Image, "~/class_mask", images), ("target_mask", Image, "~/target_mask", images),
            ("overlay", Image, "~/overlay", images), ("target", Detection2DArray, "~/target", targets),
            ("target_point", PointStamped, "~/target_point", targets),
            ("diagnostics", DiagnosticArray, "/diagnostics", targets),
        ):
            self._outputs[key] = self.create_lifecycle_publisher(msg_type, topic, qos)

    def on_activate(self, state):
        p = self.params
        qos, guard = named_qos(p["image_qos"]), CallbackGuard(self.get_logger().error)
        if p["image_transport"] == "compressed":
            frames = self.create_subscription(CompressedImage, "image/compressed", guard(self._on_compressed), qos)
        else:
            frames = self.create_subscription(Image, "image", guard(self._on_image), qos)
        self._subscriptions_active = [
            frames,
            self.create_subscription(Image, "depth", guard(self._on_depth), qos),
            self.create_subscription(CameraInfo, "camera_info", guard(self._on_camera_info), qos),
        ]
        self.stats = FrameStats(window_s=STATS_WINDOW_S)
        self._start_diagnostics(p["diagnostics_period_s"])
        return super().on_activate(state)

    def on_deactivate(self, state):
        self._stop_processing()
        return super().on_deactivate(state)

    def on_cleanup(self, state):
        self._free()
        return SUCCESS

    def on_shutdown(self, state):
        self._stop_processing()
        self._free()
        return SUCCESS

    def on_exit(self) -> None:
        """Nothing to send on shutdown."""

    def _stop_processing(self) -> None:
        for subscription in self._subscriptions_active:
            self.destroy_subscription(subscription)
        self._subscriptions_active = []
        if self._diagnostics_timer is not None:
            self.destroy_timer(self._diagnostics_timer)
            self._diagnostics_timer = None
        self._depth.clear()
        self._camera_info.clear()
        self._frame_stamps.reset()

    def _free(self) -> None:
        for publisher in self._outputs.values():
            self.destroy_lifecycle_publisher(publisher)
        self._outputs = {}
        self.engine = None

    def _start_diagnostics(self, period_s: float) -> None:
        self._diagnostics_timer = restart_timer(self, self._diagnostics_timer, period_s, self._publish_diagnostics)

    def _on_params(self, values: dict) -> None:
        period = values["diagnostics_period_s"]
        if self._diagnostics_timer is not None and period != self.params["diagnostics_period_s"]:
            self._start_diagnostics(period)

    # -- frames ----------------------------------------------------------------------------
    def _warn(self, message: str) -> None:
        self.get_logger().warning(message, throttle_duration_sec=WARN_PERIOD_S)

    def _bad_frame(self, message: str) -> None:
        self.stats.frame_bad()
        self._warn(f"skipping frame: {message}")

    def _on_image(self, msg: Image) -> None:
        self.stats.frame_received(now_seconds(self), stamp_seconds(msg.header.stamp))
        try:
            rgb = image_to_rgb(msg, self.params["max_image_pixels"])
        except ImageMessageError as err:
            self._bad_frame(str(err))
            return
        self._process(rgb, msg.header)

    def _on_compressed(self, msg: CompressedImage) -> None:
        self.stats.frame_received(now_seconds(self), stamp_seconds(msg.header.stamp))
        try:
            rgb = compressed_to_rgb(msg, self.params["max_image_pixels"])
        except ImageMessageError as err:
            self._bad_frame(str(err))
            return
        self._process(rgb, msg.header)

    def _on_depth(self, msg: Image) -> None:
        self._add_partner(self._depth, msg, "depth image")

    def _on_camera_info(self, msg: CameraInfo) -> None:
        self._add_partner(self._camera_info, msg, "camera_info")

    def _add_partner(self, buffer: StampedBuffer, msg, what: str) -> None:
        stamp = stamp_seconds(msg.header.stamp)
        if self._partner_stamps.future(stamp, now_seconds(self), self.params["future_tolerance_s"]):
            self._warn(f"ignoring a {what} stamped {stamp - now_seconds(self):.3f} s in the future")
            return
        buffer.add(stamp, msg)

    def _process(self, rgb, header: Header) -> None:
        stamp, now = stamp_seconds(header.stamp), now_seconds(self)
        reason = self._frame_stamps.frame(stamp, now, self.params["future_tolerance_s"], self.params["max_frame_age_s"])
        if reason is not None:
            self.stats.frame_dropped()
            if reason == FUTURE:
                self._warn(f"dropping a frame stamped {stamp - now:.3f} s in the future")
            return
        started = time.perf_counter()
        p, out = self.params, self._outputs
        try:
            result = segment_frame(self.engine.predict, rgb, p["hero_threshold"], p["min_target_pixels"])
        except Exception as err:  # keep running whatever one frame does to the engine
            self._bad_frame(f"inference failed: {type(err).__name__}: {err}")
            return
        out["class_mask"].publish(fill_image(Image(header=header), result.class_ids, "mono8"))
        out["target_mask"].publish(fill_image(Image(header=header), result.target_mask, "mono8"))
        out["target"].publish(detection_array(header, result.blobs))
        point = self._target_point(result, rgb.shape, header)
        if point is not None:
            out["target_point"].publish(point)
        if p["publish_overlay"] and out["overlay"].get_subscription_count() > 0:
            overlay = draw_overlay(rgb, result.class_ids, result.target, p["overlay_alpha"])
            out["overlay"].publish(fill_image(Image(header=header), overlay, "bgr8"))
        stamp = stamp_seconds(header.stamp)
        now = now_seconds(self)
        self.stats.frame_processed(now, time.perf_counter() - started, now - stamp if stamp > 0 else 0.0)

    def _target_point(self, result: FrameResult, shape, header: Header) -> PointStamped | None:
        """The hero in 3D from the depth image and calibrated camera_info paired with the frame by stamp."""
        target = result.target
        if not target.found:
            return None
        stamp, tolerance = stamp_seconds(header.stamp), self.params["depth_max_skew_s"]
        depth, info = self._depth.nearest(stamp, tolerance), self._camera_info.nearest(stamp, tolerance)
        if depth is None or info is None:
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
        counts = report.values + self._frame_stamps.values("frames") + [
            ("partners_future", str(self._partner_stamps.counts[FUTURE]))]
        values = [KeyValue(key=k, value=v) for k, v in counts]
        values += [KeyValue(key="device", value=str(self.engine.device)),
                   KeyValue(key="backend", value=str(self.engine.backend)),
                   KeyValue(key="model", value=str(self.engine.model_path)),
                   KeyValue(key="model_sha256", value=self.model_sha256)]
        status = DiagnosticStatus(
            level=_LEVELS[report.level],
            name=f"{self.get_fully_qualified_name()}: segmentation",
            message=report.message,
            hardware_id=str(self.engine.device),
            values=values,
        )
        array = DiagnosticArray(status=[status])
        array.header.stamp = self.get_clock().now().to_msg()
        self._outputs["diagnostics"].publish(array)


def main(args: list[str] | None = None) -> None:
    run_node(SegmentationNode, NAME, args)


if __name__ == "__main__":
    main()
