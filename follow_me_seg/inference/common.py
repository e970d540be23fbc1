"""What the engine, its backends and the export share: model files, their sides and export records."""

from __future__ import annotations

import hashlib
import json
import os
import platform
from importlib import resources
from pathlib import Path

from follow_me_seg.core.classes import INPUT_SIZE

DEVICES = ("auto", "cpu", "gpu")
BACKENDS = ("auto", "tensorflow", "litert", "openvino")


def default_model_path() -> Path:
    """The trained model shipped inside the package."""
    return Path(str(resources.files("follow_me_seg") / "models" / "follow_me_fcn.keras"))


def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def litert_path(model_path: str | os.PathLike) -> Path:
    """Where the ``export`` tool puts the LiteRT model of a ``.keras`` file."""
    return Path(model_path).with_suffix(".tflite")


def openvino_path(model_path: str | os.PathLike) -> Path:
    """Where the ``export`` tool puts the OpenVINO IR of a ``.keras`` file (its ``.bin`` beside it)."""
    return Path(model_path).with_suffix(".xml")


def info_path(exported: str | os.PathLike) -> Path:
    """The JSON written beside an exported model: its source model's hash and how it was made."""
    return Path(f"{exported}.json")


def read_info(exported: Path) -> dict:
    """The JSON record beside an exported model; empty where missing or unreadable."""
    try:
        info = json.loads(info_path(exported).read_text())
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def exported_files(exported: str | os.PathLike) -> list[Path]:
    """The files of an exported model: the ``.tflite``, or the ``.xml`` and its ``.bin``."""
    exported = Path(exported)
    return [exported, exported.with_suffix(".bin")] if exported.suffix == ".xml" else [exported]


def file_hashes(exported: str | os.PathLike) -> dict[str, str]:
    """SHA-256 of each file of an exported model, by file name (what ``export`` records)."""
    return {path.name: file_sha256(path) for path in exported_files(exported)}


def is_intact(exported: Path) -> bool:
    """True when every file of ``exported`` has the SHA-256 that ``export`` recorded beside it."""
    recorded = read_info(exported).get("sha256")
    try:
        return isinstance(recorded, dict) and recorded == file_hashes(exported)
    except OSError:
        return False


def is_current(exported: Path, keras_path: Path) -> bool:
    """True when ``exported`` was exported from the ``.keras`` file as it is now."""
    recorded = read_info(exported).get("source_sha256")
    return exported.is_file() and keras_path.is_file() and recorded == file_sha256(keras_path)


def export_side(exported: Path) -> int:
    """The side an exported model runs at, as ``export`` recorded it (160 for records that predate it)."""
    side = read_info(exported).get("input_size", INPUT_SIZE)
    return side if isinstance(side, int) and not isinstance(side, bool) else 0


def model_side(model_path: Path) -> int:
    """The side a model file runs at by default: a ``.keras`` file's input layer, an export's record.

    0 when the ``.keras`` file names no square input (its loader then says what is wrong).
    """
    model_path = Path(model_path)
    if model_path.suffix != ".keras":
        return export_side(model_path)
    import zipfile

    from follow_me_seg.core.model_files import check_keras_archive

    check_keras_archive(model_path)  # bounded before config.json is read
    with zipfile.ZipFile(model_path) as archive:
        try:
            config = json.loads(archive.read("config.json"))
        except ValueError:
            return 0
    layers = config.get("config", {}).get("layers", []) if isinstance(config, dict) else []
    for layer in layers if isinstance(layers, list) else []:
        if isinstance(layer, dict) and layer.get("class_name") == "InputLayer":
            shape = layer.get("config", {}).get("batch_shape")
            if isinstance(shape, list) and len(shape) == 4 and shape[1] == shape[2] and isinstance(shape[1], int):
                return shape[1]
    return 0


def run_side(model_path: str | os.PathLike | None, input_size: int = 0) -> int:
    """The side a model runs at: ``input_size``, else the model file's own (the shipped model's when
    empty), else 160."""
    path = Path(model_path) if model_path else default_model_path()
    return input_size or (model_side(path) if path.is_file() else 0) or INPUT_SIZE


def cpu_name() -> str:
    """The CPU's model name (``/proc/cpuinfo``; ``platform.processor()`` elsewhere)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def cpu_threads() -> int:
    """How many cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
