"""Training pieces: the tf.data pipeline, augmentation, schedule and callbacks (the loss is in ``losses``)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from follow_me_seg.core.atomic_files import atomic_path
from follow_me_seg.core.classes import BACKGROUND, HERO, NUM_CLASSES, PERSON, normalise
from follow_me_seg.learning.copy_paste import CutoutBank, DistantLook
from follow_me_seg.learning.scoring import SetScore, proxy_report, split_by_hero_size

AUGMENTATIONS = ("copy-paste", "zoom-out", "horizontal flip", "brightness", "contrast", "saturation")


def zoom_out(image: tf.Tensor, labels: tf.Tensor, seed: tf.Tensor, min_scale: float) -> tuple[tf.Tensor, tf.Tensor]:
    """Shrink a frame by a random factor in [``min_scale``, 1] and mirror it outwards to full size.

    Makes far-away, few-pixel heroes out of close ones. The mask is shrunk the same way, by area,
    and each pixel keeps the classes covering at least half of it (hero first), as the grader's
    ground truth does; the mirrored border continues the scene (ground, people) plausibly.
    ``min_scale`` must be at least 0.5 so that one mirror reaches the border.
    """
    size = tf.shape(image)[0]
    seeds = tf.random.experimental.stateless_split(seed, 3)
    scale = tf.random.stateless_uniform([], seeds[0], min_scale, 1.0)
    small = tf.maximum(tf.cast(tf.round(tf.cast(size, tf.float32) * scale), tf.int32), 1)
    spare = size - small
    top = tf.random.stateless_uniform([], seeds[1], 0, spare + 1, dtype=tf.int32)
    left = tf.random.stateless_uniform([], seeds[2], 0, spare + 1, dtype=tf.int32)
    pads = [[top, spare - top], [left, spare - left], [0, 0]]
    onehot = tf.one_hot(tf.cast(labels, tf.int32), NUM_CLASSES)
    image = tf.pad(tf.image.resize(image, [small, small], method="area"), pads, mode="SYMMETRIC")
    cover = tf.pad(tf.image.resize(onehot, [small, small], method="area"), pads, mode="SYMMETRIC") >= 0.5
    ids = tf.where(cover[..., HERO], HERO, tf.where(cover[..., PERSON], PERSON, BACKGROUND))
    return image, tf.cast(ids, labels.dtype)


def augment_pair(image: tf.Tensor, labels: tf.Tensor, seed: tf.Tensor, zoom_prob: float = 0.0,
                 zoom_min_scale: float = 0.5) -> tuple[tf.Tensor, tf.Tensor]:
    """Random zoom-out (with probability ``zoom_prob``), flip and photometric jitter.

    Hue is left alone: the hero is told apart by colour.
    """
    seeds = tf.random.experimental.stateless_split(seed, 6)
    if zoom_prob > 0:
        zoom = tf.random.stateless_uniform([], seeds[4]) < zoom_prob
        shapes = image.shape, labels.shape
        image, labels = tf.cond(zoom, lambda: zoom_out(image, labels, seeds[5], zoom_min_scale),
                                lambda: (image, labels))
        image, labels = tf.ensure_shape(image, shapes[0]), tf.ensure_shape(labels, shapes[1])
    flip = tf.random.stateless_uniform([], seeds[0]) < 0.5
    image = tf.cond(flip, lambda: tf.reverse(image, [1]), lambda: image)
    labels = tf.cond(flip, lambda: tf.reverse(labels, [1]), lambda: labels)
    image = tf.image.stateless_random_brightness(image, 0.15, seeds[1])
    image = tf.image.stateless_random_contrast(image, 0.75, 1.25, seeds[2])
    image = tf.image.stateless_random_saturation(image, 0.75, 1.25, seeds[3])
    return tf.clip_by_value(image, 0.0, 1.0), labels


def size_strata(labels: np.ndarray, pixel_scale: float = 1.0) -> list[np.ndarray]:
    """Frame indices split by hero size as the evaluation sets are: none, far (4-399 px), close.

    ``pixel_scale`` converts the labels' hero pixels to the grader's 160x160 ones (1 / 2.56 for 256x256)."""
    split = split_by_hero_size((labels == HERO).reshape(len(labels), -1).sum(axis=1) * pixel_scale)
    return [np.flatnonzero(split[name]) for name in ("none", "far", "close")]


def _to_model_io(image01: tf.Tensor, labels: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    return normalise(image01 * 255.0), tf.one_hot(tf.cast(labels, tf.int32), NUM_CLASSES)


def make_dataset(
    images: np.ndarray,
    labels: np.ndarray,
    batch_size: int,
    training: bool,
    augment: bool = True,
    hero_fraction: float | None = None,
    seed: int = 0,
    strata_weights: tuple[float, float, float] | None = None,
    zoom_prob: float = 0.0,
    zoom_min_scale: float = 0.5,
    negatives: tf.data.Dataset | None = None,
    hero_bank: CutoutBank | None = None,
    person_bank: CutoutBank | None = None,
    paste_share: float = 0.0,
    paste_pixels: tuple[float, float] = (6.0, 120.0),
    paste_look: DistantLook = DistantLook(),
    crop_size: int | None = None,
) -> tf.data.Dataset:
    """Batches of (normalised image, one-hot labels) from in-memory uint8 arrays.

    Training data is cached, shuffled, augmented in parallel (unless ``augment`` is false),
    repeated and prefetched. Sampling, training only:

    * ``strata_weights`` (none, far, close): each batch draws from frames without the hero, with a
      far (4-399 px) hero and with a close hero in these shares (``size_strata``);
    * else ``hero_fraction``: frames that contain the hero make up that share of each batch.

    ``negatives`` (with ``strata_weights``) replaces the uniform draw of hero-free frames, for example
    with ``HardNegativeMiner.dataset``. With a non-empty ``hero_bank`` (training only), ``paste_share``
    of each batch are hero-free frames with a hero cut-out of ``paste_pixels`` area pasted in
    (``CutoutBank.paste``), after one cut-out of ``person_bank`` (if given and not empty) of the same
    size range, each coloured by ``paste_look``; the other sources share the rest in their proportions.

    ``crop_size`` (training only; camera-resolution training): ``images`` are whole camera frames and
    every training frame is cut to a ``crop_size`` square (``camera.camera_crop``) before pasting and
    augmentation: around a random hero pixel where the frame has a hero, around its mined false hero
    for ``negatives`` (which then yield (image, labels, anchor)), anywhere else. ``strata`` are then
    judged by hero pixels scaled to the grader's 160x160 (``camera.AREA_SCALE``).
    """
    from follow_me_seg.learning import camera_resolution as camera

    crop = crop_size if training else None

    def source(idx: np.ndarray) -> tf.data.Dataset:
        ds = tf.data.Dataset.from_tensor_slices((images[idx], labels[idx])).cache()
        if not training:
            return ds
        ds = ds.shuffle(len(idx), seed=seed, reshuffle_each_iteration=True).repeat()
        return camera.crop_around_hero(ds, seed, crop) if crop else ds

    if crop:
        negatives = camera.crop_around_anchor(negatives, seed, crop) if negatives is not None else None
        none, far, close = size_strata(labels, 1.0 / camera.AREA_SCALE)
    else:
        none, far, close = size_strata(labels)
    parts, weights = [np.arange(len(images))], [1.0]
    if training and strata_weights:
        parts, weights = [none, far, close], list(strata_weights)
    elif training and hero_fraction:
        parts, weights = [np.concatenate([far, close]), none], [hero_fraction, 1 - hero_fraction]
    use_negatives = training and strata_weights and negatives is not None
    kept = [(negatives if use_negatives and k == 0 else source(p), w)
            for k, (p, w) in enumerate(zip(parts, weights)) if len(p) and w > 0]
    if training and hero_bank is not None and len(hero_bank) and paste_share > 0 and len(none):
        kept = [(d, w * (1 - paste_share) / sum(w for _, w in kept)) for d, w in kept]
        banks = [b for b in (person_bank, hero_bank) if b is not None and len(b)]  # the hero on top
        kept.append((_pasted(source(none), banks, paste_pixels, paste_look, seed), paste_share))
    if len(kept) > 1:
        ds = tf.data.Dataset.sample_from_datasets([d for d, _ in kept], weights=[w for _, w in kept], seed=seed)
    else:
        ds = kept[0][0] if kept else source(parts[0])

    ds = ds.map(lambda x, y: (tf.cast(x, tf.float32) / 255.0, y), num_parallel_calls=tf.data.AUTOTUNE)
    if training and augment:
        seeds = tf.data.Dataset.random(seed=seed).batch(2)
        ds = tf.data.Dataset.zip((ds, seeds)).map(
            lambda xy, s: augment_pair(xy[0], xy[1], s, zoom_prob, zoom_min_scale),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    ds = ds.map(_to_model_io, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.batch(batch_size, drop_remainder=training).prefetch(tf.data.AUTOTUNE)


def _pasted(frames: tf.data.Dataset, banks: list[CutoutBank], pixels: tuple[float, float], look: DistantLook,
            seed: int) -> tf.data.Dataset:
    """``frames`` (uint8 image, labels) with one cut-out of each bank pasted into each, in order."""
    def paste(xy, pair_seed):
        image, labels = tf.cast(xy[0], tf.float32) / 255.0, xy[1]
        for bank, bank_seed in zip(banks, tf.unstack(tf.random.experimental.stateless_split(pair_seed, len(banks)))):
            image, labels = bank.paste(image, labels, bank_seed, pixels, look)
        return tf.cast(tf.round(image * 255.0), tf.uint8), labels

    seeds = tf.data.Dataset.random(seed=seed + 1).batch(2)
    return tf.data.Dataset.zip((frames, seeds)).map(paste, num_parallel_calls=tf.data.AUTOTUNE)


def recalibrate_batchnorm(model: keras.Model, images: np.ndarray, batch_size: int = 32) -> None:
    """Re-estimate every BatchNormalization layer's moving statistics on ``images`` (uint8 RGB).

    The moving averages kept during training lag behind the weights and follow the augmented,
    hero-oversampled batches; measured on this network they can leave the hero channel almost
    silent at inference time. An exact average of batch statistics over plain training frames
    ("precise BN") fixes that without touching any trained weight.
    """
    bn_layers = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    momenta = [layer.momentum for layer in bn_layers]
    try:
        for k, start in enumerate(range(0, len(images), batch_size)):
            for layer in bn_layers:
                layer.momentum = k / (k + 1)  # running mean of the batch statistics seen so far
            model(normalise(images[start:start + batch_size].astype(np.float32)), training=True)
    finally:
        for layer, momentum in zip(bn_layers, momenta):
            layer.momentum = momentum


def proxy_logs(report: dict) -> dict[str, float]:
    """Flat per-epoch log entries (CSV, TensorBoard) from a ``proxy_report``."""
    logs = {
        "val_shaped_score": report["eval_shaped"]["final_score"],
        "val_shaped_far_hero_iou": report["eval_shaped"]["far_hero_iou"],
        "val_shaped_pessimistic_score": report["eval_shaped_pessimistic"]["final_score"],
        "val_proxy_score": report["final_score"],
        "val_proxy_iou": report["final_iou"],
        "val_proxy_weight": report["weight"],
        "val_close_hero_iou": report["sets"]["close"]["iou"]["hero"],
        "val_far_hero_iou": report["sets"]["far"]["iou"]["hero"],
        "val_false_hero_rate": report["false_heroes"]["rate"] or 0.0,
    }
    for name, bucket in report["detection_by_size"].items():
        logs[f"val_found_{name.replace('-', '_').replace('+', 'up')}"] = bucket["rate"] or 0.0
    return logs


class FollowMeValidation(keras.callbacks.Callback):
    """Recalibrates batch norm, then adds ``val_loss`` and the validation proxy's figures to the logs.

    The proxy (``scoring.proxy_report``) scores validation in the shape of the three evaluation sets;
    ``val_shaped_score`` (the proxy weighted to the evaluation sets' shape, ``scoring.shaped_proxy``)
    is what the best checkpoint is chosen by.
    """

    def __init__(self, dataset: tf.data.Dataset | None, labels: np.ndarray, loss: keras.losses.Loss,
                 calibration_images: np.ndarray, predictor=None, camera_images: np.ndarray | None = None,
                 flip: bool = False, batch_size: int = 32):
        """With ``predictor`` (a ``camera.CameraPredictor``): camera-resolution validation. The model's
        weights run on the whole ``camera_images`` frames, probabilities shrunk to ``labels``' 160x160
        (the grader's ground truth); ``calibration_images`` are then camera frames too and batch norm is
        recalibrated on whole frames (and copied back into the model); ``flip``: flip averaging."""
        super().__init__()
        self.dataset, self.labels, self.loss = dataset, labels, loss
        self.calibration_images = calibration_images
        self.predictor, self.camera_images, self.flip, self.batch_size = predictor, camera_images, flip, batch_size

    def _camera_batches(self):
        self.predictor.sync(self.model)
        recalibrate_batchnorm(self.predictor.model, self.calibration_images)
        for layer in self.model.layers:  # the statistics measured on whole frames are the model's
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.set_weights(self.predictor.model.get_layer(layer.name).get_weights())
        for start in range(0, len(self.labels), self.batch_size):
            probs = self.predictor.predict(self.camera_images[start:start + self.batch_size], self.flip)
            yield keras.ops.one_hot(self.labels[start:start + len(probs)], NUM_CLASSES), probs

    def _batches(self):
        recalibrate_batchnorm(self.model, self.calibration_images)
        for x, y in self.dataset:
            yield y, keras.ops.convert_to_numpy(self.model(x, training=False))

    def on_epoch_end(self, epoch, logs=None):
        score, losses, start = SetScore(), [], 0
        for y, probs in (self._camera_batches() if self.predictor is not None else self._batches()):
            losses.append(float(self.loss(y, probs)) * len(y))
            score.update(probs, self.labels[start:start + len(probs)])
            start += len(probs)
        report = proxy_report(score)
        logs = logs if logs is not None else {}
        logs.update(val_loss=sum(losses) / start, **proxy_logs(report))
        found = "  ".join(f"{k} {v['found']}/{v['present']}" for k, v in report["detection_by_size"].items())
        print(
            f"\nvalidation: loss {logs['val_loss']:.4f}  shaped proxy {logs['val_shaped_score']:.3f} "
            f"(pessimistic {logs['val_shaped_pessimistic_score']:.3f})  "
            f"proxy score {report['final_score']:.3f} "
            f"(IoU {report['final_iou']:.3f} x weight {report['weight']:.3f})  found by px: {found}  "
            f"false heroes {report['false_heroes']['frames']}/{report['false_heroes']['hero_free_frames']}"
        )


def plot_history(csv_path: str | os.PathLike, png_path: str | os.PathLike) -> None:
    """Plot loss (and follow-me score, when logged) per epoch from a CSVLogger file."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        return
    epochs = [int(r["epoch"]) + 1 for r in rows]
    fig, (ax_loss, ax_score) = plt.subplots(1, 2, figsize=(11, 4))
    for key, label in (("loss", "train loss"), ("val_loss", "validation loss")):
        if key in rows[0]:
            ax_loss.plot(epochs, [float(r[key]) for r in rows], marker="o", label=label)
    ax_loss.set(xlabel="epoch", ylabel="loss", title="Loss")
    ax_loss.legend()
    for key, label in (("val_shaped_score", "shaped proxy score"), ("val_proxy_score", "proxy score"),
                       ("val_found_4_20", "found 4-20 px"),
                       ("val_found_20_50", "found 20-50 px"), ("val_false_hero_rate", "false hero rate")):
        if key in rows[0]:
            ax_score.plot(epochs, [float(r[key]) for r in rows], marker="o", label=label)
    ax_score.set(xlabel="epoch", title="Validation", ylim=(0, 1))
    ax_score.legend()
    fig.tight_layout()
    with atomic_path(png_path) as tmp:
        fig.savefig(tmp, dpi=100)
    plt.close(fig)


class PlotHistory(keras.callbacks.Callback):
    """Redraw the loss-curve PNG after every epoch (reads the CSVLogger file)."""

    def __init__(self, csv_path: Path, png_path: Path):
        super().__init__()
        self.csv_path, self.png_path = csv_path, png_path

    def on_epoch_end(self, epoch, logs=None):
        if self.csv_path.is_file():
            plot_history(self.csv_path, self.png_path)


class PublishCheckpoints(keras.callbacks.Callback):
    """Move freshly written checkpoints to their final names with an atomic rename.

    ModelCheckpoint writes to a ``.partial`` name; an interrupted save never looks complete. Names may
    hold ``{epoch:02d}`` (1-based, as ModelCheckpoint formats it).
    """

    def __init__(self, renames: dict[str, str], folder: Path):
        super().__init__()
        self.renames, self.folder = renames, Path(folder)

    def on_epoch_end(self, epoch, logs=None):
        for partial, final in self.renames.items():
            partial, final = partial.format(epoch=epoch + 1), final.format(epoch=epoch + 1)
            if (self.folder / partial).is_file():
                os.replace(self.folder / partial, self.folder / final)


def best_logged(csv_path: Path, key: str) -> float | None:
    """The largest value of ``key`` in a CSVLogger file, or None."""
    if not Path(csv_path).is_file():
        return None
    with open(csv_path, newline="") as f:
        values = [float(r[key]) for r in csv.DictReader(f) if r.get(key)]
    return max(values, default=None)
