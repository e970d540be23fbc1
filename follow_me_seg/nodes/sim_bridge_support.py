"""ROS-free parts of the ``sim_bridge`` node: its parameters, the simulation they describe, message fields."""

from __future__ import annotations

import math
from typing import Any, Mapping

from follow_me_seg.core.param_checks import OneOf, Range, not_empty
from follow_me_seg.core.param_spec import ParamSpec
from follow_me_seg.sim.camera import Camera
from follow_me_seg.sim.drone import DroneParams
from follow_me_seg.sim.realism import REALISM
from follow_me_seg.sim.scenarios import SCENARIOS
from follow_me_seg.sim.simulation import SimConfig

SIM_BRIDGE_PARAMS: tuple[ParamSpec, ...] = (  # the episode is built at start-up: only the last three are live
    ParamSpec("scenario", "straight", f"hero scenario: {', '.join(SCENARIOS)}", OneOf(SCENARIOS), read_only=True),
    ParamSpec("realism", "realistic", f"the simulated world: {', '.join(REALISM)} (distance look, occluders, a "
              "look-alike, latency, blur, noise and JPEG; optimistic: none of them)", OneOf(tuple(REALISM)),
              read_only=True),
    ParamSpec("seed", 0, "seed of every random choice of the episode", Range(0, 2**31 - 1), read_only=True),
    ParamSpec("rate_hz", 10.0, "camera rate (Hz): the simulation steps 1 / rate_hz per frame",
              Range(0, 1000, low_open=True), read_only=True),
    ParamSpec("width", 256, "image width (px)", Range(16, 4096), read_only=True),
    ParamSpec("height", 256, "image height (px)", Range(16, 4096), read_only=True),
    ParamSpec("horizontal_fov", math.radians(60.0), "horizontal field of view (rad)",
              Range(0, math.pi, low_open=True, high_open=True), read_only=True),
    ParamSpec("camera_pitch", math.radians(20.0), "downward pitch of the camera (rad)",
              Range(-math.pi / 2, math.pi / 2, low_open=True, high_open=True), read_only=True),
    ParamSpec("altitude_m", 2.5, "starting altitude of the drone (m)", Range(0, 100, low_open=True), read_only=True),
    ParamSpec("others", 6, "other people walking about", Range(0, 100), read_only=True),
    ParamSpec("start_distance_m", 0.0, "starting distance to the hero (m); 0 uses the scenario's", Range(0, 200),
              read_only=True),
    ParamSpec("wind_std_mps", 0.0, "wind gusts, standard deviation (m/s)", Range(0, 20), read_only=True),
    ParamSpec("cmd_timeout_s", 0.5, "a cmd_vel older than this (s) counts as zero: the drone stops",
              Range(0, 60, low_open=True)),
    ParamSpec("frame_id", "camera_optical_frame", "frame_id of the image, depth and camera_info", not_empty),
    ParamSpec("world_frame", "map", "frame_id of the hero and drone poses", not_empty),
)



def sim_config(values: Mapping[str, Any]) -> SimConfig:
    """The simulation described by validated sim_bridge parameter values."""
    camera = Camera(width=values["width"], height=values["height"], horizontal_fov_rad=values["horizontal_fov"],
                    pitch_rad=values["camera_pitch"])
    return SimConfig(scenario=values["scenario"], realism=REALISM[values["realism"]], others=values["others"],
                     start_distance_m=values["start_distance_m"] or None, altitude_m=values["altitude_m"],
                     camera=camera, drone=DroneParams(wind_std_mps=values["wind_std_mps"]))


def yaw_quaternion(yaw: float) -> tuple[float, float, float, float]:
    """(x, y, z, w) of a rotation by ``yaw`` about z."""
    return 0.0, 0.0, math.sin(yaw / 2), math.cos(yaw / 2)
