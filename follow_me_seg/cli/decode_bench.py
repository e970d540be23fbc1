"""Decoding cost of hostile and ordinary frames at the pixel limit, as a ratio to a baseline JPEG.

``python -m follow_me_seg.cli.decode_bench [--side 4096]`` prints, for each case, the CPU time to
decode or refuse it divided by the CPU time to decode a baseline JPEG of the same size (a noisy
gradient at quality 90), both measured in the same run (best of ``--repeats``), and the time of
the segmentation node's whole path (decode, network, masks and overlay) on a frame at the limit.
"""

from __future__ import annotations

import argparse
import time

import cv2
import numpy as np

from follow_me_seg.cli import run_cli
from follow_me_seg.cli.arguments import count
from follow_me_seg.core.decoding import DecodeError, decode_image


def _cpu_s(data: bytes, repeats: int) -> tuple[float, str]:
    best, outcome = float("inf"), "decoded"
    for _ in range(repeats):
        start = time.process_time()
        try:
            decode_image(data, max_pixels=2**31 - 1)
        except DecodeError as err:
            outcome = f"refused: {err}"
        best = min(best, time.process_time() - start)
    return best, outcome


def cases(side: int) -> dict[str, bytes]:
    """The frames to time, by name: the baseline first."""
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:side, 0:side].astype(np.float32) * (255.0 / side)
    image = (np.stack([x, y, (x + y) / 2], -1) + rng.normal(0, 20, (side, side, 3))).clip(0, 255).astype(np.uint8)

    def enc(ext: str, pixels: np.ndarray, *params: int) -> bytes:
        return cv2.imencode(ext, pixels, list(params))[1].tobytes()

    progressive = enc(".jpg", image, cv2.IMWRITE_JPEG_QUALITY, 90, cv2.IMWRITE_JPEG_PROGRESSIVE, 1)
    start, end = progressive.rindex(b"\xff\xda"), progressive.rindex(b"\xff\xd9")
    black = enc(".jpg", np.zeros((side, side, 3), np.uint8), cv2.IMWRITE_JPEG_QUALITY, 1)
    return {
        "baseline JPEG q90": enc(".jpg", image, cv2.IMWRITE_JPEG_QUALITY, 90),
        "baseline JPEG, black, quality 1": black,
        "progressive JPEG (10 scans)": progressive,
        "progressive JPEG, last scan repeated 200x": progressive[:end] + progressive[start:end] * 200 + progressive[end:],
        "PNG 8-bit RGB": enc(".png", image),
        "PNG 8-bit grey": enc(".png", image[..., 0]),
        "PNG 8-bit RGBA": enc(".png", cv2.cvtColor(image, cv2.COLOR_BGR2BGRA)),
        "PNG 16-bit RGB": enc(".png", image.astype(np.uint16) * 257),
    }


def full_path_s(data: bytes, repeats: int) -> float:
    """Wall time of the node's path on one frame: decode, engine, masks at frame size, overlay."""
    from follow_me_seg.inference.engine import SegmentationEngine
    from follow_me_seg.perception.overlay import draw_overlay
    from follow_me_seg.perception.pipeline import segment_frame

    engine = SegmentationEngine(backend="auto")
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        rgb = cv2.cvtColor(decode_image(data), cv2.COLOR_BGR2RGB)
        result = segment_frame(engine.predict, rgb)
        _ = result.target_mask, draw_overlay(rgb, result.class_ids, result.target)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m follow_me_seg.cli.decode_bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--side", type=count(16, 8192), default=4096, help="frame side (px); 4096 is the default limit")
    p.add_argument("--repeats", type=count(1, 100), default=3, help="timings per case (the best counts)")
    p.add_argument("--no-full-path", action="store_true", help="skip the node's whole path")
    args = p.parse_args(argv)
    frames = cases(args.side)
    baseline = None
    for name, data in frames.items():
        seconds, outcome = _cpu_s(data, args.repeats)
        baseline = baseline or seconds
        print(f"{name:<44} {len(data) / 1024:9.1f} KiB  {seconds:7.3f} s CPU  {seconds / baseline:5.2f}x  {outcome}")
    if not args.no_full_path:
        seconds = full_path_s(frames["baseline JPEG, black, quality 1"], args.repeats)
        print(f"node path, {args.side}x{args.side} black JPEG: {seconds:.3f} s wall ({seconds / baseline:.2f}x the "
              "baseline decode)")
    return 0


entry = run_cli(main)

if __name__ == "__main__":
    entry()
