"""One simulated episode without perception: world, drone and camera, stepped in simulated time.

Used by the closed loop (:mod:`follow_me_seg.sim.loop`) and by the ``sim_bridge`` ROS 2 node. A
seed, the scenario and the episode number fix everything that is random.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from follow_me_seg.sim.camera import Camera
from follow_me_seg.sim.drone import Drone, DroneParams, DroneState
from follow_me_seg.sim.look import DistanceLook
from follow_me_seg.sim.realism import Realism, Sensor
from follow_me_seg.sim.render import Frame, Renderer
from follow_me_seg.sim.scenarios import SCENARIOS, Extras, make_world
from follow_me_seg.sim.sprites import SpriteBank, load_sprites
from follow_me_seg.sim.world import PERSON_HEIGHT_M


@dataclass(frozen=True)
class SimConfig:
    """What an episode looks like: scenario, crowd size, start distance (None: the scenario's), camera, drone
    and realism (default: realistic; ``REALISM["optimistic"]`` is the kind world of the first simulator)."""

    scenario: str = "straight"
    others: int = 6
    start_distance_m: float | None = None
    altitude_m: float = 2.5
    camera: Camera = field(default_factory=Camera)
    drone: DroneParams = field(default_factory=DroneParams)
    realism: Realism = field(default_factory=Realism)


@dataclass(frozen=True)
class HeroTruth:
    """Where the hero really is: relative to the drone (body FLU, m), and whether the camera can see it."""

    present: bool  # in the world (not vanished)
    in_view: bool  # present, in front of the camera, body centre inside the image
    rel_x: float  # ahead of the drone, m
    rel_y: float  # left of the drone, m
    distance_m: float  # horizontal distance, m


class Simulation:
    """The world, the drone and the renderer of one seeded episode."""

    def __init__(self, config: SimConfig, seed: int = 0, episode: int = 0, sprites: SpriteBank | None = None):
        if config.scenario not in SCENARIOS:
            raise ValueError(f"scenario must be one of {', '.join(SCENARIOS)}, got {config.scenario!r}")
        self.config = config
        sprites = sprites or load_sprites()
        world_seed, drone_seed, look_seed, extras_seed, sensor_seed = np.random.SeedSequence(
            [seed, SCENARIOS.index(config.scenario), episode]).spawn(5)  # the first three as before realism
        look, realism = np.random.default_rng(look_seed), config.realism
        extras = Extras(np.random.default_rng(extras_seed), realism.occluders, realism.distractor)
        self.world = make_world(config.scenario, np.random.default_rng(world_seed), len(sprites.heroes),
                                len(sprites.people), config.others, config.start_distance_m, extras)
        self.drone = Drone(DroneState(z=config.altitude_m), config.drone, np.random.default_rng(drone_seed))
        self.renderer = Renderer(config.camera, sprites, ground=int(look.integers(len(sprites.grounds))),
                                 backdrop_order=look.permutation(len(sprites.backdrops)),
                                 look=DistanceLook() if realism.distance_look else None)
        self.sensor = Sensor(realism, config.camera, np.random.default_rng(sensor_seed))

    @property
    def time_s(self) -> float:
        return self.world.time_s

    def render(self) -> Frame:
        """Capture the view now; return the frame that reaches the engine now (``realism.latency_s`` old)."""
        s = self.drone.state
        frame = self.renderer.render(s.position, s.yaw, self.world.people, self.world.occluders)
        return self.sensor.capture(frame, self.time_s, s)

    def step(self, vx: float, vz: float, yaw_rate: float, dt: float) -> None:
        """Fly the command for ``dt`` seconds while the people walk."""
        state = self.drone.step(vx, vz, yaw_rate, dt)
        self.world.step(dt, (state.x, state.y))

    def hero_truth(self) -> HeroTruth:
        s, hero, camera = self.drone.state, self.world.hero, self.config.camera
        dx, dy = hero.x - s.x, hero.y - s.y
        c, si = math.cos(s.yaw), math.sin(s.yaw)
        centre = camera.to_optical(np.array([[hero.x, hero.y, PERSON_HEIGHT_M / 2]]), s.position, s.yaw)
        in_view = False
        if hero.visible and centre[0, 2] > 0:
            u, v = camera.project(centre)[0]
            in_view = bool(0 <= u <= camera.width - 1 and 0 <= v <= camera.height - 1)
        return HeroTruth(hero.visible, in_view, c * dx + si * dy, -si * dx + c * dy, math.hypot(dx, dy))
