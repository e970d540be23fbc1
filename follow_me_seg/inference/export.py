"""Export a ``.keras`` follow-me model to LiteRT (``.tflite``) for the fast CPU engine.

The LiteRT model takes the raw uint8 frame (normalisation is inside it) and returns the softmax
probabilities. Its batch norms are folded into the convolutions (``folding.py``): exact, and faster
on CPU. A ``<out>.json`` beside it records the source model's SHA-256, so that the engine only
picks the ``.tflite`` automatically while it matches its ``.keras`` file.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import numpy as np

QUANTIZATIONS = ("none", "float16", "int8")


def litert_bytes(
    model, quantize: str = "none", calibration: np.ndarray | None = None, plain: bool = False
) -> tuple[bytes, dict]:
    """Convert a Keras follow-me model to a LiteRT flatbuffer with a (1, 160, 160, 3) uint8 input.

    Returns the flatbuffer and what was done to the graph (``batch_norm_folded``); ``plain`` converts
    the graph as it is, batch norms and all.
    """
    import tensorflow as tf

    from follow_me_seg.classes import INPUT_SIZE, normalise
    from follow_me_seg.inference.folding import fold_batch_norms

    edits = {"batch_norm_folded": False}
    if not plain:
        try:
            model = fold_batch_norms(model)
            edits["batch_norm_folded"] = True
        except ValueError as err:
            warnings.warn(f"exporting without folding the batch norms: {err}", stacklevel=2)

    # Weights become graph constants: the converter cannot freeze Keras 3 variables by itself.
    trainable = [tf.constant(v.numpy()) for v in model.trainable_variables]
    non_trainable = [tf.constant(v.numpy()) for v in model.non_trainable_variables]

    @tf.function(input_signature=[tf.TensorSpec((1, INPUT_SIZE, INPUT_SIZE, 3), tf.uint8, name="rgb")])
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

    from follow_me_seg.atomic import atomic_path
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
        "quantize": quantize,
        **edits,
        "tensorflow": tf.__version__,
    }
    for path, data in ((out_path, flatbuffer), (info_path(out_path), json.dumps(info, indent=2).encode() + b"\n")):
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
    return info


def check_against_keras(model_path: Path, exported: Path, frames: np.ndarray) -> dict:
    """The exported model's class masks against Keras ``predict`` on ``frames`` (network size)."""
    from follow_me_seg.classes import normalise
    from follow_me_seg.inference.agreement import mask_agreement
    from follow_me_seg.inference.engine import SegmentationEngine
    from follow_me_seg.inference.tensorflow_backend import load_model

    keras_probs = load_model(model_path).predict(normalise(frames.astype(np.float32)), verbose=0)
    probs = SegmentationEngine(exported, backend="litert").predict_batch(frames)
    same, hero_differs = mask_agreement(keras_probs, probs)
    return {"frames": len(frames), "identical_pixels": same, "hero_found_differs": hero_differs,
            "max_probability_difference": float(np.abs(keras_probs - probs).max())}
