"""``calibrate``: choose the hero-logit offset that maximises the shaped validation proxies; write the model with it.

    calibrate --model runs/x/best.keras --data ../shared/data/followme/validation --output model.keras

The model's output on every validation frame is computed once; each offset in ``--deltas`` is then
scored from it exactly (``calibration.shift_hero_logit``). ``--output`` gets the model with the
chosen offset added to its classifier's hero bias (same network, same parameter count);
``--report`` gets ``calibration.json`` (every offset's figures) and ``hero_bias.png``.
Never give it training frames: the offset is tuned on the data it is scored on.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from follow_me_seg.cli import add_max_image_pixels, run_cli
from follow_me_seg.errors import DataError


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="calibrate", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, type=Path, help="trained model (.keras)")
    p.add_argument("--data", required=True, type=Path, help="validation images/ + masks/ folder")
    p.add_argument("--output", required=True, type=Path, help="where to write the calibrated model (.keras)")
    p.add_argument("--report", type=Path, default=Path("calibration"), help="folder for calibration.json and hero_bias.png")
    p.add_argument("--deltas", type=float, nargs=3, default=(-3.0, 3.0, 0.25), metavar=("FROM", "TO", "STEP"),
                   help="offsets tried, FROM to TO inclusive in STEPs (default -3 3 0.25)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --output file")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--input-size", type=int, default=160,
                   help="side the network runs at: 256 runs it on whole camera frames, probabilities shrunk to "
                        "160x160 before scoring (the offset is then applied to the shrunk probabilities, an "
                        "approximation: check the written model with evaluate --input-size 256)")
    p.add_argument("--flip", action="store_true", help="score with test-time flip averaging")
    add_max_image_pixels(p)
    args = p.parse_args(argv)
    if args.input_size % 8 or args.input_size < 8:
        p.error("--input-size must be a positive multiple of 8")
    low, high, step = args.deltas
    if not (step > 0 and low <= high and abs(low) <= 20 and abs(high) <= 20):
        p.error("--deltas must be FROM <= TO within [-20, 20] and a STEP > 0")
    if args.output.suffix != ".keras":
        p.error("--output must be a .keras file")
    if args.batch_size < 1:
        p.error("--batch-size must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from follow_me_seg.atomic import atomic_path, check_output_folder, write_json_atomic
    from follow_me_seg.dataset import find_pairs, load_pairs

    if not args.model.is_file():
        raise DataError(f"model not found: {args.model}")
    if args.output.exists() and not args.overwrite:
        raise DataError(f"--output exists: {args.output} (give --overwrite to replace it)")
    if args.output.resolve() == args.model.resolve():
        raise DataError("--output must not be the --model file: write the calibrated model beside it")
    check_output_folder(args.output.parent)
    check_output_folder(args.report)
    images, labels = load_pairs(find_pairs(args.data), desc="reading validation", max_pixels=args.max_image_pixels,
                                size=args.input_size)

    import keras
    from tqdm import tqdm

    from follow_me_seg import calibration
    from follow_me_seg.inference.engine import SegmentationEngine

    from follow_me_seg.camera import CameraPredictor, flip_average, shrink_labels
    from follow_me_seg.classes import INPUT_SIZE

    if args.input_size != INPUT_SIZE:
        labels = shrink_labels(labels)
        camera_net = CameraPredictor(args.input_size, source=args.model)
        predict = lambda frames: camera_net.predict(frames, flip=args.flip, batch_size=len(frames))  # noqa: E731
    else:
        engine = SegmentationEngine(args.model, device="cpu", backend="tensorflow")
        predict = (lambda frames: flip_average(engine.predict_batch, frames)) if args.flip else engine.predict_batch
    probs = np.concatenate([predict(images[i:i + args.batch_size]).astype(np.float16)
                            for i in tqdm(range(0, len(images), args.batch_size), desc="predicting", unit="batch")])
    low, high, step = args.deltas
    deltas = np.round(np.arange(low, high + step / 2, step), 4)
    rows = calibration.sweep(probs, labels, tqdm(deltas, desc="sweeping", unit="offset"))
    best = calibration.best_row(rows)
    plain = next((r for r in rows if r["delta"] == 0.0), None) or calibration.sweep(probs, labels, [0.0])[0]

    model = keras.models.load_model(args.model, compile=False)
    calibration.add_hero_bias(model, best["delta"])
    with atomic_path(args.output) as tmp:
        model.save(tmp)
    calibration.plot_sweep(rows, args.report / "hero_bias.png", title=args.model.name)
    write_json_atomic(args.report / "calibration.json", {
        "model": str(args.model), "data": str(args.data.resolve()), "output": str(args.output),
        "input_size": args.input_size, "flip": args.flip,
        "chosen_delta": best["delta"], "shaped_score_uncalibrated": plain["shaped_score"],
        "pessimistic_score_uncalibrated": plain["pessimistic_score"],
        "proxy_score_uncalibrated": plain["proxy_score"], "sweep": rows})
    found = "  ".join(f"{k} {v[0]}/{v[1]}" for k, v in best["found"].items())
    print(f"hero-logit offset {best['delta']:+.2f}: shaped proxy {plain['shaped_score']:.4f} -> "
          f"{best['shaped_score']:.4f}, pessimistic {plain['pessimistic_score']:.4f} -> {best['pessimistic_score']:.4f}, proxy {plain['proxy_score']:.4f} -> {best['proxy_score']:.4f}; found by px: {found}; "
          f"false heroes {best['false_heroes']}/{best['hero_free_frames']}")
    print(f"model: {args.output}; report: {args.report / 'calibration.json'}, {args.report / 'hero_bias.png'}")
    return 0


entry = run_cli(main)

if __name__ == "__main__":
    entry()
