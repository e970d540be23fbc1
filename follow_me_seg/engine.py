"""The segmentation engine: load a model once, then turn RGB frames into class probabilities fast."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import numpy as np

from follow_me_seg.classes import INPUT_SIZE, NUM_CLASSES, normalise
from follow_me_seg.dataset import resize_frame
from follow_me_seg.errors import FollowMeError, ModelError

DEVICES = ("auto", "cpu", "gpu")


def default_model_path() -> Path:
    """The trained model shipped inside the package."""
    return Path(str(resources.files("follow_me_seg") / "models" / "follow_me_fcn.keras"))


def select_device(device: str = "auto") -> str:
    """Pick the TensorFlow device for ``auto`` / ``cpu`` / ``gpu`` and let GPU memory grow on demand."""
    if device not in DEVICES:
        raise FollowMeError(f"device must be one of {', '.join(DEVICES)}, not {device!r}")
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    for gpu in gpus:
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:  # already initialised: growth was set (or not) earlier in this process
            pass
    if device == "gpu" and not gpus:
        raise FollowMeError("device 'gpu' was requested but TensorFlow sees no GPU")
    return "/GPU:0" if gpus and device != "cpu" else "/CPU:0"


def load_model(path: str | os.PathLike | None = None):
    """Load a ``.keras`` model (the shipped one when ``path`` is empty) and check its shape."""
    path = Path(path) if path else default_model_path()
    if not path.is_file():
        raise ModelError(f"model file not found: {path}")
    import keras

    from follow_me_seg import training  # noqa: F401  (registers the custom loss for loading)

    try:
        model = keras.saving.load_model(path, compile=False)
    except Exception as err:  # Keras raises many types for a bad zip / config
        raise ModelError(f"cannot load model (corrupt or not a Keras model): {path} ({type(err).__name__})") from None
    expected = (None, INPUT_SIZE, INPUT_SIZE, NUM_CLASSES)
    if tuple(model.input_shape) != expected[:3] + (3,) or tuple(model.output_shape) != expected:
        raise ModelError(f"model must map {expected[1:3]}x3 images to {expected[1:]} probabilities: {path}")
    return model


class SegmentationEngine:
    """Runs the FCN on single frames through a compiled ``tf.function`` with a fixed signature."""

    def __init__(self, model_path: str | os.PathLike | None = None, device: str = "auto"):
        import tensorflow as tf

        self.device = select_device(device)
        self.model = load_model(model_path)
        self.model_path = Path(model_path) if model_path else default_model_path()
        spec = tf.TensorSpec((None, INPUT_SIZE, INPUT_SIZE, 3), tf.uint8)

        @tf.function(input_signature=[spec], reduce_retracing=True)
        def infer(batch):
            return self.model(normalise(tf.cast(batch, tf.float32)), training=False)

        with tf.device(self.device):
            self._infer = infer
            self._infer(np.zeros((1, INPUT_SIZE, INPUT_SIZE, 3), np.uint8))  # trace + warm up once

    def predict_batch(self, frames: np.ndarray) -> np.ndarray:
        """(N, 160, 160, 3) uint8 RGB to (N, 160, 160, 3) float32 probabilities."""
        import tensorflow as tf

        with tf.device(self.device):
            return self._infer(frames).numpy()

    def predict(self, rgb: np.ndarray) -> np.ndarray:
        """One RGB uint8 frame of any size to (160, 160, 3) float32 probabilities."""
        return self.predict_batch(resize_frame(rgb)[None])[0]
