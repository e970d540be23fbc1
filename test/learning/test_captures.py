"""Raw simulator captures to masks: the spec's nearest-render rule, its uint8 quirk, and the real sample."""

import subprocess
import sys

import numpy as np
import pytest
from shared_data import RAW_SAMPLE, need

from follow_me_seg.core.errors import DataError
from follow_me_seg.learning.captures import convert_frame, find_frames, label_from_renders
from follow_me_seg.learning.dataset import find_pairs, read_mask


def _render(value):
    return np.full((1, 1), value, np.uint8)


@pytest.mark.parametrize("person, hero, background, expected", [
    (255, 255, 255, 0),  # nothing rendered: background
    (10, 255, 255, 1),  # a person in front of empty background
    (255, 10, 255, 2),  # the hero
    (10, 10, 255, 1),  # person and hero tie: person comes first
    (10, 255, 11, 0),  # background lowered by one ties with the person and wins
    (10, 255, 12, 1),
    (20, 5, 30, 2),
    (10, 10, 0, 1),  # uint8 quirk: background 0 - 1 wraps to 255 and loses
])
def test_nearest_render_wins(person, hero, background, expected):
    assert label_from_renders(_render(person), _render(hero), _render(background))[0, 0] == expected


def test_missing_render_is_named(tmp_path):
    img = tmp_path / "run" / "IMG"
    img.mkdir(parents=True)
    for cam in ("cam1", "cam2", "cam3"):
        (img / f"{cam}_00001.png").write_bytes(b"x")
    with pytest.raises(DataError, match="cam4_00001.png"):
        find_frames(tmp_path / "run")


@pytest.fixture(scope="module")
def sample_frames():
    return {f.number: f for f in find_frames(need(RAW_SAMPLE) / "run1")}


def test_sample_class_counts(sample_frames):
    assert len(sample_frames) == 361
    with_people = with_hero = 0
    for frame in sample_frames.values():
        _, ids = convert_frame(frame)
        with_people += bool((ids == 1).any())
        with_hero += bool((ids == 2).any())
    # the data README: 152 frames render other people (one of them hidden behind scenery), 8 the hero
    assert with_people == 151
    assert with_hero == 8


def test_frame_without_hero_pixel_counts(sample_frames):
    image, ids = convert_frame(sample_frames["00010"])
    assert image.shape == (256, 256, 3)
    counts = np.bincount(ids.ravel(), minlength=3)
    assert counts[2] == 0
    assert counts.sum() == 256 * 256


def test_frame_with_hero_pixel_counts(sample_frames):
    hero_frames = []
    for number, frame in sample_frames.items():
        _, ids = convert_frame(frame)
        if (ids == 2).any():
            hero_frames.append((number, np.bincount(ids.ravel(), minlength=3)))
    assert len(hero_frames) == 8
    for number, counts in hero_frames:
        hero_render = convert_frame(sample_frames[number])[1]
        assert counts[2] == (hero_render == 2).sum() > 0
        assert counts[0] > counts[2]  # the hero is small against the scene


def test_cli_writes_pairs_that_pair_and_validate(tmp_path, sample_frames):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "follow_me_seg.cli.preprocess", "--raw", str(RAW_SAMPLE),
                           "--out", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "wrote 361 pairs" in proc.stdout and "8 with the hero" in proc.stdout
    pairs = find_pairs(out)
    assert len(pairs) == 361
    hero_pixels = sum(int((read_mask(p.mask) == 2).sum()) for p in pairs)
    expected = sum(int((convert_frame(f)[1] == 2).sum()) for f in sample_frames.values())
    assert hero_pixels == expected > 0
