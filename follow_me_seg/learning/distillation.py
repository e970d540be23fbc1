"""Distillation: soft targets from a teacher (the mean of several follow-me models) for the training batches.

The teacher runs on each augmented training batch as the student sees it, so copy-paste, zoom-out
and crops need no bookkeeping. Each member runs at its own scale: a model trained on frames shrunk
to 160x160 (``scale`` 0.625 for a crop of a 256x256 camera frame) sees the crop shrunk by that
factor, and its probabilities are resized back. The training target becomes
``(1 - weight) * one_hot + weight * teacher``, which the loss takes as it is (its cross-entropy and
Dice terms accept soft targets).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tensorflow as tf

TEACHER_SCALES = (0.25, 4.0)  # a member's scale, at least and at most


class Teacher:
    """The mean probabilities of follow-me models, each run at its scale (see the module docstring)."""

    def __init__(self, members: Sequence[tuple[str | os.PathLike, float]], crop_size: int):
        from follow_me_seg.learning.model import build_fcn, load_weights_from

        if not members:
            raise ValueError("a teacher needs at least one model")
        self.members = []
        low, high = TEACHER_SCALES
        for path, scale in members:
            if not low <= scale <= high:
                raise ValueError(f"teacher scale must be in [{low:g}, {high:g}], got {scale}")
            side = max(8, int(round(crop_size * scale / 8)) * 8)  # the network's input side is a multiple of 8
            model = build_fcn(side)
            load_weights_from(model, path, "--teacher model")
            model.trainable = False
            self.members.append((model, side))
        self.crop_size = crop_size

    def __call__(self, images: tf.Tensor) -> tf.Tensor:
        """(N, crop, crop, 3) normalised images -> (N, crop, crop, classes) mean probabilities."""
        import tensorflow as tf

        probs = []
        for model, side in self.members:
            x = images if side == self.crop_size else tf.image.resize(images, (side, side), antialias=True)
            p = model(x, training=False)
            if side != self.crop_size:
                p = tf.image.resize(p, (self.crop_size, self.crop_size))
                p = p / tf.reduce_sum(p, axis=-1, keepdims=True)
            probs.append(p)
        return tf.add_n(probs) / len(probs)


def distil(batches: tf.data.Dataset, teacher: Teacher, weight: float) -> tf.data.Dataset:
    """Training batches whose one-hot targets are mixed with the teacher's probabilities by ``weight``."""
    if not 0.0 < weight <= 1.0:
        raise ValueError(f"teacher weight must be in (0, 1], got {weight}")
    return batches.map(lambda x, y: (x, (1.0 - weight) * y + weight * teacher(x)))
