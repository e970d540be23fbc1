"""Shared fixtures: the ../shared data beside the checkout, and small models and data sets."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from shared_data import write_pair

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

@pytest.fixture(scope="session")
def untrained_model_path(tmp_path_factory) -> Path:
    """A freshly initialised FCN saved as .keras (weights are seeded, not trained)."""
    import keras

    from follow_me_seg.learning.model import build_fcn

    keras.utils.set_random_seed(1)
    path = tmp_path_factory.mktemp("model") / "untrained.keras"
    build_fcn().save(path)
    return path


@pytest.fixture(scope="session")
def camera_model_path(tmp_path_factory) -> Path:
    """A freshly initialised FCN built for whole 256x256 camera frames (its own input side is 256)."""
    import keras

    from follow_me_seg.learning.model import build_fcn

    keras.utils.set_random_seed(2)
    path = tmp_path_factory.mktemp("camera_model") / "camera.keras"
    build_fcn(256).save(path)
    return path


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
