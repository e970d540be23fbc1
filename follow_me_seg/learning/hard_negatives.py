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

    def __init__(self, images: np.ndarray, labels: np.ndarray, boost: float, batch_size: int = 64):
        super().__init__()
        self.boost, self.batch_size = float(boost), batch_size
        self._numpy_images = images
        self._images = tf.Variable(images, trainable=False, name="negative_images")
        self._labels = tf.Variable(labels, trainable=False, name="negative_labels")
        self._logits = tf.Variable(tf.zeros(len(images)), trainable=False, name="negative_logits")
        self.hard_frames = 0

    def dataset(self, seed: int = 0) -> tf.data.Dataset:
        """(image, labels) pairs drawn with the current weights, forever."""
        def draw(pair_seed):
            i = tf.random.stateless_categorical(self._logits[None], 1, seed=pair_seed)[0, 0]
            return tf.gather(self._images, i), tf.gather(self._labels, i)

        return tf.data.Dataset.random(seed=seed).batch(2).map(draw)

    def mine(self, model) -> int:
        """Find the frames ``model`` gives a false hero and reweight; returns how many there are."""
        hard = np.zeros(len(self._numpy_images), bool)
        for start in range(0, len(hard), self.batch_size):
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
