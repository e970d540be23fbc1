"""Contact sheets of a model's mistakes that the score counts: missed small heroes and false heroes.

A score says how many; a sheet shows which, so that one can tell a hero hidden behind foliage (no
model will find it) from a visible one the model misses, or red foliage from a bystander's red shirt.
Each tile is a crop around the mistake, as the network saw it and with the outlines drawn: ground-truth
hero in cyan, predicted hero in yellow.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from follow_me_seg.core.classes import HERO
from follow_me_seg.learning.scoring import PRESENCE_PIXELS

SMALL_HERO_PIXELS = 50  # a missed hero of fewer ground-truth pixels than this is a "missed small hero"
CROP = 48  # side of the crop, in network pixels
ZOOM = 3  # crops are enlarged this much, nearest neighbour
CAPTION = 14  # pixel rows above each tile for its caption
TRUTH_BGR, PREDICTED_BGR = (255, 255, 0), (0, 255, 255)


def kind_of_mistake(gt_ids: np.ndarray, pred_ids: np.ndarray) -> str | None:
    """``"missed"`` (a small hero, present but not found), ``"false"`` (a hero found where there is none)
    or None, by the score's presence rule."""
    truth, found = int((gt_ids == HERO).sum()), int((pred_ids == HERO).sum())
    if PRESENCE_PIXELS < truth < SMALL_HERO_PIXELS and found <= PRESENCE_PIXELS:
        return "missed"
    if truth <= PRESENCE_PIXELS < found:
        return "false"
    return None


def _largest_blob_centre(mask: np.ndarray) -> tuple[float, float]:
    """(row, column) of the centroid of the largest 8-connected blob of ``mask``, or the image centre."""
    count, _, stats, centroids = cv2.connectedComponentsWithStats(mask.astype(np.uint8))
    if count < 2:
        return mask.shape[0] / 2, mask.shape[1] / 2
    column, row = centroids[1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))]
    return row, column


def tile(image: np.ndarray, gt_ids: np.ndarray, pred_ids: np.ndarray, caption: str) -> np.ndarray:
    """The crop (BGR) around the mistake: centred on the largest ground-truth hero blob, else on the largest
    predicted one."""
    row, column = _largest_blob_centre(gt_ids == HERO if (gt_ids == HERO).any() else pred_ids == HERO)
    height, width = gt_ids.shape
    top = int(np.clip(round(row) - CROP // 2, 0, max(0, height - CROP)))
    left = int(np.clip(round(column) - CROP // 2, 0, max(0, width - CROP)))
    window = (slice(top, top + CROP), slice(left, left + CROP))
    crop = np.zeros((CROP, CROP, 3), np.uint8)
    piece = image[window][..., ::-1]
    crop[:piece.shape[0], :piece.shape[1]] = piece
    crop = cv2.resize(crop, (CROP * ZOOM, CROP * ZOOM), interpolation=cv2.INTER_NEAREST)
    drawn = crop.copy()
    for ids, colour in ((gt_ids, TRUTH_BGR), (pred_ids, PREDICTED_BGR)):
        outline = np.zeros((CROP, CROP), np.uint8)
        part = (ids[window] == HERO).astype(np.uint8)
        outline[:part.shape[0], :part.shape[1]] = part
        big = cv2.resize(outline, (CROP * ZOOM, CROP * ZOOM), interpolation=cv2.INTER_NEAREST)
        contours, _ = cv2.findContours(big, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        cv2.drawContours(drawn, contours, -1, colour, 1)
    out = np.zeros((CAPTION + CROP * ZOOM, 2 * CROP * ZOOM + 2, 3), np.uint8)
    out[CAPTION:, :CROP * ZOOM], out[CAPTION:, CROP * ZOOM + 2:] = crop, drawn
    cv2.putText(out, caption[:48], (2, CAPTION - 4), cv2.FONT_HERSHEY_SIMPLEX, 0.35, (255, 255, 255), 1)
    return out


class MistakeSheets:
    """Keeps a uniform sample of up to ``limit`` tiles of each kind of mistake (reservoir sampling, seeded, shown
    in the order seen) and counts them all."""

    def __init__(self, limit: int = 24, columns: int = 4, seed: int = 0):
        if limit < 1 or columns < 1:
            raise ValueError(f"limit and columns must be at least 1, got {limit} and {columns}")
        self.limit, self.columns = limit, columns
        self.kept: dict[str, list[tuple[int, np.ndarray]]] = {"missed": [], "false": []}
        self.counts = {"missed": 0, "false": 0}
        self._rng = np.random.default_rng(seed)

    def add(self, image: np.ndarray, gt_ids: np.ndarray, pred_ids: np.ndarray, name: str) -> str | None:
        """Look at one frame (RGB uint8, ground-truth and predicted class ids); return its kind of mistake."""
        kind = kind_of_mistake(gt_ids, pred_ids)
        if kind:
            seen, kept = self.counts[kind], self.kept[kind]
            self.counts[kind] += 1
            slot = seen if seen < self.limit else int(self._rng.integers(0, seen + 1))
            if slot < self.limit:
                pixels = int(((gt_ids if kind == "missed" else pred_ids) == HERO).sum())
                entry = (seen, tile(image, gt_ids, pred_ids, f"{name} {pixels} px"))
                if slot < len(kept):
                    kept[slot] = entry
                else:
                    kept.append(entry)
        return kind

    def tiles(self, kind: str) -> list[np.ndarray]:
        """The kept tiles of ``kind``, in the order their frames were seen."""
        return [picture for _, picture in sorted(self.kept[kind], key=lambda entry: entry[0])]

    def sheet(self, kind: str) -> np.ndarray | None:
        """The tiles of ``kind`` in a grid (BGR), or None when there are none."""
        tiles = self.tiles(kind)
        if not tiles:
            return None
        blank = np.zeros_like(tiles[0])
        tiles = tiles + [blank] * (-len(tiles) % self.columns)
        rows = [np.hstack(tiles[i:i + self.columns]) for i in range(0, len(tiles), self.columns)]
        return np.vstack(rows)

    def save(self, folder: str | os.PathLike) -> dict[str, str]:
        """Write ``missed_small_heroes.png`` and ``false_heroes.png`` (those with tiles); return kind -> path."""
        from follow_me_seg.core.atomic_files import write_image_atomic

        written = {}
        for kind, name in (("missed", "missed_small_heroes.png"), ("false", "false_heroes.png")):
            picture = self.sheet(kind)
            path = Path(folder) / name
            path.unlink(missing_ok=True)  # a sheet of an earlier run must not pass for this one's
            if picture is not None:
                write_image_atomic(path, picture)
                written[kind] = str(path)
        return written
