"""The ``tensorflow`` backend: the ``.keras`` model behind concrete ``tf.function``s (XLA on a GPU)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

from follow_me_seg.core.classes import NUM_CLASSES, normalise
from follow_me_seg.core.errors import FollowMeError, ModelError
from follow_me_seg.core.model_files import check_keras_archive
from follow_me_seg.inference.common import DEVICES, default_model_path

GPU_DEVICE_FILES = ("/proc/driver/nvidia/gpus", "/dev/nvidia0", "/dev/kfd", "/dev/dxg")


def gpu_possible() -> bool:
    """False when no GPU driver device exists (TensorFlow could not see one): ``auto`` then skips importing it."""
    return "tensorflow" in sys.modules or any(os.path.exists(path) for path in GPU_DEVICE_FILES)


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


def check_model_file(path: Path) -> None:
    """Fail fast, before the slow TensorFlow import, on a missing, corrupt or oversized ``.keras`` file."""
    check_keras_archive(path)


def load_model(path: str | os.PathLike | None = None):
    """Load a ``.keras`` model (the shipped one when ``path`` is empty) and check its shape."""
    path = Path(path) if path else default_model_path()
    check_model_file(path)
    import keras

    try:
        model = keras.saving.load_model(path, compile=False)
    except Exception as err:  # Keras raises many types for a bad zip / config
        raise ModelError(f"cannot load model (corrupt or not a Keras model): {path} ({type(err).__name__})") from None
    side = tuple(model.input_shape)[1] if len(model.input_shape) == 4 else None
    if not (isinstance(side, int) and side % 8 == 0 and tuple(model.input_shape) == (None, side, side, 3)
            and tuple(model.output_shape) == (None, side, side, NUM_CLASSES)):
        raise ModelError(f"model must map (S, S, 3) images to (S, S, {NUM_CLASSES}) probabilities, S a multiple "
                         f"of 8, not {model.input_shape} to {model.output_shape}: {path}")
    return model


class TensorFlowRunner:
    """The Keras model behind two concrete functions: batch 1 for frames, any batch for batches.

    ``input_size`` other than the model's own runs the same weights in the network built for that side
    (fully convolutional: any multiple of 8), answering at that size; 0 keeps the model's own.
    """

    def __init__(self, model_path: Path, device: str, input_size: int = 0):
        import tensorflow as tf

        from follow_me_seg.learning.model import at_side

        self._model = load_model(model_path)
        input_size = input_size or self._model.input_shape[1]
        self._model = at_side(self._model, input_size)  # itself at its own side
        self.side = input_size
        shape = (input_size, input_size, 3)

        def forward(batch):
            with tf.device(device):
                return self._model(normalise(tf.cast(batch, tf.float32)), training=False)

        def concrete(batch_size):
            spec = tf.TensorSpec((batch_size, *shape), tf.uint8)
            # XLA fuses the many small element-wise ops on a GPU; on a CPU it is slower (see cli/train.py).
            jit = device.startswith("/GPU")
            return tf.function(forward, input_signature=[spec], jit_compile=jit).get_concrete_function()

        self._frame_fn, self._batch_fn = concrete(1), concrete(None)
        self._frame = np.zeros((1, *shape), np.uint8)

    def frame(self, rgb160: np.ndarray) -> np.ndarray:
        self._frame[0] = rgb160
        return self._frame_fn(self._frame).numpy()[0]

    def batch(self, frames: np.ndarray) -> np.ndarray:
        return self._batch_fn(frames).numpy()
