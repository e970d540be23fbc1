"""Closed loop with the shipped model and the default follower: it closes in, keeps the hero, hovers when lost."""

from __future__ import annotations

import json

import pytest

from follow_me_seg.control.law import ControlParams, FollowController
from follow_me_seg.sim.loop import Perception, run_episode
from follow_me_seg.sim.metrics import summarise
from follow_me_seg.sim.simulation import SimConfig, Simulation

RATE_HZ = 10.0


@pytest.fixture(scope="module")
def perception() -> Perception:
    from follow_me_seg.inference.engine import SegmentationEngine

    return Perception(SegmentationEngine(device="cpu").predict)


def test_closes_from_12_m_to_the_desired_distance_and_keeps_the_hero_in_view(perception):
    sim = Simulation(SimConfig(scenario="straight", others=0, start_distance_m=12.0), seed=0)
    sim.world.hero.speed = 0.0  # a hero waiting 12 m away
    params = ControlParams()
    records = run_episode(sim, perception, FollowController(params), seconds=15.0, rate_hz=RATE_HZ)
    assert records[0].hero_distance_m == pytest.approx(12.0)
    assert all(r.hero_in_view for r in records)
    assert sum(r.detection_on_hero for r in records) >= 0.9 * len(records)
    assert max(r.cmd_vx for r in records[:20]) > 1.0  # it flew towards the hero
    settled = records[-20:]  # the last 2 s
    assert all(abs(r.hero_distance_m - params.desired_distance_m) <= 1.0 for r in settled)
    assert all(abs(r.cmd_vx) < 0.3 for r in settled)


def test_lost_hero_leads_to_a_hover_within_target_timeout(perception):
    sim = Simulation(SimConfig(scenario="lost", others=0, start_distance_m=5.0), seed=0)
    params = ControlParams()
    seconds = sim.world.script.hide_s + 2.0  # the first vanishing, plus 2 s
    records = run_episode(sim, perception, FollowController(params), seconds=seconds, rate_hz=RATE_HZ)
    vanished = next(i for i, r in enumerate(records) if not r.hero_present)
    assert records[vanished - 1].cmd_mode == "track" and records[vanished - 1].cmd_vx > 0.5  # following until then
    figures = summarise(records, params.desired_distance_m, seed=0)
    assert figures["lost_events"] == 1 and figures["lost_without_hover"] == 0
    assert 0 < figures["lost_to_hover_s_max"] <= params.target_timeout + 1.0 / RATE_HZ
    hover = records[vanished + round(figures["lost_to_hover_s_max"] * RATE_HZ)]
    assert hover.cmd_mode == "hover" and (hover.cmd_vx, hover.cmd_vz, hover.cmd_yaw_rate) == (0.0, 0.0, 0.0)


SUMMARY_KEYS = {
    "hero_in_view_fraction", "hero_detected_fraction", "distance_error_m_median", "distance_error_m_p95",
    "reacquire_s_median", "lost_to_hover_s_max", "segmentation_hero_iou", "steps", "episodes", "seed",
}


def test_simulate_writes_steps_summary_trajectory_and_video(tmp_path):
    from follow_me_seg.cli.simulate import main

    out = tmp_path / "sim"
    assert main(["--scenario", "straight,lost", "--episodes", "2", "--seconds", "1", "--seed", "3",
                 "--out", str(out), "--video", "--param", "distance_gain=1.5", "--device", "cpu", "--input-size", "256",
                 "--blobs"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    for key in ("straight", "lost", "overall"):
        assert SUMMARY_KEYS <= set(summary[key])
    assert (summary["straight"]["steps"], summary["straight"]["episodes"], summary["straight"]["seed"]) == (20, 2, 3)
    assert summary["overall"]["steps"] == 40 and summary["overall"]["episodes"] == 4
    assert summary["settings"]["control"]["distance_gain"] == 1.5
    assert (summary["settings"]["input_size"], summary["settings"]["flip"]) == (256, False)
    assert {t["target"] for t in summary["straight"]["targets"]} == {"hero_in_view_fraction", "distance_error_m_median",
                                                                     "wrong_person_fraction"}
    lines = (out / "steps.csv").read_text().splitlines()
    assert len(lines) == 41 and lines[0].startswith("scenario,episode,t_s,hero_present,hero_in_view")
    assert (out / "trajectory.png").stat().st_size > 10_000
    for scenario in ("straight", "lost"):
        assert (out / f"video_{scenario}.mp4").stat().st_size > 1_000
    import csv

    blobs = list(csv.DictReader((out / "blobs.csv").open()))
    steps = list(csv.DictReader((out / "steps.csv").open()))
    assert blobs and {b["scenario"] for b in blobs} <= {"straight", "lost"}
    chosen = {(b["scenario"], b["episode"], b["t_s"]) for b in blobs if b["chosen"] == "1"}
    detected = {(r["scenario"], r["episode"], r["t_s"]) for r in steps if r["detected"] == "1"}
    assert chosen == detected  # one chosen blob on each step the follower steered on a detection
    assert all(float(b["pixels"]) >= 1 and 0 < float(b["score"]) <= 1 for b in blobs)


@pytest.mark.parametrize("argv, complaint", [
    (["--scenario", "moonwalk"], "unknown scenario 'moonwalk'"),
    (["--param", "yaw_gain"], "--param takes NAME=VALUE"),
])
def test_simulate_rejects_bad_arguments(tmp_path, capsys, argv, complaint):
    from follow_me_seg.cli.simulate import main

    with pytest.raises(SystemExit) as exit_info:
        main(argv + ["--out", str(tmp_path)])
    assert exit_info.value.code == 2 and complaint in capsys.readouterr().err


def test_simulate_rejects_an_unknown_or_bad_follower_parameter():
    from follow_me_seg.cli.simulate import control_overrides
    from follow_me_seg.core.errors import FollowMeError

    assert control_overrides([("distance_gain", "2")]).distance_gain == 2.0
    with pytest.raises(FollowMeError, match="not a follower parameter"):
        control_overrides([("warp_speed", "9")])
    with pytest.raises(FollowMeError, match="smoothing must be in"):
        control_overrides([("smoothing", "1.5")])


def test_perfect_perception_sees_exactly_the_rendered_hero():
    sim = Simulation(SimConfig(scenario="straight", others=2), seed=1)
    records = run_episode(sim, Perception(None), FollowController(ControlParams()), seconds=3.0, rate_hz=RATE_HZ)
    assert all(r.detection_on_hero and r.hero_iou == 1.0 for r in records)
    assert all(r.det_range_m > 0 for r in records)


class LookAlikePerception:
    """Perfect perception plus, from the tenth frame on, a larger hero-coloured bystander blob at the right edge."""

    depth_window = 5

    def __init__(self):
        self.frames = 0

    def segment(self, frame):
        import numpy as np

        from follow_me_seg.perception.pipeline import FrameResult
        from follow_me_seg.perception.target import Target

        self.frames += 1
        result = Perception(None).segment(frame)
        if self.frames < 10:
            return result
        height, width = frame.class_ids.shape
        fake = Target(found=True, centroid_x=width - 20.0, centroid_y=height / 2,
                      bbox=(width - 30, height // 2 - 40, 20, 80), pixels=1600, area_fraction=0.02, score=0.9)
        blobs = tuple(sorted((*result.blobs, fake), key=lambda b: -b.pixels))
        return FrameResult(np.asarray(result.class_ids), blobs[0], blobs)


@pytest.mark.parametrize("tracking", [True, False])
def test_tracking_keeps_the_loop_on_the_hero_when_a_larger_look_alike_appears(tracking):
    from follow_me_seg.control.tracking import HeroTracker
    from follow_me_seg.sim.realism import REALISM

    sim = Simulation(SimConfig(scenario="straight", others=0, realism=REALISM["optimistic"]), seed=2)
    tracker = HeroTracker() if tracking else None
    records = run_episode(sim, LookAlikePerception(), FollowController(ControlParams()), seconds=4.0,
                          rate_hz=RATE_HZ, tracker=tracker)
    wrong = summarise(records, ControlParams().desired_distance_m, 0)["wrong_person_fraction"]
    if tracking:
        assert wrong == 0.0 and {r.track_id for r in records} == {1}
    else:
        assert wrong >= 0.3 and {r.track_state for r in records} == {"off"}
