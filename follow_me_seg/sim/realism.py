"""How honest the simulated world is: each lever of ``Realism`` can be switched off on its own.

``REALISM["optimistic"]`` is the simulator as it was first written (every lever off: the same frames
and figures for the same seed); ``REALISM["realistic"]`` (the default) turns all levers on:

- ``distance_look``: far people dim, lose colour and fade into haze (``look.DistanceLook``, fitted to the data);
- ``occluders``: static poles and trees scattered over the area the hero walks in;
- ``distractor``: a bystander drawn with hero sprites (the hero's colours) wanders about;
- the camera (``Sensor``): motion blur from the drone's yaw rate and speed during ``exposure_s``,
  Gaussian sensor noise, JPEG compression, and ``latency_s`` between capture and the engine.

The class mask and depth of a frame stay exact for the scene captured; only its RGB is degraded.
"""

from __future__ import annotations

import collections
import math
from dataclasses import dataclass

import cv2
import numpy as np

from follow_me_seg.sim.camera import Camera
from follow_me_seg.sim.drone import DroneState
from follow_me_seg.sim.render import Frame


@dataclass(frozen=True)
class Realism:
    """The realism levers; ``Realism()`` turns them all on."""

    distance_look: bool = True
    occluders: int = 40  # static occluders over the OCCLUDER_AREA_M rectangle ahead of the drone
    distractor: bool = True
    latency_s: float = 0.1  # the engine gets the frame captured this long before
    exposure_s: float = 0.02  # motion blur over this exposure; 0: none
    noise_std: float = 3.0  # sensor noise, grey levels; 0: none
    jpeg_quality: int = 85  # 0: no compression


REALISM = {
    "realistic": Realism(),
    "optimistic": Realism(distance_look=False, occluders=0, distractor=False, latency_s=0.0, exposure_s=0.0,
                          noise_std=0.0, jpeg_quality=0),
}


def blur_kernel(dx: float, dy: float) -> np.ndarray | None:
    """A normalised line kernel for a smear of (dx, dy) pixels; None when under one pixel."""
    length = math.hypot(dx, dy)
    if length < 1.0:
        return None
    half = math.ceil(length / 2)
    size = 2 * half + 1
    canvas = np.zeros((size * 8, size * 8), np.uint8)  # drawn 8x larger, then shrunk: sub-pixel ends
    centre = size * 4
    cv2.line(canvas, (round(centre - dx * 4), round(centre - dy * 4)), (round(centre + dx * 4), round(centre + dy * 4)),
             255, 8)
    kernel = cv2.resize(canvas, (size, size), interpolation=cv2.INTER_AREA).astype(np.float32)
    return kernel / kernel.sum()


class Sensor:
    """The camera's degradations of rendered frames and its latency; ``rng`` draws the noise."""

    def __init__(self, realism: Realism, camera: Camera, rng: np.random.Generator):
        self.realism, self.camera, self.rng = realism, camera, rng
        self._captured: collections.deque[tuple[float, Frame]] = collections.deque()
        self._field: np.ndarray | None = None

    def smear_px(self, state: DroneState) -> tuple[float, float]:
        """Image motion (px) over the exposure: sideways from the yaw rate, downwards from flying forward
        (a ground point on the optical axis moves by v sin^2(pitch) / altitude rad/s)."""
        focal, exposure = self.camera.k[0, 0], self.realism.exposure_s
        forward = state.vx * math.sin(self.camera.pitch_rad) ** 2 / max(state.z, 0.1)
        return state.yaw_rate * exposure * focal, forward * exposure * focal

    def expose(self, rgb: np.ndarray, state: DroneState) -> np.ndarray:
        """``rgb`` as the sensor records it while the drone moves as ``state`` says."""
        r = self.realism
        kernel = blur_kernel(*self.smear_px(state)) if r.exposure_s > 0 else None
        if kernel is not None:
            rgb = cv2.filter2D(rgb, -1, kernel, borderType=cv2.BORDER_REFLECT)
        if r.noise_std > 0:
            rgb = np.clip(rgb + self._noise(rgb.shape) + 0.5, 0, 255).astype(np.uint8)
        if r.jpeg_quality > 0:
            _, data = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), (cv2.IMWRITE_JPEG_QUALITY, r.jpeg_quality))
            rgb = cv2.cvtColor(cv2.imdecode(data, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
        return rgb

    def _noise(self, shape: tuple[int, ...]) -> np.ndarray:
        """Gaussian noise of ``shape``: a random window of a field twice the size, drawn once (drawing
        every frame afresh cost more than rendering it)."""
        height, width = shape[:2]
        if self._field is None or self._field.shape[0] < 2 * height or self._field.shape[1] < 2 * width:
            self._field = self.rng.standard_normal((2 * height, 2 * width, *shape[2:]), dtype=np.float32)
            self._field *= np.float32(self.realism.noise_std)
        y, x = self.rng.integers(height + 1), self.rng.integers(width + 1)
        return self._field[y:y + height, x:x + width]

    def capture(self, frame: Frame, time_s: float, state: DroneState) -> Frame:
        """Record ``frame`` at ``time_s``; return the latest frame captured ``latency_s`` or more before."""
        rgb = self.expose(frame.rgb, state)
        self._captured.append((time_s, frame if rgb is frame.rgb else Frame(rgb, frame.class_ids, frame.depth)))
        due = time_s - self.realism.latency_s + 1e-9
        while len(self._captured) > 1 and self._captured[1][0] <= due:
            self._captured.popleft()
        return self._captured[0][1]
