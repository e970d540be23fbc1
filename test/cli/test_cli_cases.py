"""The command-line cases table: every bad input or output is one line naming the path and the reason,
exit status 2, no traceback, and no complete-looking report from a failed run."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_messages import CORPUS
from test_cli import assert_clean_error, run_tool


def corrupt_frame(tiny: Path, corpus_name: str) -> str:
    """Replace one frame of the tiny data set by a corpus file under the frame's name; return that name."""
    target = sorted((tiny / "images").iterdir())[2]
    shutil.copyfile(CORPUS / corpus_name, target)
    return target.name


def a_file(tmp_path: Path) -> Path:
    path = tmp_path / "a_file"
    path.write_text("not a folder")
    return path


# (case id, tool, arguments with {data} {images} {model} {file} {tmp} {raw} placeholders, expected fragments).
# Every case fails before a model is loaded, so {model} need not exist.
CASES = [
    ("missing-images", "infer", ["--images", "{tmp}/nope", "--out", "{tmp}/o"], ["folder not found", "nope"]),
    ("missing-data", "evaluate", ["--data", "{tmp}/nope", "--out", "{tmp}/o"], ["folder not found", "nope"]),
    ("missing-raw", "preprocess", ["--raw", "{tmp}/nope", "--out", "{tmp}/o"], ["folder not found", "nope"]),
    ("missing-calibration", "export", ["--model", "{model}", "--out", "{tmp}/m.tflite", "--calibration",
                                       "{tmp}/nope"], ["not found", "nope"]),
    ("ppm-frame-infer", "infer", ["--images", "{images}", "--out", "{tmp}/o"], ["not a JPEG, PNG or BMP", "{bad}"]),
    ("bomb-frame-evaluate", "evaluate", ["--data", "{data}", "--out", "{tmp}/o"], ["65000x65000", "{bad}"]),
    ("bomb-frame-export", "export", ["--model", "{model}", "--out", "{tmp}/m.tflite", "--calibration", "{data}"],
     ["65000x65000", "{bad}"]),
    ("frame-over-the-limit", "infer", ["--images", "{images}", "--out", "{tmp}/o", "--max-image-pixels", "3071"],
     ["64x48 pixels, more than the limit of 3071"]),
    ("foreign-colour-mask", "evaluate", ["--data", "{data}", "--out", "{tmp}/o"], ["colours", "0__mask_00001.png"]),
    ("infer-out-is-a-file", "infer", ["--images", "{images}", "--out", "{file}"], ["existing file", "{file}"]),
    ("evaluate-out-is-a-file", "evaluate", ["--data", "{data}", "--out", "{file}"], ["existing file", "{file}"]),
    ("preprocess-out-under-a-file", "preprocess", ["--raw", "{raw}", "--out", "{file}/sub"],
     ["Not a directory", "{file}"]),
    ("predictions-under-a-file", "evaluate", ["--data", "{data}", "--out", "{tmp}/o", "--save-predictions",
                                              "{file}/p"], ["Not a directory", "{file}"]),
    ("export-out-is-a-folder", "export", ["--model", "{model}", "--out", "{tmp}"], ["existing folder", "{tmp}"]),
    ("export-out-is-a-tflite-folder", "export", ["--model", "{model}", "--out", "{tmp}/dir.tflite"],
     ["existing folder", "dir.tflite"]),
    ("export-out-under-a-file", "export", ["--model", "{model}", "--out", "{file}/m.tflite"],
     ["existing file", "{file}"]),
    ("train-corrupt-init", "train", ["--data", "{data}", "--output", "{tmp}/run", "--init", "{file}"],
     ["--init model", "corrupt", "{file}"]),
    ("simulate-yaml-bomb", "simulate", ["--out", "{tmp}/s", "--param", "smoothing=" + "[*a,*a]" * 40],
     ["parameter smoothing", "at most 100"]),
    ("simulate-yaml-list", "simulate", ["--out", "{tmp}/s", "--param", "smoothing=[1, 2]"],
     ["parameter smoothing", "a single number"]),
    ("simulate-out-is-a-file", "simulate", ["--out", "{file}"], ["existing file", "{file}"]),
    ("infer-images-is-a-text-file", "infer", ["--images", "{file}", "--out", "{tmp}/o"], ["not a folder", "{file}"]),
    ("evaluate-data-is-a-file", "evaluate", ["--data", "{file}", "--out", "{tmp}/o"], ["not a folder", "{file}"]),
]

# Options out of range: argparse's usage line, then one error line naming the option; exit status 2.
OPTION_CASES = [
    ("train-negative-lr", "train", ["--data", "{tmp}", "--output", "{tmp}/run", "--lr", "-0.1"],
     ["argument --lr", "-0.1"]),
    ("simulate-nan-seconds", "simulate", ["--out", "{tmp}/s", "--seconds", "nan"], ["argument --seconds", "finite"]),
    ("simulate-inf-rate", "simulate", ["--out", "{tmp}/s", "--rate", "inf"], ["argument --rate", "finite"]),
    ("simulate-negative-seed", "simulate", ["--out", "{tmp}/s", "--seed", "-1"], ["argument --seed"]),
    ("simulate-huge-distance", "simulate", ["--out", "{tmp}/s", "--start-distance", "1e308"],
     ["argument --start-distance"]),
    ("simulate-inf-wind", "simulate", ["--out", "{tmp}/s", "--wind", "inf"], ["argument --wind"]),
    ("simulate-3000-threads", "simulate", ["--out", "{tmp}/s", "--threads", "3000"], ["argument --threads"]),
    ("infer-threshold-1", "infer", ["--images", "{images}", "--out", "{tmp}/o", "--hero-threshold", "1"],
     ["argument --hero-threshold"]),
    ("evaluate-batch-0", "evaluate", ["--data", "{data}", "--batch-size", "0"], ["argument --batch-size"]),
    ("simulate-zero-steps", "simulate", ["--out", "{tmp}/s", "--seconds", "0.01"], ["less than one step"]),
    ("evaluate-negative-mistakes", "evaluate", ["--data", "{data}", "--mistakes", "-1"], ["argument --mistakes"]),
    ("simulate-input-size-100", "simulate", ["--out", "{tmp}/s", "--input-size", "100"],
     ["argument --input-size", "multiple of 8, got 100"]),
    ("infer-input-size-2048", "infer", ["--images", "{images}", "--out", "{tmp}/o", "--input-size", "2048"],
     ["argument --input-size", "2048"]),
    ("evaluate-input-size-text", "evaluate", ["--data", "{data}", "--input-size", "big"],
     ["argument --input-size", "an integer"]),
    ("train-strata-all-zero", "train", ["--data", "{tmp}", "--output", "{tmp}/r", "--strata", "0", "0", "0"],
     ["argument --strata", "positive sum"]),
]


@pytest.mark.parametrize("case, tool, args, fragments", OPTION_CASES, ids=[c[0] for c in OPTION_CASES])
def test_option_out_of_range_stops_the_tool_naming_the_option(case, tool, args, fragments, tiny_dataset, tmp_path):
    values = {"data": tiny_dataset, "images": tiny_dataset / "images", "tmp": tmp_path}
    proc = run_tool(tool, *(a.format(**values) for a in args))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith(f"{tool}: error: ") and all(f in last for f in fragments), last


def raw_run(tmp_path: Path) -> Path:
    """A one-frame raw capture run (camera + three label renders)."""
    import cv2
    import numpy as np

    img = tmp_path / "raw" / "IMG"
    img.mkdir(parents=True)
    for cam in ("cam1", "cam2", "cam3", "cam4"):
        cv2.imwrite(str(img / f"{cam}_00001.png"), np.full((8, 8, 3), 255, np.uint8))
    return img.parent


@pytest.mark.parametrize("case, tool, args, fragments", CASES, ids=[c[0] for c in CASES])
def test_command_line_case(case, tool, args, fragments, tiny_dataset, tmp_path):
    import cv2

    values = {"data": tiny_dataset, "images": tiny_dataset / "images", "model": tmp_path / "never_loaded.keras",
              "file": a_file(tmp_path), "tmp": tmp_path, "raw": raw_run(tmp_path), "bad": ""}
    (tmp_path / "dir.tflite").mkdir()
    if case == "ppm-frame-infer":
        values["bad"] = corrupt_frame(tiny_dataset, "ppm_declares_40000x40000.ppm")
    if case.startswith("bomb-frame"):
        values["bad"] = corrupt_frame(tiny_dataset, "jpeg_declares_65000x65000.jpeg")
    if case == "foreign-colour-mask":
        path = tiny_dataset / "masks" / "0__mask_00001.png"
        mask = cv2.imread(str(path))
        mask[0, 0] = (200, 200, 200)
        cv2.imwrite(str(path), mask)
    proc = run_tool(tool, *(a.format(**values) for a in args))
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert_clean_error(proc, *(f.format(**values) for f in fragments))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_unwritable_output_folder_is_found_before_the_work(tiny_dataset, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        proc = run_tool("infer", "--model", tmp_path / "never_loaded.keras", "--images", tiny_dataset / "images",
                        "--out", locked / "o")
    finally:
        locked.chmod(0o700)
    assert proc.returncode == 2
    assert_clean_error(proc, "cannot write to output folder", "Permission denied")


def run_with_file_size_limit(limit_bytes: int, tool: str, *args) -> subprocess.CompletedProcess:
    """Run a tool whose files may not grow beyond ``limit_bytes`` (``ulimit -f``): a full disk."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, resource.RLIM_INFINITY))

    proc = subprocess.run([sys.executable, "-m", f"follow_me_seg.cli.{tool}", *map(str, args)],
                          capture_output=True, timeout=600, preexec_fn=limit)
    proc.stdout, proc.stderr = proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")
    return proc


def assert_last_line_is_the_error(proc: subprocess.CompletedProcess, *fragments: str) -> None:
    """Exit 2, no traceback, one ``error:`` line naming the path and the reason, last.

    For runs that load TensorFlow, whose own log lines (a missing GPU, AutoGraph failing to write its
    temporary files on the full disk) are not the tool's to silence.
    """
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    lines = [shown for line in proc.stderr.split("\n") if (shown := line.split("\r")[-1].strip())]
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], proc.stderr[-3000:]
    for fragment in fragments:
        assert fragment in errors[0], errors[0]


def test_full_disk_during_evaluate_leaves_no_report(tiny_dataset, untrained_model_path, tmp_path):
    out = tmp_path / "ev"
    out.mkdir()
    (out / "report.json").write_text('{"from": "an earlier run"}')
    proc = run_with_file_size_limit(8192, "evaluate", "--model", untrained_model_path, "--data", tiny_dataset,
                                    "--out", out, "--samples", "4")
    assert_last_line_is_the_error(proc, str(out / "detection_by_size.png"), "File too large")  # the first image
    assert sorted(p.name for p in out.iterdir()) == []


def test_full_disk_during_infer_leaves_no_summary(tiny_dataset, untrained_model_path, tmp_path):
    out = tmp_path / "inf"
    proc = run_with_file_size_limit(100, "infer", "--model", untrained_model_path, "--images",
                                    tiny_dataset / "images", "--out", out)
    assert_last_line_is_the_error(proc, str(out / "overlays"), "File too large")
    assert not (out / "summary.json").exists() and not (out / "targets.csv").exists()


def test_full_disk_during_preprocess_is_one_line(tmp_path):
    out = tmp_path / "pre"
    proc = run_with_file_size_limit(100, "preprocess", "--raw", raw_run(tmp_path), "--out", out)
    assert proc.returncode == 2
    assert_clean_error(proc, str(out / "images" / "0_raw_cam1_00001.jpeg"), "File too large")
    assert list((out / "images").iterdir()) == []  # no partial file left behind
