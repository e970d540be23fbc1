"""The segmentation engine: load a model once, then turn RGB frames into class probabilities fast.

Two backends run the same network (one module each):

* ``tensorflow``: the ``.keras`` model through concrete ``tf.function``s; on the GPU when there is one.
* ``litert``: a LiteRT (TFLite) flatbuffer exported beside the ``.keras`` file by the ``export`` tool,
  run by the XNNPACK CPU delegate. Measured several times faster than TensorFlow for single frames
  on a small CPU (see the README's benchmark section).

``auto`` picks TensorFlow on a GPU; on a CPU it picks LiteRT when an up-to-date ``.tflite`` sits beside
the ``.keras`` file and a LiteRT runtime is installed, else TensorFlow.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from follow_me_seg.classes import INPUT_SIZE
from follow_me_seg.dataset import resize_frame
from follow_me_seg.errors import FollowMeError, ModelError
from follow_me_seg.inference.common import FRAME_SHAPE, cpu_threads, default_model_path, is_current, litert_path
from follow_me_seg.inference.litert_backend import litert_interpreter_class
from follow_me_seg.inference.tensorflow_backend import DEVICES, check_model_file, select_device

BACKENDS = ("auto", "tensorflow", "litert")


def _check_frames(frames: np.ndarray) -> None:
    if not isinstance(frames, np.ndarray) or frames.dtype != np.uint8 or frames.shape[1:] != FRAME_SHAPE:
        shape = getattr(frames, "shape", None)
        raise FollowMeError(f"frames must be uint8 arrays of shape (N, {INPUT_SIZE}, {INPUT_SIZE}, 3), got {shape}")


def choose_backend(
    model_path: str | os.PathLike | None = None, device: str = "auto", backend: str = "auto"
) -> tuple[str, Path]:
    """The backend an engine would use and the file it would load (see the module docstring).

    ``model_path`` may name the ``.keras`` file (its ``.tflite`` is used only while current)
    or a ``.tflite`` file (used as it is).
    """
    if backend not in BACKENDS:
        raise FollowMeError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if device not in DEVICES:
        raise FollowMeError(f"device must be one of {', '.join(DEVICES)}, not {device!r}")
    given = Path(model_path) if model_path else default_model_path()
    keras_path = given.with_suffix(".keras") if given.suffix == ".tflite" else given
    tflite_path = given if given.suffix == ".tflite" else litert_path(given)
    current = given == tflite_path or is_current(tflite_path, keras_path)
    if backend == "litert":
        if device == "gpu":
            raise FollowMeError("backend 'litert' runs on the CPU: use backend 'tensorflow' for device 'gpu'")
        if not tflite_path.is_file():
            raise ModelError(f"LiteRT model not found: {tflite_path} (create it with: export --model {keras_path})")
        if not current:
            raise ModelError(f"LiteRT model {tflite_path} was not exported from {keras_path} as it is now "
                             f"(its .json is missing or names another model): re-run export --model {keras_path}")
        return "litert", tflite_path
    use_litert = (
        backend == "auto" and current and tflite_path.is_file() and litert_interpreter_class() is not None
        and (device == "cpu" or select_device(device) == "/CPU:0")
    )
    return ("litert", tflite_path) if use_litert else ("tensorflow", keras_path)


class SegmentationEngine:
    """Turns RGB uint8 frames into (160, 160, 3) float32 class probabilities.

    ``backend`` is ``auto``, ``tensorflow`` or ``litert`` (see the module docstring); ``device`` is
    ``auto``, ``cpu`` or ``gpu`` (LiteRT runs on the CPU only). ``model_path`` is a ``.keras`` file
    (the shipped one when empty) or a ``.tflite`` file. ``threads`` sets LiteRT's CPU threads
    (default: every core this process may use). ``model_path`` and ``backend`` on the engine name
    the file and backend actually used. Calls are serialised, so one engine may serve several threads.
    """

    def __init__(
        self,
        model_path: str | os.PathLike | None = None,
        device: str = "auto",
        backend: str = "auto",
        threads: int | None = None,
        warm_up: bool = True,
    ):
        self.backend, self.model_path = choose_backend(model_path, device, backend)
        self._lock = threading.Lock()
        if self.backend == "litert":
            from follow_me_seg.inference.litert_backend import LiteRTRunner

            self.device = "/CPU:0"
            self._runner = LiteRTRunner(self.model_path, threads or cpu_threads())
        else:
            from follow_me_seg.inference.tensorflow_backend import TensorFlowRunner

            check_model_file(self.model_path)
            self.device = select_device(device)
            self._runner = TensorFlowRunner(self.model_path, self.device)
        if warm_up:
            self.warm_up()

    def warm_up(self) -> None:
        """Run one blank frame so that the first real frame pays no tracing or allocation cost."""
        self.predict(np.zeros(FRAME_SHAPE, np.uint8))

    def predict_batch(self, frames: np.ndarray) -> np.ndarray:
        """(N, 160, 160, 3) uint8 RGB to (N, 160, 160, 3) float32 probabilities."""
        _check_frames(frames)
        with self._lock:
            return self._runner.batch(frames)

    def predict(self, rgb: np.ndarray) -> np.ndarray:
        """One RGB uint8 frame of any size to (160, 160, 3) float32 probabilities."""
        if not isinstance(rgb, np.ndarray) or rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
            raise FollowMeError(f"a frame must be an (H, W, 3) uint8 RGB array, got {getattr(rgb, 'shape', None)}")
        small = resize_frame(rgb)
        with self._lock:
            return self._runner.frame(small)
