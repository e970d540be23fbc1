"""Debug drawing: class colours blended over the camera frame, plus the hero's box and centroid."""

from __future__ import annotations

import cv2
import numpy as np

from follow_me_seg.core.classes import BACKGROUND, CLASS_COLOURS_RGB
from follow_me_seg.perception.target import Target


def draw_overlay(rgb: np.ndarray, ids: np.ndarray, target: Target, alpha: float = 0.45) -> np.ndarray:
    """A BGR uint8 image: ``ids`` (class map at the frame's size) tinted over ``rgb``, target marked."""
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    tint = CLASS_COLOURS_RGB[:, ::-1][ids]
    blended = cv2.addWeighted(bgr, 1 - alpha, tint, alpha, 0)
    out = np.where((ids != BACKGROUND)[..., None], blended, bgr)
    if target.found:
        x, y, w, h = target.bbox
        cv2.rectangle(out, (x, y), (x + w - 1, y + h - 1), (0, 255, 255), 1)
        centre = (int(round(target.centroid_x)), int(round(target.centroid_y)))
        cv2.drawMarker(out, centre, (0, 255, 255), cv2.MARKER_CROSS, max(8, h // 3), 2)
        cv2.putText(out, f"hero {target.score:.2f}", (x, max(12, y - 4)), cv2.FONT_HERSHEY_SIMPLEX, 0.4,
                    (0, 255, 255), 1, cv2.LINE_AA)
    return out
