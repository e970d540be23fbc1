"""A video of an episode: the drone's view, the segmentation overlay and a top-down map, side by side (MP4)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import cv2
import numpy as np

from follow_me_seg.core.atomic_files import atomic_path
from follow_me_seg.core.errors import FollowMeError
from follow_me_seg.perception.overlay import draw_overlay
from follow_me_seg.perception.pipeline import FrameResult
from follow_me_seg.sim.loop import StepRecord
from follow_me_seg.sim.render import Frame
from follow_me_seg.sim.simulation import Simulation

MAP_PX = 256
MAP_SPAN_M = 30.0  # the map shows this many metres across, centred on the drone


class EpisodeVideo:
    """Collects one BGR panel per step; :meth:`save` writes them as an MP4 at the camera rate."""

    def __init__(self, sim: Simulation):
        self.sim = sim
        self.panels: list[np.ndarray] = []
        self.trail: list[tuple[float, float, float, float]] = []  # drone x, y, hero x, y

    def add(self, frame: Frame, result: FrameResult, record: StepRecord) -> None:
        self.trail.append((record.drone_x, record.drone_y, record.hero_x, record.hero_y))
        view = cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2BGR)
        overlay = draw_overlay(frame.rgb, result.class_ids, result.target)
        size = (MAP_PX * frame.rgb.shape[1] // frame.rgb.shape[0], MAP_PX)
        panels = [cv2.resize(view, size), cv2.resize(overlay, size), self._map(record)]
        self.panels.append(np.hstack(panels))

    def _map(self, record: StepRecord) -> np.ndarray:
        image = np.full((MAP_PX, MAP_PX, 3), 245, np.uint8)
        scale = MAP_PX / MAP_SPAN_M

        def px(x: float, y: float) -> tuple[int, int]:  # world x up the map, world y to the left
            return (int(round(MAP_PX / 2 - (y - record.drone_y) * scale)),
                    int(round(MAP_PX / 2 - (x - record.drone_x) * scale)))

        for a, b in zip(self.trail, self.trail[1:]):
            cv2.line(image, px(a[0], a[1]), px(b[0], b[1]), (60, 60, 60), 1, cv2.LINE_AA)
            cv2.line(image, px(a[2], a[3]), px(b[2], b[3]), (255, 120, 0), 1, cv2.LINE_AA)
        half_fov = self.sim.config.camera.horizontal_fov_rad / 2
        for side in (-1, 1):
            angle = record.drone_yaw + side * half_fov
            cv2.line(image, px(record.drone_x, record.drone_y),
                     px(record.drone_x + 12 * math.cos(angle), record.drone_y + 12 * math.sin(angle)), (180, 180, 180), 1)
        for occluder in self.sim.world.occluders:
            cv2.circle(image, px(occluder.x, occluder.y), 2, (120, 120, 120), -1)
        for walker in self.sim.world.others:
            if walker.visible:
                cv2.circle(image, px(walker.x, walker.y), 3, (0, 0, 220) if walker.hero_look else (0, 160, 0), -1)
        cv2.circle(image, px(record.hero_x, record.hero_y), 5, (255, 0, 0), -1 if record.hero_present else 1)
        cv2.circle(image, px(record.drone_x, record.drone_y), 5, (0, 0, 0), -1)
        text = f"t {record.t_s:4.1f}s  d {record.hero_distance_m:4.1f}m  {record.cmd_mode}"
        cv2.putText(image, text, (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 0), 1, cv2.LINE_AA)
        return image

    def save(self, path: str | os.PathLike, rate_hz: float) -> None:
        if not self.panels:
            return
        height, width = self.panels[0].shape[:2]
        with atomic_path(Path(path)) as tmp:
            writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter_fourcc(*"mp4v"), rate_hz, (width, height))
            if not writer.isOpened():
                raise FollowMeError(f"cannot write an MP4 video (no OpenCV video encoder): {path}")
            for panel in self.panels:
                writer.write(panel)
            writer.release()
