"""Back-project the hero's image position to a 3D point with a depth image and pinhole intrinsics."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np


def depth_at(depth_m: np.ndarray, x: float, y: float, window: int = 5) -> float:
    """Median of the valid (finite, > 0) depths in a ``window`` x ``window`` box around (x, y); NaN if none."""
    if not (math.isfinite(x) and math.isfinite(y)):
        return math.nan
    half = window // 2
    col, row = int(round(x)), int(round(y))
    height, width = depth_m.shape[:2]
    if not (0 <= col < width and 0 <= row < height):
        return math.nan
    patch = depth_m[max(0, row - half): row + half + 1, max(0, col - half): col + half + 1]
    valid = patch[np.isfinite(patch) & (patch > 0)]
    return float(np.median(valid)) if valid.size else math.nan


def back_project(u: float, v: float, z: float, k: Sequence[float]) -> tuple[float, float, float] | None:
    """Pixel (u, v) at depth ``z`` to (x, y, z) in the optical frame (x right, y down, z forward).

    ``k`` is the row-major 3x3 camera matrix of sensor_msgs/CameraInfo; None when it is
    uncalibrated (fx or fy zero) or the inputs are not finite.
    """
    fx, cx, fy, cy = float(k[0]), float(k[2]), float(k[4]), float(k[5])
    if fx == 0 or fy == 0 or not all(math.isfinite(a) for a in (u, v, z, fx, fy, cx, cy)):
        return None
    return ((u - cx) * z / fx, (v - cy) * z / fy, z)


def hero_point(
    centroid: tuple[float, float],
    image_size: tuple[int, int],
    depth_m: np.ndarray,
    k: Sequence[float],
    info_size: tuple[int, int] = (0, 0),
    window: int = 5,
) -> tuple[float, float, float] | None:
    """The hero centroid (x, y in a ``image_size`` = (width, height) frame) as a 3D optical-frame point.

    The depth image and the camera model (``info_size`` = CameraInfo width, height; 0 means the
    frame's size) may have other resolutions than the frame: coordinates are scaled to each.
    """
    (x, y), (width, height) = centroid, image_size

    def scaled(to_width: float, to_height: float) -> tuple[float, float]:
        return (x + 0.5) * to_width / width - 0.5, (y + 0.5) * to_height / height - 0.5

    z = depth_at(depth_m, *scaled(depth_m.shape[1], depth_m.shape[0]), window)
    if math.isnan(z):
        return None
    info_width, info_height = info_size
    u, v = scaled(info_width or width, info_height or height)
    return back_project(u, v, z, k)


def pinhole_k(width: int, height: int, horizontal_fov_deg: float) -> list[float]:
    """Row-major 3x3 camera matrix of an ideal pinhole camera (square pixels, centred);
    all zeros ("uncalibrated" in CameraInfo terms) when the field of view is 0."""
    if horizontal_fov_deg <= 0:
        return [0.0] * 9
    f = (width / 2) / math.tan(math.radians(horizontal_fov_deg) / 2)
    return [f, 0.0, (width - 1) / 2, 0.0, f, (height - 1) / 2, 0.0, 0.0, 1.0]
