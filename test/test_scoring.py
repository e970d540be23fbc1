"""The follow-me score agrees with an independent, per-image implementation of the spec."""

import numpy as np
import pytest

from follow_me_seg.scoring import SetScore, folder_report, followme_report


def reference_set(probs, gt_ids):
    """Straight from the spec, one image and one class at a time."""
    ious, tp, fp, fn = [], 0, 0, 0
    for p, g in zip(probs, gt_ids):
        row = []
        for c in range(3):
            pred, true = p[..., c] > 0.5, g == c
            union = np.logical_or(pred, true).sum()
            row.append(np.logical_and(pred, true).sum() / union if union else 0.0)
        ious.append(row)
        present, detected = (g == 2).sum() > 3, (p[..., 2] > 0.5).sum() > 3
        tp += present and detected
        fn += present and not detected
        fp += (not present) and detected
    return np.mean(ious, axis=0), tp, fp, fn


def random_set(rng, n, hero_rate):
    gt = np.zeros((n, 24, 24), np.uint8)
    gt[:, :6] = 1
    for i in range(n):
        if rng.random() < hero_rate:
            size = rng.integers(1, 8)
            gt[i, 10:10 + size, 10:10 + size] = 2
    logits = rng.normal(size=(n, 24, 24, 3)) + 3.0 * np.eye(3)[gt]
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    return probs, gt


def test_three_sets_match_reference():
    rng = np.random.default_rng(0)
    data = {"following_images": random_set(rng, 30, 1.0), "patrol_non_targ": random_set(rng, 25, 0.0),
            "patrol_with_targ": random_set(rng, 30, 0.8)}
    sets = {}
    for name, (probs, gt) in data.items():
        s = SetScore()
        s.update(probs[:13], gt[:13])  # in two batches: the totals must not depend on batching
        s.update(probs[13:], gt[13:])
        sets[name] = s
    report = followme_report(sets)
    refs = {name: reference_set(*d) for name, d in data.items()}
    for name, (iou, tp, fp, fn) in refs.items():
        got = report["sets"][name]
        assert np.allclose([got["iou"][k] for k in ("background", "person", "hero")], iou)
        assert (got["true_pos"], got["false_pos"], got["false_neg"]) == (tp, fp, fn)
    tp, fp, fn = (sum(r[i] for r in refs.values()) for i in (1, 2, 3))
    weight = tp / (tp + fp + fn)
    final_iou = (refs["following_images"][0][2] + refs["patrol_with_targ"][0][2]) / 2
    assert report["weight"] == pytest.approx(weight)
    assert report["final_iou"] == pytest.approx(final_iou)
    assert report["final_score"] == pytest.approx(weight * final_iou)


def test_empty_union_scores_zero_and_counts_in_the_mean():
    s = SetScore()
    probs = np.zeros((2, 8, 8, 3))
    probs[..., 0] = 1.0
    gt = np.zeros((2, 8, 8), np.uint8)
    gt[0, :2, :2] = 2  # image 0: hero of 4 pixels, not predicted -> hero IoU 0
    s.update(probs, gt)  # image 1: no hero anywhere -> empty union -> 0, still averaged
    assert s.iou[2] == 0.0
    assert (s.true_pos, s.false_pos, s.false_neg) == (0, 0, 1)


def test_more_than_three_pixels_rule():
    probs = np.zeros((2, 8, 8, 3))
    probs[..., 0] = 1.0
    probs[0, 0, :3] = (0, 0, 1)  # 3 predicted hero pixels: not a detection
    probs[1, 0, :4] = (0, 0, 1)  # 4: a detection
    gt = np.zeros((2, 8, 8), np.uint8)
    gt[0, 0, :3] = 2  # 3 true hero pixels: not present
    s = SetScore()
    s.update(probs, gt)
    assert (s.true_pos, s.false_pos, s.false_neg) == (0, 1, 0)


def test_threshold_is_strictly_above_half():
    probs = np.full((1, 4, 4, 3), 0.5)
    gt = np.zeros((1, 4, 4), np.uint8)
    s = SetScore()
    s.update(probs, gt)
    assert s.iou[0] == 0.0  # 0.5 is not above 0.5: nothing predicted


def test_folder_report_uses_frames_with_the_hero():
    rng = np.random.default_rng(1)
    probs, gt = random_set(rng, 40, 0.5)
    s = SetScore()
    s.update(probs, gt)
    report = folder_report(s)
    present = (gt == 2).reshape(40, -1).sum(1) > 3
    hero_iou = []
    for p, g in zip(probs[present], gt[present]):
        pred, true = p[..., 2] > 0.5, g == 2
        hero_iou.append((pred & true).sum() / (pred | true).sum())
    assert report["final_iou"] == pytest.approx(np.mean(hero_iou))
    assert report["final_score"] == pytest.approx(report["final_iou"] * report["weight"])
