"""Stamps from the future, out of order, stepping back, or too old: no stamp blinds the stream."""

import pytest

from follow_me_seg.nodes.stamp_checks import FUTURE, OUT_OF_ORDER, REORDER_WINDOW_S, TOO_OLD, StampChecks, is_future

NOW = 1000.0


def run(stamps, now=lambda i: NOW + i * 0.1, tolerance=0.5, max_age=0.0):
    checks = StampChecks()
    return [checks.frame(s, now(i), tolerance, max_age) for i, s in enumerate(stamps)], checks


def good(start, count, first_index=0):
    return [start + (first_index + i) * 0.1 for i in range(count)]


@pytest.mark.parametrize("bad", [NOW + 3600.0, NOW + 1e6, NOW + 1.2])
def test_one_future_frame_is_refused_and_blinds_nothing(bad):
    stamps = good(NOW, 5) + [bad] + good(NOW, 50, first_index=6)
    verdicts, checks = run(stamps)
    assert verdicts[5] == FUTURE
    assert verdicts[:5] + verdicts[6:] == [None] * 55
    assert checks.counts[FUTURE] == 1


def test_within_the_tolerance_a_stamp_ahead_is_fine():
    verdicts, _ = run([NOW + 0.4])
    assert verdicts == [None]


@pytest.mark.parametrize("max_age", [0.0, 0.5])
def test_stamps_stepping_back_30_s_start_a_new_timeline(max_age):
    # the sender's clock steps back 30 s, the receiver's too (a bag replayed in a loop)
    stamps = good(NOW, 10) + good(NOW - 30.0, 50, first_index=10)
    verdicts, checks = run(stamps, now=lambda i: NOW + i * 0.1 - (30.0 if i >= 10 else 0.0), max_age=max_age)
    assert verdicts == [None] * 60
    assert checks.clock_jumps == 1


def test_sender_clock_stepping_back_alone_is_a_jump_not_a_blackout():
    stamps = good(NOW, 10) + good(NOW - 30.0, 50, first_index=10)
    verdicts, checks = run(stamps)  # max_frame_age_s 0: the age check is off
    assert verdicts == [None] * 60 and checks.clock_jumps == 1


def test_a_frame_slightly_older_than_the_last_is_out_of_order():
    verdicts, checks = run([NOW, NOW + 0.2, NOW + 0.1, NOW + 0.3])
    assert verdicts == [None, None, OUT_OF_ORDER, None]
    assert checks.counts[OUT_OF_ORDER] == 1
    assert REORDER_WINDOW_S < 30.0


def test_old_frames_are_too_old_and_do_not_move_the_timeline():
    verdicts, checks = run([NOW - 5.0, NOW + 0.1, NOW + 0.2], max_age=1.0)
    assert verdicts == [TOO_OLD, None, None]
    assert dict(checks.values("frames")) == {"frames_future": "0", "frames_out_of_order": "0", "frames_too_old": "1",
                                            "frames_clock_jumps": "0"}


def test_unstamped_frames_always_pass_and_future_needs_a_stamp():
    verdicts, _ = run([0.0, 0.0], max_age=0.1)
    assert verdicts == [None, None]
    assert not is_future(0.0, NOW, 0.5) and is_future(NOW + 1.0, NOW, 0.5)
