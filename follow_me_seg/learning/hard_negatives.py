"""Hard-negative mining: hero-free training frames the model currently mistakes for the hero come back more often.

The false heroes of a far-hero model are small red things (foliage, roofs) that look like a distant
hero. After every epoch the miner runs the model over the hero-free training frames and makes each
frame with a false hero (more than ``PRESENCE_PIXELS`` pixels above 0.5, the score's rule) ``boost``
times as likely to be drawn as the others.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from follow_me_seg.core.classes import HERO, normalise
from follow_me_seg.learning.scoring import PRESENCE_PIXELS, THRESHOLD


class HardNegativeMiner(keras.callbacks.Callback):
    """An endless stream of hero-free frames whose sampling weights follow the model's false heroes."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, boost: float, batch_size: int = 64,
                 predictor=None):
        """``predictor`` (a ``camera.CameraPredictor``): mine at camera resolution, the whole frame at once
        (``images`` are then camera frames); a false hero is judged on the probabilities shrunk to 160x160,
        as the grader would, and each hard frame remembers where its false hero is (``dataset(anchors=True)``)."""
        super().__init__()
        self.boost, self.batch_size = float(boost), batch_size
        self.predictor = predictor
        self._anchors = tf.Variable(np.full((len(images), 2), -1, np.int32), trainable=False, name="negative_anchors")
        self._numpy_images = images
        self._images = tf.Variable(images, trainable=False, name="negative_images")
        self._labels = tf.Variable(labels, trainable=False, name="negative_labels")
        self._logits = tf.Variable(tf.zeros(len(images)), trainable=False, name="negative_logits")
        self.hard_frames = 0

    def dataset(self, seed: int = 0, anchors: bool = False) -> tf.data.Dataset:
        """(image, labels) pairs drawn with the current weights, forever; ``anchors``: (image, labels, anchor),
        the anchor a pixel of the frame's false hero at the last mining, (-1, -1) for none."""
        def draw(pair_seed):
            i = tf.random.stateless_categorical(self._logits[None], 1, seed=pair_seed)[0, 0]
            if anchors:
                return tf.gather(self._images, i), tf.gather(self._labels, i), tf.gather(self._anchors, i)
            return tf.gather(self._images, i), tf.gather(self._labels, i)

        return tf.data.Dataset.random(seed=seed).batch(2).map(draw)

    def mine(self, model) -> int:
        """Find the frames ``model`` gives a false hero and reweight; returns how many there are."""
        hard = np.zeros(len(self._numpy_images), bool)
        if self.predictor is not None:
            from follow_me_seg.core.resampling import shrink_probs
            from follow_me_seg.learning.camera_resolution import false_hero_anchors

            self.predictor.sync(model)
            anchors = np.full((len(hard), 2), -1, np.int32)
            for start in range(0, len(hard), self.batch_size):
                hero = self.predictor.probs(self._numpy_images[start:start + self.batch_size])[..., HERO:HERO + 1]
                small = shrink_probs(hero)[..., 0]
                hard[start:start + len(hero)] = (small > THRESHOLD).sum(axis=(1, 2)) > PRESENCE_PIXELS
                anchors[start:start + len(hero)] = np.where(
                    hard[start:start + len(hero), None], false_hero_anchors(hero[..., 0], THRESHOLD), -1)
            self._anchors.assign(anchors)
        for start in range(0, len(hard) if self.predictor is None else 0, self.batch_size):
            batch = normalise(self._numpy_images[start:start + self.batch_size].astype(np.float32))
            probs = keras.ops.convert_to_numpy(model(batch, training=False))
            hard[start:start + len(batch)] = (probs[..., HERO] > THRESHOLD).sum(axis=(1, 2)) > PRESENCE_PIXELS
        self._logits.assign(np.log1p(self.boost * hard).astype(np.float32))
        self.hard_frames = int(hard.sum())
        return self.hard_frames

    def on_train_begin(self, logs=None):
        self.mine(self.model)

    def on_epoch_end(self, epoch, logs=None):
        n = self.mine(self.model)
        if logs is not None:
            logs["hard_negative_frames"] = n
        print(f"hard negatives: {n} of {len(self._numpy_images)} hero-free training frames hold a false hero")
