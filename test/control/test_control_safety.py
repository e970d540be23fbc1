"""Attack tests of the control law: clock-jump fuzz, and hostile numbers from a hero box."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from follow_me_seg.control.law import HOVER, ControlParams, FollowController, Observation, observation_from_box

SCENARIOS = 400
TICKS = 200


def worst_late_motion(rng: np.random.Generator, notified: bool, search: bool) -> tuple[float, list[str]]:
    """Run one random scenario; return the worst (time since the last sighting - timeout - one period)
    at which a motion command was sent, and any search command that was more than a turn.

    Between two control ticks the clock may jump. ``notified``: any number of jumps of any size,
    each backward one reported with ``reset()`` as the follower node's clock jump callback does.
    Otherwise at most one jump per tick, backward ones longer than a period, so the samples show them.
    """
    period = 1.0 / float(rng.choice([5.0, 10.0, 20.0, 50.0]))
    params = replace(ControlParams(), target_timeout=float(rng.uniform(0.1, 3.0)),
                     smoothing=float(rng.uniform(0, 0.95)), search_yaw_rate=0.5 if search else 0.0,
                     search_delay=float(rng.uniform(0, 1)))
    controller = FollowController(params)
    offset = float(rng.choice([0.0, 1.7e9])) + float(rng.uniform(0, 100))
    last_seen, seeing, worst, bad_search = None, bool(rng.integers(2)), -math.inf, []
    for tick in range(TICKS):
        true_s = tick * period
        for _ in range(int(rng.poisson(0.3)) if notified else int(rng.random() < 0.2)):
            backward = rng.random() < 0.6
            shortest = 1e-6 if notified else 1.01 * period
            size = math.exp(rng.uniform(math.log(shortest), math.log(200.0)))
            offset += -size if backward else size
            if backward and notified:
                controller.reset()
        if rng.random() < 0.08:
            seeing = not seeing
        observation = None
        if seeing and rng.random() < 0.7:
            observation = Observation(float(rng.uniform(-1, 1)), float(rng.uniform(-1, 1)), float(rng.uniform(0, 1)))
            last_seen = true_s
        command = controller.update(observation, true_s + offset)
        if command.mode == "search":
            if command.vx or command.vz or not command.yaw_rate:
                bad_search.append(str(command))
        elif command.vx or command.vz or command.yaw_rate:
            late = math.inf if last_seen is None else true_s - last_seen - params.target_timeout - period
            worst = max(worst, late)
    return worst, bad_search


@pytest.mark.parametrize("notified", [True, False], ids=["jumps-reported", "jumps-seen-in-samples"])
@pytest.mark.parametrize("search", [False, True], ids=["no-search", "search"])
def test_no_motion_later_than_timeout_plus_one_period_after_any_clock_jumps(notified, search):
    rng = np.random.default_rng(2026 + notified + 2 * search)
    results = [worst_late_motion(rng, notified, search) for _ in range(SCENARIOS)]
    worst = max(late for late, _ in results)
    assert worst <= 0.0, f"a motion command {worst:.3f} s after target_timeout + one period"
    assert [bad for _, bad in results if bad] == []
    assert worst > -math.inf  # the scenarios did command motion


def test_one_backward_jump_while_holding_hovers_at_once():
    controller = FollowController(ControlParams(target_timeout=2.7))
    assert controller.update(Observation(0.5, 0.0, 0.1), 1000.0).mode == "track"
    assert controller.update(None, 1000.5).mode == "hold"
    assert controller.update(None, 999.0) == HOVER


def test_a_forward_jump_ends_the_hold():
    controller = FollowController(ControlParams(target_timeout=1.0))
    controller.update(Observation(0.5, 0.0, 0.1), 10.0)
    assert controller.update(None, 3600.0) == HOVER


@pytest.mark.parametrize("size", [1e-300, 5e-324, 0.5])
def test_an_image_smaller_than_a_pixel_gives_no_observation(size):
    for measure in ("bbox_height", "bbox_area"):
        assert observation_from_box(0.0, 0.0, 1.0, 1.0, size, size, measure) is None


def test_numpy_float32_boxes_are_followed():
    box = tuple(np.float32(v) for v in (200.0, 60.0, 20.0, 30.0))
    observation = observation_from_box(*box, np.int64(160), np.float32(120))
    assert observation is not None and observation.size == 0.25
    assert observation.offset_x == pytest.approx((200.0 - 79.5) / 80)
    command = FollowController(ControlParams(smoothing=0.0)).update(observation, 0.0)
    assert command.mode == "track" and command.yaw_rate < 0


def test_a_huge_gain_is_refused_and_a_huge_error_saturates_instead_of_overflowing_to_zero():
    with pytest.raises(ValueError, match="distance_gain must be in"):
        FollowController(ControlParams(distance_gain=1e308))
    params = ControlParams(distance_gain=20.0, yaw_gain=20.0, smoothing=0.5)
    command = FollowController(params).update(Observation(-1.0, 0.0, size=0.0, distance_m=1e308), 0.0)
    assert command.vx == params.max_forward_speed and command.yaw_rate == params.max_yaw_rate
