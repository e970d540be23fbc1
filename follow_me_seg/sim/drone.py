"""The simulated drone: flies body-frame FLU velocity commands with a first-order response and limits.

State: position (x, y, altitude) in the world frame (REP-103), yaw (rad, counter-clockwise from x),
and the achieved body velocities. A command (forward m/s, up m/s, yaw rate rad/s) is clamped to the
limits and approached with time constant ``time_constant_s``; optional wind adds a seeded
Ornstein-Uhlenbeck drift to the ground velocity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SUBSTEP_S = 0.01


@dataclass(frozen=True)
class DroneParams:
    """Response time constant, command limits, lowest altitude and wind (m/s standard deviation)."""

    time_constant_s: float = 0.3
    max_speed: float = 3.0
    max_vertical_speed: float = 1.0
    max_yaw_rate: float = 1.5
    min_altitude: float = 0.5
    wind_std_mps: float = 0.0
    wind_time_constant_s: float = 2.0


@dataclass
class DroneState:
    x: float = 0.0
    y: float = 0.0
    z: float = 2.5
    yaw: float = 0.0
    vx: float = 0.0  # achieved forward speed, m/s
    vz: float = 0.0  # achieved climb rate, m/s
    yaw_rate: float = 0.0  # achieved yaw rate, rad/s
    wind_x: float = 0.0  # world-frame wind drift, m/s
    wind_y: float = 0.0

    @property
    def position(self) -> np.ndarray:
        return np.array([self.x, self.y, self.z])


def _clamp(value: float, limit: float) -> float:
    return min(limit, max(-limit, value)) if math.isfinite(value) else 0.0


class Drone:
    """Integrates commands over time; ``rng`` drives the wind (unused when wind_std_mps is 0)."""

    def __init__(self, state: DroneState | None = None, params: DroneParams | None = None,
                 rng: np.random.Generator | None = None):
        self.state = state or DroneState()
        self.params = params or DroneParams()
        self._rng = rng or np.random.default_rng(0)

    def step(self, vx: float, vz: float, yaw_rate: float, dt: float) -> DroneState:
        """Fly the command (forward m/s, up m/s, yaw rate rad/s) for ``dt`` seconds; return the new state."""
        p, s = self.params, self.state
        target = (_clamp(vx, p.max_speed), _clamp(vz, p.max_vertical_speed), _clamp(yaw_rate, p.max_yaw_rate))
        steps = max(1, round(dt / SUBSTEP_S))
        h = dt / steps
        blend = 1.0 - math.exp(-h / p.time_constant_s)
        for _ in range(steps):
            s.vx += (target[0] - s.vx) * blend
            s.vz += (target[1] - s.vz) * blend
            s.yaw_rate += (target[2] - s.yaw_rate) * blend
            if p.wind_std_mps > 0:
                self._blow(h)
            s.yaw = math.remainder(s.yaw + s.yaw_rate * h, math.tau)
            s.x += (s.vx * math.cos(s.yaw) + s.wind_x) * h
            s.y += (s.vx * math.sin(s.yaw) + s.wind_y) * h
            s.z = max(p.min_altitude, s.z + s.vz * h)
        return s

    def _blow(self, h: float) -> None:
        """One Ornstein-Uhlenbeck step of the wind, stationary standard deviation wind_std_mps per axis."""
        p, s = self.params, self.state
        decay = math.exp(-h / p.wind_time_constant_s)
        spread = p.wind_std_mps * math.sqrt(1.0 - decay * decay)
        noise = self._rng.standard_normal(2)
        s.wind_x = s.wind_x * decay + spread * noise[0]
        s.wind_y = s.wind_y * decay + spread * noise[1]
