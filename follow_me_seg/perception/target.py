"""From class probabilities to masks and the hero target (centroid, box, area, score)."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from follow_me_seg.core.classes import BACKGROUND, HERO, PERSON


@dataclass(frozen=True)
class Target:
    """The hero's largest blob, in input-image pixel coordinates."""

    found: bool
    centroid_x: float = float("nan")
    centroid_y: float = float("nan")
    bbox: tuple[int, int, int, int] = (0, 0, 0, 0)  # x, y, width, height
    pixels: int = 0  # blob area in network-resolution pixels
    area_fraction: float = 0.0  # blob area / image area
    score: float = 0.0  # mean hero probability over the blob


def class_ids(probs: np.ndarray, hero_threshold: float = 0.5) -> np.ndarray:
    """(H, W, 3) probabilities to class ids: hero where P(hero) > threshold, else background or person.

    Background wins a tie with person, as ``argmax`` would; one comparison is cheaper than argmax.
    """
    ids = (probs[..., PERSON] > probs[..., BACKGROUND]).astype(np.uint8)
    ids[probs[..., HERO] > hero_threshold] = HERO
    return ids


def upscale_ids(ids: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Nearest-neighbour resize of a class-id (or 0/255) map to (H, W)."""
    if ids.shape[:2] == tuple(shape):
        return ids
    return cv2.resize(ids, (shape[1], shape[0]), interpolation=cv2.INTER_NEAREST)


def extract_blobs(
    hero_prob: np.ndarray,
    input_shape: tuple[int, int],
    threshold: float = 0.5,
    min_pixels: int = 4,
    max_blobs: int = 10,
) -> list[Target]:
    """The connected hero blobs of ``hero_prob > threshold`` (8-connectivity), largest first.

    ``hero_prob`` is at network resolution; results are scaled to ``input_shape`` (H, W). Blobs
    smaller than ``min_pixels`` network pixels are left out, and at most ``max_blobs`` are kept.
    """
    mask = (hero_prob > threshold).astype(np.uint8)
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    order = 1 + np.argsort(-stats[1:, cv2.CC_STAT_AREA], kind="stable")
    sy, sx = input_shape[0] / hero_prob.shape[0], input_shape[1] / hero_prob.shape[1]
    blobs = []
    for label in order[:max_blobs]:
        pixels = int(stats[label, cv2.CC_STAT_AREA])
        if pixels < min_pixels:
            break
        x, y, w, h = (int(v) for v in stats[label, :4])
        cx, cy = centroids[label]
        blobs.append(Target(
            found=True,
            centroid_x=float((cx + 0.5) * sx - 0.5),
            centroid_y=float((cy + 0.5) * sy - 0.5),
            bbox=(round(x * sx), round(y * sy), max(1, round(w * sx)), max(1, round(h * sy))),
            pixels=pixels,
            area_fraction=pixels / mask.size,
            score=float(hero_prob[labels == label].mean()),
        ))
    return blobs


def extract_target(
    hero_prob: np.ndarray,
    input_shape: tuple[int, int],
    threshold: float = 0.5,
    min_pixels: int = 4,
) -> Target:
    """The largest connected hero blob (see :func:`extract_blobs`); ``Target(False)`` when there is none."""
    blobs = extract_blobs(hero_prob, input_shape, threshold, min_pixels, max_blobs=1)
    return blobs[0] if blobs else Target(False)
