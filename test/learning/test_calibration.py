"""Hero-bias calibration: the logit shift is exact, carried by the model, and tuned by the proxy."""

from __future__ import annotations

import json

import numpy as np
import pytest

from follow_me_seg.core.classes import HERO


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize("delta", [-2.5, -0.4, 0.0, 1.0, 3.0])
def test_shift_equals_the_softmax_of_shifted_logits(delta):
    from follow_me_seg.learning.calibration import shift_hero_logit

    logits = np.random.default_rng(0).normal(0, 3, (4, 5, 6, 3))
    moved = logits.copy()
    moved[..., HERO] += delta
    np.testing.assert_allclose(shift_hero_logit(_softmax(logits), delta), _softmax(moved), atol=1e-6)


def test_the_model_carries_the_shift_in_its_classifier_bias(untrained_model_path):
    import keras

    from follow_me_seg.core.classes import normalise
    from follow_me_seg.learning.calibration import add_hero_bias, shift_hero_logit

    model = keras.models.load_model(untrained_model_path, compile=False)
    frames = normalise(np.random.default_rng(1).integers(0, 255, (2, 160, 160, 3)).astype(np.float32))
    before = model.predict(frames, verbose=0)
    count = model.count_params()
    add_hero_bias(model, -1.5)
    assert model.count_params() == count == 95_961
    np.testing.assert_allclose(model.predict(frames, verbose=0), shift_hero_logit(before, -1.5), atol=2e-5)


def _frames() -> tuple[np.ndarray, np.ndarray]:
    """A hero-free frame with a weak false hero (0.6), a close hero (0.99) and a far one (0.9)."""
    labels = np.zeros((3, 40, 40), np.uint8)
    labels[1, :25, :20] = HERO  # 500 px: close
    labels[2, :3, :3] = HERO  # 9 px: far
    hero = np.zeros((3, 40, 40), np.float32)
    hero[0, 10:14, 10:14] = 0.6
    hero[1][labels[1] == HERO] = 0.99
    hero[2][labels[2] == HERO] = 0.9
    probs = np.stack([1 - hero, np.zeros_like(hero), hero], axis=-1)
    return probs, labels


def test_the_sweep_picks_the_smallest_shift_that_drops_the_false_hero_and_keeps_the_far_one():
    from follow_me_seg.learning.calibration import best_row, sweep

    probs, labels = _frames()
    rows = sweep(probs, labels, [-4.0, -3.0, -1.0, -0.5, -0.25, 0.0, 0.5])
    by_delta = {r["delta"]: r for r in rows}
    assert by_delta[0.0]["false_heroes"] == 1 and by_delta[-0.5]["false_heroes"] == 0
    assert by_delta[-4.0]["found"]["4-20"] == [0, 1]  # too far: the small hero is lost too
    best = best_row(rows)
    assert best["delta"] == -0.5  # -0.4 is where 0.6 falls below 0.5; -1.0 scores the same
    assert best["shaped_score"] > by_delta[0.0]["shaped_score"]
    for row in rows:
        assert row["pessimistic_score"] <= row["shaped_score"]  # false heroes count more, or the same
        assert row["choice_score"] == pytest.approx((row["shaped_score"] + row["pessimistic_score"]) / 2)
    assert by_delta[0.0]["pessimistic_score"] < by_delta[0.0]["shaped_score"]  # the false hero is counted 4x


def test_calibrate_writes_the_shifted_model_and_refuses_to_overwrite(untrained_model_path, tiny_dataset, tmp_path):
    import keras

    from follow_me_seg.cli import calibrate
    from follow_me_seg.core.errors import DataError

    out = tmp_path / "calibrated.keras"
    args = ["--model", str(untrained_model_path), "--data", str(tiny_dataset), "--output", str(out),
            "--report", str(tmp_path / "report"), "--deltas", "-1", "1", "0.5"]
    assert calibrate.main(args) == 0
    report = json.loads((tmp_path / "report" / "calibration.json").read_text())
    assert [r["delta"] for r in report["sweep"]] == [-1.0, -0.5, 0.0, 0.5, 1.0]
    chosen = report["chosen_delta"]
    assert max(r["choice_score"] for r in report["sweep"]) == next(
        r["choice_score"] for r in report["sweep"] if r["delta"] == chosen)
    assert (tmp_path / "report" / "hero_bias.png").is_file()
    source = keras.models.load_model(untrained_model_path, compile=False).get_layer("classifier_conv1x1")
    written = keras.models.load_model(out, compile=False).get_layer("classifier_conv1x1")
    np.testing.assert_allclose(written.get_weights()[1] - source.get_weights()[1], [0, 0, chosen], atol=1e-6)
    with pytest.raises(DataError, match="--overwrite"):
        calibrate.main(args)
    with pytest.raises(DataError, match="must not be the --model"):
        calibrate.main([*args[:5], str(untrained_model_path), *args[6:], "--overwrite"])


def test_calibrate_bounds_its_offsets_and_checks_the_classifier_before_predicting(
        untrained_model_path, tiny_dataset, tmp_path, capsys, monkeypatch):
    import keras

    from follow_me_seg.cli import calibrate
    from follow_me_seg.core.errors import ModelError
    from follow_me_seg.inference import engine

    base = ["--data", str(tiny_dataset), "--output", str(tmp_path / "c.keras"), "--report", str(tmp_path / "r")]
    with pytest.raises(SystemExit):
        calibrate.parse_args(["--model", "m.keras", *base, "--deltas", "-20", "20", "1e-9"])
    assert "argument --deltas: 40000000001 offsets, more than the 1001 allowed" in capsys.readouterr().err

    # a model without the classifier layer: refused before any prediction
    inputs = keras.Input((160, 160, 3))
    other = keras.Model(inputs, keras.layers.Conv2D(3, 1, activation="softmax", name="head")(inputs))
    other.save(tmp_path / "other.keras")
    monkeypatch.setattr(engine.SegmentationEngine, "predict_batch", lambda *a: pytest.fail("predicted first"))
    with pytest.raises(ModelError, match="no layer 'classifier_conv1x1'"):
        calibrate.main(["--model", str(tmp_path / "other.keras"), *base])
    assert not (tmp_path / "c.keras").exists()


def test_a_keras_archive_that_expands_too_far_is_refused_before_loading(tmp_path):
    import zipfile

    from follow_me_seg.core.errors import ModelError
    from follow_me_seg.core.model_files import MAX_CONFIG_BYTES, check_keras_archive

    bomb = tmp_path / "bomb.keras"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", b" " * (MAX_CONFIG_BYTES + 1))
        archive.writestr("model.weights.h5", b"")
    assert bomb.stat().st_size < 64 * 1024
    with pytest.raises(ModelError, match="config.json expands to"):
        check_keras_archive(bomb)
    many = tmp_path / "many.keras"
    with zipfile.ZipFile(many, "w") as archive:
        for i in range(40):
            archive.writestr(f"junk{i}", b"")
    with pytest.raises(ModelError, match="40 members"):
        check_keras_archive(many)


def test_calibrating_at_camera_resolution_scores_the_model_it_writes(tmp_path):
    """The offset is scored as the written model answers: shifted at 256x256, then shrunk to 160x160
    (shifting the shrunk answers scores another model)."""
    import shutil

    from shared_data import FOLLOWME, need

    from follow_me_seg.cli import calibrate
    from follow_me_seg.inference.common import default_model_path, model_side
    from follow_me_seg.inference.engine import SegmentationEngine
    from follow_me_seg.learning.calibration import score_shift
    from follow_me_seg.learning.dataset import find_pairs, load_pairs, shrink_labels

    data = tmp_path / "data"
    for pair in find_pairs(need(FOLLOWME / "validation"))[::30]:  # 40 real frames, the shipped model's real answers
        for path, kind in ((pair.image, "images"), (pair.mask, "masks")):
            (data / kind).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, data / kind / path.name)
    out = tmp_path / "calibrated.keras"
    assert calibrate.main(["--model", str(default_model_path()), "--data", str(data), "--output", str(out),
                           "--report", str(tmp_path / "report"), "--deltas", "2", "2", "1", "--input-size", "256"]) == 0
    (row,) = json.loads((tmp_path / "report" / "calibration.json").read_text())["sweep"]
    assert model_side(out) == 256  # the calibrated model runs at the side it was calibrated at
    images, labels = load_pairs(find_pairs(data), size=256)
    written = score_shift(SegmentationEngine(out, backend="tensorflow").predict_batch(images), shrink_labels(labels), 0.0)
    assert written["final_iou"] == pytest.approx(row["final_iou"], abs=1e-4)
    assert written["eval_shaped"]["final_score"] == pytest.approx(row["shaped_score"], abs=1e-4)
