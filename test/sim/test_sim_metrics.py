"""Closed-loop figures from hand-made step records: definitions, events and the targets' diagnosis."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from follow_me_seg.sim.loop import StepRecord
from follow_me_seg.sim.metrics import check_targets, summarise


def step(t: float, present=True, in_view=True, seen=True, distance=4.0, command=(1.0, 0.0, 0.0), episode=0,
         iou=0.5, scenario="lost") -> StepRecord:
    return StepRecord(
        scenario=scenario, episode=episode, t_s=t, hero_present=present, hero_in_view=in_view and present,
        hero_rel_x_m=distance, hero_rel_y_m=0.0, hero_distance_m=distance, hero_gt_pixels=100 if present else 0,
        detected=seen, detection_on_hero=seen and present, det_cx=0.0, det_cy=0.0, det_range_m=math.nan,
        hero_iou=iou if present else math.nan, cmd_vx=command[0], cmd_vz=command[1], cmd_yaw_rate=command[2],
        cmd_mode="track" if any(command) else "hover", track_id=1, track_state="tracking", drone_x=0.0, drone_y=0.0,
        drone_z=2.5, drone_yaw=0.0,
        hero_x=distance, hero_y=0.0)


def lost_episode(hover_after_steps: int | None) -> list[StepRecord]:
    """Seen for 1 s, gone for 2 s (hovering after ``hover_after_steps`` frames, or never), back for 1 s."""
    records = [step(i / 10, distance=5.0) for i in range(10)]
    for k in range(20):
        hovering = hover_after_steps is not None and k >= hover_after_steps
        records.append(step(1.0 + k / 10, present=False, seen=False, command=(0.0, 0.0, 0.0) if hovering else (1.0, 0, 0)))
    records += [step(3.0 + k / 10, seen=k >= 3, distance=6.0) for k in range(10)]
    return records


def test_lost_to_hover_reacquire_and_fractions():
    figures = summarise(lost_episode(hover_after_steps=9), desired_distance_m=4.0, seed=5)
    assert figures["lost_to_hover_s_max"] == pytest.approx(0.9)
    assert (figures["lost_events"], figures["lost_without_hover"]) == (1, 0)
    assert figures["reacquire_s_median"] == pytest.approx(0.3)  # back in view at 3.0 s, detected from 3.3 s
    assert figures["hero_in_view_fraction"] == 1.0  # over the steps with the hero in the world
    assert figures["hero_detected_fraction"] == pytest.approx(17 / 20)
    assert figures["distance_error_m_median"] == pytest.approx(1.5)  # 1.0 for 10 steps, 2.0 for 10
    assert figures["segmentation_hero_iou"] == pytest.approx(0.5)
    assert (figures["steps"], figures["episodes"], figures["seed"]) == (40, 1, 5)


def test_a_vanishing_without_hover_counts_until_the_hero_returns():
    figures = summarise(lost_episode(hover_after_steps=None), desired_distance_m=4.0, seed=0)
    assert figures["lost_to_hover_s_max"] == pytest.approx(2.0) and figures["lost_without_hover"] == 1
    (verdict,) = [c for c in check_targets("lost", figures, target_timeout=1.0, period_s=0.1)
                  if c["target"] == "lost_to_hover_s_max"]
    assert not verdict["met"] and verdict["fails_in"] == "control" and verdict["limit"] == 1.1
    assert "no false detection" in verdict["why"] and "(1 vanishings ended without a hover)" in verdict["why"]


def test_a_false_detection_while_the_hero_is_gone_is_blamed_on_perception():
    records = lost_episode(hover_after_steps=12)
    records[13] = replace(records[13], detected=True)  # 1.3 s: a detection although the hero has vanished
    figures = summarise(records, desired_distance_m=4.0, seed=0)
    assert figures["lost_false_detections"] == 1 and figures["lost_to_hover_s_max"] == pytest.approx(1.2)
    (verdict,) = [c for c in check_targets("lost", figures, target_timeout=1.0, period_s=0.1)
                  if c["target"] == "lost_to_hover_s_max"]
    assert not verdict["met"] and verdict["fails_in"] == "perception"
    assert verdict["why"].startswith("1 false hero detection(s) while the hero was gone")


def test_missed_targets_name_perception_or_control():
    blind = [step(i / 10, seen=i % 2 == 0, distance=8.0, scenario="straight") for i in range(20)]
    checks = {c["target"]: c for c in check_targets("straight", summarise(blind, 4.0, 0), 1.0, 0.1)}
    assert checks["hero_in_view_fraction"]["met"]
    assert checks["distance_error_m_median"]["fails_in"] == "perception"  # detected in half the steps
    lagging = [step(i / 10, distance=6.0, scenario="straight") for i in range(20)]
    checks = {c["target"]: c for c in check_targets("straight", summarise(lagging, 4.0, 0), 1.0, 0.1)}
    assert checks["distance_error_m_median"]["fails_in"] == "control"
    assert "+2.00 m" in checks["distance_error_m_median"]["why"]


@pytest.mark.parametrize("scenario, checked", [("straight", True), ("occluded", True), ("distractor", True),
                                               ("turn_back", False), ("lost", False)])
def test_hero_in_view_is_a_target_of_the_walking_scenarios(scenario, checked):
    half = [step(i / 10, in_view=i < 10, seen=i < 10, scenario=scenario) for i in range(20)]  # in view 0.5
    checks = {c["target"]: c for c in check_targets(scenario, summarise(half, 4.0, 0), 1.0, 0.1)}
    assert ("hero_in_view_fraction" in checks) == checked
    if checked:
        assert not checks["hero_in_view_fraction"]["met"]


def test_far_start_needs_every_episode_acquired_and_closed():
    records = [step(i / 10, distance=25.0 - i, scenario="far_start") for i in range(22)]
    records += [step(i / 10, seen=False, distance=25.0, scenario="far_start", episode=1) for i in range(22)]
    figures = summarise(records, 4.0, 0)
    assert (figures["episodes"], figures["episodes_acquired"], figures["episodes_closed"]) == (2, 1, 1)
    (verdict,) = [c for c in check_targets("far_start", figures, 1.0, 0.1) if c["target"].startswith("far_start")]
    assert not verdict["met"] and verdict["fails_in"] == "perception"


def test_wrong_person_fraction_counts_in_view_steps_steered_on_another_blob():
    on_hero = [step(k / 10) for k in range(6)]
    wrong = [replace(step(0.6 + k / 10), detection_on_hero=False) for k in range(3)]  # steering on a bystander
    holding = [replace(step(0.9 + k / 10, seen=False), cmd_mode="hold") for k in range(1)]
    figures = summarise(on_hero + wrong + holding, 4.0, 0)
    assert figures["wrong_person_fraction"] == pytest.approx(3 / 10)
    assert summarise(on_hero, 4.0, 0)["wrong_person_fraction"] == 0.0
    (verdict,) = [c for c in check_targets("crowd", figures, 1.0, 0.1) if c["target"] == "wrong_person_fraction"]
    assert not verdict["met"] and verdict["limit"] == 0.01 and verdict["fails_in"] == "perception"
    (verdict,) = [c for c in check_targets("crowd", summarise(on_hero, 4.0, 0), 1.0, 0.1)
                  if c["target"] == "wrong_person_fraction"]
    assert verdict["met"]
