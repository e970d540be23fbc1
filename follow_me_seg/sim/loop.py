"""The closed loop: render -> SegmentationEngine -> hero target -> FollowController -> drone, at the camera rate.

As on the ROS graph, the hero's range comes from the rendered depth image and the camera's K
(``projection.hero_point``), so the controller holds ``desired_distance_m`` whenever depth is valid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from follow_me_seg.control.law import Command, FollowController, observation_from_target
from follow_me_seg.control.tracking import HeroTracker, choose_hero
from follow_me_seg.core.classes import HERO
from follow_me_seg.perception.pipeline import FrameResult, segment_frame
from follow_me_seg.perception.projection import hero_point
from follow_me_seg.perception.target import Target, extract_blobs
from follow_me_seg.sim.render import Frame
from follow_me_seg.sim.simulation import Simulation


@dataclass(frozen=True)
class Perception:
    """How frames are segmented: ``predict`` (RGB -> (160, 160, 3) probabilities) and the node's settings.

    ``predict=None`` is perfect perception: the rendered class mask stands in for the network's, so
    that the control loop can be judged alone.
    """

    predict: Callable[[np.ndarray], np.ndarray] | None
    hero_threshold: float = 0.5
    min_target_pixels: int = 4
    depth_window: int = 5

    def segment(self, frame: Frame) -> FrameResult:
        if self.predict is None:
            ids = frame.class_ids
            hero = (ids == HERO).astype(np.float32)
            blobs = tuple(extract_blobs(hero, ids.shape, self.hero_threshold, self.min_target_pixels))
            return FrameResult(ids, blobs[0] if blobs else Target(False), blobs)
        return segment_frame(self.predict, frame.rgb, self.hero_threshold, self.min_target_pixels)


@dataclass(frozen=True)
class StepRecord:
    """One control step: the truth, what perception made of it, and the command."""

    scenario: str
    episode: int
    t_s: float
    hero_present: bool
    hero_in_view: bool
    hero_rel_x_m: float
    hero_rel_y_m: float
    hero_distance_m: float
    hero_gt_pixels: int
    detected: bool  # the follower chose a blob as the hero (the tracked one, or the largest without tracking)
    detection_on_hero: bool  # ... and that blob lies on the rendered hero
    det_cx: float
    det_cy: float
    det_range_m: float
    hero_iou: float  # NaN when the rendered frame holds no hero pixel
    cmd_vx: float
    cmd_vz: float
    cmd_yaw_rate: float
    cmd_mode: str
    track_id: int  # 0 without tracking
    track_state: str
    drone_x: float
    drone_y: float
    drone_z: float
    drone_yaw: float
    hero_x: float
    hero_y: float


def hero_iou(predicted: np.ndarray, truth: np.ndarray) -> float:
    """IoU of the hero class between two class-id maps; NaN when neither holds a hero pixel."""
    p, t = predicted == HERO, truth == HERO
    union = np.count_nonzero(p | t)
    return np.count_nonzero(p & t) / union if union else math.nan


def blob_range(blob: Target, frame: Frame, k: list[float], window: int) -> float | None:
    """Distance (m) to the blob's centroid from the rendered depth, or None."""
    if not blob.found:
        return None
    height, width = frame.depth.shape
    point = hero_point((blob.centroid_x, blob.centroid_y), (width, height), frame.depth, k, window=window)
    return None if point is None else math.sqrt(sum(c * c for c in point))


def blob_on_hero(blob: Target, truth_ids: np.ndarray) -> bool:
    """Whether the blob's box holds a pixel of the rendered hero."""
    if not blob.found:
        return False
    x, y, w, h = blob.bbox
    return bool((truth_ids[y:y + h, x:x + w] == HERO).any())


StepHook = Callable[[Frame, FrameResult, StepRecord], None]


def combine_hooks(*hooks: StepHook | None) -> StepHook | None:
    """One hook that calls each given hook in turn (None when none is given)."""
    given = [hook for hook in hooks if hook is not None]
    if not given:
        return None

    def each(frame: Frame, result: FrameResult, record: StepRecord) -> None:
        for hook in given:
            hook(frame, result, record)

    return each


def run_episode(sim: Simulation, perception: Perception, controller: FollowController, seconds: float,
                rate_hz: float = 10.0, episode: int = 0, on_step: StepHook | None = None,
                tracker: HeroTracker | None = None) -> list[StepRecord]:
    """Close the loop for ``seconds`` of simulated time at ``rate_hz``; one record per camera frame.

    As in the follower node, the hero among each frame's blobs is the tracked one (``tracker``), or
    the largest without one.
    """
    controller.reset()
    if tracker is not None:
        tracker.reset()
    k = sim.config.camera.k.reshape(-1).tolist()
    dt = 1.0 / rate_hz
    records = []
    for index in range(round(seconds * rate_hz)):
        now = index * dt
        frame = sim.render()
        result = perception.segment(frame)
        height, width = frame.rgb.shape[:2]
        measure = controller.params.size_measure
        candidates = [observation_from_target(blob, width, height, measure) for blob in result.blobs]
        index = choose_hero(candidates, now, tracker)
        blob = Target(False) if index is None else result.blobs[index]
        distance = blob_range(blob, frame, k, perception.depth_window)
        seen = None if index is None else replace(candidates[index], distance_m=distance)
        command: Command = controller.update(seen if controller.confirm(seen is not None) else None, now)
        truth, state, hero = sim.hero_truth(), sim.drone.state, sim.world.hero
        record = StepRecord(
            scenario=sim.config.scenario, episode=episode, t_s=round(now, 6),
            hero_present=truth.present, hero_in_view=truth.in_view, hero_rel_x_m=truth.rel_x,
            hero_rel_y_m=truth.rel_y, hero_distance_m=truth.distance_m,
            hero_gt_pixels=int(np.count_nonzero(frame.class_ids == HERO)),
            detected=blob.found, detection_on_hero=blob_on_hero(blob, frame.class_ids),
            det_cx=blob.centroid_x, det_cy=blob.centroid_y,
            det_range_m=math.nan if distance is None else distance,
            hero_iou=hero_iou(result.class_ids, frame.class_ids),
            cmd_vx=command.vx, cmd_vz=command.vz, cmd_yaw_rate=command.yaw_rate, cmd_mode=command.mode,
            track_id=tracker.track_id if tracker else 0, track_state=tracker.state if tracker else "off",
            drone_x=state.x, drone_y=state.y, drone_z=state.z, drone_yaw=state.yaw, hero_x=hero.x, hero_y=hero.y,
        )
        records.append(record)
        if on_step is not None:
            on_step(frame, result, record)
        sim.step(command.vx, command.vz, command.yaw_rate, dt)
    return records
