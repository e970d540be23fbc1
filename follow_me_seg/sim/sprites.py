"""The sprites shipped with the package (cut out of follow-me training frames by ``make_sprites``)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import cv2
import numpy as np

from follow_me_seg.core.errors import FollowMeError


@dataclass(frozen=True)
class SpriteBank:
    """RGBA people (alpha 255 on the person) and RGB ground textures and backdrop strips, all uint8."""

    heroes: tuple[np.ndarray, ...]
    people: tuple[np.ndarray, ...]
    grounds: tuple[np.ndarray, ...]
    backdrops: tuple[np.ndarray, ...]


def sprites_folder() -> Path:
    """Where the package's sprites are installed."""
    return Path(str(resources.files("follow_me_seg") / "sim" / "sprites"))


def _read(folder: Path, kind: str, pattern: str, flags: int) -> tuple[np.ndarray, ...]:
    files = sorted((folder / kind).glob(pattern))
    if not files:
        raise FollowMeError(f"no {kind} sprites in {folder / kind} (create them with make_sprites)")
    images = []
    for path in files:
        image = cv2.imread(str(path), flags)
        if image is None:
            raise FollowMeError(f"cannot read sprite: {path}")
        code = cv2.COLOR_BGRA2RGBA if image.ndim == 3 and image.shape[2] == 4 else cv2.COLOR_BGR2RGB
        images.append(cv2.cvtColor(image, code))
    return tuple(images)


@functools.lru_cache(maxsize=4)
def load_sprites(folder: str | None = None) -> SpriteBank:
    """Read every sprite of ``folder`` (default: the shipped ones) once per process."""
    root = Path(folder) if folder else sprites_folder()
    return SpriteBank(
        heroes=_read(root, "hero", "*.png", cv2.IMREAD_UNCHANGED),
        people=_read(root, "person", "*.png", cv2.IMREAD_UNCHANGED),
        grounds=_read(root, "ground", "*.jpg", cv2.IMREAD_COLOR),
        backdrops=_read(root, "backdrop", "*.jpg", cv2.IMREAD_COLOR),
    )
