"""A pinhole camera on the drone, pitched down: world points to pixels, and K for CameraInfo.

World axes are REP-103 (x, y on the ground, z up); the drone body is FLU with yaw about z. The
camera sits at the drone's position, looking along the body x axis pitched down by ``pitch_rad``;
its optical frame is x right, y down, z forward. Pixel (0, 0) is the centre of the top-left pixel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from follow_me_seg.perception.projection import pinhole_k


@dataclass(frozen=True)
class Camera:
    """Image size (px), horizontal field of view and downward pitch (rad)."""

    width: int = 256
    height: int = 256
    horizontal_fov_rad: float = math.radians(60.0)  # Unity's default, as in the training frames
    pitch_rad: float = math.radians(20.0)

    @property
    def k(self) -> np.ndarray:
        """The 3x3 camera matrix (square pixels, principal point at the image centre)."""
        return np.array(pinhole_k(self.width, self.height, math.degrees(self.horizontal_fov_rad))).reshape(3, 3)

    def world_to_optical(self, yaw: float) -> np.ndarray:
        """Rotation taking world-frame vectors into the optical frame for a drone yawed by ``yaw``."""
        c, s = math.cos(yaw), math.sin(yaw)
        world_to_body = np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])
        cp, sp = math.cos(self.pitch_rad), math.sin(self.pitch_rad)
        body_to_optical = np.array([[0.0, -1.0, 0.0], [-sp, 0.0, -cp], [cp, 0.0, -sp]])
        return body_to_optical @ world_to_body

    def to_optical(self, points: np.ndarray, position: np.ndarray, yaw: float) -> np.ndarray:
        """(N, 3) world points to (N, 3) optical-frame points, camera at ``position`` (x, y, z)."""
        return (np.asarray(points, float) - np.asarray(position, float)) @ self.world_to_optical(yaw).T

    def project(self, optical: np.ndarray) -> np.ndarray:
        """(N, 3) optical-frame points (z > 0) to (N, 2) pixel coordinates (u right, v down)."""
        k = self.k
        optical = np.asarray(optical, float)
        return np.stack([k[0, 0] * optical[:, 0] / optical[:, 2] + k[0, 2],
                         k[1, 1] * optical[:, 1] / optical[:, 2] + k[1, 2]], axis=1)

    def ground_depth_per_metre(self) -> np.ndarray:
        """(H, 1): optical depth of the ground seen by each image row, per metre of altitude (inf above the horizon).

        With no roll, a row's ray meets the ground at a depth that depends on the row only.
        """
        k = self.k
        rows = (np.arange(self.height, dtype=float) - k[1, 2]) / k[1, 1]  # ray y per unit depth
        down = rows * math.cos(self.pitch_rad) + math.sin(self.pitch_rad)  # downward world component
        with np.errstate(divide="ignore"):
            per_metre = np.where(down > 1e-9, 1.0 / down, np.inf)
        return per_metre[:, None]
