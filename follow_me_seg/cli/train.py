"""``train``: fit the follow-me FCN on Udacity-layout data."""

from __future__ import annotations

import argparse
import math
import shutil
from pathlib import Path

import numpy as np

from follow_me_seg.cli import run_cli
from follow_me_seg.cli.arguments import MAX_THREADS, bounded, count, fraction, model_pairs
from follow_me_seg.core.errors import DataError
from follow_me_seg.learning.distillation import TEACHER_SCALES


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="train", description=__doc__)
    p.add_argument("--data", required=True, type=Path, help="folder holding train/ and validation/ (images/ + masks/ each)")
    p.add_argument("--output", required=True, type=Path, help="run folder for models, logs and plots")
    p.add_argument("--epochs", type=count(1, 10_000), default=25)
    p.add_argument("--steps-per-epoch", type=count(1), default=350)
    p.add_argument("--validation-steps", type=count(1), default=50, help="validation batches per epoch (at most the whole set)")
    p.add_argument("--batch-size", type=count(1, 4096), default=64)
    p.add_argument("--lr", type=bounded(float, 0, 1, low_open=True), default=1e-3, help="peak learning rate")
    p.add_argument("--schedule", choices=("cosine", "constant"), default="cosine",
                   help="cosine: short warm-up then cosine decay to 1%% of --lr")
    p.add_argument("--class-weights", type=bounded(float, 0, 1000), nargs=3, default=(1.0, 1.5, 4.0), metavar=("BG", "PERSON", "HERO"))
    p.add_argument("--dice-weight", type=bounded(float, 0, 1000), default=0.5, help="weight of the hero soft-Dice term (0 disables)")
    p.add_argument("--strata", type=fraction(), nargs=3, default=(0.35, 0.45, 0.2), metavar=("NONE", "FAR", "CLOSE"),
                   help="shares of each batch drawn from frames without the hero, with a far (4-399 px) and "
                        "with a close (400+ px) hero")
    p.add_argument("--no-strata", action="store_true", help="sample by --hero-fraction instead of --strata")
    p.add_argument("--hard-negative-boost", type=bounded(float, 0, 1000), default=10.0,
                   help="with --strata: hero-free frames the model gives a false hero (re-mined every epoch) "
                        "are drawn this many times as often as the others; 0 disables")
    p.add_argument("--hero-fraction", type=fraction(high_open=True), default=0.5,
                   help="with --no-strata: share of each batch drawn from frames with the hero (0: uniform)")
    p.add_argument("--zoom-prob", type=fraction(), default=0.5,
                   help="share of training frames zoomed out (shrunk and mirrored outwards); 0 disables")
    p.add_argument("--zoom-min-scale", type=bounded(float, 0.5, 1, high_open=True), default=0.5,
                   help="smallest zoom-out factor, in [0.5, 1)")
    p.add_argument("--paste-share", type=fraction(high_open=True), default=0.4,
                   help="share of each batch that is a hero-free training frame with a far hero cut-out pasted in "
                        "(copy-paste); 0 disables")
    p.add_argument("--paste-pixels", type=bounded(float, 1, 160 * 160), nargs=2, default=(6.0, 120.0), metavar=("MIN", "MAX"),
                   help="area range of a pasted hero (or person) in 160x160 pixels (drawn log-uniform)")
    p.add_argument("--paste-brightness", type=bounded(float, 0, 1, low_open=True), nargs=2, default=(1.0, 1.0), metavar=("MIN", "MAX"),
                   help="scale pasted cut-outs' colours by a random factor in this range (distant heroes in the "
                        "data are darker; 0.6 1.0 was tried, see docs/training.md); 1 1 keeps them")
    p.add_argument("--paste-saturation", type=bounded(float, 0, 1, low_open=True), nargs=2, default=(1.0, 1.0), metavar=("MIN", "MAX"),
                   help="scale pasted cut-outs' saturation by a random factor in this range (distant heroes are "
                        "duller; 0.3 0.9 was tried); 1 1 keeps it")
    p.add_argument("--no-paste-people", action="store_true",
                   help="paste the hero alone, without another person's cut-out beside it")
    p.add_argument("--no-augment", action="store_true",
                   help="turn off copy-paste, zoom-out, flips and photometric jitter")
    p.add_argument("--init", type=Path, help="start from this model's weights (fine-tuning) instead of random ones")
    p.add_argument("--bn-calibration-frames", type=count(1, 100_000), default=640,
                   help="plain training frames used to re-estimate batch-norm statistics each epoch")
    p.add_argument("--limit", type=count(0), default=0, help="use only the first N pairs of each split (smoke tests)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run in --output")
    p.add_argument("--overwrite", action="store_true", help="replace the run (finished or not) in --output")
    p.add_argument("--seed", type=count(0, 2**31 - 1), default=0)
    p.add_argument("--camera-resolution", action="store_true",
                   help="train at the camera's 256x256: frames kept whole, random --crop-size crops (around the hero "
                        "in hero strata, around mined false heroes for hard negatives), pasted sizes scaled by 2.56, "
                        "mining and validation on whole 256x256 frames with probabilities shrunk to 160x160")
    p.add_argument("--crop-size", type=bounded(int, 8, 256), default=160,
                   help="with --camera-resolution: side of the training crops (a multiple of 8)")
    p.add_argument("--val-flip", action="store_true",
                   help="with --camera-resolution: validate with test-time flip averaging")
    p.add_argument("--teacher", nargs=2, action="append", metavar=("MODEL", "SCALE"), default=[],
                   help="distil from the mean of these models (repeat the option for each): each runs on the "
                        "training crop scaled by SCALE (1 for a camera-resolution model, 0.625 for a model trained "
                        "on 256x256 frames shrunk to 160x160)")
    p.add_argument("--teacher-weight", type=bounded(float, 0, 1, low_open=True), default=0.5,
                   help="with --teacher: share of the teacher's probabilities in the training targets")
    p.add_argument("--ema", type=bounded(float, 0, 1, high_open=True), default=0.0,
                   help="keep an exponential moving average of the weights with this momentum per step (for "
                        "example 0.995); validation, mining and checkpoints use the average; 0 disables")
    p.add_argument("--threads", type=count(0, MAX_THREADS), default=0,
                   help="TensorFlow intra- and inter-op threads (0: TensorFlow's default)")
    args = p.parse_args(argv)
    scale = bounded(float, *TEACHER_SCALES)
    args.teacher = [[str(model), s] for model, s in model_pairs(p, args.teacher, "--teacher", "SCALE", scale)]
    if args.crop_size % 8:
        p.error(f"argument --crop-size: must be a multiple of 8, got {args.crop_size}")
    if sum(args.strata) <= 0:
        p.error("argument --strata: the three shares must have a positive sum")
    for name in ("paste_pixels", "paste_brightness", "paste_saturation"):
        low, high = getattr(args, name)
        if low > high:
            p.error(f"argument --{name.replace('_', '-')}: MIN must not exceed MAX, got {low:g} {high:g}")
    return args


def _split_dir(data: Path, name: str) -> Path:
    folder = data / name
    if not folder.is_dir():
        raise DataError(f"--data must hold {name}/ (images/ + masks/): {folder} not found")
    return folder


def _init_weights(path: Path) -> list[np.ndarray]:
    """The weights of the ``--init`` model, checked to be the follow-me FCN."""
    from follow_me_seg.learning.model import build_fcn, load_weights_from

    model = build_fcn()
    load_weights_from(model, path, "--init model")
    return model.get_weights()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from follow_me_seg.core.model_files import check_keras_archive
    from follow_me_seg.learning import run_folder
    from follow_me_seg.learning.dataset import find_pairs, load_pairs, shrink_labels

    if args.threads:  # before TensorFlow's first operation (loading --init is one)
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    if args.init is not None:
        check_keras_archive(args.init, "--init model")
    for path, _ in args.teacher:
        check_keras_archive(path, "--teacher model")
    train_pairs = find_pairs(_split_dir(args.data, "train"))
    val_pairs = find_pairs(_split_dir(args.data, "validation"))
    # everything this run reads is loaded and checked before --overwrite touches the run folder
    init_weights = _init_weights(args.init) if args.init is not None else None
    teacher = None
    if args.teacher:
        from follow_me_seg.core.classes import INPUT_SIZE
        from follow_me_seg.learning.distillation import Teacher

        teacher = Teacher(args.teacher, args.crop_size if args.camera_resolution else INPUT_SIZE)
    if args.limit:
        train_pairs, val_pairs = train_pairs[: args.limit], val_pairs[: args.limit]
    if not run_folder.prepare(args.output, args.resume, args.overwrite):
        return 0
    csv_path = args.output / run_folder.HISTORY
    settings = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    run_folder.mark(args.output, finished=False, settings=settings)
    if args.resume:
        run_folder.trim_history(csv_path, run_folder.resume_epoch(args.output))

    import keras
    import tensorflow as tf

    from follow_me_seg.learning import training
    from follow_me_seg.learning.copy_paste import DistantLook
    from follow_me_seg.learning.losses import WeightedCEDiceLoss
    from follow_me_seg.learning.model import build_fcn

    keras.utils.set_random_seed(args.seed)
    from follow_me_seg.learning import camera_resolution as camera

    camera_mode = args.camera_resolution
    size = camera.CAMERA_SIZE if camera_mode else None
    scale = camera.AREA_SCALE if camera_mode else 1.0
    train_x, train_y = load_pairs(train_pairs, desc="reading train", **({"size": size} if size else {}))
    val_x, val_y = load_pairs(val_pairs, desc="reading validation", **({"size": size} if size else {}))
    predictor = None
    if camera_mode:
        val_y = shrink_labels(val_y)  # scored against the grader's 160x160
        predictor = camera.CameraPredictor(size)
        print(f"camera resolution: {size}x{size} frames, {args.crop_size}x{args.crop_size} training crops")
    none, far, close = training.size_strata(train_y, 1.0 / scale)
    print(f"train: {len(train_x)} pairs (no hero {len(none)}, far hero {len(far)}, close hero {len(close)}), "
          f"validation: {len(val_x)} pairs")

    miner = None
    if args.hard_negative_boost and not args.no_strata:
        from follow_me_seg.learning.hard_negatives import HardNegativeMiner

        miner = HardNegativeMiner(train_x[none], train_y[none], args.hard_negative_boost, predictor=predictor)
    bank = people = None
    if args.paste_share and not args.no_augment:
        from follow_me_seg.core.classes import PERSON
        from follow_me_seg.learning.copy_paste import CutoutBank

        # training frames only: never paste validation people
        bank = CutoutBank.from_frames(train_x, train_y, pixel_scale=scale)
        people = None if args.no_paste_people else CutoutBank.from_frames(train_x, train_y, PERSON, pixel_scale=scale)
        print(f"copy-paste: {len(bank)} hero and {len(people) if people else 0} person cut-outs from training frames"
              + ("" if len(bank) else " (no hero: copy-paste off)"))
    train_ds = training.make_dataset(
        train_x, train_y, args.batch_size, training=True, augment=not args.no_augment,
        hero_fraction=args.hero_fraction, seed=args.seed, strata_weights=None if args.no_strata else tuple(args.strata),
        zoom_prob=args.zoom_prob, zoom_min_scale=args.zoom_min_scale,
        negatives=miner.dataset(args.seed, anchors=camera_mode) if miner else None,
        hero_bank=bank, person_bank=people, paste_share=args.paste_share,
        paste_pixels=tuple(p * scale for p in args.paste_pixels),
        paste_look=DistantLook(tuple(args.paste_brightness), tuple(args.paste_saturation)),
        crop_size=args.crop_size if camera_mode else None,
    )
    if teacher is not None:
        from follow_me_seg.learning.distillation import distil

        train_ds = distil(train_ds, teacher, args.teacher_weight)
        print(f"distillation: targets {1 - args.teacher_weight:g} labels + {args.teacher_weight:g} the mean of "
              f"{len(args.teacher)} teacher model(s)")
    val_batches = min(args.validation_steps, math.ceil(len(val_x) / args.batch_size))
    val_ds = None if camera_mode else \
        training.make_dataset(val_x, val_y, args.batch_size, training=False).take(val_batches)
    val_labels = val_y[: val_batches * args.batch_size]
    rng = np.random.default_rng(args.seed)
    calibration = train_x[rng.choice(len(train_x), min(len(train_x), args.bn_calibration_frames), replace=False)]

    gpus = tf.config.list_physical_devices("GPU")
    strategy = tf.distribute.MirroredStrategy() if len(gpus) > 1 else tf.distribute.get_strategy()
    print(f"devices: {len(gpus)} GPU(s)" + (f", mirrored over {strategy.num_replicas_in_sync}" if len(gpus) > 1 else ""))
    total_steps = args.epochs * args.steps_per_epoch
    with strategy.scope():
        model = build_fcn()
        if init_weights is not None:
            model.set_weights(init_weights)
        lr = args.lr
        if args.schedule == "cosine":
            warmup = min(200, total_steps // 10)
            lr = keras.optimizers.schedules.CosineDecay(
                args.lr / 10, total_steps - warmup, alpha=0.01, warmup_target=args.lr, warmup_steps=warmup
            )
        loss = WeightedCEDiceLoss(args.class_weights, args.dice_weight)
        # XLA is a large win on GPUs but several times slower on CPUs (measured: 41 vs 389 ms/image).
        optimizer = keras.optimizers.Adam(lr, use_ema=args.ema > 0, ema_momentum=args.ema or 0.99)
        model.compile(optimizer=optimizer, loss=loss, jit_compile=bool(gpus))

    callbacks = [
        # first, so that every callback below sees the averaged weights (a resumed run restarts from them)
        *([keras.callbacks.SwapEMAWeights(swap_on_epoch=True)] if args.ema else []),
        training.FollowMeValidation(val_ds, val_labels, loss, calibration, predictor=predictor,
                                    camera_images=val_x[: len(val_labels)] if camera_mode else None,
                                    flip=args.val_flip, batch_size=args.batch_size),
        *([miner] if miner else []),  # after validation: mines with the recalibrated batch norms
        keras.callbacks.ModelCheckpoint(
            args.output / ".best.partial.keras", monitor="val_shaped_score", mode="max", save_best_only=True,
            initial_value_threshold=training.best_logged(csv_path, "val_shaped_score") if args.resume else None,
        ),
        keras.callbacks.ModelCheckpoint(args.output / ".last.partial.keras"),
        keras.callbacks.ModelCheckpoint(args.output / run_folder.EPOCHS_DIR / ".epoch_{epoch:02d}.partial.keras"),
        training.PublishCheckpoints({".best.partial.keras": "best.keras", ".last.partial.keras": "last.keras",
                                     f"{run_folder.EPOCHS_DIR}/.epoch_{{epoch:02d}}.partial.keras":
                                     f"{run_folder.EPOCHS_DIR}/epoch_{{epoch:02d}}.keras"}, args.output),
        # the run folder's replaced run goes once this run has published its first checkpoint
        keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: run_folder.discard_replaced(args.output)),
        keras.callbacks.CSVLogger(csv_path, append=args.resume),
        training.PlotHistory(csv_path, args.output / "loss_curves.png"),
        keras.callbacks.TensorBoard(args.output / "tensorboard", update_freq="epoch"),
        keras.callbacks.BackupAndRestore(args.output / run_folder.BACKUP_DIR),
    ]
    model.fit(train_ds, epochs=args.epochs, steps_per_epoch=args.steps_per_epoch, callbacks=callbacks, verbose=1,
              shuffle=False)  # the tf.data pipeline shuffles
    shutil.rmtree(args.output / run_folder.BACKUP_DIR, ignore_errors=True)
    run_folder.mark(args.output, finished=True, settings=settings)
    print(f"done: best model {args.output / 'best.keras'}, last model {args.output / 'last.keras'}")
    return 0


entry = run_cli(main)

if __name__ == "__main__":
    entry()
