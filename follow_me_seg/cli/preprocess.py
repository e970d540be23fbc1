"""``preprocess``: convert raw simulator capture runs into images/ + masks/ training pairs."""

from __future__ import annotations

import argparse
from pathlib import Path

from follow_me_seg.cli import run_cli
from follow_me_seg.cli.arguments import count


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="preprocess", description=__doc__)
    p.add_argument("--raw", required=True, type=Path, help="a run folder holding IMG/, or a folder of such runs")
    p.add_argument("--out", required=True, type=Path, help="output folder (images/ and masks/ are created)")
    p.add_argument("--jpeg-quality", type=count(1, 100), default=95)
    args = p.parse_args(argv)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import cv2
    from tqdm import tqdm

    from follow_me_seg.core.atomic_files import check_output_folder, write_image_atomic
    from follow_me_seg.core.classes import HERO, PERSON, class_ids_to_rgb
    from follow_me_seg.learning.captures import convert_frame, find_frames, find_runs, output_names

    runs = {run: find_frames(run) for run in find_runs(args.raw)}  # check everything before writing
    for folder in (args.out / "images", args.out / "masks"):
        check_output_folder(folder)
    counts = {"frames": 0, "with_people": 0, "with_hero": 0}
    for lead, (run, frames) in enumerate(runs.items()):
        for frame in tqdm(frames, desc=run.name, unit="frame", leave=False):  # an error clears the bar
            image, ids = convert_frame(frame)
            image_name, mask_name = output_names(lead, run.name, frame.number)
            write_image_atomic(args.out / "images" / image_name, image[:, :, ::-1],
                               (cv2.IMWRITE_JPEG_QUALITY, args.jpeg_quality))
            write_image_atomic(args.out / "masks" / mask_name, class_ids_to_rgb(ids)[:, :, ::-1])
            counts["frames"] += 1
            counts["with_people"] += int((ids == PERSON).any())
            counts["with_hero"] += int((ids == HERO).any())
    print(f"wrote {counts['frames']} pairs to {args.out} ({counts['with_people']} with other people, "
          f"{counts['with_hero']} with the hero)")
    return 0


entry = run_cli(main)

if __name__ == "__main__":
    entry()
