"""The tracker follows the hero's blob, not the largest: gating, coasting, loss and re-acquisition."""

import pytest

from follow_me_seg.control.law import Observation
from follow_me_seg.control.tracking import COASTING, IDLE, LOST, TENTATIVE, TRACKING, HeroTracker, TrackParams

NOW = TrackParams(confirm_new=1)  # a new track steers at once


def obs(x: float, size: float = 0.2, y: float = 0.0) -> Observation:
    return Observation(offset_x=x, offset_y=y, size=size)


def test_the_first_frame_takes_the_blob_nearest_the_centre_and_then_the_track_wins_over_a_larger_look_alike():
    tracker = HeroTracker(NOW)
    # a bystander close to the drone, called hero, is larger than the hero the camera points at
    assert tracker.update([obs(0.7, 0.5, y=0.4), obs(-0.5, 0.2)], 0.0) == obs(-0.5, 0.2)
    # the hero walks right; a larger bystander in hero colours appears on the right
    for k in range(1, 20):
        hero, look_alike = obs(-0.5 + 0.02 * k, 0.2), obs(0.6 - 0.01 * k, 0.3)
        assert tracker.update([look_alike, hero], 0.1 * k) == hero, k
    assert tracker.state == TRACKING and tracker.track_id == 1


def test_the_prediction_carries_the_track_across_a_fast_crossing():
    tracker = HeroTracker(NOW)
    for k in range(10):  # moving right at 0.5 offsets a second
        tracker.update([obs(-0.5 + 0.05 * k)], 0.1 * k)
    # three frames without the hero (occluded), then the hero where the velocity puts it, and a decoy
    # where it was last seen
    for k in range(10, 13):
        assert tracker.update([], 0.1 * k) is None
        assert tracker.state == COASTING
    hero, decoy = obs(-0.5 + 0.05 * 13), obs(-0.05)
    assert tracker.update([decoy, hero], 1.3) == hero


def test_coasting_ends_in_loss_and_a_blob_near_the_old_place_is_the_same_hero():
    tracker = HeroTracker(TrackParams(coast_s=0.5, confirm_new=1))
    tracker.update([obs(0.0)], 0.0)
    assert tracker.update([obs(0.9)], 0.3) is None and tracker.state == COASTING  # outside the gate
    assert tracker.update([], 0.7) is None and tracker.state == LOST
    assert tracker.update([obs(0.1)], 2.0) == obs(0.1)
    assert (tracker.state, tracker.track_id, tracker.reacquisitions) == (TRACKING, 1, 1)
    tracker.update([], 3.0)
    tracker.update([], 3.1)
    assert tracker.update([obs(-0.9)], 9.0) == obs(-0.9)  # far away and much later: a new track
    assert (tracker.track_id, tracker.reacquisitions) == (2, 1)


def test_a_blob_of_a_very_different_size_is_outside_the_gate():
    tracker = HeroTracker(NOW)
    tracker.update([obs(0.0, 0.2)], 0.0)
    assert tracker.update([obs(0.0, 0.6)], 0.1) is None  # three times the size: not the hero
    assert tracker.update([obs(0.0, 0.25)], 0.2) == obs(0.0, 0.25)


@pytest.mark.parametrize("bad", [obs(float("nan")), obs(0.0, 0.0), obs(0.0, float("inf"))])
def test_unusable_candidates_are_ignored_and_a_clock_going_back_resets(bad):
    tracker = HeroTracker(NOW)
    assert tracker.update([bad], 0.0) is None and tracker.state == IDLE
    tracker.update([obs(0.3)], 1.0)
    tracker.update([obs(-0.8)], 0.5)  # time went back: a fresh start takes the new blob
    assert tracker.state == TRACKING and tracker.track_id == 2


def test_after_a_loss_the_blob_near_the_last_place_wins_over_a_larger_one_elsewhere():
    tracker = HeroTracker(TrackParams(coast_s=0.3, confirm_new=1))
    tracker.update([obs(0.2, 0.2)], 0.0)
    tracker.update([], 0.5)  # lost
    hero, look_alike = obs(0.3, 0.15), obs(-0.7, 0.4)
    assert tracker.update([look_alike, hero], 1.0) == hero
    assert (tracker.track_id, tracker.reacquisitions) == (1, 1)


def test_a_new_track_steers_only_once_it_has_held_for_confirm_new_frames():
    tracker = HeroTracker(TrackParams(confirm_new=3))
    assert tracker.update([obs(0.0)], 0.0) is None and tracker.state == TENTATIVE
    assert tracker.update([obs(0.02)], 0.1) is None
    assert tracker.update([obs(0.04)], 0.2) == obs(0.04) and tracker.state == TRACKING and tracker.track_id == 1


def test_a_flickering_false_hero_never_becomes_a_track():
    tracker = HeroTracker(TrackParams(confirm_new=3))
    for k in range(20):  # a blob every other frame, somewhere else each time
        candidates = [obs(-0.8 + 0.4 * (k % 5))] if k % 2 == 0 else []
        assert tracker.update(candidates, 0.1 * k) is None
    assert tracker.track_id == 0


def test_a_blob_near_the_last_place_but_of_another_size_does_not_take_the_track_back():
    tracker = HeroTracker(TrackParams(coast_s=0.3))
    tracker.update([obs(0.2, 0.3)], 0.0)
    tracker.update([], 0.5)  # lost
    patch = obs(0.25, 0.06)  # a small red patch on a bystander beside where the hero vanished
    assert tracker.update([patch], 1.0) is None  # neither the hero again nor a blob of its size: no track
    assert (tracker.track_id, tracker.reacquisitions) == (1, 0)
    assert tracker.update([patch], 6.0) == patch  # long after the loss, any blob may start a track
    assert tracker.track_id == 2


def test_soon_after_a_loss_a_new_track_starts_on_the_hero_sized_blob_nearest_its_last_place():
    tracker = HeroTracker(TrackParams(coast_s=0.3))
    tracker.update([obs(0.5, 0.2)], 0.0)
    tracker.update([], 0.5)  # lost
    # both outside the re-acquisition gate and of the hero's size; the one at the centre is further from the
    # last place, the large one is not of the hero's size
    near, central, large = obs(-0.35, 0.2), obs(0.0, 0.2, y=0.9), obs(0.3, 0.9)
    assert tracker.update([central, large, near], 1.0) == near
    assert (tracker.track_id, tracker.reacquisitions) == (2, 0)


def test_long_after_a_loss_the_blob_nearest_the_centre_starts_the_track():
    tracker = HeroTracker(TrackParams(coast_s=0.3, reacquire_s=2.0))
    tracker.update([obs(0.5, 0.2)], 0.0)
    tracker.update([], 0.5)  # lost
    side, central = obs(0.9, 0.6), obs(-0.1, 0.1)
    assert tracker.update([side, central], 5.0) == central and tracker.track_id == 2
