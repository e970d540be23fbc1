"""The segmentation engine: load a model once, then turn RGB frames into class probabilities fast.

Three backends run the same network (one module each):

* ``tensorflow``: the ``.keras`` model through concrete ``tf.function``s; on the GPU when there is one.
* ``litert``: the LiteRT (TFLite) flatbuffer that ``export`` writes beside the ``.keras`` file, run by
  the XNNPACK CPU delegate.
* ``openvino`` (optional extra): the OpenVINO IR that ``export`` writes beside it, on the CPU plugin.

``auto`` picks TensorFlow on a GPU. On a CPU it picks OpenVINO when it is installed, its IR is
current (exported from the ``.keras`` file as it is now) and ``export`` measured it faster than
LiteRT on a CPU of the same model (the record beside the IR); else LiteRT when its ``.tflite`` is
current and a LiteRT runtime is installed; else TensorFlow.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Callable

import numpy as np

from follow_me_seg.core.errors import FollowMeError, ModelError
from follow_me_seg.core.image_files import resize_frame
from follow_me_seg.core.resampling import shrink_probs
from follow_me_seg.inference.common import (
    BACKENDS,
    DEVICES,
    cpu_threads,
    default_model_path,
    export_side,
    is_current,
    is_intact,
    litert_path,
    openvino_path,
    read_info,
    run_side,
)
from follow_me_seg.inference.litert_backend import litert_interpreter_class
from follow_me_seg.inference.openvino_backend import (
    PRECISIONS,
    bf16_agrees,
    cpu_has_bf16,
    measured_faster,
    openvino_installed,
)
from follow_me_seg.inference.tensorflow_backend import check_model_file, gpu_possible, select_device

EXPORTED = {"litert": ".tflite", "openvino": ".xml"}
LABELS = {"litert": "LiteRT", "openvino": "OpenVINO"}
RUNTIME_HINTS = {"litert": "pip install ai-edge-litert", "openvino": "pip install follow_me_seg[openvino]"}
MAX_INPUT_SIZE = 4096  # the network's side at most (camera-resolution inference)
AUTO_THREADS_MAX = 1  # threads=0: one thread, measured under load (docs/benchmarks.md: "Thread policy")
DEFAULT_PIN = False  # pinning measured slower under load (docs/benchmarks.md: "Thread policy")


def auto_threads() -> int:
    """The CPU threads ``threads=0`` gives: at most ``AUTO_THREADS_MAX``, at most the cores allowed."""
    return min(AUTO_THREADS_MAX, cpu_threads())


def _check_frames(frames: np.ndarray, size: int) -> None:
    if not isinstance(frames, np.ndarray) or frames.dtype != np.uint8 or frames.shape[1:] != (size, size, 3):
        shape = getattr(frames, "shape", None)
        raise FollowMeError(f"frames must be uint8 arrays of shape (N, {size}, {size}, 3), got {shape}")


def _runtime_installed(backend: str) -> bool:
    return litert_interpreter_class() is not None if backend == "litert" else openvino_installed()


def _usable_precision(xml_path: Path, precision: str) -> str:
    """``precision`` where OpenVINO may run it: bf16 only where export found it agrees and the CPU has it."""
    if precision == "bf16" and not (bf16_agrees(read_info(xml_path)) and cpu_has_bf16()):
        return "f32"
    return precision


def backend_candidates(
    model_path: str | os.PathLike | None = None, device: str = "auto", backend: str = "auto", precision: str = "f32",
    input_size: int = 0,
) -> tuple[list[tuple[str, Path, str]], list[str], int]:
    """The (backend, file, precision) an engine tries, in order, why exported models were skipped, and the
    side the network runs at (``input_size``, or 0 for the model's own: ``common.model_side``).

    ``model_path`` may name the ``.keras`` file (an exported model beside it is used only while
    current: exported from the ``.keras`` file as it is now, and its files with the SHA-256 that
    ``export`` recorded) or an exported ``.tflite`` / ``.xml`` file (used as it is, but checked against
    its record where there is one). An export runs at the side it was exported at only, so ``auto``
    skips exports of another side. ``precision`` ``bf16`` applies to OpenVINO only, where ``export``
    recorded that it agrees; elsewhere ``auto`` runs f32. A named backend is the only candidate; ``auto``
    ends with TensorFlow, the fall-back when an exported model fails to load or to run.
    """
    if backend not in BACKENDS:
        raise FollowMeError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if device not in DEVICES:
        raise FollowMeError(f"device must be one of {', '.join(DEVICES)}, not {device!r}")
    if precision not in PRECISIONS:
        raise FollowMeError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    given = Path(model_path) if model_path else default_model_path()
    named = next((name for name, suffix in EXPORTED.items() if given.suffix == suffix), None)
    keras_path = given.with_suffix(".keras") if named else given
    files = {"litert": litert_path(keras_path), "openvino": openvino_path(keras_path), "tensorflow": keras_path}
    if named:
        files[named] = given
    side = run_side(given, input_size)

    def current(name: str) -> bool:
        return name == named or is_current(files[name], keras_path)

    def intact(name: str) -> bool:
        return is_intact(files[name]) or (name == named and "sha256" not in read_info(files[name]))

    if backend in EXPORTED:
        path = files[backend]
        if device == "gpu":
            raise FollowMeError(f"backend {backend!r} runs on the CPU: use backend 'tensorflow' for device 'gpu'")
        if not path.is_file():
            raise ModelError(f"{LABELS[backend]} model not found: {path} (create it with: export --model {keras_path})")
        if not current(backend):
            raise ModelError(f"{LABELS[backend]} model {path} was not exported from {keras_path} as it is now "
                             f"(its .json is missing or names another model): re-run export --model {keras_path}")
        if not intact(backend):
            raise ModelError(f"{LABELS[backend]} model {path} does not match the checksum export recorded "
                             f"(damaged or changed): re-run export --model {keras_path} --overwrite")
        exported_at = export_side(path)
        if exported_at != side:
            raise FollowMeError(f"{LABELS[backend]} model {path} runs at {exported_at}x{exported_at}, "
                                f"not {side}x{side}: use backend tensorflow, or export a model of that side")
        if not _runtime_installed(backend):
            raise FollowMeError(f"backend {backend!r} needs its runtime: {RUNTIME_HINTS[backend]}")
        if backend == "openvino" and _usable_precision(path, precision) != precision:
            raise ModelError(f"bf16 is not allowed for {path}: export found its masks disagree with Keras, "
                             "or this CPU has no bf16")
        return [(backend, path, precision if backend == "openvino" else "f32")], [], side
    tensorflow = [("tensorflow", keras_path, "f32")]
    if backend == "tensorflow" or not (device == "cpu" or not gpu_possible() or select_device(device) == "/CPU:0"):
        return tensorflow, [], side  # TensorFlow is imported only where a GPU could be there
    skipped, usable = [], []
    for name in [named] if named else list(EXPORTED):
        if not (files[name].is_file() and current(name) and _runtime_installed(name)):
            continue
        exported_at = export_side(files[name])
        if exported_at != side:
            skipped.append(f"{LABELS[name]} model {files[name]} runs at {exported_at}x{exported_at}, "
                           f"not {side}x{side}: not used")
            continue
        if intact(name):
            usable.append(name)
        else:
            skipped.append(f"{LABELS[name]} model {files[name]} does not match the checksum export recorded "
                           "(damaged or changed): not used")
    ranked = [("litert", files["litert"], "f32")] if "litert" in usable else []
    if "openvino" in usable:
        openvino = ("openvino", files["openvino"], _usable_precision(files["openvino"], precision))
        faster = named == "openvino" or not ranked or measured_faster(read_info(files["openvino"]), openvino[2])
        ranked.insert(0 if faster else len(ranked), openvino)
    if keras_path.is_file() or not ranked:
        ranked += tensorflow
    return ranked, skipped, side


def choose_backend(
    model_path: str | os.PathLike | None = None, device: str = "auto", backend: str = "auto", precision: str = "f32",
    input_size: int = 0,
) -> tuple[str, Path, str]:
    """The backend an engine would try first, the file it would load and its precision (see backend_candidates)."""
    return backend_candidates(model_path, device, backend, precision, input_size)[0][0]


def _stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


class SegmentationEngine:
    """Turns RGB uint8 frames into (160, 160, 3) float32 class probabilities.

    ``backend`` is ``auto``, ``tensorflow``, ``litert`` or ``openvino`` (see the module docstring);
    ``device`` is ``auto``, ``cpu`` or ``gpu`` (LiteRT and OpenVINO run on the CPU). ``model_path`` is
    a ``.keras`` file (the shipped one when empty) or an exported ``.tflite`` / ``.xml``. ``threads``
    sets the CPU threads of LiteRT and OpenVINO (0: ``auto_threads()``); ``pin`` pins them one per
    core; ``precision`` is ``f32`` or ``bf16`` (see ``choose_backend``); ``flip`` averages each frame's
    probabilities with its mirror image's (test-time flips: two network runs a frame). ``input_size`` is
    the side the network runs at, 0 for the model's own (``common.model_side``); at another side than
    160 the probabilities are shrunk to 160x160. ``backend``, ``model_path``, ``precision``,
    ``input_size`` and ``threads`` on the engine are what it actually uses. Calls are serialised, so
    one engine may serve several threads.
    """

    def __init__(
        self,
        model_path: str | os.PathLike | None = None,
        device: str = "auto",
        backend: str = "auto",
        threads: int = 0,
        pin: bool = DEFAULT_PIN,
        precision: str = "f32",
        warm_up: bool = True,
        warn: Callable[[str], None] = _stderr,
        flip: bool = False,
        input_size: int = 0,
    ):
        if threads is not None and threads < 0:  # None (the former default) is auto too
            raise FollowMeError(f"threads must be 0 (auto) or more, not {threads!r}")
        if input_size % 8 or not 0 <= input_size <= MAX_INPUT_SIZE:
            raise FollowMeError(f"input size must be 0 (the model's own) or a multiple of 8 in [8, {MAX_INPUT_SIZE}], "
                                f"not {input_size!r}")
        self.flip = flip
        candidates, skipped, self.input_size = backend_candidates(model_path, device, backend, precision, input_size)
        for message in skipped:
            warn(message)
        self.threads = threads or auto_threads()
        self._lock = threading.Lock()
        for index, (self.backend, self.model_path, self.precision) in enumerate(candidates):
            last = index == len(candidates) - 1
            try:
                self._runner = self._load(device, pin)
                if self._runner.side != self.input_size:  # an export whose record names another side
                    raise ModelError(f"{self.model_path} runs at {self._runner.side}x{self._runner.side}, not "
                                     f"{self.input_size}x{self.input_size}: re-run export")
                if warm_up:
                    self.warm_up()  # a model that loads but cannot run fails here, not on the first real frame
                return
            except FollowMeError:
                if last:
                    raise
            except (RuntimeError, ValueError, OSError) as err:  # the runtimes' own errors on a damaged model
                if last:
                    raise ModelError(f"cannot run {LABELS.get(self.backend, self.backend)} model {self.model_path}: "
                                     f"{type(err).__name__}: {str(err).strip()[:200]}") from None
            warn(f"{LABELS.get(self.backend, self.backend)} model {self.model_path} failed to load or run: "
                 f"falling back to {candidates[index + 1][0]}")

    def _load(self, device: str, pin: bool):
        if self.backend == "tensorflow":
            from follow_me_seg.inference.tensorflow_backend import TensorFlowRunner

            check_model_file(self.model_path)
            self.device = select_device(device)
            return TensorFlowRunner(self.model_path, self.device, self.input_size)
        self.device = "/CPU:0"
        if self.backend == "litert":
            from follow_me_seg.inference.litert_backend import LiteRTRunner

            return LiteRTRunner(self.model_path, self.threads, pin)
        from follow_me_seg.inference.openvino_backend import OpenVINORunner

        return OpenVINORunner(self.model_path, self.threads, pin, self.precision)

    def warm_up(self) -> None:
        """Run one blank frame so that the first real frame pays no tracing or allocation cost."""
        self.predict(np.zeros((self.input_size, self.input_size, 3), np.uint8))

    def network_batch(self, frames: np.ndarray) -> np.ndarray:
        """(N, S, S, 3) uint8 RGB, S the input size, to (N, S, S, 3) float32 probabilities, at the network's side."""
        _check_frames(frames, self.input_size)
        with self._lock:
            if not self.flip:
                return self._runner.batch(frames)
            both = self._runner.batch(np.concatenate([frames, frames[:, :, ::-1]]))
            return 0.5 * (both[: len(frames)] + both[len(frames):, :, ::-1])

    def predict_batch(self, frames: np.ndarray) -> np.ndarray:
        """(N, S, S, 3) uint8 RGB, S the input size, to (N, 160, 160, 3) float32 probabilities."""
        return shrink_probs(self.network_batch(frames))

    def predict(self, rgb: np.ndarray) -> np.ndarray:
        """One RGB uint8 frame of any size to (160, 160, 3) float32 probabilities.

        The frame is resized to the input size; at another size than 160 the probabilities are
        shrunk to 160x160 as the original grader shrank its ground truth (``core.resampling``).
        """
        if not isinstance(rgb, np.ndarray) or rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
            raise FollowMeError(f"a frame must be an (H, W, 3) uint8 RGB array, got {getattr(rgb, 'shape', None)}")
        small = resize_frame(rgb, self.input_size)
        with self._lock:
            probs = self._runner.frame(small)
            if self.flip:  # the mean with the mirror image's probabilities, mirrored back
                probs = 0.5 * (probs + self._runner.frame(np.ascontiguousarray(small[:, ::-1]))[:, ::-1])
        return shrink_probs(probs[None])[0]
