"""``export``: turn a ``.keras`` follow-me model into a LiteRT (``.tflite``) model for the fast CPU engine.

The LiteRT model takes the raw uint8 frame (normalisation is inside it) and returns the softmax
probabilities, with the batch norms folded into the convolutions. A ``<out>.json`` beside it records
the source model's SHA-256, so that the engine only picks the ``.tflite`` automatically while it
matches its ``.keras`` file. After writing, the tool runs the LiteRT model against Keras on a few
frames and prints how well the class masks agree (``follow_me_seg.inference.export``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from follow_me_seg.cli import run_cli
from follow_me_seg.inference.export import QUANTIZATIONS


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
    args = p.parse_args(argv)
    if args.quantize == "int8" and not args.calibration:
        p.error("--quantize int8 needs --calibration")
    if args.frames < 1:
        p.error("--frames must be at least 1")
    if args.out and not args.out.endswith(".tflite"):
        p.error("--out must end in .tflite")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from follow_me_seg.inference.agreement import read_frames
    from follow_me_seg.inference.common import FRAME_SHAPE, default_model_path, litert_path
    from follow_me_seg.inference.export import check_against_keras, export_litert

    model_path = Path(args.model) if args.model else default_model_path()
    out_path = Path(args.out) if args.out else litert_path(model_path)
    frames = read_frames(args.calibration, args.frames) if args.calibration else None
    info = export_litert(model_path, out_path, args.quantize, frames, args.plain)
    print(f"wrote {out_path} ({out_path.stat().st_size / 1024:.0f} KiB, quantize {info['quantize']})")

    if frames is None:
        frames = np.random.default_rng(0).integers(0, 256, (8, *FRAME_SHAPE), np.uint8)
    check = check_against_keras(model_path, out_path, frames)
    print(f"check on {check['frames']} frames: {check['identical_pixels']:.4%} identical class pixels, "
          f"hero-found differs on {check['hero_found_differs']}, "
          f"max probability difference {check['max_probability_difference']:.2e}")
    return 0


entry = run_cli(main)

if __name__ == "__main__":
    entry()
