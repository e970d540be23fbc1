"""The segmentation engine: load a model once, then turn RGB frames into class probabilities fast.

Two backends run the same network:

* ``tensorflow``: the ``.keras`` model through concrete ``tf.function``s with fixed input signatures
  (one for single frames, one for batches); runs on the GPU when there is one, XLA-compiled there.
* ``litert``: a LiteRT (TFLite) flatbuffer exported beside the ``.keras`` file by the ``export`` tool,
  run by the XNNPACK CPU delegate. Measured several times faster than TensorFlow for single frames
  on a small CPU (see the README's benchmark section).

``auto`` picks TensorFlow on a GPU; on a CPU it picks LiteRT when an up-to-date ``.tflite`` sits beside
the ``.keras`` file and a LiteRT runtime is installed, else TensorFlow.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import warnings
import zipfile
from importlib import resources
from pathlib import Path

import numpy as np

from follow_me_seg.classes import INPUT_SIZE, NUM_CLASSES, normalise
from follow_me_seg.dataset import resize_frame
from follow_me_seg.errors import FollowMeError, ModelError

DEVICES = ("auto", "cpu", "gpu")
BACKENDS = ("auto", "tensorflow", "litert")
FRAME_SHAPE = (INPUT_SIZE, INPUT_SIZE, 3)
PROBS_SHAPE = (INPUT_SIZE, INPUT_SIZE, NUM_CLASSES)


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


GPU_DEVICE_FILES = ("/proc/driver/nvidia/gpus", "/dev/nvidia0", "/dev/kfd", "/dev/dxg")


def gpu_possible() -> bool:
    """False when no GPU driver device exists (TensorFlow could not see one): ``auto`` then skips importing it."""
    return "tensorflow" in sys.modules or any(os.path.exists(path) for path in GPU_DEVICE_FILES)


def check_model_file(path: Path) -> None:
    """Fail fast, before the slow TensorFlow import, on a missing or obviously corrupt ``.keras`` file."""
    if not path.is_file():
        raise ModelError(f"model file not found: {path}")
    if not zipfile.is_zipfile(path):
        raise ModelError(f"cannot load model (corrupt or not a Keras model): {path}")


def load_model(path: str | os.PathLike | None = None):
    """Load a ``.keras`` model (the shipped one when ``path`` is empty) and check its shape."""
    path = Path(path) if path else default_model_path()
    check_model_file(path)
    import keras

    from follow_me_seg import training  # noqa: F401  (registers the custom loss for loading)

    try:
        model = keras.saving.load_model(path, compile=False)
    except Exception as err:  # Keras raises many types for a bad zip / config
        raise ModelError(f"cannot load model (corrupt or not a Keras model): {path} ({type(err).__name__})") from None
    if tuple(model.input_shape) != (None, *FRAME_SHAPE) or tuple(model.output_shape) != (None, *PROBS_SHAPE):
        raise ModelError(f"model must map {FRAME_SHAPE} images to {PROBS_SHAPE} probabilities: {path}")
    return model


def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def litert_path(model_path: str | os.PathLike) -> Path:
    """Where the ``export`` tool puts the LiteRT model of a ``.keras`` file."""
    return Path(model_path).with_suffix(".tflite")


def litert_info_path(tflite_path: str | os.PathLike) -> Path:
    """The JSON written beside a ``.tflite``: its source model's hash and the quantisation."""
    return Path(f"{tflite_path}.json")


def litert_is_current(tflite_path: Path, keras_path: Path) -> bool:
    """True when ``tflite_path`` was exported from the ``.keras`` file as it is now."""
    try:
        recorded = json.loads(litert_info_path(tflite_path).read_text())["source_sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return tflite_path.is_file() and keras_path.is_file() and recorded == file_sha256(keras_path)


def litert_interpreter_class():
    """The LiteRT ``Interpreter`` class (``ai-edge-litert``, else TensorFlow's bundled one), or None."""
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                from tensorflow.lite.python.interpreter import Interpreter
        except ImportError:
            return None
    return Interpreter


def _check_frames(frames: np.ndarray) -> None:
    if not isinstance(frames, np.ndarray) or frames.dtype != np.uint8 or frames.shape[1:] != FRAME_SHAPE:
        shape = getattr(frames, "shape", None)
        raise FollowMeError(f"frames must be uint8 arrays of shape (N, {INPUT_SIZE}, {INPUT_SIZE}, 3), got {shape}")


class _TensorFlowRunner:
    """The Keras model behind two concrete functions: batch 1 for frames, any batch for batches."""

    def __init__(self, model_path: Path, device: str):
        import tensorflow as tf

        self._model = load_model(model_path)

        def forward(batch):
            with tf.device(device):
                return self._model(normalise(tf.cast(batch, tf.float32)), training=False)

        def concrete(batch_size):
            spec = tf.TensorSpec((batch_size, *FRAME_SHAPE), tf.uint8)
            # XLA fuses the many small element-wise ops on a GPU; on a CPU it is slower (see cli/train.py).
            jit = device.startswith("/GPU")
            return tf.function(forward, input_signature=[spec], jit_compile=jit).get_concrete_function()

        self._frame_fn, self._batch_fn = concrete(1), concrete(None)
        self._frame = np.zeros((1, *FRAME_SHAPE), np.uint8)

    def frame(self, rgb160: np.ndarray) -> np.ndarray:
        self._frame[0] = rgb160
        return self._frame_fn(self._frame).numpy()[0]

    def batch(self, frames: np.ndarray) -> np.ndarray:
        return self._batch_fn(frames).numpy()


class _LiteRTRunner:
    """A batch-1 LiteRT interpreter (XNNPACK) whose uint8 input buffer frames are written into."""

    def __init__(self, tflite_path: Path, threads: int):
        interpreter_class = litert_interpreter_class()
        if interpreter_class is None:
            raise FollowMeError("backend 'litert' needs a LiteRT runtime: pip install ai-edge-litert")
        try:
            self._interpreter = interpreter_class(model_path=str(tflite_path), num_threads=threads)
            self._interpreter.allocate_tensors()
        except (ValueError, RuntimeError) as err:
            raise ModelError(f"cannot load LiteRT model (corrupt or not a .tflite): {tflite_path} ({err})") from None
        (inp,), (out,) = self._interpreter.get_input_details(), self._interpreter.get_output_details()
        if (tuple(inp["shape"]), inp["dtype"], tuple(out["shape"]), out["dtype"]) != (
            (1, *FRAME_SHAPE), np.uint8, (1, *PROBS_SHAPE), np.float32
        ):
            raise ModelError(f"LiteRT model must map (1, {INPUT_SIZE}, {INPUT_SIZE}, 3) uint8 to float32 probabilities: "
                             f"{tflite_path} (re-run export)")
        self._input = self._interpreter.tensor(inp["index"])  # a view factory: views must not outlive invoke()
        self._output_index = out["index"]

    def frame(self, rgb160: np.ndarray) -> np.ndarray:
        self._input()[0] = rgb160
        self._interpreter.invoke()
        return self._interpreter.get_tensor(self._output_index)[0]

    def batch(self, frames: np.ndarray) -> np.ndarray:
        probs = np.empty((len(frames), *PROBS_SHAPE), np.float32)
        for i, frame in enumerate(frames):
            probs[i] = self.frame(frame)
        return probs


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
    current = given == tflite_path or litert_is_current(tflite_path, keras_path)
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
        and (device == "cpu" or not gpu_possible() or select_device(device) == "/CPU:0")
    )
    return ("litert", tflite_path) if use_litert else ("tensorflow", keras_path)


def _cpu_threads() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


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
            self.device = "/CPU:0"
            self._runner = _LiteRTRunner(self.model_path, threads or _cpu_threads())
        else:
            check_model_file(self.model_path)
            self.device = select_device(device)
            self._runner = _TensorFlowRunner(self.model_path, self.device)
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
