"""Read Udacity-layout data (``images/*.jpeg`` + ``masks/*.png``) and feed it to Keras via tf.data."""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from follow_me_seg.core.classes import CLASS_COLOURS_RGB, HERO, INPUT_SIZE, NUM_CLASSES, PERSON
from follow_me_seg.core.decoding import DEFAULT_MAX_IMAGE_PIXELS
from follow_me_seg.core.errors import DataError
from follow_me_seg.core.image_files import decode_file, list_images, read_rgb, resize_frame

# <lead>_<anything>cam1_<frame><suffix>.jpeg  /  <lead>_<anything>mask_<frame><suffix>.png
_IMAGE_NAME = re.compile(r"^(?P<lead>\d+)_.*?cam1_?(?P<frame>\d+)(?P<suffix>.*)$")
_MASK_NAME = re.compile(r"^(?P<lead>\d+)_.*?mask_?(?P<frame>\d+)(?P<suffix>.*)$")


@dataclass(frozen=True)
class Pair:
    image: Path
    mask: Path


def _name_key(path: Path, pattern: re.Pattern) -> tuple[int, int, str] | None:
    match = pattern.match(path.stem)
    if match is None:
        return None
    return int(match["lead"]), int(match["frame"]), match["suffix"].lstrip("_")


def find_pairs(folder: str | os.PathLike) -> list[Pair]:
    """Pair ``folder/images/*`` with ``folder/masks/*.png`` by (leading number, frame, suffix)."""
    folder = Path(folder)
    return pair_files(list_images(folder / "images"), list_images(folder / "masks"))


def pair_files(images: list[Path], masks: list[Path]) -> list[Pair]:
    """Pair image files with ``.png`` mask files by (leading number, frame, suffix); every image needs its mask."""
    masks = [p for p in masks if p.suffix.lower() == ".png"]
    masks_by_key: dict[tuple, Path] = {}
    for mask in masks:
        key = _name_key(mask, _MASK_NAME)
        if key is None:
            raise DataError(f"mask name does not follow <n>_..._mask_<frame>.png: {mask}")
        masks_by_key[key] = mask
    pairs = []
    for image in images:
        key = _name_key(image, _IMAGE_NAME)
        if key is None:
            raise DataError(f"image name does not follow <n>_...cam1_<frame>.jpeg: {image}")
        mask = masks_by_key.pop(key, None)
        if mask is None:
            raise DataError(f"image has no mask: {image}")
        pairs.append(Pair(image, mask))
    if masks_by_key:
        raise DataError(f"mask has no image: {sorted(masks_by_key.values())[0]}")
    return pairs


def mask_to_class_ids(mask_rgb: np.ndarray, path: str | os.PathLike = "<mask>") -> np.ndarray:
    """Turn an RGB label mask into class ids; a DataError for foreign colours or channels."""
    if mask_rgb.ndim != 3 or mask_rgb.shape[2] != 3:
        raise DataError(f"mask must have 3 channels: {path}")
    ids = np.argmax(mask_rgb, axis=2).astype(np.uint8)
    if not np.array_equal(CLASS_COLOURS_RGB[ids], mask_rgb):
        raise DataError(f"mask has colours other than red/green/blue: {path}")
    return ids


def read_mask(path: str | os.PathLike, size: tuple[int, int] | None = None,
              max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> np.ndarray:
    """Read a mask file as class ids; ``size`` (H, W) must match when given."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise DataError(f"mask must be a PNG: {path}")
    raw = decode_file(path, "mask", max_pixels, cv2.IMREAD_UNCHANGED)
    if raw.ndim != 3 or raw.shape[2] != 3:
        raise DataError(f"mask must have 3 channels (RGB): {path}")
    ids = mask_to_class_ids(raw[:, :, ::-1], path)
    if size is not None and ids.shape != tuple(size):
        raise DataError(f"mask is {ids.shape[1]}x{ids.shape[0]} but its image is {size[1]}x{size[0]}: {path}")
    return ids


def resize_mask(ids: np.ndarray, size: int = INPUT_SIZE) -> np.ndarray:
    """Resize class ids to ``size`` x ``size`` exactly as the original grader resized its ground truth.

    The grader called scipy's ``misc.imresize`` on the 0/1 mask: Pillow's bilinear filter per channel
    (area-weighted when shrinking), rounded back to 0/1. A class keeps a pixel where it covers about
    half of it or more. A pixel kept by several classes gets the rarest (hero, then person); one kept
    by none is background. The hero channel, the only one the score uses, is therefore exact.
    """
    if ids.shape == (size, size):
        return ids
    from PIL import Image

    onehot = (ids[:, :, None] == np.arange(NUM_CLASSES, dtype=np.uint8)).astype(np.uint8)
    small = np.asarray(Image.fromarray(onehot, "RGB").resize((size, size), Image.Resampling.BILINEAR))
    out = np.zeros((size, size), np.uint8)
    out[small[:, :, PERSON] > 0] = PERSON
    out[small[:, :, HERO] > 0] = HERO
    return out


def shrink_labels(ids: np.ndarray, size: int = INPUT_SIZE) -> np.ndarray:
    """(N, H, W) class ids to (N, size, size) as the grader shrank its ground truth (``dataset.resize_mask``)."""
    return np.stack([resize_mask(i, size) for i in ids]) if ids.shape[1:] != (size, size) else ids


def load_pair(pair: Pair, size: int = INPUT_SIZE,
              max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> tuple[np.ndarray, np.ndarray]:
    """Read, check and resize one pair: (size, size, 3) RGB uint8 and (size, size) class ids."""
    image = read_rgb(pair.image, max_pixels)
    ids = read_mask(pair.mask, image.shape[:2], max_pixels)
    return resize_frame(image, size), resize_mask(ids, size)


def load_pairs(
    pairs: list[Pair], size: int = INPUT_SIZE, workers: int | None = None, desc: str = "reading",
    max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
) -> tuple[np.ndarray, np.ndarray]:
    """Decode pairs in parallel (OpenCV releases the GIL) into uint8 arrays held in memory."""
    images = np.empty((len(pairs), size, size, 3), np.uint8)
    labels = np.empty((len(pairs), size, size), np.uint8)

    def work(i: int) -> None:
        images[i], labels[i] = load_pair(pairs[i], size, max_pixels)

    workers = workers or min(8, (os.cpu_count() or 1) + 2)
    # the bar is a context so that an error clears it before the message is printed
    with ThreadPoolExecutor(workers) as pool, tqdm(total=len(pairs), desc=desc, unit="img", leave=False) as bar:
        for _ in pool.map(work, range(len(pairs))):
            bar.update()
    return images, labels
