"""How well an engine's class masks agree with Keras ``model.predict``, on frames read from a folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from follow_me_seg.core.classes import INPUT_SIZE
from follow_me_seg.core.decoding import DEFAULT_MAX_IMAGE_PIXELS

MIN_IDENTICAL_PIXELS = 0.999  # the agreement rule: at least this share of identical class pixels, and
MAX_HERO_DIFFERS = 0  # the same hero decision on every frame


def read_frames(
    folder: Path, count: int, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS, size: int = INPUT_SIZE
) -> np.ndarray:
    """Up to ``count`` frames of ``folder`` (or ``folder/images``), evenly spread, resized to ``size``."""
    from follow_me_seg.core.image_files import list_images, read_rgb, resize_frame

    folder = folder / "images" if (folder / "images").is_dir() else folder
    files = list_images(folder)
    picks = np.unique(np.linspace(0, len(files) - 1, min(count, len(files))).astype(int))
    return np.stack([resize_frame(read_rgb(files[i], max_pixels), size) for i in picks])


def mask_agreement(probs_a: np.ndarray, probs_b: np.ndarray) -> tuple[float, int]:
    """Share of identical class pixels, and how many frames differ in whether the hero is found."""
    from follow_me_seg.core.classes import HERO
    from follow_me_seg.perception.target import class_ids, extract_target

    same = float(np.mean(class_ids(probs_a) == class_ids(probs_b)))
    found = [[extract_target(p[..., HERO], p.shape[:2]).found for p in probs] for probs in (probs_a, probs_b)]
    return same, int(np.sum(np.not_equal(*found)))


def agrees(identical_pixels: float, hero_found_differs: int) -> bool:
    """The agreement rule a reduced-precision or rewritten model must pass to be used."""
    return identical_pixels >= MIN_IDENTICAL_PIXELS and hero_found_differs <= MAX_HERO_DIFFERS
