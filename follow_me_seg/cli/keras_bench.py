"""The shipped model under Keras 3 on the JAX, PyTorch or TensorFlow backend: GPU figures without TensorFlow.

GPU machines often carry JAX or PyTorch but not TensorFlow (whose CUDA wheels are gigabytes). Keras 3
runs the same ``.keras`` file on any of its backends, so this bench times it wherever Keras and one
backend are installed:

* agreement: class masks of the demo frames against a reference written by another backend
  (``--write-reference`` on the TensorFlow machine, ``--reference`` on the GPU one);
* batch-1 latency through ``predict_on_batch`` (host array in, host array out) and Keras ``predict``;
* inference throughput at larger batches;
* training images/s: one ``train_on_batch`` step of the full network on random batches, in float32
  and in mixed bfloat16. It times the network's step alone, not the tf.data augmentation of ``train``.

    python -m follow_me_seg.cli.keras_bench --backend jax --reference ref.npz --out jax.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import zipfile
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from follow_me_seg.cli import run_cli
from follow_me_seg.cli.arguments import count
from follow_me_seg.core.classes import HERO, normalise
from follow_me_seg.core.errors import FollowMeError
from follow_me_seg.inference.agreement import read_frames
from follow_me_seg.inference.common import default_model_path
from follow_me_seg.learning.scoring import PRESENCE_PIXELS

BACKENDS = ("jax", "torch", "tensorflow")
DEMO_FRAMES = Path(__file__).resolve().parent.parent / "demo_frames"
MAX_FRAMES = 300  # agreement frames, spread evenly over --frames (all 19 demo frames)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="keras_backends", description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=BACKENDS, required=True, help="Keras backend to time")
    parser.add_argument("--cpu", action="store_true", help="hide the GPUs (the same machine's CPU as baseline)")
    parser.add_argument("--model", type=Path, default=None, help="a .keras model (default: the shipped one)")
    parser.add_argument("--frames", type=Path, default=DEMO_FRAMES,
                        help="folder of frames (or a data folder with images/) for the agreement check; "
                             f"up to {MAX_FRAMES}, spread evenly")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--reference", type=Path, help="compare masks with this reference (.npz)")
    group.add_argument("--write-reference", type=Path, help="write this backend's masks as the reference (.npz)")
    parser.add_argument("--iters", type=count(1), default=300, help="timed batch-1 calls (after 10 warm-up calls)")
    parser.add_argument("--batches", type=count(1, 65536), nargs="*", default=[64, 256], help="throughput batch sizes (none: skip)")
    parser.add_argument("--train-batches", type=count(1, 65536), nargs="*", default=[32, 64], help="training batch sizes (none: skip)")
    parser.add_argument("--train-steps", type=count(1), default=100, help="timed training steps per batch size")
    parser.add_argument("--out", type=Path, help="also write the report here (.json)")
    args = parser.parse_args(argv)
    return args


def select_backend(backend: str, cpu: bool) -> None:
    """Set the Keras backend (and hide the GPUs for ``cpu``) before Keras is imported; an error after."""
    if "keras" in sys.modules:
        import keras

        if keras.backend.backend() != backend:
            raise FollowMeError(f"Keras is already running on {keras.backend.backend()}, not {backend}: "
                                "start a fresh process")
    os.environ["KERAS_BACKEND"] = backend
    if cpu:
        os.environ.update(CUDA_VISIBLE_DEVICES="", JAX_PLATFORMS="cpu")


def timed(call: Callable[[], object], count: int, warm_up: int = 10) -> dict:
    """p50, p99 and fastest wall time (ms) of ``count`` calls after ``warm_up`` untimed ones."""
    for _ in range(warm_up):
        call()
    times = np.empty(count)
    for k in range(count):
        start = time.perf_counter()
        call()
        times[k] = time.perf_counter() - start
    times *= 1e3
    return {"p50_ms": round(float(np.percentile(times, 50)), 3), "p99_ms": round(float(np.percentile(times, 99)), 3),
            "min_ms": round(float(times.min()), 3), "calls": count}


def device_name(backend: str, cpu: bool) -> str:
    """The accelerator (or 'cpu') and the backend's version."""
    if backend == "jax":
        import jax

        return f"{jax.devices()[0].device_kind} / jax {jax.__version__}"
    if backend == "torch":
        import torch

        gpu = not cpu and torch.cuda.is_available()
        return f"{torch.cuda.get_device_name(0) if gpu else 'cpu'} / torch {torch.__version__}"
    import tensorflow as tf

    gpus = [] if cpu else tf.config.list_physical_devices("GPU")
    return f"{gpus[0].name if gpus else 'cpu'} / tensorflow {tf.__version__}"


def read_reference(path: Path) -> np.ndarray:
    """The class masks of a ``--write-reference`` file; a FollowMeError for anything else."""
    try:
        with np.load(path) as saved:
            return saved["classes"]
    except (ValueError, KeyError, zipfile.BadZipFile) as err:  # not an .npz, or one without masks
        raise FollowMeError(f"{path} is not a reference written by --write-reference ({err})") from None


def agreement(classes: np.ndarray, reference: np.ndarray) -> dict:
    """Share of identical class pixels and frames with the same hero decision (the grader's: over
    ``PRESENCE_PIXELS`` hero pixels)."""
    if classes.shape != reference.shape:
        raise FollowMeError(f"reference masks are {reference.shape}, this run's {classes.shape}: other frames?")
    found = ((classes == HERO).sum(axis=(1, 2)) > PRESENCE_PIXELS)
    found_ref = ((reference == HERO).sum(axis=(1, 2)) > PRESENCE_PIXELS)
    return {"identical_pixels": float((classes == reference).mean()),
            "same_hero_decision": f"{int((found == found_ref).sum())}/{len(classes)}"}


def train_throughput(batch_sizes: list[int], steps: int, rng: np.random.Generator) -> Iterator[tuple[str, float]]:
    """(name, images/s) of ``train_on_batch`` on random batches, float32 then mixed bfloat16, as each is timed."""
    import keras

    from follow_me_seg.learning.model import build_fcn

    if not batch_sizes:
        return
    try:
        for policy in ("float32", "mixed_bfloat16"):
            keras.mixed_precision.set_global_policy(policy)
            net = build_fcn()
            net.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy")
            for batch in batch_sizes:
                x = rng.uniform(-1, 1, (batch, *net.input_shape[1:])).astype(np.float32)
                y = np.eye(net.output_shape[-1], dtype=np.float32)[rng.integers(0, net.output_shape[-1], x.shape[:3])]
                t = timed(lambda net=net, x=x, y=y: net.train_on_batch(x, y), steps, warm_up=3)
                yield f"{policy}_b{batch}_images_per_s", round(batch / t["p50_ms"] * 1e3, 1)
    finally:
        keras.mixed_precision.set_global_policy("float32")


def run(args: argparse.Namespace, save: Callable[[dict], None] = lambda report: None) -> dict:
    """The report: device, agreement, latency, throughput and training speed (``save``d after each figure)."""
    reference = read_reference(args.reference) if args.reference else None  # before minutes of work
    select_backend(args.backend, args.cpu)
    import keras

    import follow_me_seg.learning.model  # noqa: F401  (registers the folded model's layer)

    model_path = args.model or default_model_path()
    model = keras.saving.load_model(model_path, compile=False)
    report = {"backend": args.backend, "device": device_name(args.backend, args.cpu), "keras": keras.__version__,
              "model": str(model_path), "cpu_threads": os.cpu_count()}
    frames = normalise(read_frames(args.frames, MAX_FRAMES).astype(np.float32)).astype(np.float32)
    classes = np.asarray(model.predict_on_batch(frames)).argmax(axis=-1).astype(np.uint8)
    if args.write_reference:
        np.savez_compressed(args.write_reference, classes=classes)
    if reference is not None:
        report["agreement"] = agreement(classes, reference)
    one = frames[:1]
    report["batch1_predict_on_batch"] = timed(lambda: np.asarray(model.predict_on_batch(one)), args.iters)
    report["batch1_keras_predict"] = timed(lambda: model.predict(one, verbose=0), max(args.iters // 5, 1), warm_up=3)
    save(report)
    rng = np.random.default_rng(0)
    for batch in args.batches:
        x = rng.uniform(-1, 1, (batch, *one.shape[1:])).astype(np.float32)
        t = timed(lambda x=x: np.asarray(model.predict_on_batch(x)), max(args.iters // 10, 1), warm_up=3)
        report[f"batch{batch}_images_per_s"] = round(batch / t["p50_ms"] * 1e3, 1)
    save(report)
    report["training"] = {}
    for name, images_per_s in train_throughput(args.train_batches, args.train_steps, rng):
        report["training"][name] = images_per_s
        save(report)  # a compile that outlasts a time limit keeps the figures already timed
    return report


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def save(report: dict) -> None:
        if args.out:
            args.out.write_text(json.dumps(report, indent=1) + "\n")

    report = run(args, save)
    save(report)
    print(json.dumps(report, indent=1))
    return 0


entry = run_cli(main)

if __name__ == "__main__":
    entry()
