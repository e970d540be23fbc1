"""Shared fixtures: the ../shared data beside the checkout, and small models and data sets."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
FOLLOWME = SHARED_DATA / "followme"
RAW_SAMPLE = SHARED_DATA / "raw_sim_sample"


def need(path: Path) -> Path:
    """Skip the test when a ../shared data folder is absent."""
    if not path.is_dir():
        pytest.skip(f"shared data not present: {path}")
    return path


@pytest.fixture(scope="session")
def untrained_model_path(tmp_path_factory) -> Path:
    """A freshly initialised FCN saved as .keras (weights are seeded, not trained)."""
    import keras

    from follow_me_seg.learning.model import build_fcn

    keras.utils.set_random_seed(1)
    path = tmp_path_factory.mktemp("model") / "untrained.keras"
    build_fcn().save(path)
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


@pytest.fixture
def tiny_dataset(tmp_path) -> Path:
    """Six 64x48 pairs (three with a hero blob) named as the evaluation sets name them."""
    folder = tmp_path / "tiny"
    for i in range(6):
        ids = np.zeros((48, 64), np.uint8)
        ids[5:15, 5:12] = 1
        if i % 2:
            ids[20:40, 30:40] = 2
        write_pair(folder, f"0_run1cam1_{i:05d}.jpeg", f"0__mask_{i:05d}.png", ids, seed=i)
    return folder


# ---- ROS 2 nodes: stand-in graph and a tiny model (owned by the ROS nodes work) -------------


@pytest.fixture(scope="session")
def red_hero_model_path(tmp_path_factory) -> Path:
    """A 1x1-conv model with the network's shapes: red pixels are hero (see red_hero_model.py)."""
    from red_hero_model import save_red_hero_model

    return save_red_hero_model(tmp_path_factory.mktemp("red_hero") / "red_hero.keras")


@pytest.fixture
def ros_standin():
    """The rclpy / message / launch stand-in in sys.modules for one test; yields its graph."""
    from rclpy_standin import installed

    with installed() as graph:
        yield graph


# ---- end of the ROS 2 nodes block -----------------------------------------------------------
