"""The mean probabilities of several engines, each at its own input size (a teacher for distillation)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from follow_me_seg.core.image_files import resize_frame
from follow_me_seg.inference.engine import SegmentationEngine


class EnsembleEngine:
    """Averages its members' (160, 160, 3) probabilities; frames come at the largest member's input size."""

    def __init__(self, members: Sequence[SegmentationEngine]):
        if not members:
            raise ValueError("an ensemble needs at least one engine")
        self.members = list(members)
        self.input_size = max(m.input_size for m in self.members)
        self.model_path = Path(self.members[0].model_path)

    def predict_batch(self, frames: np.ndarray) -> np.ndarray:
        """(N, S, S, 3) uint8 frames, S the largest input size, to (N, 160, 160, 3) mean probabilities."""
        total = None
        for member in self.members:
            own = frames if member.input_size == frames.shape[1] else \
                np.stack([resize_frame(f, member.input_size) for f in frames])
            probs = member.predict_batch(own)
            total = probs if total is None else total + probs
        return total / len(self.members)
