"""The simulated drone: first-order response to body-frame commands, limits, wind."""

from __future__ import annotations

import math

import numpy as np
import pytest

from follow_me_seg.sim.drone import Drone, DroneParams, DroneState


def fly(drone: Drone, command: tuple[float, float, float], seconds: float, dt: float = 0.1) -> None:
    for _ in range(round(seconds / dt)):
        drone.step(*command, dt)


def test_forward_speed_follows_a_first_order_response():
    drone = Drone(DroneState(), DroneParams(time_constant_s=0.5))
    drone.step(1.0, 0.0, 0.0, 0.5)
    assert drone.state.vx == pytest.approx(1 - math.exp(-1), rel=1e-3)  # one time constant: 63%
    fly(drone, (1.0, 0.0, 0.0), 4.5)
    assert drone.state.vx == pytest.approx(1.0, abs=1e-4)
    travelled = 5.0 - 0.5 * (1 - math.exp(-10))  # integral of 1 - exp(-t / tau) over 5 s
    assert drone.state.x == pytest.approx(travelled, abs=0.01)
    assert drone.state.y == pytest.approx(0.0)


def test_body_frame_forward_moves_along_the_heading_and_yaw_turns_left():
    drone = Drone(DroneState(yaw=math.pi / 2), DroneParams(time_constant_s=0.05))
    fly(drone, (1.0, 0.0, 0.0), 2.0)
    assert drone.state.y == pytest.approx(2.0 - 0.05, abs=0.01) and drone.state.x == pytest.approx(0.0, abs=1e-9)
    turning = Drone(DroneState(), DroneParams(time_constant_s=0.05))
    fly(turning, (0.0, 0.0, 0.5), 1.0)
    assert turning.state.yaw == pytest.approx(0.5 - 0.5 * 0.05, abs=0.005)  # counter-clockwise: left


def test_a_forward_and_yaw_command_flies_a_circle():
    drone = Drone(DroneState(), DroneParams(time_constant_s=0.01))
    fly(drone, (1.0, 0.0, 0.5), 2 * math.pi / 0.5, dt=0.05)  # one full turn of radius v / w = 2 m
    assert math.hypot(drone.state.x, drone.state.y) < 0.1


def test_commands_are_clamped_and_the_drone_stays_above_the_ground():
    drone = Drone(DroneState(z=1.0), DroneParams(max_speed=2.0, max_vertical_speed=0.5, max_yaw_rate=1.0,
                                                 min_altitude=0.5))
    fly(drone, (10.0, -5.0, -9.0), 5.0)
    assert (drone.state.vx, drone.state.vz, drone.state.yaw_rate) == pytest.approx((2.0, -0.5, -1.0), abs=1e-3)
    assert drone.state.z == 0.5
    fly(drone, (math.nan, math.inf, 0.0), 5.0)  # garbage commands count as zero
    assert (drone.state.vx, drone.state.vz) == pytest.approx((0.0, 0.0), abs=1e-3)


def test_yaw_stays_within_plus_minus_pi():
    drone = Drone(DroneState(), DroneParams())
    fly(drone, (0.0, 0.0, 1.5), 10.0)
    assert -math.pi <= drone.state.yaw <= math.pi


def test_wind_drifts_a_hovering_drone_the_same_way_for_the_same_seed():
    def drift(seed: int) -> tuple[float, float]:
        drone = Drone(DroneState(), DroneParams(wind_std_mps=0.5), np.random.default_rng(seed))
        fly(drone, (0.0, 0.0, 0.0), 10.0)
        return drone.state.x, drone.state.y

    assert drift(1) == drift(1)
    assert drift(1) != drift(2)
    assert math.hypot(*drift(1)) > 0.1
    calm = Drone(DroneState(), DroneParams())
    fly(calm, (0.0, 0.0, 0.0), 10.0)
    assert (calm.state.x, calm.state.y) == (0.0, 0.0)
