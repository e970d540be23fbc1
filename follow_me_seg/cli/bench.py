"""``bench``: how fast the follow-me network runs, per frame and in training.

Measures, in one run:

* per-frame latency (p50, p99) and throughput at batch 1 over the full path (raw RGB frame → resize →
  normalise → network → class decision → hero extraction) at 256x256 and 640x480 input, for the
  baseline (Keras ``model.predict`` per frame) and for each engine backend, timed in interleaved
  rounds, with model-load and warm-up times apart; how well each backend's masks agree with the baseline;
* the thread policy: p50 and p99 of LiteRT and OpenVINO (and ONNX Runtime with ``--peers``) at 1 and
  2 threads, with and without pinning, at 256x256, idle and (``--loaded``) while another process
  keeps one core busy;
* memory growth of the node's engine (``backend="auto"``) over many frames;
* training images/s through the real ``train`` pipeline (``training.make_dataset``) against the
  same model fed from tensors already in memory.

Prints a table and writes a JSON report.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np

from follow_me_seg.cli import run_cli
from follow_me_seg.cli.arguments import MAX_THREADS, count
from follow_me_seg.core.classes import CAMERA_SIZE, INPUT_SIZE
from follow_me_seg.core.resampling import shrink_probs

DEFAULT_DATA = Path("../shared/data/followme")
SIZES = {"256x256": (256, 256), "640x480": (640, 480)}  # (width, height)
TARGETS = {"min_speedup": 20.0, "max_p99_over_p50": 2.0, "max_loaded_p99_over_p50": 2.5, "max_growth_mb": 2.0,
           "min_feed_ratio": 0.9}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="", help="the .keras model; default: the shipped model (and its .tflite)")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA,
                   help="folder with validation/ and train/ (Udacity layout); random frames where absent")
    p.add_argument("--out", type=Path, default=Path("bench.json"), help="JSON report to write")
    p.add_argument("--frames", type=count(1), default=1000, help="timed frames per engine and input size")
    p.add_argument("--baseline-frames", type=count(1), default=200, help="timed frames for Keras model.predict")
    p.add_argument("--warmup", type=count(0), default=10, help="untimed frames before each timed block (at most 5 for Keras)")
    p.add_argument("--rounds", type=count(1), default=25,
                   help="timed blocks per pipeline and size, interleaved with the other pipelines' blocks")
    p.add_argument("--memory-frames", type=count(0), default=10000, help="frames for the engine's memory-growth run (0: skip)")
    p.add_argument("--distinct-frames", type=count(1), default=100, help="distinct validation frames to cycle through")
    p.add_argument("--threads", type=count(0, MAX_THREADS), default=0, help="CPU threads of the engine rows (0: the engine's auto)")
    p.add_argument("--no-int8", action="store_true", help="skip the int8 LiteRT variant")
    p.add_argument("--peers", action="store_true", help="add ONNX Runtime (where onnxruntime and tf2onnx are installed)")
    p.add_argument("--thread-frames", type=count(0), default=500,
                   help="timed frames per configuration of the thread-policy runs (0: skip them)")
    p.add_argument("--loaded", action="store_true",
                   help="repeat the thread-policy runs while another process keeps one core busy")
    p.add_argument("--train-steps", type=count(0), default=20, help="timed training steps per feed (0: skip training)")
    p.add_argument("--train-warmup", type=count(0), default=3, help="untimed training steps per feed (first round)")
    p.add_argument("--train-rounds", type=count(1), default=4, help="alternating timing rounds of the two training feeds")
    p.add_argument("--train-batch", type=count(1), default=64)
    p.add_argument("--train-images", type=count(1), default=1024, help="training pairs to decode and feed")
    args = p.parse_args(argv)
    return args


def machine_info() -> dict:
    """CPU, cores, library versions and GPUs of this machine."""
    from importlib.metadata import PackageNotFoundError, version

    import tensorflow as tf

    from follow_me_seg.inference.common import cpu_name, cpu_threads
    from follow_me_seg.inference.litert_backend import litert_interpreter_class

    def installed(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    litert = litert_interpreter_class()
    return {
        "cpu": cpu_name(),
        "cpu_count": cpu_threads(),
        "gpus": [d.name for d in tf.config.list_physical_devices("GPU")],
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "litert_runtime": litert.__module__ if litert else None,
        **{name: installed(name) for name in ("ai-edge-litert", "openvino", "onnxruntime")},
        "platform": platform.platform(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }


def rss_mb() -> float:
    """Resident memory of this process in MiB (Linux ``/proc``; peak RSS elsewhere)."""
    statm = Path("/proc/self/statm")
    if statm.is_file():
        return int(statm.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def raw_frames(data: Path, count: int) -> tuple[dict[str, list[np.ndarray]], str]:
    """``count`` validation frames as raw RGB at each benchmark size (random frames without data)."""
    import cv2

    from follow_me_seg.core.image_files import list_images, read_rgb

    folder = data / "validation" / "images"
    if folder.is_dir():
        files = list_images(folder)
        picks = np.unique(np.linspace(0, len(files) - 1, min(count, len(files))).astype(int))
        base, source = [read_rgb(files[i]) for i in picks], str(folder)
    else:
        rng = np.random.default_rng(0)
        base, source = list(rng.integers(0, 256, (count, 256, 256, 3), np.uint8)), "random frames"
    frames = {name: [cv2.resize(f, size, interpolation=cv2.INTER_LINEAR) if f.shape[1::-1] != size else f for f in base]
              for name, size in SIZES.items()}
    return frames, source


def full_path(predict: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], object]:
    """Raw frame → probabilities (``predict``) → class ids → hero target."""
    from follow_me_seg.core.classes import HERO
    from follow_me_seg.perception.target import class_ids, extract_target

    def run(rgb: np.ndarray):
        probs = predict(rgb)
        class_ids(probs)
        return extract_target(probs[..., HERO], rgb.shape[:2])

    return run


def time_interleaved(
    steps: dict[str, Callable[[np.ndarray], object]], frames: dict, counts: dict[str, int], warmups: dict[str, int],
    rounds: int,
) -> dict:
    """Latency percentiles and throughput of each step at each frame size.

    Each step and size gets ``counts[name]`` timed frames (cycling through its frames) in ``rounds``
    blocks spread over the run, in a rotating order, so that a slow spell of a shared machine falls on
    all steps alike. Each block starts with ``warmups[name]`` untimed frames, so that the threads and
    caches the previous step left busy do not count against this one.
    """
    from tqdm import tqdm

    times = {(name, size): [] for name in steps for size in frames}
    walls = dict.fromkeys(times, 0.0)
    names = list(steps)
    with tqdm(total=sum(counts.values()) * len(frames), desc="timing", unit="frame", leave=False, mininterval=1.0) as bar:
        for r in range(rounds):
            for name in names[r % len(names):] + names[:r % len(names)]:
                step, share = steps[name], counts[name] * (r + 1) // rounds - counts[name] * r // rounds
                for size, sized in frames.items():
                    done = times[name, size]
                    for i in range(warmups[name] if share else 0):
                        step(sized[i % len(sized)])
                    start = time.perf_counter()
                    for _ in range(share):
                        t0 = time.perf_counter()
                        step(sized[len(done) % len(sized)])
                        done.append(time.perf_counter() - t0)
                    walls[name, size] += time.perf_counter() - start
                    bar.update(share)
    out: dict = {name: {} for name in steps}
    for (name, size), samples in times.items():
        p50, p99 = np.percentile(samples, [50, 99]) * 1e3
        out[name][size] = {"frames": len(samples), "p50_ms": float(p50), "p99_ms": float(p99),
                           "mean_ms": float(np.mean(samples) * 1e3), "fps": len(samples) / walls[name, size]}
    return out


def bench_keras(model_path: Path, frames: dict, side: int) -> tuple[dict, Callable, object]:
    """The original code's way: resize (to the model's ``side``), normalise, ``model.predict`` on a batch of one.

    Returns the load/warm-up row, the full-path step and the model.
    """
    from follow_me_seg.core.classes import normalise
    from follow_me_seg.core.image_files import resize_frame
    from follow_me_seg.inference.tensorflow_backend import load_model

    start = time.perf_counter()
    model = load_model(model_path)
    row = {"load_s": time.perf_counter() - start}

    def predict(rgb):
        return model.predict(normalise(resize_frame(rgb, side)[None].astype(np.float32)), verbose=0)[0]

    start = time.perf_counter()
    predict(frames["256x256"][0])
    row["warmup_s"] = time.perf_counter() - start
    return row, full_path(predict), model


class RunnerEngine:
    """A bare runner (``frame``/``batch``) behind the engine's ``predict`` interface: rows the engine
    would refuse (bf16 that failed the agreement rule) and peer runtimes."""

    def __init__(self, runner, backend: str, model_path: Path, threads: int, side: int, precision: str = "f32"):
        self._runner, self.backend, self.model_path, self.threads = runner, backend, model_path, threads
        self.device, self.precision, self.input_size = "/CPU:0", precision, side

    def warm_up(self) -> None:
        self._runner.frame(np.zeros((self.input_size, self.input_size, 3), np.uint8))

    def predict_batch(self, frames: np.ndarray) -> np.ndarray:
        return shrink_probs(self._runner.batch(frames))

    def predict(self, rgb: np.ndarray) -> np.ndarray:
        from follow_me_seg.core.image_files import resize_frame

        return shrink_probs(self._runner.frame(resize_frame(rgb, self.input_size))[None])[0]


def bench_engine(make: Callable[[], object], reference: dict) -> tuple[dict, object]:
    """Load (``make``), warm up and check one engine; returns its row and the engine."""
    from follow_me_seg.inference.agreement import mask_agreement

    start = time.perf_counter()
    engine = make()
    row = {"backend": engine.backend, "file": str(engine.model_path), "device": engine.device,
           "threads": getattr(engine, "threads", None), "precision": getattr(engine, "precision", "f32"),
           "load_s": time.perf_counter() - start}
    start = time.perf_counter()
    engine.warm_up()
    row["warmup_s"] = time.perf_counter() - start
    if engine.input_size != reference["frames"].shape[1]:  # another resolution: not the same answers
        return row, engine
    same, hero_differs = mask_agreement(reference["probs"], engine.predict_batch(reference["frames"]))
    row["agreement"] = {"frames": len(reference["frames"]), "identical_pixels": same, "hero_found_differs": hero_differs}
    return row, engine


def stage_times(engine, frames: list[np.ndarray], count: int) -> dict:
    """p50 ms of each stage of the full path, timed apart (the network call gets frames at its input size)."""
    from follow_me_seg.core.classes import HERO
    from follow_me_seg.core.image_files import resize_frame
    from follow_me_seg.perception.target import class_ids, extract_target

    small = [resize_frame(f, engine.input_size) for f in frames]
    probs = engine.predict_batch(np.stack(small))
    stages = {
        "resize": lambda i: resize_frame(frames[i], engine.input_size),
        "network": lambda i: engine.predict(small[i]),
        "class_decision": lambda i: class_ids(probs[i]),
        "hero_extraction": lambda i: extract_target(probs[i][..., HERO], frames[i].shape[:2]),
    }
    out = {}
    for name, stage in stages.items():
        times = np.empty(count)
        for n in range(count):
            t0 = time.perf_counter()
            stage(n % len(frames))
            times[n] = time.perf_counter() - t0
        out[name] = float(np.median(times) * 1e3)
    return out


def memory_growth(engine, frames: list[np.ndarray], count: int) -> dict:
    """RSS before, during and after ``count`` full-path frames; growth is counted from 10% of the run."""
    from tqdm import tqdm

    step, every = full_path(engine.predict), max(1, count // 20)
    samples = [(0, rss_mb())]
    for i in tqdm(range(count), desc="memory", unit="frame", leave=False, mininterval=1.0):
        step(frames[i % len(frames)])
        if (i + 1) % every == 0:
            samples.append((i + 1, rss_mb()))
    settled = next(mb for n, mb in samples if n >= count // 10)
    return {"backend": engine.backend, "frames": count, "rss_start_mb": samples[0][1], "rss_end_mb": samples[-1][1],
            "growth_mb": samples[-1][1] - settled, "samples": [{"frame": n, "rss_mb": mb} for n, mb in samples]}


def train_throughput(data: Path, args: argparse.Namespace) -> dict:
    """Training images/s fed by ``make_dataset`` (decode, augment, batch) vs one batch held in memory."""
    import keras
    import tensorflow as tf

    from follow_me_seg.learning import training
    from follow_me_seg.learning.dataset import find_pairs, load_pairs
    from follow_me_seg.learning.losses import WeightedCEDiceLoss
    from follow_me_seg.learning.model import build_fcn

    row: dict = {"batch_size": args.train_batch, "steps": args.train_steps}
    folder = next((data / s for s in ("train", "validation") if (data / s / "images").is_dir()), None)
    if folder is not None:
        pairs = find_pairs(folder)[: args.train_images]
        start = time.perf_counter()
        images, labels = load_pairs(pairs, desc="decoding")
        row.update(source=str(folder), images=len(images), decode_images_per_s=len(images) / (time.perf_counter() - start))
    else:
        rng = np.random.default_rng(0)
        images = rng.integers(0, 256, (args.train_images, 160, 160, 3), np.uint8)
        labels = rng.integers(0, 3, (args.train_images, 160, 160), np.uint8)
        row.update(source="random arrays", images=len(images), decode_images_per_s=None)

    pipeline = training.make_dataset(images, labels, args.train_batch, training=True, augment=True, hero_fraction=0.5)
    batches = iter(pipeline)
    in_memory = tf.data.Dataset.from_tensors(next(batches)).repeat()
    for _ in range(args.train_warmup):
        next(batches)
    start = time.perf_counter()
    for _ in range(args.train_steps):
        next(batches)
    row["feed_only_images_per_s"] = args.train_steps * args.train_batch / (time.perf_counter() - start)

    class StepEnds(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.ends: list[float] = []

        def on_train_batch_end(self, batch, logs=None):
            self.ends.append(time.perf_counter())

    gpus = tf.config.list_physical_devices("GPU")
    model = build_fcn()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=WeightedCEDiceLoss((1.0, 1.5, 4.0), 0.5),
                  jit_compile=bool(gpus))  # as the train tool compiles it
    # Alternate the two feeds in rounds, so that a slow spell of a shared machine hits both alike.
    # Each fit's first step (iterator start-up, and tracing in the first round) is not timed.
    feeds = {"in_memory": in_memory, "pipeline": pipeline}
    steps, seconds = dict.fromkeys(feeds, 0), dict.fromkeys(feeds, 0.0)
    rounds = min(args.train_rounds, args.train_steps)
    for r in range(rounds):
        share = args.train_steps * (r + 1) // rounds - args.train_steps * r // rounds
        warmup = max(1, args.train_warmup) if r == 0 else 1
        for name in (feeds if r % 2 == 0 else reversed(list(feeds))):
            times = StepEnds()
            model.fit(feeds[name], epochs=1, steps_per_epoch=warmup + share, callbacks=[times], shuffle=False, verbose=0)
            steps[name] += share
            seconds[name] += times.ends[-1] - times.ends[warmup - 1]
    for name in feeds:
        row[f"{name}_images_per_s"] = steps[name] * args.train_batch / seconds[name] if seconds[name] else None
    if row["in_memory_images_per_s"] and row["pipeline_images_per_s"]:
        row["pipeline_over_in_memory"] = row["pipeline_images_per_s"] / row["in_memory_images_per_s"]
    return row


def thread_configs(
    files: dict[str, Path], peers: dict[str, Path], tmp: Path, side: int
) -> dict[str, Callable[[], object]]:
    """The thread-policy configurations: each backend at 1 and 2 threads, without and with pinning
    (the network at ``side``)."""
    from follow_me_seg.inference.engine import SegmentationEngine
    from follow_me_seg.inference.peers import OnnxRuntimeRunner

    configs: dict[str, Callable[[], object]] = {}
    for backend, path in files.items():
        for threads in (1, 2):
            for pin in (False, True):
                configs[config_name(backend, threads, pin)] = (
                    lambda b=backend, f=path, t=threads, p=pin: SegmentationEngine(f, backend=b, threads=t, pin=p))
    for threads in (1, 2) if "onnxruntime" in peers else ():
        onnx = tmp / f"peer_{threads}.onnx"
        configs[config_name("onnxruntime", threads, False)] = lambda t=threads, o=onnx: RunnerEngine(
            OnnxRuntimeRunner(peers["onnxruntime"], o, t), "onnxruntime", o, t, side)
    return configs


def other_side(side: int) -> int:
    """The side of the second TensorFlow and LiteRT rows: camera resolution for a 160x160 model, else 160x160."""
    return CAMERA_SIZE if side != CAMERA_SIZE else INPUT_SIZE


def config_name(backend: str, threads: int, pin: bool) -> str:
    return f"{backend} {threads}t" + (" pinned" if pin else "")


def thread_policy(configs: dict[str, Callable[[], object]], frames: list[np.ndarray], args: argparse.Namespace) -> dict:
    """p50/p99 of every configuration over the full path at 256x256, idle and (``--loaded``) loaded."""
    from follow_me_seg.inference.loaded import competing_load

    engines = {name: make() for name, make in configs.items()}
    steps = {name: full_path(engine.predict) for name, engine in engines.items()}
    counts, warmups = dict.fromkeys(steps, args.thread_frames), dict.fromkeys(steps, args.warmup)
    sized = {"256x256": frames}
    out = {"idle": {n: t["256x256"] for n, t in time_interleaved(steps, sized, counts, warmups, args.rounds).items()}}
    if args.loaded:
        with competing_load(1):
            timing = time_interleaved(steps, sized, counts, warmups, args.rounds)
        out["loaded"] = {n: t["256x256"] for n, t in timing.items()}
    return out


def bench_verdicts(report: dict) -> dict:
    """The performance targets (TARGETS), judged on the node's engine at 256x256."""
    node = report["engines"][report["node_engine"]]["256x256"]
    base = report["engines"]["keras_predict"]["256x256"]
    agreement = report["engines"][report["node_engine"]]["agreement"]
    checks = {
        "speedup_p50": base["p50_ms"] / node["p50_ms"],
        "p99_over_p50": node["p99_ms"] / node["p50_ms"],
        "masks_identical": agreement["identical_pixels"] == 1.0 and agreement["hero_found_differs"] == 0,
    }
    checks["speedup_ok"] = checks["speedup_p50"] >= TARGETS["min_speedup"]
    checks["p99_ok"] = checks["p99_over_p50"] <= TARGETS["max_p99_over_p50"]
    loaded = report.get("threads", {}).get("loaded", {}).get(report.get("node_config"))
    if loaded:
        checks["loaded_p99_over_p50"] = loaded["p99_ms"] / loaded["p50_ms"]
        checks["loaded_p99_ok"] = checks["loaded_p99_over_p50"] <= TARGETS["max_loaded_p99_over_p50"]
    if "memory" in report:
        checks["memory_ok"] = report["memory"]["growth_mb"] <= TARGETS["max_growth_mb"]
    ratio = report.get("training", {}).get("pipeline_over_in_memory")
    if ratio is not None:
        checks["training_feed_ok"] = ratio >= TARGETS["min_feed_ratio"]
    return checks


def format_table(report: dict) -> str:
    """The human-readable summary of a report."""
    base = report["engines"]["keras_predict"]
    lines = [f"{'pipeline':<24}{'input':<9}{'load s':>8}{'warm-up s':>10}{'p50 ms':>9}{'p99 ms':>9}{'fps':>8}"
             f"{'x base':>8}  masks vs keras"]
    for name, row in report["engines"].items():
        label = name + (" (node)" if name == report["node_engine"] else "")
        agree = row.get("agreement")
        agree = f"{agree['identical_pixels']:.4%}, hero differs {agree['hero_found_differs']}" if agree else "-"
        for size in SIZES:
            r = row[size]
            lines.append(f"{label:<24}{size:<9}{row['load_s']:>8.2f}{row['warmup_s']:>10.2f}{r['p50_ms']:>9.2f}"
                         f"{r['p99_ms']:>9.2f}{r['fps']:>8.1f}{base[size]['p50_ms'] / r['p50_ms']:>8.1f}  {agree}")
            label = agree = ""
    phases = report.get("threads", {})
    if phases:
        lines.append(f"thread policy, 256x256 full path (node: {report.get('node_config')}):")
        lines.append(f"{'configuration':<24}" + "".join(f"{phase + ' p50/p99 ms (p99/p50)':>36}" for phase in phases))
        for name in next(iter(phases.values())):
            cells = [f"{t['p50_ms']:.2f} / {t['p99_ms']:.2f} ({t['p99_ms'] / t['p50_ms']:.2f})"
                     for t in (phases[phase][name] for phase in phases)]
            lines.append(f"{name:<24}" + "".join(f"{c:>36}" for c in cells))
    stages = report.get("stages_p50_ms")
    if stages:
        lines.append("node engine stages at 256x256, p50 ms: " + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()))
    if "memory" in report:
        m = report["memory"]
        lines.append(f"memory ({m['backend']}, {m['frames']} frames): {m['rss_start_mb']:.1f} -> {m['rss_end_mb']:.1f} MiB, "
                     f"growth after warm-up {m['growth_mb']:+.2f} MiB")
    if "training" in report:
        t = report["training"]
        decode = f"{t['decode_images_per_s']:.0f}" if t["decode_images_per_s"] else "-"
        ratio = t.get("pipeline_over_in_memory")
        lines.append(f"training (batch {t['batch_size']}, {t['steps']} steps): pipeline {t['pipeline_images_per_s'] or 0:.1f} img/s, "
                     f"in-memory {t['in_memory_images_per_s'] or 0:.1f} img/s, ratio {ratio or 0:.2f}; "
                     f"feed alone {t['feed_only_images_per_s']:.0f} img/s, decode {decode} img/s")
    for backend, label in (("tensorflow", "TensorFlow"), ("litert", "LiteRT")):
        if f"{backend}_256_over_160_p50" in report:
            lines.append(f"network at 256x256 ({label}), full-path p50 over 160x160: " + ", ".join(
                f"{size} {ratio:.2f}x" for size, ratio in report[f"{backend}_256_over_160_p50"].items()))
    if "flip_over_plain_p50" in report:
        lines.append("test-time flips (LiteRT), full-path p50 over the plain engine's: "
                     + ", ".join(f"{size} {ratio:.2f}x" for size, ratio in report["flip_over_plain_p50"].items()))
    lines.append("targets: " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                                         for k, v in report["targets"].items()))
    return "\n".join(lines)


def engine_variants(
    model_path: Path, model: object, args: argparse.Namespace, small: np.ndarray, tmp: Path
) -> tuple[dict, dict, dict]:
    """The engine rows to time (name: a maker), the float32 exported file of each CPU backend, and the peers'.

    Exported models beside ``model_path`` (``model``: it, loaded) are used where current; others are
    exported into ``tmp``.
    """
    from follow_me_seg.inference.agreement import read_frames
    from follow_me_seg.inference.common import is_current, litert_path, openvino_path
    from follow_me_seg.inference.engine import SegmentationEngine, auto_threads
    from follow_me_seg.inference.exporters import export_litert
    from follow_me_seg.inference.litert_backend import litert_interpreter_class
    from follow_me_seg.inference.openvino_backend import OpenVINORunner, convert_tflite, openvino_installed
    from follow_me_seg.inference.peers import OnnxRuntimeRunner, onnxruntime_installed
    from follow_me_seg.learning.model import at_side

    threads = args.threads
    peer_threads = threads or auto_threads()
    side = small.shape[1]
    other = other_side(side)
    makers: dict[str, Callable[[], object]] = {
        "tensorflow": lambda: SegmentationEngine(model_path, backend="tensorflow", warm_up=False),
        f"tensorflow_{other}": lambda: SegmentationEngine(model_path, backend="tensorflow", warm_up=False,
                                                          input_size=other)}
    files: dict[str, Path] = {}
    peers: dict[str, Path] = {}
    if litert_interpreter_class() is None:
        return makers, files, peers

    def engine(path: Path, backend: str) -> Callable[[], object]:
        return lambda: SegmentationEngine(path, backend=backend, threads=threads, warm_up=False)

    def current_or(exported: Path, fallback: Path, write: Callable[[Path], object]) -> Path:
        if is_current(exported, model_path):
            return exported
        write(fallback)
        return fallback

    tflite = files["litert"] = current_or(litert_path(model_path), tmp / "float32.tflite",
                                          lambda path: export_litert(model_path, path))
    makers["litert"] = engine(tflite, "litert")
    resized = tmp / f"side_{other}.keras"  # the same weights at the other side, exported for LiteRT
    at_side(model, other).save(resized)
    export_litert(resized, resized.with_suffix(".tflite"))
    makers[f"litert_{other}"] = engine(resized.with_suffix(".tflite"), "litert")
    makers["litert_flip"] = lambda: SegmentationEngine(tflite, backend="litert", threads=threads, warm_up=False, flip=True)
    export_litert(model_path, tmp / "plain.tflite", plain=True)
    makers["litert_plain"] = engine(tmp / "plain.tflite", "litert")
    if not args.no_int8:
        calibration_dir = next((args.data / s for s in ("train", "validation") if (args.data / s).is_dir()), None)
        calibration = read_frames(calibration_dir, 200, size=side) if calibration_dir else small
        export_litert(model_path, tmp / "int8.tflite", "int8", calibration)
        makers["litert_int8"] = engine(tmp / "int8.tflite", "litert")
    if openvino_installed():
        xml = files["openvino"] = current_or(openvino_path(model_path), tmp / "float32.xml",
                                             lambda path: convert_tflite(tflite, path))
        makers["openvino"] = engine(xml, "openvino")
        makers["openvino_bf16"] = lambda: RunnerEngine(OpenVINORunner(xml, peer_threads, False, "bf16"), "openvino",
                                                       xml, peer_threads, side, "bf16")
    if args.peers and onnxruntime_installed():
        peers["onnxruntime"] = tflite
        makers["onnxruntime"] = lambda: RunnerEngine(OnnxRuntimeRunner(tflite, tmp / "peer.onnx", peer_threads),
                                                     "onnxruntime", tmp / "peer.onnx", peer_threads, side)
    return makers, files, peers


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from follow_me_seg.core.atomic_files import write_json_atomic
    from follow_me_seg.core.classes import normalise
    from follow_me_seg.core.image_files import resize_frame
    from follow_me_seg.inference.common import default_model_path, run_side
    from follow_me_seg.inference.engine import DEFAULT_PIN, SegmentationEngine, auto_threads, choose_backend

    model_path = Path(args.model) if args.model else default_model_path()
    side = run_side(model_path)
    report: dict = {"machine": machine_info(), "model": str(model_path), "settings": {k: str(v) for k, v in vars(args).items()}}
    frames, report["frames"] = raw_frames(args.data, args.distinct_frames)
    engines: dict = {}
    engines["keras_predict"], keras_step, model = bench_keras(model_path, frames, side)
    small = np.stack([resize_frame(f, side) for f in frames["256x256"]])
    reference = {"frames": small, "probs": shrink_probs(model.predict(normalise(small.astype(np.float32)), verbose=0))}

    report["node_engine"] = choose_backend(model_path)[0]
    report["node_config"] = config_name(report["node_engine"], args.threads or auto_threads(), DEFAULT_PIN)
    with tempfile.TemporaryDirectory() as tmp:
        makers, files, peers = engine_variants(model_path, model, args, small, Path(tmp))
        steps, live = {"keras_predict": keras_step}, {}
        for name, make in makers.items():
            engines[name], live[name] = bench_engine(make, reference)
            steps[name] = full_path(live[name].predict)
        counts = {name: args.baseline_frames if name == "keras_predict" else args.frames for name in steps}
        warmups = {name: min(args.warmup, 5) if name == "keras_predict" else args.warmup for name in steps}
        for name, timing in time_interleaved(steps, frames, counts, warmups, args.rounds).items():
            engines[name].update(timing)
        del steps, live
        if args.thread_frames and files:
            report["threads"] = thread_policy(thread_configs(files, peers, Path(tmp), side), frames["256x256"], args)
    node = SegmentationEngine(model_path, threads=args.threads)
    report["stages_p50_ms"] = stage_times(node, frames["256x256"], min(args.frames, 200))
    if args.memory_frames:
        report["memory"] = memory_growth(node, frames["256x256"], args.memory_frames)
    del node
    report["engines"] = engines
    if args.train_steps:
        report["training"] = train_throughput(args.data, args)
    if "litert_flip" in engines:  # test-time flips: a frame and its mirror (batch 2) against the frame alone
        report["flip_over_plain_p50"] = {size: engines["litert_flip"][size]["p50_ms"] / engines["litert"][size]["p50_ms"]
                                         for size in SIZES}
    # the network at camera resolution (256x256) against 160x160, on each backend
    for backend in ("tensorflow", "litert"):
        at = {side: engines.get(backend), other_side(side): engines.get(f"{backend}_{other_side(side)}")}
        if {CAMERA_SIZE, INPUT_SIZE} <= set(at) and None not in at.values():
            report[f"{backend}_256_over_160_p50"] = {
                size: at[CAMERA_SIZE][size]["p50_ms"] / at[INPUT_SIZE][size]["p50_ms"] for size in SIZES}
    report["targets"] = bench_verdicts(report)
    print(format_table(report))
    write_json_atomic(args.out, report)
    print(f"wrote {args.out}")
    return 0


entry = run_cli(main)

if __name__ == "__main__":
    entry()
