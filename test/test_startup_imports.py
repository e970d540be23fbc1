"""Start-up cost: device auto on a machine without a GPU runs LiteRT without importing TensorFlow."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from follow_me_seg.inference import tensorflow_backend
from follow_me_seg.inference.litert_backend import litert_interpreter_class

REPO = Path(__file__).resolve().parents[1]


def test_gpu_possible_follows_the_driver_device_files(monkeypatch, tmp_path):
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    monkeypatch.setattr(tensorflow_backend, "GPU_DEVICE_FILES", (str(tmp_path / "nvidia0"),))
    assert not tensorflow_backend.gpu_possible()
    (tmp_path / "nvidia0").write_text("")
    assert tensorflow_backend.gpu_possible()


def test_auto_on_a_cpu_only_machine_does_not_import_tensorflow():
    if tensorflow_backend.gpu_possible() or litert_interpreter_class() is None:
        pytest.skip("needs a machine without GPU device files and with ai-edge-litert")
    code = ("import sys; from follow_me_seg.inference.engine import SegmentationEngine; e = SegmentationEngine(device='auto'); "
            "print(e.backend, 'tensorflow' in sys.modules, 'keras' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert run.stdout.split() == ["litert", "False", "False"], run.stderr
