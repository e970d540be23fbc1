"""``infer``: run the segmentation model over a folder of frames (the main job without ROS).

Writes an overlay per frame, a CSV with the hero per frame and the velocity the follower's
control law would command (a replay at --frame-rate), and the frames per second reached.
"""

from __future__ import annotations

import argparse
import csv
import io
import time
from pathlib import Path

from follow_me_seg.cli import add_backend, add_device, add_flip, add_input_size, add_max_image_pixels, run_cli
from follow_me_seg.cli.arguments import bounded, count, positive

CSV_FIELDS = ("frame", "hero_found", "centroid_x", "centroid_y", "hero_pixels", "mean_hero_prob",
              "cmd_vx", "cmd_vz", "cmd_yaw_rate", "cmd_mode")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="infer", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--images", required=True, type=Path, help="folder of frames (.jpeg/.jpg/.png), or one frame")
    p.add_argument("--out", required=True, type=Path, help="output folder")
    p.add_argument("--model", default="", help="model file; default: the shipped model")
    add_device(p)
    add_flip(p)
    add_input_size(p)
    add_backend(p)
    p.add_argument("--hero-threshold", type=bounded(float, 0, 1, low_open=True, high_open=True), default=0.5,
                   help="hero probability for a hero pixel")
    p.add_argument("--min-target-pixels", type=count(1, 160 * 160), default=4, help="smallest hero blob, in 160x160 class-map pixels")
    p.add_argument("--masks", type=Path,
                   help="folder of the frames' label masks (Udacity colours): also count heroes found, missed "
                        "and false against them")
    p.add_argument("--no-overlays", action="store_true", help="skip writing overlay images")
    p.add_argument("--frame-rate", type=positive(1000), default=10.0, help="camera rate (Hz) assumed by the control replay")
    add_max_image_pixels(p)
    args = p.parse_args(argv)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import cv2
    from tqdm import tqdm

    from follow_me_seg.control.law import ControlParams, FollowController
    from follow_me_seg.core.atomic_files import (
        check_output_folder,
        write_image_atomic,
        write_json_atomic,
        write_text_atomic,
    )
    from follow_me_seg.core.classes import HERO
    from follow_me_seg.core.image_files import check_image_size, list_images, read_rgb
    from follow_me_seg.inference.engine import SegmentationEngine
    from follow_me_seg.learning.dataset import pair_files, read_mask, resize_mask
    from follow_me_seg.learning.scoring import PRESENCE_PIXELS, presence_tally
    from follow_me_seg.perception.overlay import draw_overlay
    from follow_me_seg.perception.pipeline import segment_frame

    frames = list_images(args.images, single_file=True)
    masks = {pair.image: pair.mask for pair in pair_files(frames, list_images(args.masks))} if args.masks else {}
    for path in frames:  # a bad frame fails the run before the model loads, not after hours of work
        check_image_size(path, args.max_image_pixels)
    overlay_dir = args.out / "overlays"
    for folder in (args.out,) if args.no_overlays else (args.out, overlay_dir):
        check_output_folder(folder)
    (args.out / "summary.json").unlink(missing_ok=True)  # written last: only a finished run has one
    load_start = time.perf_counter()
    engine = SegmentationEngine(args.model or None, device=args.device, backend=args.backend, flip=args.flip,
                                 input_size=args.input_size)
    load_s = time.perf_counter() - load_start
    controller = FollowController(ControlParams())
    rows, compute_s, truth_present = [], 0.0, []
    wall_start = time.perf_counter()
    for index, path in enumerate(tqdm(frames, desc="infer", unit="frame", leave=False)):  # an error clears it
        rgb = read_rgb(path, args.max_image_pixels)
        start = time.perf_counter()
        result = segment_frame(engine.predict, rgb, args.hero_threshold, args.min_target_pixels)
        compute_s += time.perf_counter() - start
        target, ids = result.target, result.class_ids
        command = controller.update_from_target(target, rgb.shape[1], rgb.shape[0], index / args.frame_rate)
        rows.append({
            "frame": path.name,
            "hero_found": int(target.found),
            "centroid_x": f"{target.centroid_x:.1f}" if target.found else "",
            "centroid_y": f"{target.centroid_y:.1f}" if target.found else "",
            "hero_pixels": int(cv2.countNonZero((ids == HERO).astype("uint8"))),
            "mean_hero_prob": f"{target.score:.3f}" if target.found else "",
            "cmd_vx": f"{command.vx:.3f}",
            "cmd_vz": f"{command.vz:.3f}",
            "cmd_yaw_rate": f"{command.yaw_rate:.3f}",
            "cmd_mode": command.mode,
        })
        if masks:
            truth = resize_mask(read_mask(masks[path], rgb.shape[:2], args.max_image_pixels))
            truth_present.append(int((truth == HERO).sum()) > PRESENCE_PIXELS)
        if not args.no_overlays:
            write_image_atomic(overlay_dir / f"{path.stem}.jpg", draw_overlay(rgb, ids, target))
    wall_s = time.perf_counter() - wall_start

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS)
    writer.writeheader()
    writer.writerows(rows)
    write_text_atomic(args.out / "targets.csv", buffer.getvalue())
    summary = {
        "frames": len(rows),
        "hero_found_frames": sum(r["hero_found"] for r in rows),
        "model": str(engine.model_path),
        "device": engine.device,
        "model_load_s": round(load_s, 3),
        "processing_fps": round(len(rows) / compute_s, 1),
        "end_to_end_fps": round(len(rows) / wall_s, 1),
    }
    if masks:
        summary["against_masks"] = tally = presence_tally(truth_present, [r["hero_found"] for r in rows])
    write_json_atomic(args.out / "summary.json", summary)
    print(f"{summary['frames']} frames, hero found in {summary['hero_found_frames']}; "
          f"{summary['processing_fps']} frames/s processing (inference + target), "
          f"{summary['end_to_end_fps']} frames/s with disk I/O and overlays")
    if masks:
        print(f"against the masks: hero in {tally['hero_frames']} frames, found in {tally['found']}, missed in "
              f"{tally['missed']}; a false hero in {tally['false_heroes']} of {tally['hero_free_frames']} hero-free frames")
    print(f"wrote {args.out / 'targets.csv'}, {args.out / 'summary.json'}" + ("" if args.no_overlays else f", {overlay_dir}/"))
    return 0


entry = run_cli(main)

if __name__ == "__main__":
    entry()
