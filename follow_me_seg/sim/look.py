"""How distance changes a person's colours, fitted to the follow-me data's heroes per size bucket.

A shrunk close-up sprite keeps its close-up colours; in the data, far heroes are darker and far less
red. ``DistanceLook`` pulls a person's colours towards their own grey (desaturation), scales them
down (dimming) and blends them into a haze colour, each by a share that grows as 1 - exp(-(d - start) / scale)
with the body-centre depth d beyond ``start``. Its defaults were fitted (table: docs/simulator.md, "Realism") by

    python -m follow_me_seg.cli.fit_look --data ../shared/data/followme

which reads ``train`` and ``validation`` (images + masks), takes each frame's hero pixels at 160x160
(mean R-G and HSV value per frame, averaged per hero size bucket), renders the shipped hero sprites
at distances spanning the buckets, and grid-searches the look that brings the rendered table closest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DistanceLook:
    """Desaturation, dimming and haze (shares at full distance) growing with the depth beyond ``start_m``
    over ``scale_m``."""

    # fitted by ``python -m follow_me_seg.cli.fit_look --data ../shared/data/followme`` (docs/simulator.md, "Realism"):
    # the grid's best look only desaturates; dimming and haze made the table worse
    start_m: float = 4.0
    scale_m: float = 12.0
    desaturation: float = 0.6
    dimming: float = 0.0
    haze: float = 0.0
    haze_rgb: tuple[int, int, int] = (150, 150, 150)

    def apply(self, rgb: np.ndarray, distance_m: float) -> np.ndarray:
        """``rgb`` (..., 3) uint8 as seen from ``distance_m`` metres (uint8)."""
        share = 1.0 - math.exp(-max(distance_m - self.start_m, 0.0) / self.scale_m)
        colour = rgb.astype(np.float32)
        grey = colour @ np.float32([0.299, 0.587, 0.114])
        colour = grey[..., None] + (colour - grey[..., None]) * (1.0 - self.desaturation * share)
        colour *= 1.0 - self.dimming * share
        colour += (np.float32(self.haze_rgb) - colour) * (self.haze * share)
        return np.clip(colour + 0.5, 0, 255).astype(np.uint8)
