"""The benchmark runs end to end with tiny counts and writes a sane JSON report."""

from __future__ import annotations

import json

import pytest

from follow_me_seg.cli.bench import SIZES, main
from follow_me_seg.inference.litert_backend import litert_interpreter_class
from follow_me_seg.inference.openvino_backend import openvino_installed
from follow_me_seg.inference.peers import onnxruntime_installed


def test_bench_writes_a_sane_report(untrained_model_path, tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert main([
        "--model", str(untrained_model_path), "--data", str(tmp_path / "no-data"), "--out", str(out),
        "--frames", "12", "--baseline-frames", "3", "--warmup", "2", "--memory-frames", "40", "--distinct-frames", "4",
        "--train-steps", "2", "--train-warmup", "1", "--train-batch", "2", "--train-images", "16",
        "--thread-frames", "6", "--rounds", "2", "--loaded", "--peers",
    ]) == 0
    report = json.loads(out.read_text())
    assert report["frames"] == "random frames" and report["machine"]["cpu_count"] >= 1
    expected = {"keras_predict", "tensorflow", "tensorflow_256"}
    backends = []
    if litert_interpreter_class():
        expected |= {"litert", "litert_256", "litert_flip", "litert_plain", "litert_int8"}
        backends.append("litert")
        if openvino_installed():
            expected |= {"openvino", "openvino_bf16"}
            backends.append("openvino")
        if onnxruntime_installed():
            expected.add("onnxruntime")
    assert set(report["engines"]) == expected
    assert report["node_engine"] == "tensorflow"  # no .tflite beside the model
    for name, row in report["engines"].items():
        assert row["load_s"] > 0 and row["warmup_s"] > 0, name
        for size in SIZES:
            timing = row[size]
            assert 0 < timing["p50_ms"] <= timing["p99_ms"], (name, size)
            assert timing["fps"] > 0 and timing["frames"] == (3 if name == "keras_predict" else 12)
        if name.endswith("_256"):  # another resolution: its answers are not compared
            assert "agreement" not in row
        elif name != "keras_predict":
            assert row["agreement"]["frames"] == 4 and 0 <= row["agreement"]["identical_pixels"] <= 1
    assert report["engines"]["tensorflow"]["agreement"]["identical_pixels"] >= 0.999
    for backend in ["tensorflow"] + ["litert"] * bool(backends):
        assert set(report[f"{backend}_256_over_160_p50"]) == set(SIZES)
        assert all(ratio > 0 for ratio in report[f"{backend}_256_over_160_p50"].values())

    configs = {f"{b} {t}t{p}" for b in backends for t in (1, 2) for p in ("", " pinned")}
    if backends and onnxruntime_installed():
        configs |= {"onnxruntime 1t", "onnxruntime 2t"}
    assert set(report.get("threads", {}).get("idle", {})) == configs
    for phase in ("idle", "loaded") if backends else ():
        for name, timing in report["threads"][phase].items():
            assert timing["frames"] == 6 and 0 < timing["p50_ms"] <= timing["p99_ms"], (phase, name)

    assert set(report["stages_p50_ms"]) == {"resize", "network", "class_decision", "hero_extraction"}
    assert all(v > 0 for v in report["stages_p50_ms"].values())
    memory = report["memory"]
    assert memory["backend"] == "tensorflow" and memory["frames"] == 40 and memory["samples"][-1]["frame"] == 40
    training = report["training"]
    assert training["source"] == "random arrays" and training["decode_images_per_s"] is None
    for key in ("feed_only_images_per_s", "pipeline_images_per_s", "in_memory_images_per_s", "pipeline_over_in_memory"):
        assert training[key] > 0, key
    if litert_interpreter_class():  # test-time flips run the network twice a frame
        assert all(1.0 < ratio < 4.0 for ratio in report["flip_over_plain_p50"].values())
    targets = report["targets"]
    base, node = report["engines"]["keras_predict"]["256x256"], report["engines"]["tensorflow"]["256x256"]
    assert targets["speedup_p50"] == pytest.approx(base["p50_ms"] / node["p50_ms"])
    assert {"p99_ok", "speedup_ok", "masks_identical", "memory_ok", "training_feed_ok"} <= set(targets)

    table = capsys.readouterr().out
    assert "network at 256x256 (TensorFlow), full-path p50 over 160x160: 256x256 " in table
    assert "keras_predict" in table and "tensorflow (node)" in table and "640x480" in table


def test_bench_missing_model_is_one_line(tmp_path, monkeypatch, capsys):
    from follow_me_seg.cli.bench import entry

    monkeypatch.setattr("sys.argv", ["bench", "--model", str(tmp_path / "nope.keras"), "--out", str(tmp_path / "b.json")])
    with pytest.raises(SystemExit) as exit_info:
        entry()
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.strip().startswith("error: model file not found")
    assert not (tmp_path / "b.json").exists()
