"""Cut the simulator's sprites out of follow-me TRAINING frames: people with their masks, ground, backdrop.

People are single, whole connected blobs of one class (hero or other person) that do not touch the
frame's border; each becomes an RGBA PNG cropped to the blob, alpha = the blob. Ground textures are
square patches and backdrops are top-of-frame strips free of people. ``sources.csv`` names the frame
each sprite came from.
"""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from follow_me_seg.core.atomic_files import write_image_atomic, write_text_atomic
from follow_me_seg.core.classes import BACKGROUND, HERO, PERSON
from follow_me_seg.core.errors import DataError
from follow_me_seg.core.image_files import read_rgb
from follow_me_seg.learning.dataset import Pair, find_pairs, read_mask

KINDS = {"hero": HERO, "person": PERSON}
MIN_HEIGHT_PX = {"hero": 60, "person": 40}
ASPECT_RANGE = (1.6, 4.5)  # blob height / width of one upright, whole person
MIN_FILL = 0.35  # blob area / box area: lower means limbs of several people or an occluded body
GROUND_PX = 128
BACKDROP_ROWS = 72
MIXED_SURFACE = 0.03  # a ground patch may hold at most this share of the other surface (grass / paving)
PLAIN_STD = 32.0  # and at most this grey-level standard deviation (road markings tile badly)


@dataclass(frozen=True)
class Blob:
    """One candidate person cut-out: its frame, box (x, y, w, h) and connected-component label."""

    pair: Pair
    box: tuple[int, int, int, int]
    label: int


def _person_blobs(pair: Pair, ids: np.ndarray, kind: str) -> list[tuple[Blob, np.ndarray]]:
    count, labels, stats, _ = cv2.connectedComponentsWithStats((ids == KINDS[kind]).astype(np.uint8), connectivity=8)
    height, width = ids.shape
    found = []
    for label in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[label])
        whole = x > 0 and y > 0 and x + w < width and y + h < height
        if whole and h >= MIN_HEIGHT_PX[kind] and ASPECT_RANGE[0] <= h / w <= ASPECT_RANGE[1] and area >= MIN_FILL * w * h:
            found.append((Blob(pair, (x, y, w, h), label), labels))
    return found


def cut_person(rgb: np.ndarray, labels: np.ndarray, blob: Blob) -> np.ndarray:
    """The blob as a BGRA image cropped to its box; alpha is 255 on the blob, 0 elsewhere."""
    x, y, w, h = blob.box
    alpha = np.where(labels[y:y + h, x:x + w] == blob.label, 255, 0).astype(np.uint8)
    bgr = cv2.cvtColor(rgb[y:y + h, x:x + w], cv2.COLOR_RGB2BGR)
    return np.dstack([bgr, alpha])


def _grassy(rgb: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    return (hsv[..., 0] >= 30) & (hsv[..., 0] <= 90) & (hsv[..., 1] > 60)


def _ground_square(rgb: np.ndarray, ids: np.ndarray, size: int) -> tuple[int, int] | None:
    """Top-left (x, y) of a square in the frame's lower half free of people and of one surface
    (grass or not, 97% or more) and without bold markings, so that it tiles without visible seams; None if none."""
    height, width = ids.shape
    grass, grey = _grassy(rgb), cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    for y in range(height - size, height // 2 - 1, -size // 4):
        for x in range(0, width - size + 1, size // 4):
            share = grass[y:y + size, x:x + size].mean()
            plain = grey[y:y + size, x:x + size].std() <= PLAIN_STD
            if plain and min(share, 1 - share) <= MIXED_SURFACE and (ids[y:y + size, x:x + size] == BACKGROUND).all():
                return x, y
    return None


def _spread(items: list, count: int) -> list:
    """``count`` items evenly spread over ``items`` (all of them when there are fewer)."""
    if len(items) <= count:
        return items
    return [items[i] for i in np.linspace(0, len(items) - 1, count).round().astype(int)]


def cut_sprites(train: str | Path, out: str | Path, heroes: int = 24, people: int = 40, grounds: int = 6,
                backdrops: int = 4) -> dict[str, int]:
    """Cut sprites from the training folder ``train`` (images/ + masks/) into ``out``; return counts per kind.

    Refuses a folder named ``validation``: validation frames must never feed the simulator.
    """
    train = Path(train)
    if "validation" in train.resolve().parts:
        raise DataError(f"sprites must be cut from training frames, not validation: {train}")
    license_file = train.parent / "LICENSE"
    if not license_file.is_file():
        raise DataError(f"the data's LICENSE must sit beside the training folder: {license_file}")
    pairs = find_pairs(train)
    candidates: dict[str, list[Blob]] = {"hero": [], "person": [], "ground": [], "backdrop": []}
    for pair in pairs[::3]:  # every third frame: neighbouring frames are near-duplicates
        ids = read_mask(pair.mask)
        for kind in KINDS:
            candidates[kind] += [blob for blob, _ in _person_blobs(pair, ids, kind)]
        square = _ground_square(read_rgb(pair.image), ids, GROUND_PX)
        if square is not None:
            candidates["ground"].append(Blob(pair, (*square, GROUND_PX, GROUND_PX), 0))
        if (ids[:BACKDROP_ROWS] == BACKGROUND).all():
            candidates["backdrop"].append(Blob(pair, (0, 0, ids.shape[1], BACKDROP_ROWS), 0))
    wanted = {"hero": heroes, "person": people, "ground": grounds, "backdrop": backdrops}
    out = Path(out)
    sources = io.StringIO()
    table = csv.writer(sources)
    table.writerow(["file", "training_image", "x", "y", "width", "height"])
    counts = {}
    for kind, blobs in candidates.items():
        chosen = _spread(blobs, wanted[kind])
        if not chosen:
            raise DataError(f"no {kind} cut-out found in {train}")
        (out / kind).mkdir(parents=True, exist_ok=True)
        for index, blob in enumerate(chosen):
            rgb = read_rgb(blob.pair.image)
            x, y, w, h = blob.box
            if kind in KINDS:
                _, labels = next(item for item in _person_blobs(blob.pair, read_mask(blob.pair.mask), kind)
                                 if item[0] == blob)
                name = f"{kind}/{kind}_{index:02d}.png"
                write_image_atomic(out / name, cut_person(rgb, labels, blob))
            else:
                name = f"{kind}/{kind}_{index:02d}.jpg"
                patch = cv2.cvtColor(rgb[y:y + h, x:x + w], cv2.COLOR_RGB2BGR)
                write_image_atomic(out / name, patch, (cv2.IMWRITE_JPEG_QUALITY, 90))
            table.writerow([name, blob.pair.image.name, x, y, w, h])
        counts[kind] = len(chosen)
    write_text_atomic(out / "sources.csv", sources.getvalue())
    shutil.copyfile(license_file, out / "LICENSE")
    return counts
