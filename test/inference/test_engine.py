"""The segmentation engine: same answers as Keras ``model.predict``, backend choice, errors, export."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from follow_me_seg.core.classes import HERO, normalise
from follow_me_seg.core.errors import FollowMeError, ModelError
from follow_me_seg.core.resampling import shrink_probs
from follow_me_seg.inference.agreement import agrees, mask_agreement
from follow_me_seg.inference.common import (
    cpu_name,
    default_model_path,
    file_sha256,
    info_path,
    is_current,
    model_side,
    read_info,
    run_side,
)
from follow_me_seg.inference.engine import SegmentationEngine, auto_threads, choose_backend
from follow_me_seg.inference.litert_backend import litert_interpreter_class
from follow_me_seg.inference.openvino_backend import OpenVINORunner, bf16_agrees, cpu_has_bf16, openvino_installed
from follow_me_seg.inference.tensorflow_backend import load_model
from follow_me_seg.perception.target import class_ids, extract_target

VALIDATION = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "followme" / "validation"
AGREEMENT_FRAMES = 150
CHECK_FRAMES = ("--frames", "20")  # export's own agreement check and speed record, kept short here
needs_litert = pytest.mark.skipif(litert_interpreter_class() is None, reason="no LiteRT runtime installed")
needs_openvino = pytest.mark.skipif(not openvino_installed(), reason="OpenVINO not installed")


def export(model: Path, out: Path, *extra: str) -> Path:
    from follow_me_seg.cli.export import main

    assert main(["--model", str(model), "--out", str(out), *CHECK_FRAMES, *extra]) == 0
    return out


@pytest.fixture(scope="module")
def frames() -> tuple[list[np.ndarray], np.ndarray]:
    """Raw validation frames (as read) and the same frames at network size."""
    if not VALIDATION.is_dir():
        pytest.skip(f"shared data not present: {VALIDATION}")
    from follow_me_seg.core.image_files import list_images, read_rgb, resize_frame

    files = list_images(VALIDATION / "images")
    raw = [read_rgb(files[i]) for i in np.linspace(0, len(files) - 1, AGREEMENT_FRAMES).astype(int)]
    return raw, np.stack([resize_frame(f) for f in raw])


@pytest.fixture(scope="module")
def agreement_model(frames, tmp_path_factory) -> Path:
    """The shipped model when present; else a seeded FCN made to give varied, confident answers.

    An untrained FCN answers ~1/3 everywhere, which makes agreement trivial. Here the batch-norm
    statistics are measured on real frames and the hero logit is biased, so that the hero is found on
    some frames and not on others.
    """
    if default_model_path().is_file():
        return default_model_path()
    import keras

    from follow_me_seg.learning.model import build_fcn

    keras.utils.set_random_seed(1)
    model = build_fcn()
    x = normalise(frames[1][:32].astype(np.float32))
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            acts = keras.Model(model.input, layer.input).predict(x, verbose=0)
            gamma, beta, _, _ = layer.get_weights()
            layer.set_weights([gamma, beta, acts.mean(axis=(0, 1, 2)), acts.var(axis=(0, 1, 2))])
    classifier = model.get_layer("classifier_conv1x1")
    classifier.set_weights([classifier.get_weights()[0], np.array([0.0, 0.0, -5.0], np.float32)])
    path = tmp_path_factory.mktemp("agreement") / "model.keras"
    model.save(path)
    return path


@pytest.fixture(scope="module")
def model_frames(agreement_model, frames) -> np.ndarray:
    """The frames at the agreement model's own side (the shipped model runs on whole 256x256 frames)."""
    from follow_me_seg.core.image_files import resize_frame

    return np.stack([resize_frame(f, model_side(agreement_model)) for f in frames[0]])


@pytest.fixture(scope="module")
def keras_probs(agreement_model, model_frames) -> np.ndarray:
    """Keras ``predict`` at the model's side, shrunk to 160x160 as the engine answers."""
    return shrink_probs(load_model(agreement_model).predict(normalise(model_frames.astype(np.float32)), verbose=0))


@pytest.fixture(scope="module")
def engine_model(agreement_model, tmp_path_factory) -> Path:
    """The agreement model with current exports beside it (the shipped one, or exported here)."""
    exports = [agreement_model.with_suffix(".tflite")] + [agreement_model.with_suffix(".xml")] * openvino_installed()
    if agreement_model == default_model_path() and all(is_current(e, agreement_model) for e in exports):
        return agreement_model
    folder = tmp_path_factory.mktemp("engine")
    model = Path(shutil.copy(agreement_model, folder / "model.keras"))
    if litert_interpreter_class() is not None:
        export(model, folder / "model.tflite")
    return model


def hero_found(probs: np.ndarray) -> list[bool]:
    return [extract_target(p[..., HERO], p.shape[:2]).found for p in probs]


@pytest.mark.parametrize("backend", ["tensorflow", pytest.param("litert", marks=needs_litert),
                                     pytest.param("openvino", marks=needs_openvino), "auto"])
def test_engine_masks_agree_with_keras_predict(engine_model, frames, model_frames, keras_probs, backend):
    engine = SegmentationEngine(engine_model, device="cpu", backend=backend)
    raw = frames[0]
    for probs in (engine.predict_batch(model_frames), np.stack([engine.predict(f) for f in raw])):
        assert probs.shape == keras_probs.shape and probs.dtype == np.float32
        same = np.mean(class_ids(probs) == class_ids(keras_probs))
        assert same >= 0.999, f"{backend}: only {same:.4%} identical class pixels"
        assert hero_found(probs) == hero_found(keras_probs), f"{backend}: hero-found decision differs"
    assert 0 < sum(hero_found(keras_probs)) < len(raw), "the check needs frames with and without a hero"


@needs_openvino
def test_bf16_only_where_it_agrees_on_validation_frames(engine_model, model_frames, keras_probs):
    xml = engine_model.with_suffix(".xml")
    info = read_info(xml)
    assert info["agreement"]["f32"]["agrees"]
    if not cpu_has_bf16():
        assert choose_backend(engine_model, "cpu", "auto", "bf16")[2] == "f32"
        return
    same, hero_differs = mask_agreement(keras_probs, shrink_probs(OpenVINORunner(xml, 1, False, "bf16").batch(model_frames)))
    if bf16_agrees(info):  # export found it agrees: it must agree on these frames too
        assert agrees(same, hero_differs), f"bf16: {same:.4%} identical pixels, hero differs on {hero_differs}"
        assert SegmentationEngine(engine_model, backend="openvino", precision="bf16").precision == "bf16"
    else:
        with pytest.raises(ModelError, match="bf16 is not allowed"):
            SegmentationEngine(engine_model, backend="openvino", precision="bf16")
        assert choose_backend(engine_model, "cpu", "auto", "bf16")[2] == "f32"


def test_the_agreement_rule():
    assert agrees(0.999, 0) and agrees(1.0, 0)
    assert not agrees(0.9989, 0) and not agrees(1.0, 1)


def exported(untrained_model_path: Path, folder: Path) -> Path:
    model = Path(shutil.copy(untrained_model_path, folder / "m.keras"))
    export(model, folder / "m.tflite")
    return model


@needs_litert
def test_auto_picks_litert_on_cpu_only_while_the_tflite_is_current(untrained_model_path, tmp_path):
    model = exported(untrained_model_path, tmp_path)
    (tmp_path / "m.xml.json").unlink(missing_ok=True)  # no current OpenVINO IR
    assert choose_backend(model, "cpu")[:2] == ("litert", tmp_path / "m.tflite")
    assert choose_backend(model, "cpu", "tensorflow")[:2] == ("tensorflow", model)
    engine = SegmentationEngine(model, device="cpu")
    assert (engine.backend, engine.model_path, engine.device) == ("litert", tmp_path / "m.tflite", "/CPU:0")

    shutil.copy(model, tmp_path / "other.keras")
    model.write_bytes(model.read_bytes() + b"\0")  # the .keras changed after export
    assert choose_backend(model, "cpu")[:2] == ("tensorflow", model)
    with pytest.raises(ModelError, match="re-run export"):
        SegmentationEngine(model, backend="litert")
    (tmp_path / "m.tflite.json").unlink()
    assert choose_backend(tmp_path / "other.keras", "cpu")[0] == "tensorflow"  # no .tflite beside it
    assert choose_backend(tmp_path / "m.tflite", "cpu")[0] == "litert"  # a .tflite named directly


def set_speed(xml: Path, cpu: str, openvino_ms: float, litert_ms: float = 5.0) -> None:
    info = read_info(xml)
    info["speed"] = {"cpu": cpu, "threads": 1, "pin": False, "p50_ms": {"litert": litert_ms, "openvino_f32": openvino_ms}}
    info_path(xml).write_text(json.dumps(info))


@needs_litert
@needs_openvino
def test_auto_picks_openvino_only_where_export_measured_it_faster(untrained_model_path, tmp_path, monkeypatch):
    model = exported(untrained_model_path, tmp_path)
    xml = tmp_path / "m.xml"
    assert xml.is_file() and xml.with_suffix(".bin").is_file() and is_current(xml, model)
    assert read_info(xml)["speed"]["cpu"] == cpu_name()
    set_speed(xml, cpu_name(), openvino_ms=4.0)
    assert choose_backend(model, "cpu") == ("openvino", xml, "f32")
    engine = SegmentationEngine(model, device="cpu")
    assert (engine.backend, engine.model_path, engine.precision) == ("openvino", xml, "f32")
    set_speed(xml, cpu_name(), openvino_ms=6.0)
    assert choose_backend(model, "cpu")[0] == "litert"  # measured slower
    set_speed(xml, "another CPU", openvino_ms=4.0)
    assert choose_backend(model, "cpu")[0] == "litert"  # measured on another CPU
    set_speed(xml, cpu_name(), openvino_ms=4.0)
    monkeypatch.setattr("follow_me_seg.inference.engine.openvino_installed", lambda: False)
    assert choose_backend(model, "cpu")[0] == "litert"  # not installed
    with pytest.raises(FollowMeError, match="follow_me_seg\\[openvino\\]"):
        SegmentationEngine(model, backend="openvino")
    monkeypatch.undo()
    model.write_bytes(model.read_bytes() + b"\0")  # the .keras changed after export
    assert choose_backend(model, "cpu")[0] == "tensorflow"
    with pytest.raises(ModelError, match="OpenVINO model .* re-run export"):
        SegmentationEngine(model, backend="openvino")
    assert choose_backend(xml, "cpu")[:2] == ("openvino", xml)  # an .xml named directly


@needs_litert
@pytest.mark.parametrize("backend", ["litert", pytest.param("openvino", marks=needs_openvino)])
def test_threads_and_pinning_give_the_same_answers(untrained_model_path, tmp_path, backend):
    import os

    model = exported(untrained_model_path, tmp_path)
    frames = np.random.default_rng(4).integers(0, 256, (3, 160, 160, 3), np.uint8)
    default = SegmentationEngine(model, backend=backend)
    assert default.threads == auto_threads() >= 1
    want = default.predict_batch(frames)
    allowed = os.sched_getaffinity(0)
    for threads, pin in ((1, True), (2, False), (2, True)):
        engine = SegmentationEngine(model, backend=backend, threads=threads, pin=pin)
        assert engine.threads == threads
        np.testing.assert_allclose(engine.predict_batch(frames), want, atol=1e-5)
        assert os.sched_getaffinity(0) == allowed  # the caller gets its cores back after each frame
    with pytest.raises(FollowMeError, match="threads must be 0"):
        SegmentationEngine(model, backend=backend, threads=-1)


def test_tensorflow_without_a_tflite(untrained_model_path):
    engine = SegmentationEngine(untrained_model_path)
    assert engine.backend == "tensorflow" and engine.model_path == untrained_model_path
    assert engine.predict(np.zeros((480, 640, 3), np.uint8)).shape == (160, 160, 3)
    with pytest.raises(ModelError, match="LiteRT model not found"):
        SegmentationEngine(untrained_model_path, backend="litert")
    with pytest.raises(ModelError, match="OpenVINO model not found"):
        SegmentationEngine(untrained_model_path, backend="openvino")


@pytest.mark.parametrize("kwargs, message", [
    ({"backend": "onnx"}, "backend must be one of"),
    ({"device": "tpu"}, "device must be one of"),
    ({"backend": "litert", "device": "gpu"}, "runs on the CPU"),
    ({"backend": "openvino", "device": "gpu"}, "runs on the CPU"),
    ({"precision": "f16"}, "precision must be one of"),
])
def test_bad_backend_or_device(untrained_model_path, kwargs, message):
    with pytest.raises(FollowMeError, match=message):
        SegmentationEngine(untrained_model_path, **kwargs)


@needs_litert
def test_an_export_runs_at_its_own_side_only(untrained_model_path, tmp_path):
    model = exported(untrained_model_path, tmp_path)
    assert SegmentationEngine(model, device="cpu").backend != "tensorflow"  # auto takes an export at 160x160
    warnings = []
    engine = SegmentationEngine(model, device="cpu", input_size=256, warn=warnings.append)
    assert engine.backend == "tensorflow" and engine.input_size == 256
    assert any("runs at 160x160, not 256x256: not used" in w for w in warnings)
    assert engine.predict(np.zeros((300, 400, 3), np.uint8)).shape == (160, 160, 3)
    assert engine.predict_batch(np.zeros((2, 256, 256, 3), np.uint8)).shape == (2, 160, 160, 3)
    for backend in ["litert"] + (["openvino"] if openvino_installed() else []):
        with pytest.raises(FollowMeError, match="runs at 160x160, not 256x256: use backend tensorflow"):
            SegmentationEngine(model, backend=backend, input_size=256)


@pytest.fixture(scope="module")
def camera_model(camera_model_path, tmp_path_factory) -> Path:
    """An untrained FCN built for 256x256 frames, exported beside itself."""
    path = Path(shutil.copy(camera_model_path, tmp_path_factory.mktemp("camera") / "m.keras"))
    if litert_interpreter_class() is not None:
        export(path, path.with_suffix(".tflite"))
    return path


def test_a_model_runs_at_its_own_side_by_default(camera_model, untrained_model_path):
    assert model_side(camera_model) == run_side(camera_model) == 256
    assert model_side(untrained_model_path) == 160 and run_side(camera_model, 160) == 160
    engine = SegmentationEngine(camera_model, backend="tensorflow")
    assert engine.input_size == 256
    assert engine.predict(np.zeros((300, 400, 3), np.uint8)).shape == (160, 160, 3)
    small = SegmentationEngine(camera_model, backend="tensorflow", input_size=160)  # the same weights at 160
    assert small.input_size == 160 and small.predict_batch(np.zeros((1, 160, 160, 3), np.uint8)).shape == (1, 160, 160, 3)


@needs_litert
def test_a_camera_resolution_export_agrees_with_tensorflow(camera_model):
    assert read_info(camera_model.with_suffix(".tflite"))["input_size"] == 256
    engine = SegmentationEngine(camera_model, device="cpu")
    assert (engine.backend, engine.input_size) != ("tensorflow", 256) and engine.input_size == 256
    frames = np.random.default_rng(0).integers(0, 256, (3, 256, 256, 3), np.uint8)
    reference = SegmentationEngine(camera_model, backend="tensorflow").predict_batch(frames)
    assert np.abs(engine.predict_batch(frames) - reference).max() < 1e-4
    with pytest.raises(FollowMeError, match="runs at 256x256, not 160x160: use backend tensorflow"):
        SegmentationEngine(camera_model, backend="litert", input_size=160)
    if openvino_installed():
        assert read_info(camera_model.with_suffix(".xml"))["input_size"] == 256
        openvino = SegmentationEngine(camera_model, backend="openvino")
        assert np.abs(openvino.predict_batch(frames) - reference).max() < 1e-4


@needs_litert
def test_an_export_whose_record_names_another_side_falls_back(untrained_model_path, tmp_path):
    model = exported(untrained_model_path, tmp_path)
    record = info_path(tmp_path / "m.tflite")
    record.write_text(json.dumps({**json.loads(record.read_text()), "input_size": 256}))  # a 160x160 .tflite
    (tmp_path / "m.xml.json").unlink(missing_ok=True)
    warnings = []
    engine = SegmentationEngine(model, device="cpu", input_size=256, warn=warnings.append)
    assert engine.backend == "tensorflow" and any("falling back to tensorflow" in w for w in warnings)
    with pytest.raises(ModelError, match="runs at 160x160, not 256x256: re-run export"):
        SegmentationEngine(tmp_path / "m.tflite", backend="litert", input_size=256)


def test_gpu_without_a_gpu(untrained_model_path):
    import tensorflow as tf

    if tf.config.list_physical_devices("GPU"):
        pytest.skip("this machine has a GPU")
    with pytest.raises(FollowMeError, match="no GPU"):
        SegmentationEngine(untrained_model_path, device="gpu")


@pytest.mark.parametrize("backend", ["tensorflow", pytest.param("litert", marks=needs_litert),
                                     pytest.param("openvino", marks=needs_openvino)])
def test_missing_and_corrupt_model_files(tmp_path, backend):
    suffix = {"litert": ".tflite", "openvino": ".xml", "tensorflow": ".keras"}[backend]
    missing = tmp_path / f"missing{suffix}"
    with pytest.raises(ModelError, match="not found") as err:
        SegmentationEngine(missing, backend=backend)
    assert str(missing) in str(err.value)
    corrupt = tmp_path / f"corrupt{suffix}"
    corrupt.write_bytes(b"not a model at all")
    with pytest.raises(ModelError, match="corrupt") as err:
        SegmentationEngine(corrupt, backend=backend)
    assert str(corrupt) in str(err.value)


def test_bad_frames(untrained_model_path):
    engine = SegmentationEngine(untrained_model_path)
    with pytest.raises(FollowMeError, match="uint8"):
        engine.predict(np.zeros((120, 160, 3), np.float32))
    with pytest.raises(FollowMeError, match="uint8"):
        engine.predict_batch(np.zeros((2, 100, 100, 3), np.uint8))


@needs_litert
def test_export_round_trip(untrained_model_path, tmp_path, tiny_dataset):
    model = exported(untrained_model_path, tmp_path)
    info = json.loads((tmp_path / "m.tflite.json").read_text())
    assert info["source_sha256"] == file_sha256(model) and info["quantize"] == "none"
    assert info["batch_norm_folded"]
    assert not list(tmp_path.glob("*partial*")) and not list(tmp_path.glob(".*"))
    if openvino_installed():
        ir = read_info(tmp_path / "m.xml")
        assert ir["source_sha256"] == file_sha256(model) and ir["converted_from"] == "m.tflite"
        assert ir["agreement"]["f32"]["agrees"] and ir["speed"]["p50_ms"]["litert"] > 0
    frames = np.random.default_rng(3).integers(0, 256, (4, 160, 160, 3), np.uint8)
    want = load_model(model).predict(normalise(frames.astype(np.float32)), verbose=0)
    got = SegmentationEngine(model, device="cpu").predict_batch(frames)
    np.testing.assert_allclose(got, want, atol=1e-5)

    plain = export(model, tmp_path / "plain.tflite", "--plain")
    plain_info = json.loads((tmp_path / "plain.tflite.json").read_text())
    assert not plain_info["batch_norm_folded"]
    np.testing.assert_allclose(SegmentationEngine(plain, backend="litert").predict_batch(frames), want, atol=1e-5)

    int8 = export(model, tmp_path / "int8.tflite", "--quantize", "int8", "--calibration", str(tiny_dataset))
    assert json.loads((tmp_path / "int8.tflite.json").read_text())["quantize"] == "int8"
    assert int8.stat().st_size < (tmp_path / "m.tflite").stat().st_size
    assert SegmentationEngine(int8, backend="litert").predict_batch(frames).shape == want.shape


def test_export_errors_are_one_line(tmp_path, monkeypatch, capsys):
    from follow_me_seg.cli.export import entry

    monkeypatch.setattr("sys.argv", ["export", "--model", str(tmp_path / "nope.keras")])
    with pytest.raises(SystemExit) as exit_info:
        entry()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: model file not found") and "\n" not in err
    assert not list(tmp_path.iterdir())


def _damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "flipped":
        data[len(data) // 2] ^= 0xFF  # one byte: loads, and would give other masks
    elif how == "zeroed":
        data = bytearray(len(data))
    else:
        data = data[: len(data) // 2]
    path.write_bytes(bytes(data))


@needs_litert
@pytest.mark.parametrize("how", ["flipped", "zeroed", "truncated"])
def test_a_damaged_export_is_never_used(untrained_model_path, tmp_path, how):
    """auto warns once and falls back to the next backend; the damaged backend named alone is a one-line error."""
    model = exported(untrained_model_path, tmp_path)
    for name in ("m.xml", "m.xml.json", "m.bin"):
        (tmp_path / name).unlink(missing_ok=True)
    _damage(tmp_path / "m.tflite", how)
    warnings = []
    engine = SegmentationEngine(model, device="cpu", warn=warnings.append)
    assert engine.backend == "tensorflow"
    assert len(warnings) == 1 and "checksum" in warnings[0] and "m.tflite" in warnings[0]
    with pytest.raises(ModelError, match="does not match the checksum export recorded"):
        SegmentationEngine(model, backend="litert")


@needs_litert
def test_an_export_that_fails_to_load_falls_back_with_one_warning(untrained_model_path, tmp_path, monkeypatch):
    """Intact files that the runtime still cannot run (a runtime bug, a foreign build) fall back too."""
    from follow_me_seg.inference import litert_backend

    model = exported(untrained_model_path, tmp_path)
    (tmp_path / "m.xml.json").unlink(missing_ok=True)

    def broken(*args, **kwargs):
        raise RuntimeError("Model provided has model identifier 'junk'")

    monkeypatch.setattr(litert_backend, "LiteRTRunner", broken)
    warnings = []
    engine = SegmentationEngine(model, device="cpu", warn=warnings.append)
    assert engine.backend == "tensorflow" and len(warnings) == 1 and "falling back to tensorflow" in warnings[0]
    with pytest.raises(ModelError, match="cannot run LiteRT model .*RuntimeError"):
        SegmentationEngine(model, backend="litert")


@needs_litert
def test_export_never_replaces_files_without_overwrite_and_honours_frames(untrained_model_path, tmp_path, capsys):
    from follow_me_seg.cli.export import main

    model = exported(untrained_model_path, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(FollowMeError, match="already exist: pass --overwrite"):
        main(["--model", str(model), "--out", str(tmp_path / "m.tflite")])
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    capsys.readouterr()
    assert main(["--model", str(model), "--out", str(tmp_path / "m.tflite"), "--overwrite", "--frames", "5",
                 "--check-data", str(tmp_path / "none"), "--no-openvino"]) == 0
    out = capsys.readouterr().out
    assert "checking on 5 random frames" in out and "LiteRT on 5 frames" in out
    assert read_info(tmp_path / "m.tflite")["sha256"] == {"m.tflite": file_sha256(tmp_path / "m.tflite")}


NOT_SQUARE = b'{"config": {"layers": [{"class_name": "InputLayer", "config": {"batch_shape": [null, 160, 96, 3]}}]}}'


@pytest.mark.parametrize("config", [b"not json", b"[1, 2]", b'{"config": {"layers": "none"}}', NOT_SQUARE])
def test_a_model_whose_config_names_no_square_input_has_no_side(tmp_path, config):
    import zipfile

    path = tmp_path / "m.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", config)
        archive.writestr("model.weights.h5", b"")
    assert model_side(path) == 0 and run_side(path) == 160  # the loader then says what is wrong
    with pytest.raises(ModelError):
        SegmentationEngine(path, backend="tensorflow")


@pytest.mark.parametrize("recorded", [True, "256", 256.0, None])
def test_an_export_record_with_a_foreign_side_names_no_side(tmp_path, recorded):
    tflite = tmp_path / "m.tflite"
    info_path(tflite).write_text(json.dumps({"input_size": recorded}))
    assert model_side(tflite) == 0
