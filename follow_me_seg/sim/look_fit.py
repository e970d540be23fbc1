"""Fit ``DistanceLook`` to the follow-me data: hero colours per size bucket, in the data and as rendered
(the tool is ``python -m follow_me_seg.cli.fit_look``)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np

from follow_me_seg.core.classes import HERO
from follow_me_seg.core.image_files import resize_frame
from follow_me_seg.learning.dataset import find_pairs, load_pair, resize_mask
from follow_me_seg.learning.scoring import SIZE_BUCKETS, bucket_name
from follow_me_seg.sim.camera import Camera
from follow_me_seg.sim.look import DistanceLook
from follow_me_seg.sim.render import Renderer
from follow_me_seg.sim.sprites import load_sprites
from follow_me_seg.sim.world import Walker

Table = dict[str, tuple[int, float, float]]
# The data's table (train + validation, 160x160): bucket -> (heroes, mean R-G, mean HSV value).
DATA_HERO_COLOURS: Table = {"4-20": (599, 14.0, 76.1), "20-50": (407, 19.7, 73.1), "50-100": (113, 27.0, 65.7),
                            "100-400": (112, 38.0, 72.6), "400+": (562, 54.5, 83.2)}
RENDER_DISTANCES_M = tuple(float(d) for d in np.geomspace(3.5, 40.0, 14))
ALTITUDE_M = 2.5


def hero_colour(rgb: np.ndarray, ids: np.ndarray) -> tuple[int, float, float]:
    """Hero pixels, their mean R-G and mean HSV value, in one (H, W, 3) RGB frame and its class ids."""
    hero = rgb[ids == HERO].astype(np.float32)
    if not len(hero):
        return 0, math.nan, math.nan
    return len(hero), float((hero[:, 0] - hero[:, 1]).mean()), float(hero.max(axis=1).mean())


def bucket_table(samples: list[tuple[int, float, float]]) -> Table:
    """(hero pixels, R-G, value) per frame -> bucket -> (frames, mean R-G, mean value); empty buckets left out."""
    table = {}
    for low, high in SIZE_BUCKETS:
        rows = [s for s in samples if s[0] >= low and (high is None or s[0] < high)]
        if rows:
            table[bucket_name(low, high)] = (len(rows), round(float(np.mean([r[1] for r in rows])), 1),
                                             round(float(np.mean([r[2] for r in rows])), 1))
    return table


def data_table(followme: str | Path, splits: tuple[str, ...] = ("train", "validation"), step: int = 1) -> Table:
    """The data's hero colours per size bucket at 160x160: every ``step``-th frame of ``splits``."""
    samples = []
    for split in splits:
        samples += [hero_colour(*load_pair(pair)) for pair in find_pairs(Path(followme) / split)[::step]]
    return bucket_table(samples)


def rendered_table(look: DistanceLook | None, camera: Camera | None = None, sprite_step: int = 1) -> Table:
    """Every ``sprite_step``-th hero sprite rendered alone straight ahead at ``RENDER_DISTANCES_M`` from
    ``ALTITUDE_M``, at 160x160 as the network sees it, tabulated per size bucket."""
    sprites = load_sprites()
    renderer = Renderer(camera or Camera(), sprites, look=look)
    samples = []
    for sprite, distance in itertools.product(range(0, len(sprites.heroes), sprite_step), RENDER_DISTANCES_M):
        frame = renderer.render((0.0, 0.0, ALTITUDE_M), 0.0, [(Walker(distance, 0.0, 0.0, 0.0, sprite), True)])
        samples.append(hero_colour(resize_frame(frame.rgb), resize_mask(frame.class_ids)))
    return bucket_table(samples)


def table_error(rendered: Table, data: Table) -> float:
    """Root mean square of the R-G and value differences over the buckets both tables hold."""
    shared = [b for b in data if b in rendered]
    return math.sqrt(np.mean([(rendered[b][i] - data[b][i]) ** 2 for b in shared for i in (1, 2)]))


def fit(data: Table, sprite_step: int = 3) -> DistanceLook:
    """The grid's look whose rendered table is closest to ``data``."""
    grid = itertools.product((0.0, 4.0), (6.0, 12.0, 24.0), (0.4, 0.6, 0.8, 1.0), (0.0, 0.15, 0.3), (0.0, 0.2, 0.4))
    looks = [DistanceLook(start_m=a, scale_m=s, desaturation=d, dimming=m, haze=h) for a, s, d, m, h in grid]
    return min(looks, key=lambda look: table_error(rendered_table(look, sprite_step=sprite_step), data))
