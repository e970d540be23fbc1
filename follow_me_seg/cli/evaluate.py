"""``evaluate``: the follow-me score of a model on Udacity-layout data, with a JSON report and a PNG grid."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from follow_me_seg.cli import add_device, add_flip, add_input_size, add_max_image_pixels, run_cli
from follow_me_seg.cli.arguments import count, model_pairs, network_side
from follow_me_seg.core.errors import DataError
from follow_me_seg.learning.scoring import EVAL_SETS


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="evaluate", description=__doc__)
    p.add_argument("--model", default="", help="model file (.keras); default: the shipped model")
    p.add_argument("--data", required=True, type=Path,
                   help=f"an images/ + masks/ folder, or a folder holding {', '.join(EVAL_SETS)}")
    p.add_argument("--out", type=Path, default=Path("evaluation"), help="folder for report.json and the PNGs")
    p.add_argument("--save-predictions", type=Path, metavar="DIR", help="write one predicted RGB mask per image here")
    p.add_argument("--samples", type=count(0, 100), default=4, help="frames per set in the PNG grid")
    p.add_argument("--mistakes", type=count(0, 1000), default=24,
                   help="tiles in missed_small_heroes.png and false_heroes.png (crops around each mistake); 0: none")
    p.add_argument("--batch-size", type=count(1, 4096), default=32)
    add_device(p)
    add_flip(p)
    add_input_size(p)
    p.add_argument("--ensemble", nargs=2, action="append", default=[], metavar=("MODEL", "SIZE"),
                   help="score the mean probabilities of --model and this model run at input size SIZE (0: its "
                        "own; repeat the option for more): a teacher's proxy")
    add_max_image_pixels(p)
    args = p.parse_args(argv)
    args.ensemble = model_pairs(p, args.ensemble, "--ensemble", "SIZE", network_side())
    return args


def find_sets(data: Path) -> dict[str, Path]:
    """Map set name to folder: the three evaluation sets, or a single images/ + masks/ folder."""
    if data.is_file():
        raise DataError(f"not a folder: {data}")
    if not data.is_dir():
        raise DataError(f"folder not found: {data}")
    if (data / "images").is_dir() or (data / "masks").is_dir():
        return {data.resolve().name: data}
    present = [name for name in EVAL_SETS if (data / name).is_dir()]
    if not present:
        raise DataError(f"{data} holds neither images/ + masks/ nor the sets {', '.join(EVAL_SETS)}")
    missing = [name for name in EVAL_SETS if name not in present]
    if missing:
        raise DataError(f"{data} lacks evaluation set(s): {', '.join(missing)}")
    return {name: data / name for name in EVAL_SETS}


def save_grid(samples: list[tuple[str, np.ndarray, np.ndarray, np.ndarray]], path: Path) -> None:
    """Rows of (image, ground truth, prediction) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from follow_me_seg.core.atomic_files import atomic_path
    from follow_me_seg.core.classes import class_ids_to_rgb

    fig, axes = plt.subplots(len(samples), 3, figsize=(7.5, 2.5 * len(samples)), squeeze=False)
    for row, (title, image, gt, pred) in zip(axes, samples):
        for ax, picture, label in zip(row, (image, class_ids_to_rgb(gt), class_ids_to_rgb(pred)),
                                      (title, "ground truth", "prediction")):
            ax.imshow(picture)
            ax.set_title(label, fontsize=8)
            ax.axis("off")
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=80)
    plt.close(fig)


def save_prediction(ids: np.ndarray, path: Path) -> None:
    """Write a predicted class map as an RGB PNG in the mask colours."""
    from follow_me_seg.core.atomic_files import write_image_atomic
    from follow_me_seg.core.classes import class_ids_to_rgb

    write_image_atomic(path, class_ids_to_rgb(ids)[:, :, ::-1])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from tqdm import tqdm

    from follow_me_seg.core.atomic_files import check_output_folder, write_json_atomic
    from follow_me_seg.core.classes import INPUT_SIZE
    from follow_me_seg.core.image_files import resize_frame
    from follow_me_seg.inference.common import run_side
    from follow_me_seg.inference.engine import SegmentationEngine
    from follow_me_seg.learning.dataset import find_pairs, load_pairs, shrink_labels
    from follow_me_seg.learning.mistakes import SMALL_HERO_PIXELS, MistakeSheets
    from follow_me_seg.learning.scoring import SetScore, detection_by_size, folder_report, followme_report, proxy_report
    from follow_me_seg.perception.target import class_ids

    sets = find_sets(args.data)
    pairs = {name: find_pairs(folder) for name, folder in sets.items()}
    for folder in [args.out] + ([args.save_predictions / name for name in sets] if args.save_predictions else []):
        check_output_folder(folder)
    (args.out / "report.json").unlink(missing_ok=True)  # written last: only a finished run has one
    # read and check every set before the model (and TensorFlow) is loaded: bad data fails fast
    sides = [run_side(args.model, args.input_size)] + [run_side(m, member_size) for m, member_size in args.ensemble]
    size = max(sides)
    data = {name: load_pairs(set_pairs, desc=f"reading {name}", max_pixels=args.max_image_pixels, size=size)
            for name, set_pairs in pairs.items()}
    data = {name: (images, shrink_labels(labels)) for name, (images, labels) in data.items()}
    shown = {name: images if images.shape[1] == INPUT_SIZE else np.stack([resize_frame(im) for im in images])
             for name, (images, _) in data.items()}  # what the sample and mistake sheets draw, at 160x160
    engine = SegmentationEngine(args.model or None, device=args.device, backend="tensorflow", flip=args.flip,
                                input_size=sides[0])
    if args.ensemble:
        from follow_me_seg.inference.ensemble import EnsembleEngine

        engine = EnsembleEngine([engine] + [
            SegmentationEngine(model, device=args.device, backend="tensorflow", flip=args.flip, input_size=side)
            for (model, _), side in zip(args.ensemble, sides[1:])])
    scores, samples = {}, []
    sheets = MistakeSheets(args.mistakes) if args.mistakes else None
    for name, (images, labels) in data.items():
        score = SetScore()
        picks = set(np.linspace(0, len(images) - 1, args.samples).astype(int)) if args.samples else set()
        for start in tqdm(range(0, len(images), args.batch_size), desc=f"scoring {name}", unit="batch", leave=False):
            probs = engine.predict_batch(images[start:start + args.batch_size])
            gt = labels[start:start + len(probs)]
            score.update(probs, gt)
            for i, p in enumerate(probs):
                ids = class_ids(p)
                image_path = pairs[name][start + i].image
                if args.save_predictions:
                    save_prediction(ids, args.save_predictions / name / f"{image_path.stem}.png")
                if start + i in picks:
                    samples.append((f"{name}: {image_path.name}", shown[name][start + i], gt[i], ids))
                if sheets:
                    sheets.add(shown[name][start + i], gt[i], ids, image_path.stem)
        scores[name] = score

    if set(scores) == set(EVAL_SETS):
        report = followme_report(scores)
        report["detection_by_size"] = detection_by_size(SetScore.merged(list(scores.values())))
        by_size = report["detection_by_size"]
    else:
        ((name, score),) = scores.items()
        report = {"proxy": proxy_report(score), "folder": folder_report(score, name)}
        by_size = report["proxy"]["detection_by_size"]
    report.update(model=str(engine.model_path), data=str(args.data.resolve()), input_size=sides[0],
                  flip=args.flip, ensemble=[[str(model), side] for (model, _), side in zip(args.ensemble, sides[1:])])
    plot_detection_by_size(by_size, args.out / "detection_by_size.png", title=str(engine.model_path.name))
    if samples:
        save_grid(samples, args.out / "samples.png")
    if sheets:
        report["mistakes"] = {"missed_small_heroes": sheets.counts["missed"], "false_heroes": sheets.counts["false"],
                              "sheets": sheets.save(args.out)}
    write_json_atomic(args.out / "report.json", report)  # last: a failed run leaves no complete-looking report
    if "proxy" in report:
        print_proxy(report["proxy"], report["folder"])
    else:
        print_report(report)
        print_detection(by_size)
    print(f"report: {args.out / 'report.json'}, detection by hero size: {args.out / 'detection_by_size.png'}"
          + (f", samples: {args.out / 'samples.png'}" if samples else ""))
    if sheets:
        shown = ", ".join(report["mistakes"]["sheets"].values()) or "none to show"
        print(f"mistakes: {sheets.counts['missed']} missed heroes under {SMALL_HERO_PIXELS} px, "
              f"{sheets.counts['false']} false heroes ({shown})")
    return 0


def print_report(report: dict) -> None:
    """A short table of the report on stdout."""
    print(f"{'set':<22}{'images':>7}{'IoU bg':>8}{'IoU person':>11}{'IoU hero':>9}{'TP':>6}{'FP':>6}{'FN':>6}")
    for name, s in report["sets"].items():
        iou = s["iou"]
        print(f"{name:<22}{s['images']:>7}{iou['background']:>8.3f}{iou['person']:>11.3f}{iou['hero']:>9.3f}"
              f"{s['true_pos']:>6}{s['false_pos']:>6}{s['false_neg']:>6}")
    print(f"weight {report['weight']:.4f}   final IoU {report['final_iou']:.4f}   final score {report['final_score']:.4f}")


def print_detection(by_size: dict) -> None:
    """Heroes found / present per ground-truth size bucket."""
    print("heroes found by size (160x160 px): " + "  ".join(
        f"{name} {b['found']}/{b['present']}" + (f" ({b['rate']:.0%})" if b["present"] else "")
        for name, b in by_size.items()))


def print_proxy(proxy: dict, folder: dict) -> None:
    """The validation proxy of the three evaluation sets, then the plain one-folder score."""
    print("validation proxy of the three evaluation sets (close: 400+ hero px, far: 4-399, none: 0-3)")
    print_report(proxy)
    print_detection(proxy["detection_by_size"])
    false = proxy["false_heroes"]
    print(f"false heroes on hero-free frames: {false['frames']}/{false['hero_free_frames']}"
          + (f" ({false['rate']:.1%})" if false["hero_free_frames"] else ""))
    shaped = proxy["eval_shaped"]
    print(f"shaped like the evaluation sets (frames weighted to {shaped['shape']['close']} close / "
          f"{shaped['shape']['far']} far, mostly tiny / {shaped['shape']['none']} hero-free): score "
          f"{shaped['final_score']:.4f} = IoU {shaped['final_iou']:.4f} (close {shaped['close_hero_iou']:.3f}, "
          f"far {shaped['far_hero_iou']:.3f}) x weight {shaped['weight']:.4f}")
    pessimistic = proxy["eval_shaped_pessimistic"]
    print(f"the same with false heroes counted {pessimistic['false_hero_scale']:.2f} times (the held-out no-target "
          f"set's rate over validation's, seen on one model): score {pessimistic['final_score']:.4f} "
          f"(weight {pessimistic['weight']:.4f})")
    print(f"one-folder score (hero IoU where present x weight): {folder['final_score']:.4f}")


def plot_detection_by_size(by_size: dict, path: Path, title: str = "") -> None:
    """A bar chart of the detection rate per hero-size bucket, with found/present on each bar."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from follow_me_seg.core.atomic_files import atomic_path

    names = list(by_size)
    rates = [by_size[n]["rate"] or 0.0 for n in names]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    bars = ax.bar(names, rates, color="tab:blue")
    for bar, name in zip(bars, names):
        ax.annotate(f"{by_size[name]['found']}/{by_size[name]['present']}", (bar.get_x() + bar.get_width() / 2,
                    bar.get_height()), ha="center", va="bottom", fontsize=8)
    ax.set(xlabel="hero size in the 160x160 ground truth (pixels)", ylabel="heroes found", ylim=(0, 1.1),
           title=f"Detection rate by hero size {title}".strip())
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=90)
    plt.close(fig)


entry = run_cli(main)

if __name__ == "__main__":
    entry()
