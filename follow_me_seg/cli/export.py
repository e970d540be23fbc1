"""``export``: turn a ``.keras`` follow-me model into a LiteRT (``.tflite``) model for the fast CPU engine.

The LiteRT model takes the raw uint8 frame (normalisation is inside it) and returns the softmax
probabilities. Its batch norms are folded into the convolutions (``folding.py``): exact, and faster
on CPU. A ``<out>.json`` beside it records the source model's SHA-256, so that the engine only
picks the ``.tflite`` automatically while it matches its ``.keras`` file. After writing, the tool runs
the LiteRT model against Keras on a few frames and prints how well the class masks agree.
"""

from __future__ import annotations

import argparse
import json
import os
import warnings
from pathlib import Path

import numpy as np

from follow_me_seg.cli import add_max_image_pixels, run_cli
from follow_me_seg.decoding import DEFAULT_MAX_IMAGE_PIXELS
from follow_me_seg.errors import FollowMeError

QUANTIZATIONS = ("none", "float16", "int8")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="export", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="", help="the .keras model; default: the shipped model")
    p.add_argument("--out", default="", help="the .tflite to write; default: beside the model, same name")
    p.add_argument("--quantize", choices=QUANTIZATIONS, default="none",
                   help="weights/activations precision (int8 needs --calibration)")
    p.add_argument("--calibration", type=Path, help="folder of frames (or of images/) to calibrate int8 and check agreement on")
    p.add_argument("--frames", type=int, default=100, help="how many calibration/check frames to use")
    p.add_argument("--plain", action="store_true",
                   help="convert the graph as it is, without folding the batch norms (slower; for comparison)")
    add_max_image_pixels(p)
    args = p.parse_args(argv)
    if args.quantize == "int8" and not args.calibration:
        p.error("--quantize int8 needs --calibration")
    if args.frames < 1:
        p.error("--frames must be at least 1")
    if args.out and Path(args.out).is_dir():
        raise FollowMeError(f"--out is an existing folder, not a .tflite file: {args.out}")
    if args.out and not args.out.endswith(".tflite"):
        p.error("--out must end in .tflite")
    return args


def read_frames(folder: Path, count: int, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> np.ndarray:
    """Up to ``count`` frames of ``folder`` (or ``folder/images``), evenly spread, at network size."""
    from follow_me_seg.dataset import list_images, read_rgb, resize_frame

    folder = folder / "images" if (folder / "images").is_dir() else folder
    files = list_images(folder)
    picks = np.unique(np.linspace(0, len(files) - 1, min(count, len(files))).astype(int))
    return np.stack([resize_frame(read_rgb(files[i], max_pixels)) for i in picks])


def litert_bytes(
    model, quantize: str = "none", calibration: np.ndarray | None = None, plain: bool = False
) -> tuple[bytes, dict]:
    """Convert a Keras follow-me model to a LiteRT flatbuffer with a (1, 160, 160, 3) uint8 input.

    Returns the flatbuffer and what was done to the graph (``batch_norm_folded``); ``plain`` converts
    the graph as it is, batch norms and all.
    """
    import tensorflow as tf

    from follow_me_seg.classes import INPUT_SIZE, normalise
    from follow_me_seg.folding import fold_batch_norms

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
    from follow_me_seg.engine import file_sha256, litert_info_path, load_model

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
    for path, data in ((out_path, flatbuffer), (litert_info_path(out_path), json.dumps(info, indent=2).encode() + b"\n")):
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
    return info


def mask_agreement(probs_a: np.ndarray, probs_b: np.ndarray) -> tuple[float, int]:
    """Share of identical class pixels, and how many frames differ in whether the hero is found."""
    from follow_me_seg.classes import HERO
    from follow_me_seg.target import class_ids, extract_target

    same = float(np.mean(class_ids(probs_a) == class_ids(probs_b)))
    found = [[extract_target(p[..., HERO], p.shape[:2]).found for p in probs] for probs in (probs_a, probs_b)]
    return same, int(np.sum(np.not_equal(*found)))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from follow_me_seg.atomic import check_output_file
    from follow_me_seg.classes import normalise
    from follow_me_seg.engine import (FRAME_SHAPE, SegmentationEngine, default_model_path, litert_info_path,
                                      litert_path, load_model)

    model_path = Path(args.model) if args.model else default_model_path()
    out_path = Path(args.out) if args.out else litert_path(model_path)
    for path in (out_path, litert_info_path(out_path)):
        check_output_file(path)
    frames = read_frames(args.calibration, args.frames, args.max_image_pixels) if args.calibration else None
    info = export_litert(model_path, out_path, args.quantize, frames, args.plain)
    print(f"wrote {out_path} ({out_path.stat().st_size / 1024:.0f} KiB, quantize {info['quantize']})")

    if frames is None:
        frames = np.random.default_rng(0).integers(0, 256, (8, *FRAME_SHAPE), np.uint8)
    keras_probs = load_model(model_path).predict(normalise(frames.astype(np.float32)), verbose=0)
    litert_probs = SegmentationEngine(out_path, backend="litert").predict_batch(frames)
    same, hero_differs = mask_agreement(keras_probs, litert_probs)
    print(f"check on {len(frames)} frames: {same:.4%} identical class pixels, hero-found differs on {hero_differs}, "
          f"max probability difference {np.abs(keras_probs - litert_probs).max():.2e}")
    return 0


entry = run_cli(main)

if __name__ == "__main__":
    entry()
