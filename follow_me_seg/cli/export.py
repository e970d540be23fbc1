"""``export``: write the fast CPU models of a ``.keras`` follow-me model beside it, in one command.

* ``<model>.tflite`` (LiteRT): raw uint8 frame in (normalisation inside), softmax probabilities out,
  batch norms folded into the convolutions, at the model's own input side (160, or 256 for a model
  that runs on whole camera frames);
* ``<model>.xml`` + ``.bin`` (OpenVINO IR, where ``openvino`` is installed), converted from that
  float32 ``.tflite``, with its masks checked against Keras at f32 and bf16 and its speed measured
  against LiteRT on this CPU (``backend=auto`` uses the IR only where it was faster).

A ``.json`` beside each records the source model's SHA-256, so that the engine only picks an exported
model automatically while it matches its ``.keras`` file. The tool prints how well each agrees with
Keras on ``--frames`` validation frames (``--check-data``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from follow_me_seg.cli import add_max_image_pixels, run_cli
from follow_me_seg.cli.arguments import count
from follow_me_seg.core.errors import FollowMeError
from follow_me_seg.inference.exporters import QUANTIZATIONS

DEFAULT_CHECK_DATA = Path("../shared/data/followme/validation")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="export", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="", help="the .keras model; default: the shipped model")
    p.add_argument("--out", default="", help="the .tflite to write; default: beside the model, same name")
    p.add_argument("--quantize", choices=QUANTIZATIONS, default="none",
                   help="weights/activations precision (int8 needs --calibration)")
    p.add_argument("--calibration", type=Path, help="folder of frames (or of images/) to calibrate int8 and check agreement on")
    p.add_argument("--check-data", type=Path, default=DEFAULT_CHECK_DATA,
                   help="validation frames (or a folder holding images/) to check agreement on, bf16 included; "
                        "default: %(default)s, else the calibration frames, else random frames (bf16 then stays off)")
    p.add_argument("--frames", type=count(1, 100_000), default=300, help="how many calibration/check frames to use")
    p.add_argument("--plain", action="store_true",
                   help="convert the graph as it is, without folding the batch norms (slower; for comparison)")
    p.add_argument("--no-openvino", action="store_true", help="write the .tflite only")
    p.add_argument("--overwrite", action="store_true", help="replace exported files that are already there")
    add_max_image_pixels(p)
    args = p.parse_args(argv)
    if args.quantize == "int8" and not args.calibration:
        p.error("--quantize int8 needs --calibration")
    if args.out and Path(args.out).is_dir():
        raise FollowMeError(f"--out is an existing folder, not a .tflite file: {args.out}")
    if args.out and not args.out.endswith(".tflite"):
        p.error("--out must end in .tflite")
    return args


def print_check(name: str, check: dict) -> None:
    print(f"{name} on {check['frames']} frames: {check['identical_pixels']:.4%} identical class pixels, "
          f"hero-found differs on {check['hero_found_differs']}, max probability difference "
          f"{check['max_probability_difference']:.2e}: {'agrees' if check['agrees'] else 'DISAGREES'}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from follow_me_seg.core.atomic_files import check_output_file
    from follow_me_seg.core.resampling import shrink_probs
    from follow_me_seg.inference.agreement import read_frames
    from follow_me_seg.inference.common import default_model_path, exported_files, info_path, litert_path, run_side
    from follow_me_seg.inference.engine import SegmentationEngine
    from follow_me_seg.inference.exporters import compare, export_litert, export_openvino, keras_probabilities
    from follow_me_seg.inference.openvino_backend import openvino_installed

    model_path = Path(args.model) if args.model else default_model_path()
    side = run_side(model_path)  # the model's own (data errors still come before a missing model's)
    out_path = Path(args.out) if args.out else litert_path(model_path)
    with_openvino = not (args.no_openvino or args.quantize != "none" or args.plain) and openvino_installed()
    outputs = [out_path] + (exported_files(out_path.with_suffix(".xml")) if with_openvino else [])
    outputs += [info_path(path) for path in outputs if path.suffix != ".bin"]
    existing = [str(path) for path in outputs if path.exists()]
    if existing and not args.overwrite:
        raise FollowMeError(f"{', '.join(existing)} already exist: pass --overwrite to replace them")
    for path in outputs:
        check_output_file(path)
    calibration = read_frames(args.calibration, args.frames, args.max_image_pixels, side) if args.calibration else None
    info = export_litert(model_path, out_path, args.quantize, calibration, args.plain)
    print(f"wrote {out_path} ({out_path.stat().st_size / 1024:.0f} KiB, {side}x{side}, quantize {info['quantize']})")

    check_dir = args.check_data if args.check_data.is_dir() else args.calibration
    frames = read_frames(check_dir, args.frames, args.max_image_pixels, side) if check_dir else calibration
    if frames is None:
        print(f"no validation frames: checking on {args.frames} random frames, bf16 not checked")
        frames = np.random.default_rng(0).integers(0, 256, (args.frames, side, side, 3), np.uint8)
    reference = keras_probabilities(model_path, frames)
    litert = SegmentationEngine(out_path, backend="litert").predict_batch(frames)  # shrunk to 160x160
    print_check("LiteRT", compare(shrink_probs(reference), litert))

    if not with_openvino:
        return 0
    xml_path = out_path.with_suffix(".xml")
    info = export_openvino(model_path, out_path, xml_path, frames, reference, real_frames=check_dir is not None)
    print(f"wrote {xml_path} (+ .bin, {xml_path.with_suffix('.bin').stat().st_size / 1024:.0f} KiB)")
    for precision, check in info["agreement"].items():
        print_check(f"OpenVINO {precision}", check)
    speed = info["speed"]
    print(f"network p50 at {speed['threads']} thread(s) on this CPU: "
          + ", ".join(f"{name} {ms:.2f} ms" for name, ms in speed["p50_ms"].items()))
    return 0


entry = run_cli(main)

if __name__ == "__main__":
    entry()
