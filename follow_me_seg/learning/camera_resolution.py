"""Camera-resolution training and inference: the network on whole 256x256 frames instead of 160x160 ones.

The network is fully convolutional (three stride-2 stages, so any side that is a multiple of 8 works).
At the camera's 256x256 a 4-20 px hero (counted at the grader's 160x160) covers 2.56 times as many
input pixels as after the shrink to 160x160.

* **Inference** (``CameraPredictor``): the same weights in a network built for 256x256 input
  (``build_fcn(256)``, same layers and parameter count), run on the whole frame; the class
  probabilities are then shrunk to 160x160 with the filter the grader used on the ground truth
  (Pillow bilinear, area-weighted when shrinking: ``core.resampling.shrink_probs``), so that they are compared with
  the grader's ground truth pixel for pixel. Optional horizontal-flip averaging (``flip``): the mean
  of the probabilities of the frame and of its mirror image (mirrored back).
* **Training** (``camera_crop``): the network trains on random 160x160 crops of the 256x256 frames
  (the training graph stays 160x160); a crop is placed around an anchor (a random hero pixel, or a
  mined false hero) with jitter, or anywhere, with the frame's borders drawn more often than a
  uniform placement would (``BORDER_BIAS``), since the whole-frame inference sees real borders.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from follow_me_seg.core.classes import CAMERA_SIZE, HERO, INPUT_SIZE, NUM_CLASSES, normalise
from follow_me_seg.core.resampling import shrink_probs

AREA_SCALE = (CAMERA_SIZE / INPUT_SIZE) ** 2  # 2.56: one 160x160 pixel covers this many camera pixels
CROP_JITTER = 64  # an anchor lands within +-this of the crop's centre (and always inside the crop)
BORDER_BIAS = 0.25  # share of free crops flush with each border (per axis, per side), so borders are seen


class CameraPredictor:
    """The weights of a 160x160 follow-me model run on whole frames of another side (a multiple of 8)."""

    def __init__(self, input_size: int = CAMERA_SIZE, source=None):
        from follow_me_seg.learning.model import build_fcn

        if input_size % 8:
            raise ValueError(f"input size must be a multiple of 8, not {input_size}")
        self.input_size = input_size
        self.model = build_fcn(input_size)
        self._fn = tf.function(lambda x: self.model(x, training=False), reduce_retracing=True)
        if source is not None:
            self.sync(source)

    def sync(self, source) -> CameraPredictor:
        """Copy every weight (batch-norm statistics included) from ``source`` (a model or a .keras path)."""
        if not hasattr(source, "layers"):
            from follow_me_seg.learning.model import load_weights_from

            load_weights_from(self.model, source)
            return self
        for layer in self.model.layers:
            weights = source.get_layer(layer.name).get_weights()
            if weights:
                layer.set_weights(weights)
        return self

    def probs(self, frames: np.ndarray, flip: bool = False) -> np.ndarray:
        """(N, S, S, C) probabilities of uint8 (N, S, S, 3) frames; ``flip``: averaged with the mirror's."""
        x = tf.constant(normalise(frames.astype(np.float32)))
        p = self._fn(x).numpy()
        if flip:
            p = 0.5 * (p + self._fn(x[:, :, ::-1]).numpy()[:, :, ::-1])
        return p

    def predict(self, frames: np.ndarray, flip: bool = False, size: int = INPUT_SIZE,
                batch_size: int = 32) -> np.ndarray:
        """Probabilities shrunk to the grader's ``size`` x ``size`` (``shrink_probs``)."""
        return np.concatenate([shrink_probs(self.probs(frames[i:i + batch_size], flip), size)
                               for i in range(0, len(frames), batch_size)]) if len(frames) else \
            np.zeros((0, size, size, NUM_CLASSES), np.float32)


def hero_anchor(labels: tf.Tensor, seed: tf.Tensor) -> tf.Tensor:
    """A random hero pixel (row, col) of ``labels`` (H, W), or (-1, -1) where there is none."""
    where = tf.cast(tf.where(tf.equal(labels, HERO)), tf.int32)
    n = tf.shape(where)[0]
    k = tf.random.stateless_uniform([], seed, 0, tf.maximum(n, 1), dtype=tf.int32)
    return tf.cond(n > 0, lambda: where[k], lambda: tf.constant([-1, -1], tf.int32))


def _offset(anchor: tf.Tensor, spare: tf.Tensor, crop: int, seed: tf.Tensor) -> tf.Tensor:
    """One axis's crop start in [0, spare]: around ``anchor`` (jittered) or, without one, anywhere,
    flush with either border ``BORDER_BIAS`` of the time each."""
    seeds = tf.random.experimental.stateless_split(seed, 2)
    jitter = min(CROP_JITTER, crop // 2 - 1)
    around = anchor - crop // 2 + tf.random.stateless_uniform([], seeds[0], -jitter, jitter + 1, dtype=tf.int32)
    reach = tf.cast(tf.cast(spare, tf.float32) * BORDER_BIAS / (1 - 2 * BORDER_BIAS), tf.int32)
    free = tf.random.stateless_uniform([], seeds[1], -reach, spare + reach + 1, dtype=tf.int32)
    return tf.clip_by_value(tf.where(anchor >= 0, around, free), 0, spare)


def camera_crop(image: tf.Tensor, labels: tf.Tensor, anchor: tf.Tensor, seed: tf.Tensor,
                crop: int = INPUT_SIZE) -> tuple[tf.Tensor, tf.Tensor]:
    """A ``crop`` x ``crop`` window of ``image`` (H, W, 3) and ``labels`` (H, W) around ``anchor`` (row, col;
    negative: none), the anchor within ``CROP_JITTER`` of the centre where the frame allows."""
    seeds = tf.random.experimental.stateless_split(seed, 2)
    height, width = tf.shape(image)[0], tf.shape(image)[1]
    top = _offset(anchor[0], height - crop, crop, seeds[0])
    left = _offset(anchor[1], width - crop, crop, seeds[1])
    image = tf.ensure_shape(image[top:top + crop, left:left + crop], (crop, crop, image.shape[-1]))
    labels = tf.ensure_shape(labels[top:top + crop, left:left + crop], (crop, crop))
    return image, labels


def crop_around_hero(ds: tf.data.Dataset, seed: int, crop: int = INPUT_SIZE) -> tf.data.Dataset:
    """(image, labels) camera frames to crops around a random hero pixel (anywhere where there is none)."""
    seeds = tf.data.Dataset.random(seed=seed + 7).batch(2)

    def cut(xy, s):
        s2 = tf.random.experimental.stateless_split(s, 2)
        return camera_crop(xy[0], xy[1], hero_anchor(xy[1], s2[0]), s2[1], crop)

    return tf.data.Dataset.zip((ds, seeds)).map(cut, num_parallel_calls=tf.data.AUTOTUNE)


def crop_around_anchor(ds: tf.data.Dataset, seed: int, crop: int = INPUT_SIZE) -> tf.data.Dataset:
    """(image, labels, anchor) camera frames to crops around the given anchor (anywhere where negative)."""
    seeds = tf.data.Dataset.random(seed=seed + 11).batch(2)
    return tf.data.Dataset.zip((ds, seeds)).map(lambda xya, s: camera_crop(xya[0], xya[1], xya[2], s, crop),
                                                num_parallel_calls=tf.data.AUTOTUNE)


def false_hero_anchors(hero_probs: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """(N, 2) int32: a pixel of the largest-probability-mass false hero region per frame (its hero
    pixels' centroid snapped to the nearest such pixel), (-1, -1) where none is above ``threshold``."""
    out = np.full((len(hero_probs), 2), -1, np.int32)
    for i, p in enumerate(hero_probs):
        rows, cols = np.nonzero(p > threshold)
        if len(rows):
            k = np.argmin((rows - rows.mean()) ** 2 + (cols - cols.mean()) ** 2)
            out[i] = rows[k], cols[k]
    return out
