"""Turn raw simulator captures (camera + label renders) into Udacity-layout training pairs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from follow_me_seg.core.errors import DataError
from follow_me_seg.core.image_files import read_rgb

_CAMERA = re.compile(r"^cam1_(\d+)\.png$")
# label renders: cam2 other people, cam3 the hero, cam4 everything else
_RENDERS = {"person": "cam2", "hero": "cam3", "background": "cam4"}


@dataclass(frozen=True)
class RawFrame:
    camera: Path
    person: Path
    hero: Path
    background: Path
    number: str


def label_from_renders(person: np.ndarray, hero: np.ndarray, background: np.ndarray) -> np.ndarray:
    """Class ids from the three renders' first channels (depth-like: smaller is nearer, 255 empty).

    Per pixel the nearest render wins, in the order (background - 1, person, hero) so that
    background wins ties. As in the original tool the arithmetic is uint8: background 0 wraps to 255.
    """
    depths = np.stack([background.astype(np.uint8) - np.uint8(1), person.astype(np.uint8), hero.astype(np.uint8)])
    return np.argmin(depths, axis=0).astype(np.uint8)


def find_runs(raw: Path) -> list[Path]:
    """Capture runs under ``raw``: ``raw`` itself if it holds IMG/, else its subfolders that do."""
    if not raw.is_dir():
        raise DataError(f"folder not found: {raw}")
    if (raw / "IMG").is_dir():
        return [raw]
    runs = sorted(p for p in raw.iterdir() if (p / "IMG").is_dir())
    if not runs:
        raise DataError(f"no capture runs (folders with IMG/) in {raw}")
    return runs


def find_frames(run: Path) -> list[RawFrame]:
    """The frames of one run; an error naming the first frame that lacks a label render."""
    img = run / "IMG"
    frames = []
    for camera in sorted(img.glob("cam1_*.png")):
        match = _CAMERA.match(camera.name)
        if match is None:
            continue
        number = match[1]
        renders = {key: img / f"{cam}_{number}.png" for key, cam in _RENDERS.items()}
        for path in renders.values():
            if not path.is_file():
                raise DataError(f"camera frame has no label render {path.name}: {camera}")
        frames.append(RawFrame(camera=camera, number=number, **renders))
    if not frames:
        raise DataError(f"no camera frames (cam1_NNNNN.png) in {img}")
    return frames


def _first_channel(path: Path) -> np.ndarray:
    return read_rgb(path)[:, :, 0]


def convert_frame(frame: RawFrame) -> tuple[np.ndarray, np.ndarray]:
    """(RGB image, class ids) for one raw frame; the renders must match the image size."""
    image = read_rgb(frame.camera)
    renders = [_first_channel(getattr(frame, key)) for key in ("person", "hero", "background")]
    for key, render in zip(("person", "hero", "background"), renders):
        if render.shape != image.shape[:2]:
            raise DataError(f"label render size {render.shape} differs from the image's: {getattr(frame, key)}")
    return image, label_from_renders(*renders)


def output_names(lead: int, run_name: str, number: str) -> tuple[str, str]:
    """Image and mask file names that ``dataset.find_pairs`` pairs: ``<lead>_<run>_cam1_N`` / ``..._mask_N``."""
    return f"{lead}_{run_name}_cam1_{number}.jpeg", f"{lead}_{run_name}_mask_{number}.png"
