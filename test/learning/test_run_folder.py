"""A training run folder is never overwritten, repeated or half-resumed by mistake."""

import csv
import json

import pytest

from follow_me_seg.core.errors import FollowMeError
from follow_me_seg.learning import run_folder


def _finished(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "best.keras").write_bytes(b"model")
    run_folder.mark(folder, finished=True, settings={})


def _interrupted(folder):
    (folder / "backup").mkdir(parents=True)
    run_folder.mark(folder, finished=False, settings={})


def test_empty_folder_trains_but_cannot_be_resumed(tmp_path):
    assert run_folder.prepare(tmp_path / "new", resume=False, overwrite=False)
    with pytest.raises(FollowMeError, match="no run to resume"):
        run_folder.prepare(tmp_path / "new", resume=True, overwrite=False)


def test_finished_run_is_refused_kept_and_resume_is_a_no_op(tmp_path, capsys):
    _finished(tmp_path)
    with pytest.raises(FollowMeError, match="finished run: pass --overwrite"):
        run_folder.prepare(tmp_path, resume=False, overwrite=False)
    assert run_folder.prepare(tmp_path, resume=True, overwrite=False) is False
    assert "nothing to resume" in capsys.readouterr().out
    assert (tmp_path / "best.keras").read_bytes() == b"model"


def test_legacy_finished_folder_without_run_file(tmp_path):
    (tmp_path / "last.keras").write_bytes(b"model")
    assert run_folder.run_state(tmp_path) == run_folder.FINISHED


def test_interrupted_run_needs_resume_or_overwrite(tmp_path):
    _interrupted(tmp_path)
    with pytest.raises(FollowMeError, match="interrupted run: pass --resume"):
        run_folder.prepare(tmp_path, resume=False, overwrite=False)
    assert run_folder.prepare(tmp_path, resume=True, overwrite=False) is True


def test_overwrite_empties_the_run_folder(tmp_path):
    _finished(tmp_path)
    (tmp_path / "tensorboard" / "train").mkdir(parents=True)
    (tmp_path / "notes.txt").write_text("mine")
    assert run_folder.prepare(tmp_path, resume=False, overwrite=True)
    assert run_folder.run_state(tmp_path) == run_folder.EMPTY
    assert (tmp_path / "notes.txt").read_text() == "mine"  # only the run's own files go
    with pytest.raises(FollowMeError, match="exclude"):
        run_folder.prepare(tmp_path, resume=True, overwrite=True)


def test_history_never_holds_an_epoch_twice(tmp_path):
    history = tmp_path / "history.csv"
    history.write_text("epoch,loss\n0,1.0\n1,0.9\n2,0.8\n")
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "training_metadata.json").write_text(json.dumps({"epoch": 2, "batch": -1}))
    run_folder.trim_history(history, run_folder.resume_epoch(tmp_path))
    assert [r["epoch"] for r in csv.DictReader(history.open())] == ["0", "1"]
    assert run_folder.resume_epoch(tmp_path / "nothing") == 0


def test_overwrite_keeps_the_old_run_aside_until_the_new_one_has_a_checkpoint(tmp_path):
    _finished(tmp_path)
    assert run_folder.prepare(tmp_path, resume=False, overwrite=True)
    aside = tmp_path / run_folder.REPLACED_DIR
    assert (aside / "best.keras").read_bytes() == b"model"
    # the new run is interrupted before its first checkpoint, then overwritten again: the old run survives
    run_folder.mark(tmp_path, finished=False, settings={})
    (tmp_path / "backup").mkdir()
    assert run_folder.prepare(tmp_path, resume=False, overwrite=True)
    assert (aside / "best.keras").read_bytes() == b"model"
    assert not (tmp_path / "backup").exists()
    run_folder.discard_replaced(tmp_path)
    assert not aside.exists()
