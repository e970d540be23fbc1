"""The ``litert`` backend: the exported ``.tflite`` run by LiteRT's XNNPACK CPU delegate."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from follow_me_seg.core.classes import NUM_CLASSES
from follow_me_seg.core.errors import FollowMeError, ModelError
from follow_me_seg.inference.pinning import can_pin, pin_new_threads, pinned_caller, thread_ids


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


class LiteRTRunner:
    """A batch-1 LiteRT interpreter (XNNPACK) whose uint8 input buffer frames are written into.

    ``pin``: XNNPACK's worker threads each get a core of their own, and the calling thread the first
    core while it runs a frame (LiteRT has no pinning option of its own).
    """

    def __init__(self, tflite_path: Path, threads: int, pin: bool = False):
        interpreter_class = litert_interpreter_class()
        if interpreter_class is None:
            raise FollowMeError("backend 'litert' needs a LiteRT runtime: pip install ai-edge-litert")
        self._cores = sorted(os.sched_getaffinity(0))[:threads] if pin and can_pin() else []
        before = thread_ids() if self._cores else set()
        try:
            self._interpreter = interpreter_class(model_path=str(tflite_path), num_threads=threads)
            self._interpreter.allocate_tensors()  # starts XNNPACK's worker threads
        except (ValueError, RuntimeError, IndexError) as err:
            raise ModelError(f"cannot load LiteRT model (corrupt or not a .tflite): {tflite_path} ({err})") from None
        (inp,), (out,) = self._interpreter.get_input_details(), self._interpreter.get_output_details()
        self.side = int(inp["shape"][1]) if len(inp["shape"]) == 4 else 0
        side = (1, self.side, self.side)
        if (tuple(inp["shape"]), inp["dtype"], tuple(out["shape"]), out["dtype"]) != (
            (*side, 3), np.uint8, (*side, NUM_CLASSES), np.float32
        ) or self.side % 8:
            raise ModelError(f"LiteRT model must map (1, S, S, 3) uint8 to float32 probabilities, S a multiple "
                             f"of 8: {tflite_path} (re-run export)")
        self._input = self._interpreter.tensor(inp["index"])  # a view factory: views must not outlive invoke()
        self._output_index = out["index"]
        if self._cores:
            pin_new_threads(before, self._cores[1:] or self._cores)

    def frame(self, rgb160: np.ndarray) -> np.ndarray:
        self._input()[0] = rgb160
        if self._cores:
            with pinned_caller(self._cores[0]):
                self._interpreter.invoke()
        else:
            self._interpreter.invoke()
        return self._interpreter.get_tensor(self._output_index)[0]

    def batch(self, frames: np.ndarray) -> np.ndarray:
        return np.stack([self.frame(frame) for frame in frames]) if len(frames) else \
            np.empty((0, *frames.shape[1:3], NUM_CLASSES), np.float32)
