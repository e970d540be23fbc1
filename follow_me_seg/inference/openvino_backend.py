"""The ``openvino`` backend: the OpenVINO IR (``.xml`` + ``.bin``) exported beside the ``.keras`` file.

Optional: ``pip install follow_me_seg[openvino]``. Runs on the CPU plugin in latency mode (one
stream), at float32 by default; ``bf16`` is allowed only where ``export`` found its masks agree with
Keras (the record beside the IR says so) and the CPU computes in bfloat16.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from follow_me_seg.core.classes import NUM_CLASSES
from follow_me_seg.core.errors import FollowMeError, ModelError

PRECISIONS = ("f32", "bf16")
MIN_GAIN = 0.05  # auto picks OpenVINO only where export measured it at least 5% faster than LiteRT


def openvino_installed() -> bool:
    """True when the ``openvino`` package can be imported."""
    return importlib.util.find_spec("openvino") is not None


def cpu_has_bf16() -> bool:
    """True when OpenVINO's CPU plugin computes in bfloat16 on this CPU."""
    import openvino as ov

    return "BF16" in ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")


def convert_tflite(tflite_path: Path, xml_path: Path) -> None:
    """Convert a float32 ``.tflite`` to OpenVINO IR at ``xml_path`` (its ``.bin`` beside it), weights in float32."""
    import openvino as ov

    ov.save_model(ov.convert_model(str(tflite_path)), str(xml_path), compress_to_fp16=False)


class OpenVINORunner:
    """A compiled OpenVINO CPU model whose uint8 input tensor shares memory with a NumPy frame buffer."""

    def __init__(self, xml_path: Path, threads: int, pin: bool, precision: str = "f32"):
        if precision not in PRECISIONS:
            raise FollowMeError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
        if not openvino_installed():
            raise FollowMeError("backend 'openvino' needs OpenVINO: pip install follow_me_seg[openvino]")
        import openvino as ov

        config = {"PERFORMANCE_HINT": "LATENCY", "NUM_STREAMS": 1, "INFERENCE_NUM_THREADS": threads,
                  "ENABLE_CPU_PINNING": pin, "INFERENCE_PRECISION_HINT": precision}
        try:
            compiled = ov.Core().compile_model(str(xml_path), "CPU", config)
        except RuntimeError as err:
            raise ModelError(f"cannot load OpenVINO model (corrupt or not an IR): {xml_path} ({err})") from None
        inp, out = compiled.input(0), compiled.output(0)
        shape = tuple(inp.get_shape())
        self.side = int(shape[1]) if len(shape) == 4 else 0
        side = (1, self.side, self.side)
        if (shape, inp.get_element_type(), tuple(out.get_shape())) != (
            (*side, 3), ov.Type.u8, (*side, NUM_CLASSES)
        ) or self.side % 8:
            raise ModelError(f"OpenVINO model must map (1, S, S, 3) uint8 to probabilities, S a multiple of 8: "
                             f"{xml_path} (re-run export)")
        self._request = compiled.create_infer_request()
        self._frame = np.zeros((*side, 3), np.uint8)
        self._request.set_input_tensor(ov.Tensor(self._frame, shared_memory=True))

    def frame(self, rgb160: np.ndarray) -> np.ndarray:
        self._frame[0] = rgb160
        self._request.infer()
        return self._request.get_output_tensor().data[0].copy()

    def batch(self, frames: np.ndarray) -> np.ndarray:
        return np.stack([self.frame(frame) for frame in frames])


def bf16_agrees(info: dict) -> bool:
    """True when ``export`` recorded that the bf16 masks pass the agreement rule."""
    return bool(info.get("agreement", {}).get("bf16", {}).get("agrees"))


def measured_faster(info: dict, precision: str) -> bool:
    """True when ``export`` measured OpenVINO at ``precision`` faster than LiteRT (by ``MIN_GAIN``) on a CPU
    of this model."""
    from follow_me_seg.inference.common import cpu_name

    speed = info.get("speed", {})
    p50 = speed.get("p50_ms", {})
    mine, litert = p50.get(f"openvino_{precision}"), p50.get("litert")
    return speed.get("cpu") == cpu_name() and mine is not None and litert is not None and mine < (1 - MIN_GAIN) * litert
