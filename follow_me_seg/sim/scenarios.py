"""Scripted hero scenarios, each with seeded random variation, and the world they start.

The drone starts at the origin, yawed along +x; the hero starts ahead of it, walking away.

- ``straight``: a steady walk;
- ``zigzag``: turns of 30-60 degrees to alternate sides every 3-6 s;
- ``stop_and_go``: walks 4-8 s, stands 2-4 s;
- ``crowd``: a steady walk while three more people keep crossing between the drone and the hero;
- ``far_start``: starts 25 m away (a few pixels tall) and strolls;
- ``lost``: a steady walk; the hero vanishes for 3-5 s about every 20 s, then returns.
"""

from __future__ import annotations

import math

import numpy as np

from follow_me_seg.sim.world import WANDER_RADIUS_M, Walker, World

SCENARIOS = ("straight", "zigzag", "stop_and_go", "crowd", "far_start", "lost")
START_DISTANCE_M = (6.0, 9.0)
FAR_START_DISTANCE_M = 25.0
HERO_SPEED_MPS = (1.0, 1.4)
HERO_TURN_RATE = 0.8  # rad/s
CROSSERS = 3
CROSS_OFFSET_M = 3.5  # crossers start and end this far to either side of the drone-hero line


class Straight:
    def steer(self, world: World, dt: float, drone_xy: tuple[float, float]) -> None:
        pass


class Zigzag:
    def __init__(self, hero: Walker, rng: np.random.Generator):
        self.base, self.rng, self.side = hero.heading, rng, 1.0
        self.goal, self.next_turn_s = hero.heading, rng.uniform(3.0, 6.0)

    def steer(self, world: World, dt: float, drone_xy: tuple[float, float]) -> None:
        if world.time_s >= self.next_turn_s:
            self.goal = self.base + self.side * self.rng.uniform(math.radians(30), math.radians(60))
            self.side, self.next_turn_s = -self.side, world.time_s + self.rng.uniform(3.0, 6.0)
        world.hero.turn_towards(self.goal, HERO_TURN_RATE, dt)


class StopAndGo:
    def __init__(self, hero: Walker, rng: np.random.Generator):
        self.pace, self.rng = hero.speed, rng
        self.next_switch_s = rng.uniform(4.0, 8.0)

    def steer(self, world: World, dt: float, drone_xy: tuple[float, float]) -> None:
        if world.time_s >= self.next_switch_s:
            walking = world.hero.speed > 0
            world.hero.speed = 0.0 if walking else self.pace
            self.next_switch_s = world.time_s + (self.rng.uniform(2.0, 4.0) if walking else self.rng.uniform(4.0, 8.0))


class Crowd:
    """Crossers wait out of sight, then walk across the drone-hero line between the two."""

    def __init__(self, crossers: list[Walker], rng: np.random.Generator):
        self.crossers, self.rng = crossers, rng
        self.start_s = [rng.uniform(0.0, 3.0) for _ in crossers]
        self.origin: list[tuple[float, float, float, float] | None] = [None] * len(crossers)  # x, y, normal x, y

    def steer(self, world: World, dt: float, drone_xy: tuple[float, float]) -> None:
        for i, walker in enumerate(self.crossers):
            if not walker.visible and world.time_s >= self.start_s[i]:
                self._launch(i, walker, world.hero, drone_xy)
            elif walker.visible:
                x0, y0, nx, ny = self.origin[i]
                if (walker.x - x0) * nx + (walker.y - y0) * ny > 2 * CROSS_OFFSET_M:
                    walker.visible = False
                    self.start_s[i] = world.time_s + self.rng.uniform(0.5, 2.5)

    def _launch(self, i: int, walker: Walker, hero: Walker, drone_xy: tuple[float, float]) -> None:
        dx, dy = hero.x - drone_xy[0], hero.y - drone_xy[1]
        length = math.hypot(dx, dy) or 1.0
        side = self.rng.choice((-1.0, 1.0))
        nx, ny = -dy / length * side, dx / length * side  # unit normal: the crossing direction
        along = self.rng.uniform(0.4, 0.8)
        walker.x = drone_xy[0] + along * dx - nx * CROSS_OFFSET_M
        walker.y = drone_xy[1] + along * dy - ny * CROSS_OFFSET_M
        walker.heading, walker.speed, walker.visible = math.atan2(ny, nx), self.rng.uniform(1.2, 1.6), True
        self.origin[i] = (walker.x, walker.y, nx, ny)


class Lost:
    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.hide_s, self.show_s = rng.uniform(12.0, 16.0), math.inf

    def steer(self, world: World, dt: float, drone_xy: tuple[float, float]) -> None:
        if world.hero.visible and world.time_s >= self.hide_s:
            world.hero.visible = False
            self.show_s = world.time_s + self.rng.uniform(3.0, 5.0)
        elif not world.hero.visible and world.time_s >= self.show_s:
            world.hero.visible = True
            self.hide_s = world.time_s + self.rng.uniform(15.0, 20.0)


def make_world(scenario: str, rng: np.random.Generator, hero_sprites: int, person_sprites: int,
               others: int = 6, start_distance_m: float | None = None) -> World:
    """The starting world of ``scenario``; ``start_distance_m`` overrides the scenario's starting distance."""
    if scenario not in SCENARIOS:
        raise ValueError(f"scenario must be one of {', '.join(SCENARIOS)}, got {scenario!r}")
    far = scenario == "far_start"
    distance = start_distance_m or (FAR_START_DISTANCE_M if far else rng.uniform(*START_DISTANCE_M))
    bearing = rng.uniform(-0.1, 0.1)
    hero = Walker(x=distance * math.cos(bearing), y=distance * math.sin(bearing),
                  heading=rng.uniform(-0.8, 0.8) if far else rng.uniform(-0.3, 0.3),
                  speed=rng.uniform(0.5, 0.9) if far else rng.uniform(*HERO_SPEED_MPS),
                  sprite=int(rng.integers(hero_sprites)))
    crowd = []
    for _ in range(others):
        radius, angle = WANDER_RADIUS_M * math.sqrt(rng.uniform(0.05, 1.0)), rng.uniform(-math.pi, math.pi)
        crowd.append(Walker(x=hero.x + radius * math.cos(angle), y=hero.y + radius * math.sin(angle),
                            heading=rng.uniform(-math.pi, math.pi), speed=rng.uniform(0.8, 1.5),
                            sprite=int(rng.integers(person_sprites))))
    crossers = [Walker(0.0, 0.0, 0.0, 0.0, sprite=int(rng.integers(person_sprites)), visible=False, wanders=False)
                for _ in range(CROSSERS if scenario == "crowd" else 0)]
    script = {
        "straight": lambda: Straight(),
        "far_start": lambda: Straight(),
        "zigzag": lambda: Zigzag(hero, rng),
        "stop_and_go": lambda: StopAndGo(hero, rng),
        "crowd": lambda: Crowd(crossers, rng),
        "lost": lambda: Lost(rng),
    }[scenario]()
    return World(hero, crowd + crossers, script, rng)
