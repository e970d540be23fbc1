"""The follower's control law: directions, deadband, smoothing, clamps, timeout, search, bad input."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from follow_me_seg.control.law import (
    HOVER,
    Command,
    ControlParams,
    FollowController,
    Observation,
    observation_from_box,
    observation_from_target,
)
from follow_me_seg.perception.target import Target

RAW = ControlParams(smoothing=0.0, deadband=0.0, distance_deadband_m=0.0)  # the bare law


def step(params: ControlParams, observation: Observation | None, now: float = 0.0) -> Command:
    return FollowController(params).update(observation, now)


def test_yaw_turns_towards_the_hero():
    right = step(RAW, Observation(offset_x=0.4, offset_y=0.0, size=0.3))
    left = step(RAW, Observation(offset_x=-0.4, offset_y=0.0, size=0.3))
    assert right.yaw_rate == pytest.approx(-RAW.yaw_gain * 0.4)  # FLU: positive yaw turns left
    assert left.yaw_rate == pytest.approx(RAW.yaw_gain * 0.4)
    assert right.mode == "track"


def test_forward_speed_holds_the_desired_size():
    far = step(RAW, Observation(0.0, 0.0, size=0.1))
    close = step(RAW, Observation(0.0, 0.0, size=0.5))
    assert far.vx == pytest.approx(RAW.forward_gain * 0.2)
    assert close.vx == pytest.approx(-RAW.forward_gain * 0.2)
    assert step(RAW, Observation(0.0, 0.0, size=RAW.desired_size)).vx == 0.0


def test_distance_replaces_size_when_known():
    command = step(RAW, Observation(0.0, 0.0, size=0.9, distance_m=RAW.desired_distance_m + 1.0))
    assert command.vx == pytest.approx(RAW.distance_gain * 1.0)


def test_vertical_term_only_when_enabled():
    below = Observation(0.0, offset_y=0.5, size=0.3)
    assert step(RAW, below).vz == 0.0
    assert step(replace(RAW, use_vertical=True), below).vz == pytest.approx(-RAW.vertical_gain * 0.5)


def test_deadband_zeroes_small_errors_and_is_continuous_outside():
    params = replace(RAW, deadband=0.1)
    assert step(params, Observation(0.08, 0.0, size=params.desired_size)).yaw_rate == 0.0
    assert step(params, Observation(0.3, 0.0, size=params.desired_size)).yaw_rate == pytest.approx(
        -params.yaw_gain * 0.2
    )
    assert step(params, Observation(0.0, 0.0, size=params.desired_size + 0.05)).vx == 0.0


def test_smoothing_approaches_the_target_command_geometrically():
    controller = FollowController(replace(RAW, smoothing=0.5))
    seen = Observation(0.4, 0.0, size=RAW.desired_size)
    target = -RAW.yaw_gain * 0.4
    yaws = [controller.update(seen, t * 0.1).yaw_rate for t in range(4)]
    assert yaws == pytest.approx([target * f for f in (0.5, 0.75, 0.875, 0.9375)])


def test_every_output_is_clamped():
    params = replace(RAW, yaw_gain=20.0, forward_gain=20.0, distance_gain=20.0, vertical_gain=20.0,
                     use_vertical=True)
    command = step(params, Observation(1.0, -1.0, size=0.0))
    assert command.yaw_rate == -params.max_yaw_rate
    assert command.vx == params.max_forward_speed
    assert command.vz == params.max_vertical_speed
    backwards = step(params, Observation(-1.0, 1.0, size=1.0, distance_m=0.5))
    assert (backwards.vx, backwards.vz, backwards.yaw_rate) == (
        -params.max_forward_speed, -params.max_vertical_speed, params.max_yaw_rate)


def test_short_loss_holds_then_timeout_hovers():
    controller = FollowController(replace(RAW, target_timeout=1.0))
    tracked = controller.update(Observation(0.5, 0.0, size=0.1), 10.0)
    held = controller.update(None, 10.9)
    assert tracked.yaw_rate < 0 and (held.vx, held.yaw_rate, held.mode) == (tracked.vx, 0.0, "hold")  # no blind turn
    between = FollowController(replace(RAW, target_timeout=1.0))
    between.update(Observation(0.5, 0.0, size=0.1), 10.0)
    assert between.update(None, 10.05, new_frame=False) == replace(tracked, mode="hold")  # a tick, no frame: turn kept
    assert between.update(None, 10.1).yaw_rate == 0.0  # a frame without the hero stops the turn
    assert between.update(None, 10.15, new_frame=False).yaw_rate == 0.0
    assert between.update(None, 11.05, new_frame=False) == HOVER
    assert controller.update(None, 11.0) == HOVER
    assert controller.update(None, 50.0) == HOVER  # no search by default


def test_start_up_without_a_hero_hovers():
    controller = FollowController(RAW)
    assert controller.update(None, 0.0) == HOVER
    assert controller.update(None, 0.5) == HOVER


def test_search_yaw_after_hover_towards_the_last_side():
    params = replace(RAW, target_timeout=1.0, search_delay=2.0, search_yaw_rate=0.3)
    controller = FollowController(params)
    controller.update(Observation(0.6, 0.0, size=0.3), 0.0)  # hero last seen on the right
    assert controller.update(None, 2.9) == HOVER
    search = controller.update(None, 3.0)
    assert (search.vx, search.vz, search.yaw_rate, search.mode) == (0.0, 0.0, -0.3, "search")
    controller.update(Observation(-0.6, 0.0, size=0.3), 4.0)  # now on the left
    assert controller.update(None, 7.5).yaw_rate == 0.3


def test_reacquiring_after_hover_starts_smoothing_from_rest():
    controller = FollowController(replace(RAW, smoothing=0.5, target_timeout=0.5))
    controller.update(Observation(0.4, 0.0, size=0.3), 0.0)
    controller.update(None, 1.0)
    again = controller.update(Observation(0.4, 0.0, size=0.3), 1.1)
    assert again.yaw_rate == pytest.approx(-RAW.yaw_gain * 0.4 * 0.5)


def test_reset_forgets_the_hero():
    controller = FollowController(RAW)
    controller.update(Observation(0.4, 0.0, size=0.1), 0.0)
    controller.reset()
    assert controller.update(None, 0.1) == HOVER


BAD = float("nan"), float("inf"), -float("inf")


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("field", ["offset_x", "offset_y", "size"])
def test_non_finite_observations_count_as_unseen(field, bad):
    controller = FollowController(replace(RAW, use_vertical=True))
    good = controller.update(Observation(0.3, 0.2, size=0.2), 0.0)
    command = controller.update(replace(Observation(0.3, 0.2, size=0.2), **{field: bad}), 0.1)
    assert (command.vx, command.vz, command.yaw_rate, command.mode) == (good.vx, good.vz, 0.0, "hold")
    assert controller.update(replace(Observation(0.3, 0.2, 0.2), **{field: bad}), 5.0) == HOVER


@pytest.mark.parametrize("distance", [*BAD, 0.0, -3.0])
def test_bad_distance_falls_back_to_size(distance):
    command = step(RAW, Observation(0.0, 0.0, size=0.1, distance_m=distance))
    assert command.vx == pytest.approx(RAW.forward_gain * 0.2)


@pytest.mark.parametrize("bad_time", BAD)
def test_non_finite_time_hovers(bad_time):
    controller = FollowController(RAW)
    controller.update(Observation(0.5, 0.0, size=0.1), 0.0)
    assert controller.update(Observation(0.5, 0.0, size=0.1), bad_time) == HOVER


def test_out_of_range_inputs_are_clipped_and_outputs_stay_in_limits():
    command = step(RAW, Observation(offset_x=1e12, offset_y=-1e12, size=-5.0, distance_m=1e300))
    for value, limit in ((command.vx, RAW.max_forward_speed), (command.yaw_rate, RAW.max_yaw_rate)):
        assert math.isfinite(value) and abs(value) <= limit


def test_time_going_backwards_counts_as_losing_the_hero():
    controller = FollowController(replace(RAW, target_timeout=1.0))
    controller.update(Observation(0.5, 0.0, size=0.1), 100.0)
    assert controller.update(None, 5.0) == HOVER  # e.g. a simulator clock reset
    assert controller.update(None, 5.1) == HOVER  # the hero is forgotten, not held again
    assert controller.update(Observation(0.5, 0.0, size=0.1), 5.2).mode == "track"


def _lost_then_flicker(confirm_frames: int) -> list[Command]:
    """Hero tracked at 0.0-0.2 s, gone from 0.3 s except for one false detection at 0.6 s; frames at 10 Hz."""
    controller = FollowController(replace(RAW, target_timeout=1.0, confirm_frames=confirm_frames))
    seen = Target(True, centroid_x=115.0, centroid_y=60.0, bbox=(110, 50, 10, 20))
    lost = Target(False)
    return [controller.update_from_target(seen if k <= 2 or k == 6 else lost, 160, 120, k / 10) for k in range(21)]


def test_a_one_frame_false_detection_neither_steers_nor_restarts_the_timeout():
    commands = _lost_then_flicker(confirm_frames=2)
    assert [c.mode for c in commands[3:12]] == ["hold"] * 9  # 0.3-1.1 s: 0.6 s did not count
    assert commands[6] == commands[5]  # the flicker did not steer either
    assert commands[12] == HOVER  # 1.2 s: more than target_timeout after the last sighting (0.2 s)
    trusting = _lost_then_flicker(confirm_frames=1)
    assert trusting[6].mode == "track" and trusting[15].mode == "hold"  # one frame restarts the timeout
    assert trusting[16] == HOVER


def test_confirm_counts_frames_in_a_row_after_a_miss_and_trusts_the_first_sighting():
    controller = FollowController(replace(RAW, confirm_frames=3))
    assert controller.confirm(True) and controller.confirm(True)  # no miss yet: trusted
    assert not controller.confirm(False)
    assert [controller.confirm(True) for _ in range(4)] == [False, False, True, True]
    controller.confirm(False)
    controller.reset()
    assert controller.confirm(True)  # reset forgets the miss


def _hero_then_patch(params: ControlParams, patch_size: float, patch_from: float = 0.3) -> list[Command]:
    """Hero (size 0.3, on the right) at 0.0-0.2 s, then from ``patch_from`` s a steady sighting of
    ``patch_size`` on the left (a red patch on a bystander); 10 Hz."""
    controller = FollowController(params)
    hero, patch = Observation(0.5, 0.0, size=0.3), Observation(-0.5, 0.0, size=patch_size)
    return [controller.update(hero if k <= 2 else patch if k / 10 >= patch_from else None, k / 10)
            for k in range(31)]


def test_a_steady_sighting_far_smaller_than_the_hero_is_not_followed():
    params = replace(RAW, target_timeout=1.0, min_size_ratio=0.4, size_memory_s=5.0)
    commands = _hero_then_patch(params, patch_size=0.06)  # a fifth of the hero's height
    assert all(c.mode == "hold" and c.yaw_rate == 0 for c in commands[3:12])  # never turned to the patch
    assert commands[12] == HOVER and commands[30] == HOVER  # hovers at the timeout, as if nothing was seen
    grown = _hero_then_patch(params, patch_size=0.15)  # half the height: the hero, partly hidden
    assert grown[3].mode == "track" and grown[3].yaw_rate > 0
    off = _hero_then_patch(replace(params, min_size_ratio=0.0), patch_size=0.06)
    assert off[3].mode == "track" and off[30].mode == "track"  # 0 disables the check


def test_the_size_check_forgets_the_hero_after_size_memory_s():
    params = replace(RAW, target_timeout=1.0, min_size_ratio=0.4, size_memory_s=2.0)
    commands = _hero_then_patch(params, patch_size=0.06, patch_from=2.5)  # a small hero far away, later
    assert commands[24] == HOVER  # 2.4 s: nothing seen
    assert commands[25].mode == "track" and commands[25].yaw_rate > 0  # 2.5 s: 2.3 s after the last sighting


def test_the_size_check_leaves_a_tiny_hero_alone():
    params = replace(RAW, target_timeout=1.0, min_size_ratio=0.4, size_check_from=0.1)
    controller = FollowController(params)
    controller.update(Observation(0.5, 0.0, size=0.05), 0.0)  # 25 m away: a few pixels, noisy
    assert controller.update(Observation(-0.5, 0.0, size=0.015), 0.1).mode == "track"  # not compared
    checked = FollowController(replace(params, size_check_from=0.0))
    checked.update(Observation(0.5, 0.0, size=0.05), 0.0)
    assert checked.update(Observation(-0.5, 0.0, size=0.015), 0.1).mode == "hold"


@pytest.mark.parametrize("rate", [0.95, 1 / 0.95])
def test_a_hero_shrinking_or_growing_steadily_stays_followed(rate):
    controller = FollowController(replace(RAW, min_size_ratio=0.4))
    sizes = [(0.3 if rate < 1 else 0.04) * rate ** k for k in range(40)]  # 0.3 <-> 0.04 over 4 s
    modes = [controller.update(Observation(0.0, 0.0, size=size), k / 10).mode for k, size in enumerate(sizes)]
    assert modes == ["track"] * 40


def test_a_sighting_far_larger_than_the_hero_is_not_followed():
    params = replace(RAW, target_timeout=1.0, min_size_ratio=0.4, size_check_from=0.1)
    controller = FollowController(params)
    controller.update(Observation(0.0, 0.0, size=0.12), 0.0)  # the hero, 12 m ahead
    near = Observation(-0.5, 0.0, size=0.5)  # a bystander passing near the drone, four times as tall
    assert controller.update(near, 0.1) == Command(vx=controller.update(None, 0.1).vx, mode="hold")
    assert controller.update(Observation(0.0, 0.0, size=0.2), 0.2).mode == "track"  # 1.7x the hero: counts
    assert controller.update(replace(near, size=0.45), 0.3).mode == "track"  # 2.25x the last sighting: counts
    tiny = FollowController(params)
    tiny.update(Observation(0.0, 0.0, size=0.03), 0.0)  # 25 m away: noisy boxes
    assert tiny.update(Observation(0.2, 0.0, size=0.07), 0.1).mode == "track"  # both under size_check_from
    assert FollowController(replace(params, min_size_ratio=0.0)).update(near, 0.0).mode == "track"


def test_a_sighting_at_a_fraction_of_the_heros_range_is_not_followed():
    # far_start episode 3 of the simulator: the hero 13 m away, then a bystander 3.3 m from the drone whose
    # hero-coloured patch is about as tall in the image as the distant hero
    params = replace(RAW, target_timeout=1.0, min_size_ratio=0.4, size_check_from=0.1)
    controller = FollowController(params)
    controller.update(Observation(0.0, -0.4, size=0.12, distance_m=13.0), 0.0)
    patch = Observation(0.1, 0.6, size=0.1, distance_m=3.3)
    assert controller.update(patch, 0.1).mode == "hold"
    assert controller.update(Observation(0.0, -0.4, size=0.12, distance_m=12.8), 0.2).mode == "track"
    assert controller.update(replace(patch, distance_m=6.0), 0.3).mode == "track"  # 0.47 of 12.8 m: counts
    far = FollowController(params)
    far.update(Observation(0.0, 0.0, size=0.2, distance_m=4.0), 0.0)
    assert far.update(Observation(0.0, 0.0, size=0.2, distance_m=11.0), 0.1).mode == "hold"  # either way
    assert far.update(Observation(0.0, 0.0, size=0.2), 0.2).mode == "track"  # no range: sizes only
    unknown = FollowController(params)
    unknown.update(Observation(0.0, 0.0, size=0.12), 0.0)
    assert unknown.update(patch, 0.1).mode == "track"  # the last sighting had no range
    off = FollowController(replace(params, min_size_ratio=0.0))
    off.update(Observation(0.0, 0.0, size=0.12, distance_m=13.0), 0.0)
    assert off.update(patch, 0.1).mode == "track"


def test_observation_from_box_normalises_offsets_and_sizes():
    centre = observation_from_box(79.5, 59.5, 20, 30, 160, 120)
    assert (centre.offset_x, centre.offset_y, centre.size) == (0.0, 0.0, 0.25)
    right_edge = observation_from_box(159.5, 0.0, 16, 12, 160, 120, "bbox_area", distance_m=3.0)
    assert right_edge.offset_x == pytest.approx(1.0)
    assert right_edge.offset_y == pytest.approx(-59.5 / 60)
    assert right_edge.size == pytest.approx(16 * 12 / (160 * 120))
    assert right_edge.distance_m == 3.0
    assert observation_from_box(1, 1, 1, 1, 0, 120) is None
    assert observation_from_box(float("nan"), 1, 1, 1, 160, 120) is None
    with pytest.raises(ValueError, match="size_measure"):
        observation_from_box(1, 1, 1, 1, 160, 120, "pixels")


def test_offline_replay_of_targets():
    lost = Target(False)
    seen = Target(True, centroid_x=150.0, centroid_y=60.0, bbox=(140, 40, 20, 40), pixels=30,
                  area_fraction=0.01, score=0.9)
    assert observation_from_target(lost, 160, 120) is None
    controller = FollowController(replace(RAW, target_timeout=0.25))
    commands = [controller.update_from_target(t, 160, 120, i * 0.1) for i, t in enumerate([seen, lost, lost, lost])]
    assert [c.mode for c in commands] == ["track", "hold", "hold", "hover"]
    assert commands[0].yaw_rate < 0  # hero right of centre: turn right
    assert commands[0].vx == pytest.approx(RAW.forward_gain * (RAW.desired_size - 40 / 120))


@pytest.mark.parametrize(
    "change, complaint",
    [
        ({"yaw_gain": -1.0}, "yaw_gain must be in [0, 20], got -1.0"),
        ({"forward_gain": float("nan")}, "forward_gain must be finite"),
        ({"distance_gain": "fast"}, "distance_gain must be a number"),
        ({"vertical_gain": True}, "vertical_gain must be a number"),
        ({"use_vertical": 1}, "use_vertical must be true or false"),
        ({"size_measure": "pixels"}, "size_measure must be one of bbox_height, bbox_area"),
        ({"desired_size": 0.0}, "desired_size must be in (0, 1]"),
        ({"desired_size": 1.5}, "desired_size must be in (0, 1]"),
        ({"desired_distance_m": 0.0}, "desired_distance_m must be in (0, 100], got 0.0"),
        ({"max_forward_speed": 0.0}, "max_forward_speed must be in (0, 20], got 0.0"),
        ({"max_vertical_speed": -1.0}, "max_vertical_speed must be in (0, 20], got -1.0"),
        ({"max_yaw_rate": float("inf")}, "max_yaw_rate must be finite"),
        ({"deadband": 1.0}, "deadband must be in [0, 1)"),
        ({"distance_deadband_m": -0.1}, "distance_deadband_m must be in [0, 10], got -0.1"),
        ({"smoothing": -0.1}, "smoothing must be in [0, 1)"),
        ({"target_timeout": 0.0}, "target_timeout must be in (0, 60], got 0.0"),
        ({"search_yaw_rate": -0.2}, "search_yaw_rate must be in [0, 10], got -0.2"),
        ({"search_yaw_rate": 2.0}, "search_yaw_rate (2.0) must not exceed max_yaw_rate (1.0)"),
        ({"search_delay": -1.0}, "search_delay must be in [0, 600], got -1.0"),
        ({"min_size_ratio": 1.0}, "min_size_ratio must be in [0, 1)"),
        ({"min_size_ratio": -0.1}, "min_size_ratio must be in [0, 1)"),
        ({"size_memory_s": -1.0}, "size_memory_s must be in [0, 600], got -1.0"),
        ({"size_check_from": 1.5}, "size_check_from must be in [0, 1]"),
        ({"yaw_gain": 25.0}, "yaw_gain must be in [0, 20], got 25.0"),  # the node's bounds, offline too
        ({"confirm_frames": 101}, "confirm_frames must be in [1, 100], got 101"),
        ({"confirm_frames": 0}, "confirm_frames must be in [1, 100], got 0"),
        ({"confirm_frames": 1.5}, "confirm_frames must be a whole number, got 1.5"),
        ({"confirm_frames": True}, "confirm_frames must be a whole number, got True"),
    ],
)
def test_validate_names_each_bad_value(change, complaint):
    with pytest.raises(ValueError) as err:
        replace(ControlParams(), **change).validate()
    assert complaint in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(ValueError):
        FollowController(replace(ControlParams(), **change))


def test_defaults_are_valid():
    assert ControlParams().validate() == ControlParams()
