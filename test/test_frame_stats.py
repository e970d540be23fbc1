"""FrameStats: rate and latency over the window, counters, and the diagnostic level."""

from __future__ import annotations

import pytest

from follow_me_seg.frame_stats import OK, WARN, FrameStats


def test_rate_latency_and_counters():
    stats = FrameStats(window_s=2.0)
    stats.start(100.0)
    for i in range(10):
        stats.frame_processed(100.0 + 0.25 * i, latency_s=0.01 * (i + 1))
    stats.frame_dropped()
    report = stats.report(102.5)  # window 100.5 .. 102.5 holds frames 2..9
    values = dict(report.values)
    assert report.level == OK
    assert float(values["rate_hz"]) == pytest.approx(8 / 2.0)
    assert float(values["latency_mean_ms"]) == pytest.approx(65.0)
    assert float(values["latency_max_ms"]) == pytest.approx(100.0)
    assert (values["frames_processed"], values["frames_bad"], values["frames_dropped"]) == ("10", "0", "1")


def test_rate_right_after_start_uses_the_elapsed_time():
    stats = FrameStats(window_s=5.0)
    stats.start(0.0)
    stats.frame_processed(0.5, 0.01)
    stats.frame_processed(1.0, 0.01)
    assert float(dict(stats.report(1.0).values)["rate_hz"]) == pytest.approx(2.0)


def test_warns_on_new_bad_frames_once_then_on_silence():
    stats = FrameStats(window_s=1.0)
    stats.start(0.0)
    stats.frame_processed(0.1, 0.01)
    stats.frame_bad()
    stats.frame_bad()
    first = stats.report(0.2)
    assert first.level == WARN and first.message.startswith("2 bad frame")
    assert stats.report(0.3).level == OK  # no new bad frames since
    silent = stats.report(5.0)
    assert silent.level == WARN and "no frame processed in the last 1 s" in silent.message
    assert dict(silent.values)["latency_mean_ms"] == "nan"
