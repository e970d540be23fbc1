"""Scripted hero scenarios, each with seeded random variation, and the world they start.

The drone starts at the origin, yawed along +x; the hero starts ahead of it, walking away.

- ``straight``: a steady walk;
- ``zigzag``: turns of 30-60 degrees to alternate sides every 3-6 s;
- ``stop_and_go``: walks 4-8 s, stands 2-4 s;
- ``crowd``: a steady walk while three more people keep crossing between the drone and the hero;
- ``far_start``: starts 25 m away (a few pixels tall) and strolls;
- ``lost``: a steady walk; the hero vanishes for 3-5 s about every 20 s, then returns;
- ``occluded``: a steady walk while, every 8-12 s, a group in single file crosses between the drone
  and the hero, hiding it for 1-3 s;
- ``distractor``: a steady walk while a look-alike (hero sprites: the hero's colours) keeps crossing
  between the drone and the hero;
- ``turn_back``: the hero walks away, turns round after 4-8 s and walks back past the drone.

Realism (``make_world``'s ``extras``) adds static occluders and a wandering look-alike to any scenario.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from follow_me_seg.sim.world import OCCLUDER_KINDS, WANDER_RADIUS_M, Occluder, Walker, World

SCENARIOS = ("straight", "zigzag", "stop_and_go", "crowd", "far_start", "lost", "occluded", "distractor", "turn_back")
START_DISTANCE_M = (6.0, 9.0)
FAR_START_DISTANCE_M = 25.0
HERO_SPEED_MPS = (1.0, 1.4)
HERO_TURN_RATE = 0.8  # rad/s
CROSSERS = 3
CROSS_OFFSET_M = 3.5  # crossers start and end this far to either side of the drone-hero line
GROUP_SIZE = 5
GROUP_HIDE_S = (1.0, 3.0)  # how long a crossing group hides the hero
GROUP_AHEAD_M = 0.5  # it crosses this far in front of the hero
OCCLUDER_AREA_M = ((3.0, 75.0), (-25.0, 25.0))  # static occluders stand in this x, y rectangle


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


def _crossing(target: tuple[float, float], drone_xy: tuple[float, float], side: float,
              along: float) -> tuple[float, float, float, float]:
    """Where a crossing of the drone-``target`` line at ``along`` of its length starts (x, y), CROSS_OFFSET_M
    to one ``side`` (+-1) of it, and the crossing's unit direction."""
    dx, dy = target[0] - drone_xy[0], target[1] - drone_xy[1]
    length = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / length * side, dx / length * side  # unit normal: the crossing direction
    return drone_xy[0] + along * dx - nx * CROSS_OFFSET_M, drone_xy[1] + along * dy - ny * CROSS_OFFSET_M, nx, ny


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
        side = self.rng.choice((-1.0, 1.0))
        walker.x, walker.y, nx, ny = _crossing((hero.x, hero.y), drone_xy, side, self.rng.uniform(0.4, 0.8))
        walker.heading, walker.speed, walker.visible = math.atan2(ny, nx), self.rng.uniform(1.2, 1.6), True
        self.origin[i] = (walker.x, walker.y, nx, ny)


class CrossingGroup:
    """A group in single file crosses the drone-hero line at one pace GROUP_AHEAD_M in front of where the
    hero will be (the camera looks over nearer people), packed so that it hides the hero for about
    GROUP_HIDE_S; first after 3-5 s, then every 8-12 s."""

    def __init__(self, group: list[Walker], rng: np.random.Generator):
        self.group, self.rng = group, rng
        self.start_s = rng.uniform(3.0, 5.0)
        self.end: tuple[float, float, float, float] | None = None  # the last walker's start x, y, direction x, y

    def steer(self, world: World, dt: float, drone_xy: tuple[float, float]) -> None:
        last = self.group[-1]
        if not last.visible and world.time_s >= self.start_s:
            self._launch(world.hero, drone_xy)
        elif last.visible:
            x0, y0, nx, ny = self.end
            if (last.x - x0) * nx + (last.y - y0) * ny > 2 * CROSS_OFFSET_M:
                for walker in self.group:
                    walker.visible = False
                self.start_s = world.time_s + self.rng.uniform(8.0, 12.0)

    def _launch(self, hero: Walker, drone_xy: tuple[float, float]) -> None:
        speed, side = self.rng.uniform(1.0, 1.4), self.rng.choice((-1.0, 1.0))
        lead_s = CROSS_OFFSET_M / speed  # where the hero will be when the group reaches its line
        ahead = (hero.x + hero.speed * lead_s * math.cos(hero.heading), hero.y + hero.speed * lead_s * math.sin(hero.heading))
        gap_m = math.hypot(ahead[0] - drone_xy[0], ahead[1] - drone_xy[1])
        x, y, nx, ny = _crossing(ahead, drone_xy, side, max(0.0, 1.0 - GROUP_AHEAD_M / max(gap_m, 1.0)))
        gap = max(0.3, speed * self.rng.uniform(*GROUP_HIDE_S) - 1.0) / (len(self.group) - 1)
        for i, walker in enumerate(self.group):  # the first in front, the others behind it in file
            walker.x, walker.y = x - nx * gap * i, y - ny * gap * i
            walker.heading, walker.speed, walker.visible = math.atan2(ny, nx), speed, True
        self.end = (walker.x, walker.y, nx, ny)


class TurnBack:
    """Walks away, turns round after 4-8 s and walks back at the drone, aiming up to 0.2 rad beside it
    until 3 m away, then straight on past it."""

    def __init__(self, rng: np.random.Generator):
        self.turn_s, self.offset, self.aiming = rng.uniform(4.0, 8.0), rng.uniform(-0.2, 0.2), True

    def steer(self, world: World, dt: float, drone_xy: tuple[float, float]) -> None:
        hero = world.hero
        if world.time_s < self.turn_s:
            return
        dx, dy = drone_xy[0] - hero.x, drone_xy[1] - hero.y
        self.aiming = self.aiming and math.hypot(dx, dy) > 3.0
        if self.aiming:
            hero.turn_towards(math.atan2(dy, dx) + self.offset, 2 * HERO_TURN_RATE, dt)


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
               others: int = 6, start_distance_m: float | None = None, extras: Extras | None = None) -> World:
    """The starting world of ``scenario``; ``start_distance_m`` overrides the scenario's starting distance;
    ``extras`` adds static occluders and a wandering look-alike."""
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
        crowd.append(_wanderer(hero, rng, lambda: int(rng.integers(person_sprites))))
    crossers = [Walker(0.0, 0.0, 0.0, 0.0, sprite=int(rng.integers(person_sprites)), visible=False, wanders=False)
                for _ in range(CROSSERS if scenario == "crowd" else GROUP_SIZE if scenario == "occluded" else 0)]
    if scenario == "distractor":
        crossers = [Walker(0.0, 0.0, 0.0, 0.0, sprite=_other(hero.sprite, hero_sprites, rng), visible=False,
                           wanders=False, hero_look=True)]
    script = {
        "straight": lambda: Straight(),
        "far_start": lambda: Straight(),
        "zigzag": lambda: Zigzag(hero, rng),
        "stop_and_go": lambda: StopAndGo(hero, rng),
        "crowd": lambda: Crowd(crossers, rng),
        "lost": lambda: Lost(rng),
        "occluded": lambda: CrossingGroup(crossers, rng),
        "distractor": lambda: Crowd(crossers, rng),
        "turn_back": lambda: TurnBack(rng),
    }[scenario]()
    occluders = ()
    if extras is not None:
        (x0, x1), (y0, y1) = OCCLUDER_AREA_M
        occluders = tuple(Occluder(extras.rng.uniform(x0, x1), extras.rng.uniform(y0, y1),
                                   OCCLUDER_KINDS[int(extras.rng.integers(len(OCCLUDER_KINDS)))])
                          for _ in range(extras.occluders))
        if extras.distractor:
            crowd.append(_wanderer(hero, extras.rng, lambda: _other(hero.sprite, hero_sprites, extras.rng), True))
    return World(hero, crowd + crossers, script, rng, occluders)


def _wanderer(hero: Walker, rng: np.random.Generator, sprite: Callable[[], int], hero_look: bool = False) -> Walker:
    """Someone wandering within WANDER_RADIUS_M of the hero; ``sprite`` draws its sprite index."""
    radius, angle = WANDER_RADIUS_M * math.sqrt(rng.uniform(0.05, 1.0)), rng.uniform(-math.pi, math.pi)
    return Walker(x=hero.x + radius * math.cos(angle), y=hero.y + radius * math.sin(angle),
                  heading=rng.uniform(-math.pi, math.pi), speed=rng.uniform(0.8, 1.5), sprite=sprite(), hero_look=hero_look)


def _other(sprite: int, sprites: int, rng: np.random.Generator) -> int:
    """A random sprite index other than ``sprite`` (the same when there is only one)."""
    return (sprite + 1 + int(rng.integers(max(sprites - 1, 1)))) % sprites


@dataclass(frozen=True)
class Extras:
    """What realism adds to a world: this many static occluders, a wandering look-alike, drawn by ``rng``."""

    rng: np.random.Generator
    occluders: int = 0
    distractor: bool = False
