"""``calibrate``: choose the hero-logit offset that maximises the shaped validation proxies; write the model with it.

    calibrate --model runs/x/best.keras --data ../shared/data/followme/validation --output model.keras

The model's output on every validation frame is computed once, at the side the network runs at;
each offset in ``--deltas`` is then scored from it exactly (``calibration.shift_hero_logit``, then
shrunk to 160x160 as the model's answers are). ``--output`` gets the model with the
chosen offset added to its classifier's hero bias (same network, same parameter count), built for
the side it was calibrated at (``--input-size``), which it then runs at by default;
``--report`` gets ``calibration.json`` (every offset's figures) and ``hero_bias.png``.
Never give it training frames: the offset is tuned on the data it is scored on.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from follow_me_seg.cli import add_flip, add_input_size, add_max_image_pixels, run_cli
from follow_me_seg.cli.arguments import bounded, count
from follow_me_seg.core.errors import DataError

MAX_OFFSETS = 1001  # hero-logit offsets one calibration may try


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="calibrate", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, type=Path, help="trained model (.keras)")
    p.add_argument("--data", required=True, type=Path, help="validation images/ + masks/ folder")
    p.add_argument("--output", required=True, type=Path, help="where to write the calibrated model (.keras)")
    p.add_argument("--report", type=Path, default=Path("calibration"), help="folder for calibration.json and hero_bias.png")
    p.add_argument("--deltas", type=bounded(float, -20, 20), nargs=3, default=(-3.0, 3.0, 0.25), metavar=("FROM", "TO", "STEP"),
                   help="offsets tried, FROM to TO inclusive in STEPs (default -3 3 0.25)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --output file")
    p.add_argument("--batch-size", type=count(1, 4096), default=32)
    add_input_size(p)
    add_flip(p)
    add_max_image_pixels(p)
    args = p.parse_args(argv)
    low, high, step = args.deltas
    if not (step > 0 and low <= high):
        p.error("argument --deltas: must be FROM <= TO and a STEP > 0")
    if (high - low) / step + 1 > MAX_OFFSETS:
        p.error(f"argument --deltas: {int((high - low) / step) + 1} offsets, more than the {MAX_OFFSETS} allowed "
                "(take a larger STEP)")
    if args.output.suffix != ".keras":
        p.error("--output must be a .keras file")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from follow_me_seg.core.atomic_files import atomic_path, check_output_folder, write_json_atomic
    from follow_me_seg.core.model_files import check_keras_archive
    from follow_me_seg.learning.dataset import find_pairs, load_pairs

    check_keras_archive(args.model)
    if args.output.exists() and not args.overwrite:
        raise DataError(f"--output exists: {args.output} (give --overwrite to replace it)")
    if args.output.resolve() == args.model.resolve():
        raise DataError("--output must not be the --model file: write the calibrated model beside it")
    check_output_folder(args.output.parent)
    check_output_folder(args.report)
    pairs = find_pairs(args.data)

    from tqdm import tqdm

    from follow_me_seg.inference.engine import SegmentationEngine
    from follow_me_seg.inference.tensorflow_backend import load_model
    from follow_me_seg.learning import calibration
    from follow_me_seg.learning.dataset import shrink_labels
    from follow_me_seg.learning.model import at_side

    model = load_model(args.model)
    calibration.check_classifier(model, args.model)  # before the predictions, not after them
    side = args.input_size or model.input_shape[1]
    images, labels = load_pairs(pairs, desc="reading validation", max_pixels=args.max_image_pixels, size=side)
    labels = shrink_labels(labels)
    engine = SegmentationEngine(args.model, device="cpu", backend="tensorflow", input_size=side, flip=args.flip)
    probs = np.concatenate([engine.network_batch(images[i:i + args.batch_size]).astype(np.float16)
                            for i in tqdm(range(0, len(images), args.batch_size), desc="predicting", unit="batch")])
    low, high, step = args.deltas
    deltas = np.round(np.arange(low, high + step / 2, step), 4)
    rows = calibration.sweep(probs, labels, tqdm(deltas, desc="sweeping", unit="offset"))
    best = calibration.best_row(rows)
    plain = next((r for r in rows if r["delta"] == 0.0), None) or calibration.sweep(probs, labels, [0.0])[0]

    model = at_side(model, side)  # the calibrated model runs at the side it was calibrated at by default
    calibration.add_hero_bias(model, best["delta"])
    with atomic_path(args.output) as tmp:
        model.save(tmp)
    calibration.plot_sweep(rows, args.report / "hero_bias.png", title=args.model.name)
    write_json_atomic(args.report / "calibration.json", {
        "model": str(args.model), "data": str(args.data.resolve()), "output": str(args.output),
        "input_size": side, "flip": args.flip,
        "chosen_delta": best["delta"], "shaped_score_uncalibrated": plain["shaped_score"],
        "pessimistic_score_uncalibrated": plain["pessimistic_score"],
        "proxy_score_uncalibrated": plain["proxy_score"], "sweep": rows})
    found = "  ".join(f"{k} {v[0]}/{v[1]}" for k, v in best["found"].items())
    print(f"hero-logit offset {best['delta']:+.2f}: shaped proxy {plain['shaped_score']:.4f} -> "
          f"{best['shaped_score']:.4f}, pessimistic {plain['pessimistic_score']:.4f} -> {best['pessimistic_score']:.4f}, "
          f"proxy {plain['proxy_score']:.4f} -> {best['proxy_score']:.4f}; found by px: {found}; "
          f"false heroes {best['false_heroes']}/{best['hero_free_frames']}")
    print(f"model: {args.output}; report: {args.report / 'calibration.json'}, {args.report / 'hero_bias.png'}")
    return 0


entry = run_cli(main)

if __name__ == "__main__":
    entry()
