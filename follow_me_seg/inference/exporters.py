"""Export a ``.keras`` follow-me model for the fast CPU backends: LiteRT (``.tflite``) and OpenVINO (``.xml``).

The LiteRT model takes the raw uint8 frame (normalisation is inside it) and returns the softmax
probabilities. Its batch norms are folded into the convolutions (``folding.py``): exact, and faster
on CPU. The OpenVINO IR is converted from that float32 ``.tflite``. A ``<file>.json`` beside each
records the source model's SHA-256, so that the engine only picks an exported model automatically
while it matches its ``.keras`` file; the IR's record also holds its agreement with Keras at f32
and bf16 and its speed against LiteRT.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

QUANTIZATIONS = ("none", "float16", "int8")


def litert_bytes(
    model, quantize: str = "none", calibration: np.ndarray | None = None, plain: bool = False
) -> tuple[bytes, dict]:
    """Convert a Keras follow-me model to a LiteRT flatbuffer with a (1, S, S, 3) uint8 input, S the
    model's own input side (LiteRT cannot resize a converted model).

    Returns the flatbuffer and what was done to the graph (``batch_norm_folded``, ``input_size``);
    ``plain`` converts the graph as it is, batch norms and all.
    """
    import tensorflow as tf

    from follow_me_seg.core.classes import normalise
    from follow_me_seg.inference.folding import fold_batch_norms

    side = model.input_shape[1]
    edits = {"batch_norm_folded": False, "input_size": side}
    if not plain:
        try:
            model = fold_batch_norms(model)
            edits["batch_norm_folded"] = True
        except ValueError as err:
            warnings.warn(f"exporting without folding the batch norms: {err}", stacklevel=2)

    # Weights become graph constants: the converter cannot freeze Keras 3 variables by itself.
    trainable = [tf.constant(v.numpy()) for v in model.trainable_variables]
    non_trainable = [tf.constant(v.numpy()) for v in model.non_trainable_variables]

    @tf.function(input_signature=[tf.TensorSpec((1, side, side, 3), tf.uint8, name="rgb")])
    def forward(rgb):
        probs, _ = model.stateless_call(trainable, non_trainable, normalise(tf.cast(rgb, tf.float32)), training=False)
        return probs

    converter = tf.lite.TFLiteConverter.from_concrete_functions([forward.get_concrete_function()])
    if quantize != "none":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if quantize == "float16":
        converter.target_spec.supported_types = [tf.float16]
    if quantize == "int8":
        converter.representative_dataset = lambda: ([frame[None]] for frame in calibration)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Statistics for quantized inputs")  # the input is raw uint8
        return converter.convert(), edits


def export_litert(
    model_path: str | os.PathLike,
    out_path: str | os.PathLike,
    quantize: str = "none",
    calibration: np.ndarray | None = None,
    plain: bool = False,
) -> dict:
    """Write ``out_path`` (+ its ``.json``) atomically from a ``.keras`` model; return the recorded info.

    ``plain``: see ``litert_bytes``.
    """
    import tensorflow as tf

    from follow_me_seg.core.atomic_files import atomic_path
    from follow_me_seg.inference.common import file_sha256, info_path
    from follow_me_seg.inference.tensorflow_backend import load_model

    if quantize not in QUANTIZATIONS:
        raise ValueError(f"quantize must be one of {QUANTIZATIONS}")
    if quantize == "int8" and calibration is None:
        raise ValueError("int8 quantisation needs calibration frames")
    model_path = Path(model_path)
    flatbuffer, edits = litert_bytes(load_model(model_path), quantize, calibration, plain)
    info = {
        "source": model_path.name,
        "source_sha256": file_sha256(model_path),
        "sha256": {Path(out_path).name: hashlib.sha256(flatbuffer).hexdigest()},
        "quantize": quantize,
        **edits,
        "tensorflow": tf.__version__,
    }
    for path, data in ((out_path, flatbuffer), (info_path(out_path), json.dumps(info, indent=2).encode() + b"\n")):
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
    return info


def keras_probabilities(model_path: Path, frames: np.ndarray) -> np.ndarray:
    """Keras ``model.predict`` on ``frames`` (uint8, the model's input side): the reference answers."""
    from follow_me_seg.core.classes import normalise
    from follow_me_seg.inference.tensorflow_backend import load_model

    return load_model(model_path).predict(normalise(frames.astype(np.float32)), verbose=0)


def compare(reference: np.ndarray, probs: np.ndarray) -> dict:
    """Class-mask agreement of ``probs`` with ``reference``, and whether it passes the agreement rule."""
    from follow_me_seg.inference.agreement import agrees, mask_agreement

    same, hero_differs = mask_agreement(reference, probs)
    return {"frames": len(probs), "identical_pixels": same, "hero_found_differs": hero_differs,
            "max_probability_difference": float(np.abs(reference - probs).max()), "agrees": agrees(same, hero_differs)}


def network_p50_ms(runners: dict, frames: np.ndarray, rounds: int = 10) -> dict[str, float]:
    """Median network time of each runner over ``len(frames)`` frames (at least ``rounds``), timed in
    interleaved rounds, each after a few untimed frames."""
    times: dict[str, list[float]] = {name: [] for name in runners}
    per_round = max(1, len(frames) // rounds)
    for r in range(rounds):
        for name, runner in runners.items():
            for i in range(5):
                runner.frame(frames[i % len(frames)])
            for i in range(per_round):
                start = time.perf_counter()
                runner.frame(frames[(r * per_round + i) % len(frames)])
                times[name].append(time.perf_counter() - start)
    return {name: float(np.median(t) * 1e3) for name, t in times.items()}


def export_openvino(
    model_path: str | os.PathLike, tflite_path: Path, xml_path: Path, frames: np.ndarray, reference: np.ndarray,
    real_frames: bool,
) -> dict:
    """Write the OpenVINO IR of a float32 ``.tflite`` (its ``.xml``, ``.bin`` and ``.xml.json``).

    The record holds the f32 (and, where the CPU has it, bf16) agreement with Keras (``reference``, its
    answers on ``frames``); bf16 is checked only on ``real_frames`` (else it is never allowed); and the
    network p50 of LiteRT and OpenVINO at the engine's default threads and pinning on this CPU, which
    ``backend=auto`` compares.
    """
    import openvino as ov

    from follow_me_seg.core.atomic_files import write_json_atomic
    from follow_me_seg.inference.common import cpu_name, file_hashes, file_sha256, info_path
    from follow_me_seg.inference.engine import DEFAULT_PIN, auto_threads
    from follow_me_seg.inference.litert_backend import LiteRTRunner
    from follow_me_seg.inference.openvino_backend import OpenVINORunner, convert_tflite, cpu_has_bf16

    model_path, xml_path = Path(model_path), Path(xml_path)
    threads, pin = auto_threads(), DEFAULT_PIN
    with tempfile.TemporaryDirectory(dir=xml_path.parent, prefix=f".{xml_path.stem}.partial") as tmp:
        tmp_xml = Path(tmp) / xml_path.name
        convert_tflite(tflite_path, tmp_xml)
        precisions = ("f32", "bf16") if real_frames and cpu_has_bf16() else ("f32",)
        runners = {p: OpenVINORunner(tmp_xml, threads, pin, p) for p in precisions}
        side = runners["f32"].side
        agreement = {p: compare(reference, runner.batch(frames)) for p, runner in runners.items()}
        timed = {"litert": LiteRTRunner(tflite_path, threads, pin)}
        timed.update({f"openvino_{p}": r for p, r in runners.items() if agreement[p]["agrees"]})
        speed = {"cpu": cpu_name(), "threads": threads, "pin": pin, "p50_ms": network_p50_ms(timed, frames)}
        del runners, timed
        os.replace(tmp_xml.with_suffix(".bin"), xml_path.with_suffix(".bin"))
        os.replace(tmp_xml, xml_path)
    info = {"source": model_path.name, "source_sha256": file_sha256(model_path), "sha256": file_hashes(xml_path),
            "converted_from": tflite_path.name, "input_size": side, "openvino": ov.__version__,
            "agreement": agreement, "speed": speed}
    write_json_atomic(info_path(xml_path), info)
    return info
