"""Contact sheets of missed small heroes and false heroes (``follow_me_seg.learning.mistakes``)."""

import cv2
import numpy as np
import pytest

from follow_me_seg.core.classes import BACKGROUND, HERO, INPUT_SIZE, PERSON
from follow_me_seg.learning.mistakes import (
    CAPTION,
    CROP,
    PREDICTED_BGR,
    TRUTH_BGR,
    ZOOM,
    MistakeSheets,
    kind_of_mistake,
    tile,
)


def _ids(hero_pixels: int, top: int = 80, left: int = 80) -> np.ndarray:
    ids = np.full((INPUT_SIZE, INPUT_SIZE), BACKGROUND, np.uint8)
    ids[10:30, 10:20] = PERSON
    ids.reshape(-1)[np.ravel_multi_index((top + np.arange(hero_pixels) // 4, left + np.arange(hero_pixels) % 4),
                                         ids.shape)] = HERO
    return ids


@pytest.mark.parametrize("truth, found, kind", [
    (10, 0, "missed"), (10, 3, "missed"), (49, 0, "missed"),
    (10, 4, None),  # found: more than 3 hero pixels
    (50, 0, None),  # not small: the score counts it, the sheet of small misses does not
    (3, 0, None),  # 3 pixels is "no hero" for the score
    (0, 4, "false"), (3, 20, "false"), (0, 3, None), (200, 200, None),
])
def test_kind_follows_the_scores_presence_rule(truth, found, kind):
    assert kind_of_mistake(_ids(truth), _ids(found, top=40)) == kind


def test_tile_is_centred_on_the_hero_with_both_outlines_even_at_the_border():
    image = np.full((INPUT_SIZE, INPUT_SIZE, 3), 90, np.uint8)
    picture = tile(image, _ids(12, top=150, left=155), _ids(8, top=150, left=152), "frame 12 px")
    assert picture.shape == (CAPTION + CROP * ZOOM, 2 * CROP * ZOOM + 2, 3)
    plain, drawn = picture[CAPTION:, :CROP * ZOOM], picture[CAPTION:, CROP * ZOOM + 2:]
    assert (plain == 90).all()  # the crop as the network saw it, nothing drawn on it
    for colour in (TRUTH_BGR, PREDICTED_BGR):
        rows, cols = np.nonzero((drawn == colour).all(axis=-1))
        assert rows.size and rows.min() >= (CROP - 10) * ZOOM and cols.min() >= (CROP - 8) * ZOOM  # bottom-right
    assert (picture[:CAPTION] > 0).any()  # the caption


def test_sheets_count_every_mistake_keep_the_first_ones_and_write_only_what_they_hold(tmp_path):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, (INPUT_SIZE, INPUT_SIZE, 3), dtype=np.uint8)
    sheets = MistakeSheets(limit=3, columns=2)
    kinds = [sheets.add(image, _ids(8), _ids(0), f"m{i}") for i in range(5)]
    kinds += [sheets.add(image, _ids(0), _ids(0), "fine"), sheets.add(image, _ids(200), _ids(190), "found")]
    assert kinds == ["missed"] * 5 + [None, None]
    assert sheets.counts == {"missed": 5, "false": 0} and len(sheets.tiles("missed")) == 3
    order = [seen for seen, _ in sorted(sheets.kept["missed"], key=lambda entry: entry[0])]
    assert len(set(order)) == 3 and set(order) <= set(range(5))
    grid = sheets.sheet("missed")
    height, width = sheets.tiles("missed")[0].shape[:2]
    assert grid.shape == (2 * height, 2 * width, 3) and (grid[height:, width:] == 0).all()  # 3 tiles, one blank
    (tmp_path / "false_heroes.png").write_bytes(b"an earlier run's sheet")
    written = sheets.save(tmp_path)
    assert written == {"missed": str(tmp_path / "missed_small_heroes.png")}
    assert cv2.imread(written["missed"]).shape == grid.shape
    assert not (tmp_path / "false_heroes.png").exists()
    with pytest.raises(ValueError, match="at least 1"):
        MistakeSheets(limit=0)


def test_evaluate_refuses_a_negative_number_of_tiles(capsys):
    from follow_me_seg.cli.evaluate import parse_args

    assert parse_args(["--data", "d"]).mistakes == 24
    with pytest.raises(SystemExit):
        parse_args(["--data", "d", "--mistakes", "-1"])
    assert "argument --mistakes: must be in [0, 1000], got -1" in capsys.readouterr().err


def test_tile_centres_on_the_largest_blob_and_the_sample_reaches_late_frames():
    image = np.zeros((INPUT_SIZE, INPUT_SIZE, 3), np.uint8)
    truth = np.zeros((INPUT_SIZE, INPUT_SIZE), np.uint8)
    pred = _ids(60, top=5, left=5)  # a smaller blob far away pulls the mean of all hero pixels off both
    pred[120:130, 130:140] = HERO  # the largest (centre 124.5, 134.5): the crop, rows 100-147 and columns 110-157
    drawn = tile(image, truth, pred, "two blobs")[CAPTION:, CROP * ZOOM + 2:]
    rows, cols = np.nonzero((drawn == PREDICTED_BGR).all(axis=-1))
    assert rows.size and (rows.min(), cols.min()) == ((120 - 100) * ZOOM, (130 - 110) * ZOOM)
    sheets = MistakeSheets(limit=4)
    for i in range(200):
        sheets.add(image, truth, pred, f"f{i}")
    kept = sorted(seen for seen, _ in sheets.kept["false"])
    assert sheets.counts["false"] == 200 and len(kept) == 4 and kept[-1] >= 50  # not just the first four
