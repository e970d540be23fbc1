"""Closed-loop outputs: the per-step CSV and the top-down plot of the drone's and the hero's paths."""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import astuple, fields
from typing import Sequence

from follow_me_seg.core.atomic_files import atomic_path, write_text_atomic
from follow_me_seg.sim.loop import StepRecord, blob_on_hero, blob_range


def _cell(value) -> str:
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        return "" if not math.isfinite(value) else f"{value:.4f}"
    return str(value)


def write_steps_csv(path: str | os.PathLike, records: Sequence[StepRecord]) -> None:
    """One row per step, columns named after :class:`StepRecord`'s fields (empty for NaN)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([f.name for f in fields(StepRecord)])
    writer.writerows([_cell(v) for v in astuple(record)] for record in records)
    write_text_atomic(path, buffer.getvalue())


class BlobLog:
    """Every hero blob of every step (a ``run_episode`` hook): on the hero or not, size, score, range, chosen.

    It shows what the follower had to choose from: which false heroes the network saw, how large and
    how confident, and whether the follower steered on one.
    """

    COLUMNS = ("scenario", "episode", "t_s", "blob", "on_hero", "pixels", "score", "width", "height",
               "centroid_x", "centroid_y", "range_m", "chosen")

    def __init__(self, k: list[float], depth_window: int):
        self.k, self.depth_window, self.rows = k, depth_window, []

    def add(self, frame, result, record: StepRecord) -> None:
        for index, blob in enumerate(result.blobs):
            distance = blob_range(blob, frame, self.k, self.depth_window)
            chosen = record.detected and (blob.centroid_x, blob.centroid_y) == (record.det_cx, record.det_cy)
            self.rows.append((record.scenario, record.episode, record.t_s, index, blob_on_hero(blob, frame.class_ids),
                              blob.pixels, blob.score, blob.bbox[2], blob.bbox[3], blob.centroid_x, blob.centroid_y,
                              math.nan if distance is None else distance, chosen))

    def save(self, path: str | os.PathLike) -> None:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.COLUMNS)
        writer.writerows([_cell(v) for v in row] for row in self.rows)
        write_text_atomic(path, buffer.getvalue())


def plot_trajectories(path: str | os.PathLike, records: Sequence[StepRecord]) -> None:
    """Top-down paths (world x, y in metres), one panel per scenario, one colour per episode."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scenarios = list(dict.fromkeys(r.scenario for r in records))
    columns = min(3, len(scenarios))
    rows = math.ceil(len(scenarios) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(5 * columns, 4.6 * rows), squeeze=False)
    for ax, scenario in zip(axes.flat, scenarios):
        mine = [r for r in records if r.scenario == scenario]
        for number, episode in enumerate(dict.fromkeys(r.episode for r in mine)):
            steps = [r for r in mine if r.episode == episode]
            colour = plt.cm.tab10(number % 10)
            ax.plot([r.hero_x for r in steps], [r.hero_y for r in steps], "--", color=colour, lw=1)
            ax.plot([r.drone_x for r in steps], [r.drone_y for r in steps], "-", color=colour, lw=1.5)
            ax.plot(steps[0].drone_x, steps[0].drone_y, "o", color=colour, ms=4)
        ax.set_title(f"{scenario}: drone (solid), hero (dashed)")
        ax.set_xlabel("x (m)")
        ax.set_ylabel("y (m)")
        ax.set_aspect("equal", adjustable="datalim")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(scenarios):]:
        ax.axis("off")
    figure.tight_layout()
    with atomic_path(path) as tmp:
        figure.savefig(tmp, dpi=90)
    plt.close(figure)
