"""``simulate``: fly the follow-me loop in the built-in simulator and measure it.

Each step renders the drone's view, runs the real engine and the real follower, and flies the
command (:mod:`follow_me_seg.sim`). Writes to ``--out``: ``steps.csv`` (one row per step),
``summary.json`` (figures per scenario and ``overall``, with the closed-loop targets checked),
``trajectory.png`` (top-down paths), with ``--video`` ``video_<scenario>.mp4`` of each
scenario's first episode (view | overlay | map), and with ``--blobs`` ``blobs.csv`` (every hero blob
of every step: on the hero or not, size, score, range, and whether the follower chose it).

    simulate --scenario straight --episodes 5 --seconds 60 --seed 0 --out sim_out
    simulate --scenario all --episodes 10 --out sim_all --param distance_gain=2.0
    simulate --scenario far_start --realism optimistic --out sim_kind   # the kind world of the first simulator

``--realism realistic`` (the default) turns on every realism lever of :mod:`follow_me_seg.sim.realism`:
distance look, static occluders, a look-alike bystander, camera latency, noise, JPEG and motion blur.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from follow_me_seg.cli import add_backend, add_device, add_flip, add_input_size, run_cli
from follow_me_seg.cli.arguments import MAX_THREADS, bounded, count, positive
from follow_me_seg.control.law import ControlParams
from follow_me_seg.sim.realism import REALISM
from follow_me_seg.sim.scenarios import SCENARIOS


def _scenarios(text: str) -> list[str]:
    names = list(SCENARIOS) if text == "all" else [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown scenario {unknown[0] if unknown else text!r} "
                                         f"(choose from {', '.join(SCENARIOS)} or all)")
    return names


def _override(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"--param takes NAME=VALUE, got {text!r}")
    return name.strip(), value.strip()


def control_overrides(overrides: list[tuple[str, str]]) -> ControlParams:
    """The follower's defaults with ``overrides`` (name, YAML text) applied; a FollowMeError for a bad one."""
    from follow_me_seg.control.law_parameters import CONTROL_PARAMS
    from follow_me_seg.control.law_parameters import control_params as checked
    from follow_me_seg.core.errors import FollowMeError
    from follow_me_seg.core.param_spec import parse_value, validate_params

    values = {spec.name: spec.default for spec in CONTROL_PARAMS}
    for name, text in overrides:
        if name not in values:
            raise FollowMeError(f"--param {name}: not a follower parameter ({', '.join(values)})")
        values[name] = parse_value(name, text)
    return checked(validate_params(CONTROL_PARAMS, values))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="simulate", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scenario", type=_scenarios, default=["straight"],
                   help=f"one of {', '.join(SCENARIOS)}, a comma-separated list, or all")
    p.add_argument("--episodes", type=count(1, 1000), default=5, help="episodes per scenario")
    p.add_argument("--seconds", type=positive(3600), default=60.0, help="simulated seconds per episode")
    p.add_argument("--seed", type=count(0, 2**31 - 1), default=0, help="seed of every random choice")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--video", action="store_true", help="also write video_<scenario>.mp4 of the first episode")
    p.add_argument("--blobs", action="store_true",
                   help="also write blobs.csv: every hero blob of every step (on the hero or not, pixels, mean hero "
                        "probability, box, range, chosen by the follower)")
    p.add_argument("--rate", type=positive(100), default=10.0, help="camera and control rate (Hz)")
    p.add_argument("--start-distance", type=positive(200), help="starting distance to the hero (m); default: the scenario's")
    p.add_argument("--others", type=count(0, 100), default=6, help="other people walking about")
    p.add_argument("--wind", type=bounded(float, 0, 20), default=0.0, help="wind gusts, standard deviation (m/s)")
    p.add_argument("--param", type=_override, action="append", default=[], metavar="NAME=VALUE",
                   help="override a follower parameter (as in config/follow_me.yaml); repeatable")
    p.add_argument("--no-tracking", action="store_true",
                   help="steer on each frame's largest hero blob instead of the tracked one (the node's track_hero)")
    p.add_argument("--track-confirm-frames", type=count(1, 100), default=1,
                   help="frames in a row a new track must hold before it steers (the node's track_confirm_frames)")
    p.add_argument("--realism", choices=tuple(REALISM), default="realistic",
                   help="realistic: every realism lever on; optimistic: none (the first simulator's kind world)")
    p.add_argument("--perception", choices=("engine", "truth"), default="engine",
                   help="engine: the network; truth: the rendered mask (perfect perception, to judge control alone)")
    p.add_argument("--model", default="", help="model file; default: the shipped model")
    add_device(p)
    add_flip(p)
    add_input_size(p)
    add_backend(p)
    p.add_argument("--threads", type=count(0, MAX_THREADS), default=0,
                   help="CPU threads of the LiteRT / OpenVINO engine; 0: the engine's auto (one thread)")
    args = p.parse_args(argv)
    if args.seconds * args.rate < 1:
        p.error(f"argument --seconds: {args.seconds:g} s at --rate {args.rate:g} Hz is less than one step")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    params = control_overrides(args.param)
    from tqdm import tqdm

    from follow_me_seg.control.law import FollowController
    from follow_me_seg.control.tracking import HeroTracker, TrackParams
    from follow_me_seg.core.atomic_files import check_output_folder, write_json_atomic
    from follow_me_seg.inference.engine import SegmentationEngine
    from follow_me_seg.sim.drone import DroneParams
    from follow_me_seg.sim.loop import Perception, combine_hooks, run_episode
    from follow_me_seg.sim.metrics import check_targets, summarise
    from follow_me_seg.sim.report import BlobLog, plot_trajectories, write_steps_csv
    from follow_me_seg.sim.simulation import SimConfig, Simulation
    from follow_me_seg.sim.video import EpisodeVideo

    check_output_folder(args.out)  # before the simulation, not after it
    engine = None
    if args.perception == "engine":
        engine = SegmentationEngine(args.model or None, device=args.device, backend=args.backend, threads=args.threads,
                                     flip=args.flip, input_size=args.input_size)
    perception = Perception(engine.predict if engine else None)
    controller = FollowController(params)
    period = 1.0 / args.rate
    tracker = None if args.no_tracking else HeroTracker(
        TrackParams(coast_s=params.target_timeout, confirm_new=args.track_confirm_frames))
    summary, everything = {}, []
    blobs = BlobLog(SimConfig().camera.k.reshape(-1).tolist(), perception.depth_window) if args.blobs else None
    for scenario in args.scenario:
        config = SimConfig(scenario=scenario, others=args.others, start_distance_m=args.start_distance,
                           drone=DroneParams(wind_std_mps=args.wind), realism=REALISM[args.realism])
        records = []
        for episode in tqdm(range(args.episodes), desc=scenario, unit="episode"):
            sim = Simulation(config, args.seed, episode)
            video = EpisodeVideo(sim) if args.video and episode == 0 else None
            hook = combine_hooks(video.add if video else None, blobs.add if blobs else None)
            records += run_episode(sim, perception, controller, args.seconds, args.rate, episode, hook, tracker)
            if video:
                video.save(args.out / f"video_{scenario}.mp4", args.rate)
        figures = summarise(records, params.desired_distance_m, args.seed)
        figures["targets"] = check_targets(scenario, figures, params.target_timeout, period)
        summary[scenario] = figures
        everything += records
        missed = [t["target"] for t in figures["targets"] if not t["met"]]
        print(f"{scenario}: in view {figures['hero_in_view_fraction']}, detected {figures['hero_detected_fraction']}, "
              f"distance error median {figures['distance_error_m_median']} m, "
              f"wrong person {figures['wrong_person_fraction']}, "
              f"lost->hover max {figures['lost_to_hover_s_max']} s; " + (f"missed: {', '.join(missed)}" if missed else "targets met"))
    summary["overall"] = summarise(everything, params.desired_distance_m, args.seed)
    summary["settings"] = {
        "scenarios": args.scenario, "episodes": args.episodes, "seconds": args.seconds, "rate_hz": args.rate,
        "seed": args.seed, "others": args.others, "wind_std_mps": args.wind, "start_distance_m": args.start_distance,
        "realism": {"preset": args.realism, **dataclasses.asdict(REALISM[args.realism])},
        "tracking": not args.no_tracking, "track_confirm_frames": args.track_confirm_frames,
        "perception": args.perception, "model": str(engine.model_path) if engine else None,
        "backend": engine.backend if engine else None, "flip": args.flip,
        "input_size": engine.input_size if engine else args.input_size,
        "control": dataclasses.asdict(params),
        "camera": dataclasses.asdict(SimConfig().camera), "altitude_m": SimConfig().altitude_m,
    }
    write_steps_csv(args.out / "steps.csv", everything)
    if blobs is not None:
        blobs.save(args.out / "blobs.csv")
    write_json_atomic(args.out / "summary.json", summary)
    plot_trajectories(args.out / "trajectory.png", everything)
    print(f"wrote {args.out / 'steps.csv'}, {args.out / 'summary.json'}, {args.out / 'trajectory.png'}"
          + (", video_<scenario>.mp4" if args.video else "") + (", blobs.csv" if args.blobs else ""))
    return 0


entry = run_cli(main)

if __name__ == "__main__":
    entry()
