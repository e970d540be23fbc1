"""Peer runtimes for the benchmark only (``bench --peers``): ONNX Runtime on the same folded graph."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np


def onnxruntime_installed() -> bool:
    """True when ONNX Runtime and the ``tf2onnx`` converter can both be imported."""
    return all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "tf2onnx"))


class OnnxRuntimeRunner:
    """The float32 ``.tflite`` converted to ONNX (``tf2onnx``) and run by ONNX Runtime on the CPU.

    All graph optimisations (ONNX Runtime's default); its thread pool does not spin between frames,
    so that it does not slow down whatever runs next.
    """

    def __init__(self, tflite_path: Path, onnx_path: Path, threads: int):
        import onnxruntime as ort
        import tf2onnx

        tf2onnx.convert.from_tflite(str(tflite_path), output_path=str(onnx_path))
        options = ort.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self._input = self._session.get_inputs()[0].name

    def frame(self, rgb160: np.ndarray) -> np.ndarray:
        return self._session.run(None, {self._input: rgb160[None]})[0][0]

    def batch(self, frames: np.ndarray) -> np.ndarray:
        return np.stack([self.frame(frame) for frame in frames])
