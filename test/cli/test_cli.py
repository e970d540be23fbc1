"""The command-line tools end to end: bad input gets one clear line, good input gets its outputs."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import numpy as np
import pytest
from shared_data import FOLLOWME, need


def run_tool(tool: str, *args) -> subprocess.CompletedProcess:
    """Run a tool; output is decoded by hand so that carriage returns survive (text mode folds them)."""
    proc = subprocess.run([sys.executable, "-m", f"follow_me_seg.cli.{tool}", *map(str, args)],
                          capture_output=True, timeout=600)
    proc.stdout, proc.stderr = proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")
    return proc


def assert_clean_error(proc: subprocess.CompletedProcess, *fragments: str) -> None:
    """Non-zero exit, one 'error:' line naming the problem, no traceback.

    Lines are read as a terminal shows them: a progress bar cleared with carriage returns is gone.
    """
    assert proc.returncode != 0
    lines = [shown for line in proc.stderr.split("\n") if (shown := line.split("\r")[-1].strip())]
    assert "Traceback" not in proc.stderr, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_evaluate_missing_folder(tmp_path, untrained_model_path):
    assert_clean_error(run_tool("evaluate", "--model", untrained_model_path, "--data", tmp_path / "nope"),
                       "folder not found", "nope")


def test_evaluate_unpaired_file(tiny_dataset, untrained_model_path):
    (tiny_dataset / "masks" / "0__mask_00002.png").unlink()
    assert_clean_error(run_tool("evaluate", "--model", untrained_model_path, "--data", tiny_dataset),
                       "image has no mask", "0_run1cam1_00002.jpeg")


def test_evaluate_corrupt_image(tiny_dataset, untrained_model_path, tmp_path):
    (tiny_dataset / "images" / "0_run1cam1_00003.jpeg").write_bytes(b"\xff\xd8 truncated")
    assert_clean_error(run_tool("evaluate", "--model", untrained_model_path, "--data", tiny_dataset,
                                "--out", tmp_path / "ev"), "corrupt", "0_run1cam1_00003.jpeg")
    assert not (tmp_path / "ev" / "report.json").exists()


def test_evaluate_foreign_mask_colour(tiny_dataset, untrained_model_path):
    import cv2

    path = tiny_dataset / "masks" / "0__mask_00001.png"
    mask = cv2.imread(str(path))
    mask[0, 0] = (200, 200, 200)
    cv2.imwrite(str(path), mask)
    assert_clean_error(run_tool("evaluate", "--model", untrained_model_path, "--data", tiny_dataset),
                       "colours", "0__mask_00001.png")


@pytest.mark.parametrize("content", [None, b"PK\x03\x04 not really a zip"])
def test_missing_or_corrupt_model(tiny_dataset, tmp_path, content):
    model = tmp_path / "model.keras"
    if content is not None:
        model.write_bytes(content)
    proc = run_tool("infer", "--model", model, "--images", tiny_dataset / "images", "--out", tmp_path / "o")
    assert_clean_error(proc, "model", str(model))


def test_infer_empty_folder(tmp_path, untrained_model_path):
    (tmp_path / "empty").mkdir()
    assert_clean_error(run_tool("infer", "--model", untrained_model_path, "--images", tmp_path / "empty",
                                "--out", tmp_path / "o"), "no images", "empty")


def test_evaluate_three_sets_and_predictions(tiny_dataset, untrained_model_path, tmp_path):
    import shutil

    data = tmp_path / "sets"
    for name in ("following_images", "patrol_non_targ", "patrol_with_targ"):
        shutil.copytree(tiny_dataset, data / name)
    out, preds = tmp_path / "ev", tmp_path / "preds"
    proc = run_tool("evaluate", "--model", untrained_model_path, "--data", data, "--out", out,
                    "--save-predictions", preds, "--samples", 2, "--mistakes", 2)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((out / "report.json").read_text())
    assert set(report["sets"]) == {"following_images", "patrol_non_targ", "patrol_with_targ"}
    for s in report["sets"].values():
        assert s["images"] == 6 and s["true_pos"] + s["false_neg"] == 3
    assert report["final_score"] == pytest.approx(report["final_iou"] * report["weight"])
    assert (out / "samples.png").stat().st_size > 1000
    false_heroes = sum(s["false_pos"] for s in report["sets"].values())
    assert report["mistakes"]["missed_small_heroes"] == 0  # the tiny set's heroes are large
    assert report["mistakes"]["false_heroes"] == false_heroes
    assert (out / "false_heroes.png").exists() == bool(false_heroes) and not (out / "missed_small_heroes.png").exists()
    import cv2

    for name in report["sets"]:
        files = sorted((preds / name).glob("*.png"))
        assert [f.stem for f in files] == [f"0_run1cam1_{i:05d}" for i in range(6)]
        mask = cv2.imread(str(files[0]))
        assert mask.shape == (160, 160, 3)
        colours = {tuple(c) for c in mask.reshape(-1, 3)}
        assert colours <= {(0, 0, 255), (0, 255, 0), (255, 0, 0)}
    missing = tmp_path / "partial"
    shutil.copytree(tiny_dataset, missing / "following_images")
    assert_clean_error(run_tool("evaluate", "--model", untrained_model_path, "--data", missing),
                       "patrol_non_targ")


def test_infer_writes_overlays_csv_and_fps(tiny_dataset, untrained_model_path, tmp_path):
    out = tmp_path / "infer"
    proc = run_tool("infer", "--model", untrained_model_path, "--images", tiny_dataset / "images", "--out", out)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader((out / "targets.csv").open()))
    assert [r["frame"] for r in rows] == [f"0_run1cam1_{i:05d}.jpeg" for i in range(6)]
    for row in rows:
        assert row["hero_found"] in ("0", "1")
        if row["hero_found"] == "1":
            assert 0 <= float(row["centroid_x"]) < 64 and 0 <= float(row["centroid_y"]) < 48
        assert row["cmd_mode"] in ("track", "hold", "hover", "search")
        for key in ("cmd_vx", "cmd_vz", "cmd_yaw_rate"):
            assert np.isfinite(float(row[key])), key
        if row["cmd_mode"] == "hover":
            assert float(row["cmd_vx"]) == float(row["cmd_yaw_rate"]) == 0.0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["frames"] == 6 and summary["processing_fps"] > 0
    import cv2

    overlays = sorted((out / "overlays").glob("*.jpg"))
    assert len(overlays) == 6 and cv2.imread(str(overlays[0])).shape == (48, 64, 3)
    assert "frames/s" in proc.stdout


def test_train_resume_then_evaluate_on_real_data(tmp_path, monkeypatch):
    """A few steps on a small subset of the real data, interrupted and resumed, then evaluated."""
    import keras

    from follow_me_seg.cli import train

    data = need(FOLLOWME)
    out = tmp_path / "run"
    args = ["--data", data, "--output", out, "--limit", 48, "--steps-per-epoch", 2, "--batch-size", 8,
            "--validation-steps", 2, "--epochs", 3]
    args = [str(a) for a in args]

    backup_end = keras.callbacks.BackupAndRestore.on_epoch_end

    def killed_before_second_backup(self, epoch, logs=None):
        if epoch == 1:  # the epoch's CSV row is written, its backup is not: the worst moment to die
            raise KeyboardInterrupt
        backup_end(self, epoch, logs)

    assert_clean_error(run_tool("train", *args, "--resume"), "no run to resume")
    monkeypatch.setattr(keras.callbacks.BackupAndRestore, "on_epoch_end", killed_before_second_backup)
    with pytest.raises(KeyboardInterrupt):
        train.main(args)
    monkeypatch.undo()
    assert (out / "backup").is_dir()
    assert len(list(csv.DictReader((out / "history.csv").open()))) == 2

    # a plain re-run refuses to clobber the interrupted run; --resume redoes the second epoch
    assert_clean_error(run_tool("train", *args), "--resume")
    proc = run_tool("train", *args, "--resume")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Epoch 2/3" in proc.stdout and "Epoch 1/3" not in proc.stdout
    history = list(csv.DictReader((out / "history.csv").open()))
    assert [int(r["epoch"]) for r in history] == [0, 1, 2]  # never an epoch twice
    assert {"loss", "val_loss", "val_proxy_score", "val_shaped_score", "val_shaped_pessimistic_score", "val_found_4_20",
            "val_false_hero_rate"} <= set(history[0])
    for name in ("best.keras", "last.keras", "loss_curves.png"):
        assert (out / name).is_file(), name
    assert sorted(p.name for p in (out / "epochs").iterdir()) == ["epoch_01.keras", "epoch_02.keras", "epoch_03.keras"]
    assert any((out / "tensorboard").rglob("events.out.tfevents.*"))
    assert not list(out.rglob(".*partial*")) and not (out / "backup").exists()

    # a finished run is never trained over without --overwrite; --resume has nothing to do
    best = (out / "best.keras").read_bytes()
    assert_clean_error(run_tool("train", *args), "finished run", "--overwrite")
    proc = run_tool("train", *args, "--resume")
    assert proc.returncode == 0 and "nothing to resume" in proc.stdout and "Epoch" not in proc.stdout
    assert (out / "best.keras").read_bytes() == best
    assert len(list(csv.DictReader((out / "history.csv").open()))) == 3

    # --overwrite --init <this run's best.keras>: the model is read before the folder is touched
    proc = run_tool("train", *args[:-1], "1", "--overwrite", "--init", out / "best.keras")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (out / "best.keras").is_file() and not (out / ".replaced").exists()
    assert [p.name for p in (out / "epochs").iterdir()] == ["epoch_01.keras"]

    proc = run_tool("evaluate", "--model", out / "best.keras", "--data", data / "validation",
                    "--out", tmp_path / "ev", "--samples", 1)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads((tmp_path / "ev" / "report.json").read_text())
    assert report["folder"]["sets"]["validation"]["images"] == 1184
    proxy = report["proxy"]
    assert sum(s["images"] for s in proxy["sets"].values()) == 1184
    assert 0.0 <= proxy["final_score"] <= 1.0
    assert np.isclose(proxy["final_score"], proxy["final_iou"] * proxy["weight"])
    assert (tmp_path / "ev" / "detection_by_size.png").is_file()


def test_atomic_write_is_all_or_nothing(tmp_path):
    from follow_me_seg.core.atomic_files import atomic_path, write_json_atomic

    target = tmp_path / "report.json"
    write_json_atomic(target, {"score": 1})
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text('{"score": ')  # interrupted half-way
            raise RuntimeError
    assert json.loads(target.read_text()) == {"score": 1}
    assert list(tmp_path.iterdir()) == [target]  # no partial file left behind
    assert target.stat().st_mode & 0o777 == 0o644


def test_infer_takes_a_single_frame(tiny_dataset, untrained_model_path, tmp_path):
    frame = sorted((tiny_dataset / "images").iterdir())[0]
    proc = run_tool("infer", "--model", untrained_model_path, "--images", frame, "--out", tmp_path / "o")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert [p.name for p in (tmp_path / "o" / "overlays").iterdir()] == [frame.stem + ".jpg"]


def test_infer_counts_heroes_found_missed_and_false_against_masks(tiny_dataset, untrained_model_path, tmp_path):
    proc = run_tool("infer", "--model", untrained_model_path, "--images", tiny_dataset / "images",
                    "--masks", tiny_dataset / "masks", "--out", tmp_path / "o", "--no-overlays")
    assert proc.returncode == 0, proc.stderr[-2000:]
    tally = json.loads((tmp_path / "o" / "summary.json").read_text())["against_masks"]
    assert tally["hero_frames"] == 3 and tally["hero_free_frames"] == 3
    assert tally["found"] + tally["missed"] == 3 and 0 <= tally["false_heroes"] <= 3
    assert "against the masks: hero in 3 frames" in proc.stdout


def test_train_ema_checkpoints_hold_the_averaged_weights(tmp_path):
    """With a momentum near 1 the average stays near the first step, while the raw weights move on.

    Run at camera resolution with ``--threads`` and ``--init``: the threads must be set before the model is loaded."""
    import keras

    from follow_me_seg.inference.common import default_model_path

    data = need(FOLLOWME)
    init = default_model_path()
    common = ["--data", data, "--limit", 48, "--steps-per-epoch", 6, "--batch-size", 4, "--validation-steps", 1,
              "--epochs", 1, "--init", init, "--lr", 3e-3, "--schedule", "constant", "--seed", 3, "--threads", 1, "--camera-resolution"]
    moved = {}
    for name, extra in (("raw", []), ("ema", ["--ema", 0.9999])):
        proc = run_tool("train", *common, "--output", tmp_path / name, *extra)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "camera resolution: 256x256 frames, 160x160 training crops" in proc.stdout
        model = keras.models.load_model(tmp_path / name / "last.keras", compile=False)
        start = keras.models.load_model(init, compile=False)
        moved[name] = sum(float(np.abs(np.asarray(a) - np.asarray(b)).sum())
                          for a, b in zip(model.trainable_weights, start.trainable_weights))
    assert 0 < moved["ema"] < 0.5 * moved["raw"], moved
    refused = run_tool("train", *common, "--output", tmp_path / "bad", "--ema", "1")
    assert refused.returncode == 2 and "argument --ema: must be in [0, 1), got 1" in refused.stderr
    assert not (tmp_path / "bad").exists()


def test_train_distils_from_a_teacher_and_refuses_a_bad_one(tmp_path):
    from follow_me_seg.inference.common import default_model_path

    data, shipped = need(FOLLOWME), default_model_path()
    common = ["--data", data, "--limit", 48, "--steps-per-epoch", 2, "--batch-size", 4, "--validation-steps", 1,
              "--epochs", 1, "--camera-resolution", "--threads", 1]
    proc = run_tool("train", *common, "--output", tmp_path / "run", "--teacher", shipped, 0.625,
                    "--teacher", shipped, 1, "--teacher-weight", 0.3)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "distillation: targets 0.7 labels + 0.3 the mean of 2 teacher model(s)" in proc.stdout
    settings = json.loads((tmp_path / "run" / "run.json").read_text())["settings"]
    assert settings["teacher"] == [[str(shipped), 0.625], [str(shipped), 1.0]] and settings["teacher_weight"] == 0.3

    refused = run_tool("train", *common, "--output", tmp_path / "bad", "--teacher", shipped, "big")
    assert refused.returncode == 2 and "argument --teacher: SCALE must be a number, got 'big'" in refused.stderr
    (tmp_path / "broken.keras").write_bytes(b"PK not a model")
    assert_clean_error(run_tool("train", *common[:-2], "--output", tmp_path / "bad", "--teacher", tmp_path / "broken.keras", 1),
                       "--teacher model")
    assert not (tmp_path / "bad").exists()


def test_evaluate_an_ensemble_scores_the_mean_of_its_members(tiny_dataset, untrained_model_path, tmp_path):
    import keras

    from follow_me_seg.learning.model import build_fcn

    keras.utils.set_random_seed(7)
    other = tmp_path / "other.keras"
    build_fcn().save(other)

    def evaluate(name, *extra):
        proc = run_tool("evaluate", "--model", untrained_model_path, "--data", tiny_dataset, "--out", tmp_path / name,
                        "--samples", 0, "--mistakes", 0, "--save-predictions", tmp_path / f"{name}_masks", *extra)
        assert proc.returncode == 0, proc.stderr[-2000:]
        masks = b"".join(p.read_bytes() for p in sorted((tmp_path / f"{name}_masks").rglob("*.png")))
        return json.loads((tmp_path / name / "report.json").read_text()), masks

    alone, alone_masks = evaluate("alone")
    twice, twice_masks = evaluate("twice", "--ensemble", untrained_model_path, 160)  # a model and itself: the model
    assert twice["proxy"] == alone["proxy"] and twice_masks == alone_masks
    assert twice["ensemble"] == [[str(untrained_model_path), 160]]
    _, mixed_masks = evaluate("mixed", "--ensemble", other, 256)
    assert mixed_masks != alone_masks
    refused = run_tool("evaluate", "--data", tiny_dataset, "--out", tmp_path / "bad", "--ensemble", other, 100)
    assert refused.returncode == 2 and "argument --ensemble: SIZE must be a multiple of 8, got 100" in refused.stderr
