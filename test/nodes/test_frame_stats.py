"""FrameStats: rates over the window, input rate and losses from stamps, latencies, counters, the level."""

from __future__ import annotations

import pytest

from follow_me_seg.nodes.frame_stats import OK, WARN, FrameStats


def test_rate_latencies_and_counters():
    stats = FrameStats(window_s=2.0)
    for i in range(10):
        stats.frame_processed(100.0 + 0.25 * i, processing_s=0.01 * (i + 1), end_to_end_s=0.1)
    stats.frame_dropped()
    report = stats.report(102.5)  # window 100.5 .. 102.5 holds frames 2..9
    values = dict(report.values)
    assert report.level == OK
    assert float(values["rate_hz"]) == pytest.approx(4.0)
    assert float(values["processing_ms_mean"]) == pytest.approx(65.0)
    assert float(values["processing_ms_max"]) == pytest.approx(100.0)
    assert float(values["latency_ms_mean"]) == pytest.approx(100.0)
    assert (values["frames_processed"], values["frames_bad"], values["frames_dropped"]) == ("10", "0", "1")


def test_first_rate_is_the_true_rate_not_counted_from_start():
    stats = FrameStats(window_s=5.0)
    for i in range(31):  # 30 Hz for one second, reported right away
        stats.frame_processed(10.0 + i / 30, 0.01, 0.02)
    assert float(dict(stats.report(11.0).values)["rate_hz"]) == pytest.approx(30.0)


def test_input_rate_and_frames_lost_upstream_from_stamp_gaps():
    stats = FrameStats(window_s=5.0)
    # a 30 Hz camera; after the first frames every 4th one (7, 11, ... 59) is lost in transport
    received = [i for i in range(61) if i % 4 != 3 or i < 4]
    for i in received:
        stats.frame_received(50.0 + i / 30, 1000.0 + i / 30)
    values = dict(stats.report(52.0).values)
    assert float(values["input_rate_hz"]) == pytest.approx(30.0)
    assert values["frames_lost_upstream"] == "14"
    assert float(values["received_rate_hz"]) == pytest.approx((len(received) - 1) * 30 / (received[-1] - received[0]))


def test_unstamped_and_out_of_order_frames_do_not_count_as_losses():
    stats = FrameStats()
    for stamp in (0.0, 1.0, 1.1, 1.2, 1.3, 1.25, 0.0, 1.4):
        stats.frame_received(5.0, stamp)
    assert stats.lost_upstream == 0 and stats.input_period() == pytest.approx(0.1)


def test_warns_on_new_bad_frames_once_then_on_silence():
    stats = FrameStats(window_s=1.0)
    stats.frame_processed(0.1, 0.01, 0.02)
    stats.frame_bad()
    stats.frame_bad()
    first = stats.report(0.2)
    assert first.level == WARN and first.message.startswith("2 bad frame")
    assert stats.report(0.3).level == OK  # no new bad frames since
    silent = stats.report(5.0)
    assert silent.level == WARN and "no frame processed in the last 1 s" in silent.message
    values = dict(silent.values)
    assert values["processing_ms_mean"] == "nan" and values["input_rate_hz"] == "nan"
