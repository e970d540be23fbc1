"""The ../shared data beside the checkout, and a writer of synthetic pairs, for every test folder.

A module of its own (not conftest.py, which several folders have): tests import it by this name.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
FOLLOWME = SHARED_DATA / "followme"
RAW_SAMPLE = SHARED_DATA / "raw_sim_sample"


def need(path: Path) -> Path:
    """Skip the test when a ../shared data folder is absent."""
    if not path.is_dir():
        pytest.skip(f"shared data not present: {path}")
    return path


def write_pair(folder: Path, image_name: str, mask_name: str, ids: np.ndarray, seed: int = 0) -> None:
    """Write one synthetic image/mask pair in the Udacity layout."""
    import cv2

    from follow_me_seg.core.classes import class_ids_to_rgb

    (folder / "images").mkdir(parents=True, exist_ok=True)
    (folder / "masks").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 255, ids.shape + (3,), dtype=np.uint8)
    assert cv2.imwrite(str(folder / "images" / image_name), image)
    assert cv2.imwrite(str(folder / "masks" / mask_name), class_ids_to_rgb(ids)[:, :, ::-1])
