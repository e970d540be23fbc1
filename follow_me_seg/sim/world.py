"""The world: a flat ground with people walking on it, the hero among them.

Positions are metres on the ground plane (REP-103 world x, y), headings radians counter-clockwise
from x. Other people wander around the hero; what the hero does is up to the scenario
(:mod:`follow_me_seg.sim.scenarios`), which steers it before everyone walks each step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np

PERSON_HEIGHT_M = 1.8
WANDER_RADIUS_M = 12.0  # others turn back towards the hero beyond this distance from it
WANDER_TURN_STD = 0.4  # rad per sqrt(s) of random heading change


@dataclass
class Walker:
    """One person: position (m), heading (rad), walking speed (m/s), sprite index, whether it is there."""

    x: float
    y: float
    heading: float
    speed: float
    sprite: int
    visible: bool = True
    wanders: bool = True  # False: a scenario steers this person
    hero_look: bool = False  # True: a look-alike drawn with hero sprite ``sprite`` (still another person)

    def walk(self, dt: float) -> None:
        self.x += self.speed * math.cos(self.heading) * dt
        self.y += self.speed * math.sin(self.heading) * dt

    def turn_towards(self, heading: float, max_rate: float, dt: float) -> None:
        """Turn towards ``heading`` at most ``max_rate`` rad/s."""
        error = math.remainder(heading - self.heading, math.tau)
        self.heading += max(-max_rate * dt, min(max_rate * dt, error))


@dataclass(frozen=True)
class Occluder:
    """A static occluder standing on the ground at (x, y): one of ``OCCLUDER_KINDS``."""

    x: float
    y: float
    kind: str


OCCLUDER_KINDS = ("pole", "tree")


class Script(Protocol):
    """A scenario's behaviour: steers the hero (and any people it controls) once per step."""

    def steer(self, world: World, dt: float, drone_xy: tuple[float, float]) -> None: ...


class World:
    """The hero, the other people, static occluders and the time; :meth:`step` moves the people."""

    def __init__(self, hero: Walker, others: list[Walker], script: Script, rng: np.random.Generator,
                 occluders: tuple[Occluder, ...] = ()):
        self.hero, self.others, self.script, self.rng, self.occluders = hero, others, script, rng, occluders
        self.time_s = 0.0

    @property
    def people(self) -> list[tuple[Walker, bool]]:
        """Every person that is there, with True for the hero."""
        return [(w, w is self.hero) for w in [self.hero, *self.others] if w.visible]

    def step(self, dt: float, drone_xy: tuple[float, float]) -> None:
        """Let the scenario steer, the others wander, then everyone walk ``dt`` seconds."""
        self.script.steer(self, dt, drone_xy)
        for walker in self.others:
            if walker.wanders:
                self._wander(walker, dt)
        for walker in [self.hero, *self.others]:
            walker.walk(dt)
        self.time_s += dt

    def _wander(self, walker: Walker, dt: float) -> None:
        dx, dy = self.hero.x - walker.x, self.hero.y - walker.y
        if math.hypot(dx, dy) > WANDER_RADIUS_M:
            walker.turn_towards(math.atan2(dy, dx), 1.0, dt)
        else:
            walker.heading += WANDER_TURN_STD * math.sqrt(dt) * self.rng.standard_normal()
