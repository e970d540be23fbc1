"""A training run folder's state, so that no run overwrites, repeats or half-resumes finished work.

``train`` writes ``run.json`` when it starts (``finished: false``) and marks it finished at the end;
Keras' BackupAndRestore keeps ``backup/`` while a run is unfinished. That tells three states apart:
empty (nothing of a run), interrupted and finished.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from follow_me_seg.core.atomic_files import atomic_path, write_json_atomic
from follow_me_seg.core.errors import FollowMeError

RUN_FILE = "run.json"
BACKUP_DIR = "backup"
HISTORY = "history.csv"
EPOCHS_DIR = "epochs"  # every epoch's model, epoch_01.keras ...
REPLACED_DIR = ".replaced"  # an overwritten run, kept until the new run publishes its first checkpoint
OUTPUTS = ("best.keras", "last.keras", EPOCHS_DIR, HISTORY, "loss_curves.png", RUN_FILE, "tensorboard", BACKUP_DIR,
           ".best.partial.keras", ".last.partial.keras")
EMPTY, INTERRUPTED, FINISHED = "empty", "interrupted", "finished"


def run_state(folder: Path) -> str:
    """``empty``, ``interrupted`` or ``finished`` (a folder of models without run.json counts as finished)."""
    if not any((folder / name).exists() for name in OUTPUTS):
        return EMPTY
    if (folder / BACKUP_DIR).exists():
        return INTERRUPTED
    try:
        return FINISHED if json.loads((folder / RUN_FILE).read_text()).get("finished") else INTERRUPTED
    except (OSError, ValueError, AttributeError):
        return FINISHED if any((folder / m).is_file() for m in ("best.keras", "last.keras")) else INTERRUPTED


def prepare(folder: Path, resume: bool, overwrite: bool) -> bool:
    """Check ``folder`` against the user's intent; True to train, False when there is nothing to do.

    Raises FollowMeError for a folder whose work would be lost or that holds nothing to resume.
    """
    if resume and overwrite:
        raise FollowMeError("--resume and --overwrite exclude each other")
    state = run_state(folder)
    if state == EMPTY:
        if resume:
            raise FollowMeError(f"--resume: {folder} holds no run to resume")
        return True
    if overwrite:
        _move_aside(folder)
        return True
    if state == FINISHED:
        if resume:
            print(f"{folder} holds a finished run: nothing to resume (--overwrite trains it anew)")
            return False
        raise FollowMeError(f"{folder} holds a finished run: pass --overwrite to replace it, or choose another --output")
    if not resume:
        raise FollowMeError(f"{folder} holds an interrupted run: pass --resume to continue it, "
                            "--overwrite to replace it, or choose another --output")
    return True


def _move_aside(folder: Path) -> None:
    """Move the run's outputs into ``REPLACED_DIR``, or drop them when that already holds a replaced run.

    The second case is an overwrite that was interrupted before its first checkpoint: what the folder
    holds then is that run's start, and the run it replaced is still kept aside.
    """
    aside = folder / REPLACED_DIR
    keep = not aside.exists()
    aside.mkdir(exist_ok=True)
    for name in OUTPUTS:
        path = folder / name
        if not (path.exists() or path.is_symlink()):
            continue
        if keep:
            path.rename(aside / name)
        else:
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def discard_replaced(folder: Path) -> None:
    """Remove the run that ``--overwrite`` moved aside (once the new run has a checkpoint of its own)."""
    shutil.rmtree(folder / REPLACED_DIR, ignore_errors=True)


def mark(folder: Path, finished: bool, settings: dict) -> None:
    """Write run.json: the run's settings and whether it finished."""
    write_json_atomic(folder / RUN_FILE, {"finished": finished, "settings": settings})


def resume_epoch(folder: Path) -> int:
    """The epoch Keras' BackupAndRestore will resume at (0 without a backup)."""
    try:
        return int(json.loads((folder / BACKUP_DIR / "training_metadata.json").read_text())["epoch"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def trim_history(csv_path: Path, next_epoch: int) -> None:
    """Drop the rows of epochs at or after ``next_epoch``, which the resumed run logs again."""
    if not csv_path.is_file():
        return
    with open(csv_path, newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, [r for r in reader if int(r["epoch"]) < next_epoch]
    with atomic_path(csv_path) as tmp, open(tmp, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields or [])
        writer.writeheader()
        writer.writerows(rows)
