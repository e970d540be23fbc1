"""Render speed of the simulator: ``python -m follow_me_seg.cli.sim_bench [--frames 300]``.

Prints the median and 99th-percentile milliseconds per frame of every scenario (world stepping
excluded), rendering what a hovering drone sees at the default 256x256.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from follow_me_seg.cli.arguments import count
from follow_me_seg.sim.scenarios import SCENARIOS
from follow_me_seg.sim.simulation import SimConfig, Simulation


def render_times_ms(scenario: str, frames: int, seed: int = 0) -> np.ndarray:
    """Milliseconds per rendered frame over ``frames`` steps of 0.1 s of ``scenario``."""
    sim = Simulation(SimConfig(scenario=scenario), seed)
    sim.render()  # first use: panorama scaling
    times = np.empty(frames)
    for i in range(frames):
        start = time.perf_counter()
        sim.render()
        times[i] = (time.perf_counter() - start) * 1e3
        sim.step(0.5, 0.0, 0.05, 0.1)
    return times


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m follow_me_seg.cli.sim_bench", description=__doc__)
    p.add_argument("--frames", type=count(1, 100_000), default=300, help="frames per scenario")
    args = p.parse_args(argv)
    print("scenario      p50 ms  p99 ms")
    for scenario in SCENARIOS:
        times = render_times_ms(scenario, args.frames)
        print(f"{scenario:<12} {np.percentile(times, 50):7.2f} {np.percentile(times, 99):7.2f}")


if __name__ == "__main__":
    main()
