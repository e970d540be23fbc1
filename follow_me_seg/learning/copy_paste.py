"""Copy-paste augmentation: far-away heroes (and other people) pasted into hero-free training frames.

The network finds few-pixel heroes in the training frames it has seen (91% of the 4-20 px ones) but
almost none in validation frames: it learns those scenes, not what a distant hero looks like. Pasting
hero cut-outs, taken from training frames with their masks, at small random sizes and places into
other hero-free training frames shows it the same small red figure in many new surroundings.
Pasting other people the same way beside them keeps "a small pasted figure" from meaning "hero":
only the hero's looks do.

Distant figures also look different: in the training frames, heroes of 20-50 px are darker and far
less red than the close heroes the cut-outs come from (mean R-G 20 against 55, HSV value 73 against
84), while a shrunk cut-out keeps its close-up colours (R-G 50, value 91). ``DistantLook`` can dim
and wash out each pasted cut-out by a random amount to match (off by default in ``train``: it tied
on validation, see docs/training.md).

``CutoutBank.from_frames`` cuts one class's blobs (the caller passes training frames only, never
validation); ``CutoutBank.paste`` is a tf.data map function.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import tensorflow as tf

from follow_me_seg.core.classes import HERO

BANK_SIDE = 64  # cut-outs are stored shrunk to fit this square; pasted people are far smaller
MIN_CUT_PIXELS = {HERO: 400}  # only close heroes are cut: their outline is sharp
MIN_CUT_PIXELS_DEFAULT = 150  # other people are rarely as close; a 150 px blob is a whole, clear figure


@dataclass(frozen=True)
class DistantLook:
    """Random factors applied to a pasted cut-out's colours: brightness scales them, saturation pulls
    them towards their own luma (1 keeps them). ``DistantLook()`` changes nothing: ``paste`` skips it."""

    brightness: tuple[float, float] = (1.0, 1.0)
    saturation: tuple[float, float] = (1.0, 1.0)

    def apply(self, rgb: tf.Tensor, seed: tf.Tensor) -> tf.Tensor:
        """``rgb`` (H, W, 3), premultiplied by its alpha, with one random factor of each kind."""
        seeds = tf.random.experimental.stateless_split(seed, 2)
        bright = tf.random.stateless_uniform([], seeds[0], *self.brightness)
        sat = tf.random.stateless_uniform([], seeds[1], *self.saturation)
        luma = tf.reduce_sum(rgb * tf.constant([0.299, 0.587, 0.114]), axis=-1, keepdims=True)
        return bright * (luma + sat * (rgb - luma))


@dataclass(frozen=True)
class CutoutBank:
    """Cut-outs of one class as RGBA (alpha = its mask), each padded to ``BANK_SIDE`` squared."""

    class_id: int
    rgba: np.ndarray  # (K, BANK_SIDE, BANK_SIDE, 4) uint8
    sizes: np.ndarray  # (K, 2) int32: height, width of each cut-out
    areas: np.ndarray  # (K,) float32: alpha sum of each cut-out, in pixels

    def __len__(self) -> int:
        return len(self.rgba)

    @classmethod
    def from_frames(cls, images: np.ndarray, labels: np.ndarray, class_id: int = HERO, every: int = 3,
                    limit: int = 400, pixel_scale: float = 1.0) -> CutoutBank:
        """Cut the largest ``class_id`` blob of every ``every``-th frame holding enough of it
        (``MIN_CUT_PIXELS``: 400 px for the hero, 150 for other people; each blob must be that large too).

        ``images`` (N, H, W, 3) uint8 and ``labels`` (N, H, W) class ids must be training frames.
        At most ``limit`` cut-outs, spread over the frames; the bank may be empty. ``pixel_scale``: the
        frames' pixels per 160x160 pixel (2.56 for camera frames), scaling those thresholds.
        """
        need = round(MIN_CUT_PIXELS.get(class_id, MIN_CUT_PIXELS_DEFAULT) * pixel_scale)
        cuts = []
        for i in np.flatnonzero((labels == class_id).reshape(len(labels), -1).sum(axis=1) >= need)[::every]:
            _, blobs, stats, _ = cv2.connectedComponentsWithStats((labels[i] == class_id).astype(np.uint8))
            blob = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
            if stats[blob, cv2.CC_STAT_AREA] >= need:
                x, y, w, h = (int(v) for v in stats[blob, :4])
                alpha = np.where(blobs[y:y + h, x:x + w] == blob, 255, 0).astype(np.uint8)
                cuts.append(np.dstack([images[i, y:y + h, x:x + w], alpha]))
        if len(cuts) > limit:
            cuts = [cuts[k] for k in np.linspace(0, len(cuts) - 1, limit).round().astype(int)]
        rgba = np.zeros((len(cuts), BANK_SIDE, BANK_SIDE, 4), np.uint8)
        sizes = np.zeros((len(cuts), 2), np.int32)
        for k, cut in enumerate(cuts):
            h, w = cut.shape[:2]
            scale = min(1.0, BANK_SIDE / max(h, w))
            h, w = max(1, round(h * scale)), max(1, round(w * scale))
            if scale < 1:
                cut = cv2.resize(cut, (w, h), interpolation=cv2.INTER_AREA)
            rgba[k, :h, :w] = cut
            sizes[k] = h, w
        areas = rgba[..., 3].sum(axis=(1, 2), dtype=np.float32) / 255.0
        return cls(class_id, rgba, sizes, areas)

    def paste(self, image: tf.Tensor, labels: tf.Tensor, seed: tf.Tensor,
              pixels: tuple[float, float] = (6.0, 120.0),
              look: DistantLook = DistantLook()) -> tuple[tf.Tensor, tf.Tensor]:
        """Paste one random cut-out, scaled to a log-uniform area in ``pixels``, at a random place,
        its colours changed by ``look``.

        ``image`` is (H, W, 3) float in [0, 1], ``labels`` (H, W) class ids. The cut-out may be cut by
        the frame's border, as distant people often are. Pixels at least half covered take its class.
        """
        bank = tf.constant(self.rgba)
        sizes = tf.constant(self.sizes)
        areas = tf.constant(self.areas)
        seeds = tf.random.experimental.stateless_split(seed, 4)
        k = tf.random.stateless_uniform([], seeds[0], 0, len(self), dtype=tf.int32)
        height, width = sizes[k][0], sizes[k][1]
        log_area = tf.random.stateless_uniform([], seeds[1], np.log(pixels[0]), np.log(pixels[1]))
        scale = tf.sqrt(tf.exp(log_area) / tf.maximum(areas[k], 1.0))
        new_h = tf.clip_by_value(tf.cast(tf.round(tf.cast(height, tf.float32) * scale), tf.int32), 1, BANK_SIDE)
        new_w = tf.clip_by_value(tf.cast(tf.round(tf.cast(width, tf.float32) * scale), tf.int32), 1, BANK_SIDE)
        cut = tf.cast(bank[k, :height, :width], tf.float32) / 255.0
        cut = tf.concat([cut[..., :3] * cut[..., 3:], cut[..., 3:]], axis=-1)  # premultiplied: clean edges
        small = tf.image.resize(cut, tf.stack([new_h, new_w]), method="area")
        if look != DistantLook():
            alpha = small[..., 3:]
            look_seed = tf.random.experimental.stateless_fold_in(seed, 1)  # the other draws stay as they were
            small = tf.concat([tf.clip_by_value(look.apply(small[..., :3], look_seed), 0.0, alpha), alpha], axis=-1)
        frame_h, frame_w = tf.shape(image)[0], tf.shape(image)[1]
        top = tf.random.stateless_uniform([], seeds[2], -(new_h // 2), frame_h - new_h // 2, dtype=tf.int32)
        left = tf.random.stateless_uniform([], seeds[3], -(new_w // 2), frame_w - new_w // 2, dtype=tf.int32)
        margin = BANK_SIDE  # pad into a frame this much larger on every side, then crop back
        canvas = tf.pad(small, [[top + margin, frame_h + margin - top - new_h],
                                [left + margin, frame_w + margin - left - new_w], [0, 0]])
        canvas = canvas[margin:margin + frame_h, margin:margin + frame_w]
        alpha = canvas[..., 3:]
        pasted = image * (1.0 - alpha) + canvas[..., :3]
        covered = alpha[..., 0] >= 0.5
        return tf.ensure_shape(pasted, image.shape), tf.where(covered, tf.cast(self.class_id, labels.dtype), labels)
