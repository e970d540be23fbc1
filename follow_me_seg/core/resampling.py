"""Probability maps resized as the original grader resized its ground truth (Pillow's bilinear filter)."""

from __future__ import annotations

import numpy as np

from follow_me_seg.core.classes import INPUT_SIZE


def shrink_probs(probs: np.ndarray, size: int = INPUT_SIZE) -> np.ndarray:
    """(N, H, W, C) probabilities to (N, size, size, C) with the grader's ground-truth filter:
    Pillow's bilinear (a triangle filter widened by the shrink factor), per channel, in float."""
    if probs.shape[1:3] == (size, size):
        return probs
    from PIL import Image

    out = np.empty((len(probs), size, size, probs.shape[-1]), np.float32)
    for i, frame in enumerate(probs):
        for c in range(frame.shape[-1]):
            channel = Image.fromarray(np.ascontiguousarray(frame[..., c], dtype=np.float32), "F")
            out[i, ..., c] = np.asarray(channel.resize((size, size), Image.Resampling.BILINEAR))
    return out
