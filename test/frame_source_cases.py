"""What the frame_source tests share, on the rclpy stand-in and on real rclpy: frames on disk and bad sources."""

from __future__ import annotations

import cv2
import numpy as np

# (parameters with {empty} and {frames} placeholders, what the one error line must say)
BAD_SOURCES = [
    ([], "parameter source must name a folder of images or a video file, got ''"),
    (["source:=/no/such/folder"], "frame source not found: /no/such/folder"),
    (["source:={empty}"], "no images (.jpg .jpeg .png .bmp) in folder"),
    (["source:={frames}", "publish_rate_hz:=0.0"], "parameter publish_rate_hz must be in (0, 1000], got 0.0"),
]


def write_frames(folder, count: int = 3, shape=(48, 64)):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        bgr = np.full(shape + (3,), 10 * (i + 1), np.uint8)
        assert cv2.imwrite(str(folder / f"frame_{i}.png"), bgr)
    return folder
