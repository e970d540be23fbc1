"""Back-projection of the hero centroid with depth and pinhole intrinsics; the pinhole K for camera_info."""

from __future__ import annotations

import math

import numpy as np
import pytest

from follow_me_seg.perception.projection import back_project, depth_at, hero_point, pinhole_k

K = [100.0, 0.0, 50.0, 0.0, 80.0, 40.0, 0.0, 0.0, 1.0]


def test_depth_at_is_the_median_of_valid_depths_in_the_window():
    depth = np.full((10, 10), np.nan, np.float32)
    depth[4:7, 4:7] = [[1.0, 2.0, 0.0], [3.0, np.inf, 4.0], [-1.0, 5.0, 6.0]]
    assert depth_at(depth, 5, 5, window=3) == 3.5  # median of 1 2 3 4 5 6
    assert depth_at(depth, 5.4, 4.6, window=1) == pytest.approx(math.nan, nan_ok=True)  # the inf
    assert depth_at(depth, 0, 0, window=3) == pytest.approx(math.nan, nan_ok=True)
    assert depth_at(depth, 0, 0, window=11) == 2.0  # clipped at the border: rows and columns 0..5
    assert depth_at(depth, 0, 0, window=13) == 3.5


def test_depth_at_outside_the_image_or_non_finite_position():
    depth = np.ones((4, 4), np.float32)
    for x, y in ((-1, 0), (4, 0), (0, 4), (math.nan, 1), (1, math.inf)):
        assert math.isnan(depth_at(depth, x, y))


def test_back_project_optical_frame():
    assert back_project(50.0, 40.0, 2.0, K) == (0.0, 0.0, 2.0)
    x, y, z = back_project(150.0, 0.0, 2.0, K)
    assert (x, y, z) == (2.0, -1.0, 2.0)  # right of centre: +x; above: -y
    assert back_project(1, 1, 2.0, [0.0] * 9) is None  # uncalibrated
    assert back_project(1, 1, math.nan, K) is None


def test_hero_point_scales_to_depth_and_camera_resolutions():
    depth = np.full((20, 25), 4.0, np.float32)  # a quarter of the 100x80 frame
    # the frame is 100x80, camera_info says 200x160 (so K is for the double-size image)
    point = hero_point((74.5, 39.5), (100, 80), depth, [200.0, 0, 99.5, 0, 200.0, 79.5, 0, 0, 1], (200, 160))
    assert point == pytest.approx((1.0, 0.0, 4.0))
    same_size = hero_point((74.5, 39.5), (100, 80), depth, [100.0, 0, 49.5, 0, 100.0, 39.5, 0, 0, 1])
    assert same_size == pytest.approx((1.0, 0.0, 4.0))
    assert hero_point((74.5, 39.5), (100, 80), np.zeros((20, 25), np.float32), K) is None


def test_pinhole_k():
    k = pinhole_k(640, 480, 90.0)
    assert k[0] == pytest.approx(320.0) and k[4] == pytest.approx(320.0)
    assert (k[2], k[5], k[8]) == (319.5, 239.5, 1.0)
    assert pinhole_k(640, 480, 0.0) == [0.0] * 9
