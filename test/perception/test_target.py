"""Hero extraction: largest blob, coordinates in input pixels, minimum size, class maps."""

import numpy as np
import pytest

from follow_me_seg.perception.target import class_ids, extract_target, upscale_ids


def test_largest_blob_in_input_coordinates():
    hero = np.zeros((160, 160), np.float32)
    hero[10:14, 10:14] = 0.9  # small blob
    hero[80:100, 40:50] = 0.8  # large blob: 20 rows x 10 cols
    t = extract_target(hero, input_shape=(480, 640))
    assert t.found and t.pixels == 200
    assert t.centroid_x == pytest.approx((44.5 + 0.5) * 4 - 0.5)
    assert t.centroid_y == pytest.approx((89.5 + 0.5) * 3 - 0.5)
    assert t.bbox == (160, 240, 40, 60)
    assert t.score == pytest.approx(0.8)
    assert t.area_fraction == pytest.approx(200 / 160 ** 2)


def test_min_pixels_and_threshold():
    hero = np.zeros((160, 160), np.float32)
    hero[0:2, 0:2] = 0.9  # 4 pixels
    assert extract_target(hero, (160, 160), min_pixels=4).found
    assert not extract_target(hero, (160, 160), min_pixels=5).found
    assert not extract_target(hero, (160, 160), threshold=0.95).found
    assert not extract_target(np.zeros((160, 160), np.float32), (160, 160)).found


def test_no_hero_target_has_nan_centroid():
    t = extract_target(np.zeros((160, 160), np.float32), (160, 160))
    assert not t.found and np.isnan(t.centroid_x) and t.pixels == 0


def test_class_ids_use_the_hero_threshold():
    probs = np.array([[[0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.35, 0.2, 0.45], [0.1, 0.2, 0.7]]], np.float32)
    assert class_ids(probs).tolist() == [[0, 1, 0, 2]]
    assert class_ids(probs, hero_threshold=0.4).tolist() == [[0, 1, 2, 2]]


def test_upscale_keeps_ids():
    ids = np.array([[0, 1], [2, 0]], np.uint8)
    up = upscale_ids(ids, (4, 6))
    assert up.shape == (4, 6) and set(np.unique(up)) == {0, 1, 2}
    assert up[0, 0] == 0 and up[0, 5] == 1 and up[3, 0] == 2


def test_class_ids_match_argmax_below_the_threshold():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet((1, 1, 1), size=(40, 40)).astype(np.float32)
    probs[0, 0] = (0.4, 0.4, 0.2)  # a background/person tie goes to background, as argmax
    expected = np.argmax(probs, axis=-1)
    expected[probs[..., 2] > 0.5] = 2
    expected[(expected == 2) & (probs[..., 2] <= 0.5)] = 9  # argmax hero below threshold: differs by design
    ids = class_ids(probs)
    keep = expected != 9
    assert (ids[keep] == expected[keep]).all()
    assert ids[0, 0] == 0
    assert set(np.unique(ids[~keep])) <= {0, 1}


def test_every_blob_largest_first_and_the_target_is_the_first():
    from follow_me_seg.perception.target import extract_blobs

    prob = np.zeros((160, 160), np.float32)
    prob[10:20, 10:20] = 0.9  # 100 px
    prob[100:130, 100:110] = 0.8  # 300 px
    prob[60:61, 60:62] = 0.9  # 2 px: under min_pixels
    blobs = extract_blobs(prob, (320, 320), min_pixels=4)
    assert [b.pixels for b in blobs] == [300, 100]
    assert blobs[0].bbox == (200, 200, 20, 60) and blobs[1].score == pytest.approx(0.9)
    assert extract_target(prob, (320, 320)) == blobs[0]
    assert len(extract_blobs(prob, (320, 320), max_blobs=1)) == 1
