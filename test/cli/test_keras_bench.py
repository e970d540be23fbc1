"""The Keras-backend bench (GPU figures without TensorFlow): its report, its reference check and its refusals."""

from __future__ import annotations

import json

import numpy as np
import pytest

from follow_me_seg.cli.keras_bench import agreement, main, read_reference, select_backend
from follow_me_seg.core.classes import HERO
from follow_me_seg.core.errors import FollowMeError


def test_report_and_reference_round_trip(untrained_model_path, tmp_path):
    ref, out = tmp_path / "ref.npz", tmp_path / "report.json"
    common = ["--backend", "tensorflow", "--model", str(untrained_model_path), "--iters", "3"]
    assert main([*common, "--write-reference", str(ref), "--batches", "--train-batches"]) == 0
    assert main([*common, "--reference", str(ref), "--out", str(out), "--batches", "2", "--train-batches", "2",
                 "--train-steps", "1"]) == 0
    report = json.loads(out.read_text())
    assert report["backend"] == "tensorflow" and report["device"].endswith(f"tensorflow {__import__('tensorflow').__version__}")
    assert report["agreement"] == {"identical_pixels": 1.0, "same_hero_decision": "19/19"}  # the 19 demo frames
    for timing in (report["batch1_predict_on_batch"], report["batch1_keras_predict"]):
        assert 0 < timing["min_ms"] <= timing["p50_ms"] <= timing["p99_ms"]
    assert report["batch2_images_per_s"] > 0
    assert set(report["training"]) == {"float32_b2_images_per_s", "mixed_bfloat16_b2_images_per_s"}
    assert all(v > 0 for v in report["training"].values())
    with np.load(ref) as saved:
        assert saved["classes"].shape == (19, 160, 160) and saved["classes"].max() <= HERO


def test_agreement_counts_pixels_and_hero_decisions():
    reference = np.zeros((2, 4, 4), np.uint8)
    reference[0, :2, :2] = HERO  # 4 hero pixels: found (more than 3)
    classes = reference.copy()
    classes[0, 0, 0] = 0  # 3 hero pixels left: not found any more
    assert agreement(classes, reference) == {"identical_pixels": 1 - 1 / 32, "same_hero_decision": "1/2"}
    with pytest.raises(FollowMeError, match="other frames"):
        agreement(classes[:1], reference)


def test_a_second_backend_in_one_process_is_refused():
    import keras

    other = "jax" if keras.backend.backend() != "jax" else "torch"
    with pytest.raises(FollowMeError, match="fresh process"):
        select_backend(other, cpu=False)


def test_bad_counts_are_refused(capsys):
    with pytest.raises(SystemExit):
        main(["--backend", "jax", "--iters", "0"])
    assert "argument --iters: must be in [1," in capsys.readouterr().err


def test_training_figures_are_saved_as_they_come(untrained_model_path, monkeypatch):
    from follow_me_seg.cli import keras_bench as keras_backends

    def first_then_stuck(batch_sizes, steps, rng):
        yield "float32_b2_images_per_s", 5.0
        raise TimeoutError("still compiling")  # as a time limit striking during the next compile

    saved = []
    monkeypatch.setattr(keras_backends, "train_throughput", first_then_stuck)
    args = keras_backends.parse_args(["--backend", "tensorflow", "--model", str(untrained_model_path), "--iters", "2",
                                      "--batches"])
    with pytest.raises(TimeoutError):
        keras_backends.run(args, lambda report: saved.append(json.loads(json.dumps(report))))
    assert saved[-1]["training"] == {"float32_b2_images_per_s": 5.0}


def test_a_bad_reference_is_refused_in_one_line_before_any_work(tmp_path):
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"PK\x03\x04 not a zip at all")
    other = tmp_path / "other.npz"
    np.savez(other, masks=np.zeros((1, 2, 2), np.uint8))
    text = tmp_path / "text.npz"
    text.write_text("classes")
    for path in (garbage, other, text):
        with pytest.raises(FollowMeError, match="not a reference written by --write-reference"):
            read_reference(path)
    with pytest.raises(OSError):
        read_reference(tmp_path / "missing.npz")  # run_cli reports it in one line
    with pytest.raises(FollowMeError, match="not a reference"):
        main(["--backend", "tensorflow", "--reference", str(other), "--model", str(tmp_path / "never_loaded.keras")])
