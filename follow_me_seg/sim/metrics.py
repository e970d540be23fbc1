"""Closed-loop figures from step records: is the hero kept in view, at the right distance, and lost safely?

Definitions (times are frame times; a step counts as "detected" only when the hero blob lies on the
rendered hero):

- ``hero_in_view_fraction``: of the steps with the hero in the world, those with its body centre in the image;
- ``hero_detected_fraction``: of the in-view steps, those with the hero detected;
- ``distance_error_m_*``: |horizontal drone-hero distance - desired_distance_m| over the steps with the hero;
- ``reacquire_s_median``: from the hero coming (back) into view to its next detection;
- ``lost_to_hover_s_max``: from the first frame without the hero (it vanished) to the first all-zero
  command; when the hero returns before any, the time until its return, and ``lost_without_hover`` counts it;
  ``lost_false_detections`` counts the detections in those spans (all false: the hero is gone);
- ``segmentation_hero_iou``: mean hero IoU over the frames whose rendering holds hero pixels;
- ``wrong_person_fraction``: of the in-view steps, those on which the command steered (mode ``track``)
  on a blob that is not the hero (a bystander, a look-alike, a false detection).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from follow_me_seg.sim.loop import StepRecord

CLOSE_TOLERANCE_M = 1.0  # "closed to the desired distance": within this of it
IN_VIEW_TARGET = 0.95
IN_VIEW_SCENARIOS = ("straight", "zigzag", "stop_and_go", "crowd", "occluded", "distractor")
DETECTION_ADEQUATE = 0.9  # below this share of in-view steps detected, perception is the weak link
WRONG_PERSON_TARGET = 0.01  # at most this share of in-view steps steered on a blob that is not the hero


def _rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), digits)


def _episodes(records: Sequence[StepRecord]) -> list[list[StepRecord]]:
    groups: dict[tuple[str, int], list[StepRecord]] = {}
    for record in records:
        groups.setdefault((record.scenario, record.episode), []).append(record)
    return list(groups.values())


def _events(episode: list[StepRecord], desired_m: float) -> dict[str, list[float]]:
    """Per-episode event times: reacquisitions, lost-to-hover spans (and failures), acquisition and closing."""
    t = [r.t_s for r in episode]
    seen = [r.detection_on_hero for r in episode]
    out: dict[str, list[float]] = {"reacquire": [], "lost_to_hover": [], "no_hover": [], "false_while_lost": [],
                                   "acquired": [], "closed": []}
    for i in range(1, len(episode)):
        if episode[i].hero_in_view and not episode[i - 1].hero_in_view:
            j = next((j for j in range(i, len(episode)) if seen[j]), None)
            if j is not None:
                out["reacquire"].append(t[j] - t[i])
        if episode[i - 1].hero_present and not episode[i].hero_present:
            for j in range(i, len(episode)):
                r = episode[j]
                if r.detected:  # the hero is gone: any detection is a false one
                    out["false_while_lost"].append(t[j])
                if r.cmd_vx == r.cmd_vz == r.cmd_yaw_rate == 0.0:
                    out["lost_to_hover"].append(t[j] - t[i])
                    break
                if r.hero_present:
                    out["lost_to_hover"].append(t[j] - t[i])
                    out["no_hover"].append(t[i])
                    break
    first = next((i for i, s in enumerate(seen) if s), None)
    if first is not None:
        out["acquired"].append(t[first])
        closed = next((r.t_s for r in episode[first:] if abs(r.hero_distance_m - desired_m) <= CLOSE_TOLERANCE_M), None)
        if closed is not None:
            out["closed"].append(closed)
    return out


def summarise(records: Sequence[StepRecord], desired_distance_m: float, seed: int) -> dict:
    """The figures of ``records`` (any number of episodes and scenarios)."""
    present = np.array([r.hero_present for r in records], bool)
    in_view = np.array([r.hero_in_view for r in records], bool)
    on_hero = np.array([r.detection_on_hero for r in records], bool)
    detected = np.array([r.detected for r in records], bool)
    steered = np.array([r.cmd_mode == "track" for r in records], bool)
    signed = np.array([r.hero_distance_m - desired_distance_m for r in records])[present]
    ious = np.array([r.hero_iou for r in records if r.hero_gt_pixels > 0])
    episodes = _episodes(records)
    events: dict[str, list[float]] = {}
    for episode in episodes:
        for name, values in _events(episode, desired_distance_m).items():
            events.setdefault(name, []).extend(values)

    def share(mask: np.ndarray, of: np.ndarray) -> float | None:
        return _rounded(np.count_nonzero(mask & of) / np.count_nonzero(of)) if of.any() else None

    return {
        "hero_in_view_fraction": share(in_view, present),
        "hero_detected_fraction": share(on_hero, in_view),
        "false_detection_fraction": share(detected & ~on_hero, np.ones_like(detected)),
        "distance_error_m_median": _rounded(np.median(np.abs(signed))) if signed.size else None,
        "distance_error_m_p95": _rounded(np.percentile(np.abs(signed), 95)) if signed.size else None,
        "distance_error_m_signed_median": _rounded(np.median(signed)) if signed.size else None,
        "reacquire_s_median": _rounded(np.median(events["reacquire"])) if events["reacquire"] else None,
        "reacquire_events": len(events["reacquire"]),
        "lost_to_hover_s_max": _rounded(max(events["lost_to_hover"])) if events["lost_to_hover"] else None,
        "lost_events": len(events["lost_to_hover"]),
        "lost_without_hover": len(events["no_hover"]),
        "lost_false_detections": len(events["false_while_lost"]),
        "segmentation_hero_iou": _rounded(float(np.nanmean(ious))) if ious.size else None,
        "wrong_person_fraction": share(steered & detected & ~on_hero, in_view),
        "episodes_acquired": len(events["acquired"]),
        "episodes_closed": len(events["closed"]),
        "closed_s_median": _rounded(np.median(events["closed"])) if events["closed"] else None,
        "steps": len(records),
        "episodes": len(episodes),
        "seed": seed,
    }


def _verdict(name: str, value: float | None, limit: float, met: bool, where: str, why: str) -> dict:
    return {"target": name, "value": value, "limit": limit, "met": met, **({} if met else {"fails_in": where, "why": why})}


def check_targets(scenario: str, figures: dict, target_timeout: float, period_s: float) -> list[dict]:
    """The closed-loop targets that apply to ``scenario``, each met or not, and where the loop fails if not."""
    detected = figures["hero_detected_fraction"] or 0.0
    weak_eyes = detected < DETECTION_ADEQUATE
    checks = []
    if scenario in IN_VIEW_SCENARIOS:
        value = figures["hero_in_view_fraction"]
        checks.append(_verdict(
            "hero_in_view_fraction", value, IN_VIEW_TARGET, value is not None and value >= IN_VIEW_TARGET,
            "perception" if weak_eyes else "control",
            f"the hero was detected in {detected:.2f} of the in-view steps" if weak_eyes else
            f"detections were adequate ({detected:.2f} of in-view steps) but the drone let the hero leave the image"))
    value = figures["distance_error_m_median"]
    signed = figures["distance_error_m_signed_median"]
    checks.append(_verdict(
        "distance_error_m_median", value, CLOSE_TOLERANCE_M, value is not None and value <= CLOSE_TOLERANCE_M,
        "perception" if weak_eyes else "control",
        f"the hero was detected in {detected:.2f} of the in-view steps, so the follower often hovered" if weak_eyes else
        f"the drone held a median {signed:+.2f} m from the desired distance (+: lagging behind)"))
    if figures["lost_events"]:
        value, limit = figures["lost_to_hover_s_max"], round(target_timeout + period_s, 3)
        false_hits = figures["lost_false_detections"]
        checks.append(_verdict(
            "lost_to_hover_s_max", value, limit, value is not None and value <= limit + 1e-9,
            "perception" if false_hits else "control",
            f"{false_hits} false hero detection(s) while the hero was gone (of {figures['lost_events']} vanishings) "
            "restarted the follower's timeout" if false_hits else
            f"no false detection while the hero was gone, yet the follower took longer than target_timeout to hover "
            f"({figures['lost_without_hover']} vanishings ended without a hover)"))
    value = figures["wrong_person_fraction"]
    if value is not None:
        checks.append(_verdict(
            "wrong_person_fraction", value, WRONG_PERSON_TARGET, value <= WRONG_PERSON_TARGET, "perception",
            f"the network saw a hero that was not the hero in {figures['false_detection_fraction'] or 0.0:.2f} of the "
            f"steps, and the follower steered on such a blob in {value:.3f} of the in-view steps"))
    if scenario == "far_start":
        episodes, acquired, closed = figures["episodes"], figures["episodes_acquired"], figures["episodes_closed"]
        checks.append(_verdict(
            "far_start_acquired_and_closed_episodes", closed, episodes, closed == episodes,
            "perception" if acquired < episodes else "control",
            f"the hero was never detected in {episodes - acquired} of {episodes} episodes" if acquired < episodes else
            f"acquired in every episode but closed to within {CLOSE_TOLERANCE_M} m in {closed} of {episodes}"))
    return checks
