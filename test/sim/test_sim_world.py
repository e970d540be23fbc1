"""Scenarios and seeded determinism of the simulated world and its rendering."""

from __future__ import annotations

import math

import numpy as np
import pytest

from follow_me_seg.sim.scenarios import SCENARIOS, make_world
from follow_me_seg.sim.simulation import SimConfig, Simulation


def run(scenario: str, seconds: float, seed: int = 0, **config) -> list[tuple[float, float, float, float, bool]]:
    """(t, hero x, hero y, hero heading, hero visible) per 0.1 s of a hovering drone."""
    sim = Simulation(SimConfig(scenario=scenario, **config), seed)
    trace = []
    for _ in range(round(seconds * 10)):
        hero = sim.world.hero
        trace.append((sim.time_s, hero.x, hero.y, hero.heading, hero.visible))
        sim.step(0.0, 0.0, 0.0, 0.1)
    return trace


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_same_seed_same_frames_other_seed_other_frames(scenario):
    def frames(seed: int) -> list[np.ndarray]:
        sim = Simulation(SimConfig(scenario=scenario), seed)
        out = []
        for _ in range(3):
            frame = sim.render()
            out.append(np.concatenate([frame.rgb.reshape(-1), frame.class_ids.reshape(-1)]))
            sim.step(0.5, 0.0, 0.1, 0.5)
        return out

    first, again, other = frames(3), frames(3), frames(4)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other))


def test_scenarios_start_the_hero_ahead_walking_away():
    for seed in range(5):
        hero = make_world("straight", np.random.default_rng(seed), 4, 4).hero
        assert 6.0 <= math.hypot(hero.x, hero.y) <= 9.0 and abs(math.atan2(hero.y, hero.x)) <= 0.1
        assert abs(hero.heading) <= 0.3 and 1.0 <= hero.speed <= 1.4
    far = make_world("far_start", np.random.default_rng(0), 4, 4).hero
    assert math.hypot(far.x, far.y) == pytest.approx(25.0)
    near = make_world("straight", np.random.default_rng(0), 4, 4, start_distance_m=12.0).hero
    assert math.hypot(near.x, near.y) == pytest.approx(12.0)


def test_straight_keeps_its_heading_zigzag_turns_both_ways():
    assert len({round(h, 9) for _, _, _, h, _ in run("straight", 20)}) == 1
    headings = [h for _, _, _, h, _ in run("zigzag", 30)]
    start = headings[0]
    assert max(headings) - start > math.radians(25) and start - min(headings) > math.radians(25)


def test_stop_and_go_stands_still_then_walks_again():
    trace = run("stop_and_go", 40)
    moving = [math.hypot(b[1] - a[1], b[2] - a[2]) > 1e-9 for a, b in zip(trace, trace[1:])]
    stops = sum(1 for a, b in zip(moving, moving[1:]) if a and not b)
    assert stops >= 2 and moving.count(False) >= 20


def test_lost_hides_the_hero_for_three_to_five_seconds_then_it_returns():
    visible = [v for *_, v in run("lost", 60)]
    gaps, length = [], 0
    for v in visible:
        if not v:
            length += 1
        elif length:
            gaps.append(length / 10)
            length = 0
    assert len(gaps) >= 2 and all(3.0 <= g <= 5.1 for g in gaps)
    assert visible[0]


def test_crowd_walks_people_across_between_drone_and_hero():
    sim = Simulation(SimConfig(scenario="crowd", others=0), 0)
    crossings = 0
    for _ in range(300):
        hero = sim.world.hero
        for walker in sim.world.others:
            if walker.visible:
                # crossing the drone-hero segment: the person is near the line, between the two
                along = (walker.x * hero.x + walker.y * hero.y) / (hero.x ** 2 + hero.y ** 2)
                offset = abs(walker.x * hero.y - walker.y * hero.x) / math.hypot(hero.x, hero.y)
                crossings += 0.1 < along < 0.9 and offset < 0.3
        sim.step(0.0, 0.0, 0.0, 0.1)
    assert crossings >= 5
