"""One camera frame through the network: class-id mask, hero mask and hero target at the frame's size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from follow_me_seg.core.classes import HERO
from follow_me_seg.perception.target import Target, class_ids, extract_blobs, upscale_ids


@dataclass(frozen=True)
class FrameResult:
    """The segmentation of one frame, at the frame's own resolution."""

    class_ids: np.ndarray  # (H, W) uint8: 0 background, 1 person, 2 hero
    target: Target  # the largest hero blob
    blobs: tuple[Target, ...] = ()  # every hero blob, largest first (the target among them)

    @property
    def target_mask(self) -> np.ndarray:
        """(H, W) uint8, 255 where the pixel is hero, else 0."""
        return np.where(self.class_ids == HERO, 255, 0).astype(np.uint8)


def segment_frame(
    predict: Callable[[np.ndarray], np.ndarray],
    rgb: np.ndarray,
    hero_threshold: float = 0.5,
    min_target_pixels: int = 4,
) -> FrameResult:
    """Run ``predict`` (RGB frame -> (160, 160, 3) probabilities) and post-process at the frame's size."""
    probs = predict(rgb)
    shape = rgb.shape[:2]
    ids = upscale_ids(class_ids(probs, hero_threshold), shape)
    blobs = tuple(extract_blobs(probs[..., HERO], shape, hero_threshold, min_target_pixels))
    return FrameResult(class_ids=ids, target=blobs[0] if blobs else Target(False), blobs=blobs)

