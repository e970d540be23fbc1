"""Hero-bias calibration: one offset on the classifier's hero logit, chosen on validation by the shaped proxies.

A model trained to find small heroes (copy-paste, strata) also calls more red things hero. Adding
``delta`` to the hero logit of every pixel moves that balance without retraining: the softmax of
``logits + delta * e_hero`` is

    p'_hero = p_hero e^delta / (1 + p_hero (e^delta - 1)),   p'_c = p_c / (1 + p_hero (e^delta - 1)),

and the model carries it as ``delta`` added to the hero bias of its last 1x1 convolution, so the
network (95,961 parameters) is unchanged and every export (LiteRT, OpenVINO) inherits it.

The offset is chosen by the mean of the shaped proxy and its pessimistic variant (false heroes
counted ``scoring.HELD_OUT_FALSE_HERO_RATIO`` times): the held-out false-hero rate is not known, and
the shaped proxy alone buys a tiny hero or two with many false heroes and a lower close-hero IoU.
"""

from __future__ import annotations

import numpy as np

from follow_me_seg.core.classes import HERO, NUM_CLASSES
from follow_me_seg.core.errors import ModelError
from follow_me_seg.core.resampling import shrink_probs
from follow_me_seg.learning.scoring import SetScore, proxy_report

CLASSIFIER = "classifier_conv1x1"


def shift_hero_logit(probs: np.ndarray, delta: float) -> np.ndarray:
    """Softmax probabilities (..., C) as if ``delta`` had been added to the hero logit."""
    probs = probs.astype(np.float32)
    hero = probs[..., HERO:HERO + 1]
    scale = 1.0 / (1.0 + hero * np.float32(np.expm1(delta)))
    shifted = probs * scale
    shifted[..., HERO:HERO + 1] = hero * np.float32(np.exp(delta)) * scale
    return shifted


def score_shift(probs: np.ndarray, labels: np.ndarray, delta: float, batch: int = 128) -> dict:
    """The validation proxy (``scoring.proxy_report``) of ``probs`` shifted by ``delta``.

    ``probs`` are the network's answers at its own side: shifted there, as the calibrated model's bias
    shifts them, and only then shrunk to the labels' 160x160 (shrinking does not commute with the shift).
    """
    score = SetScore()
    for start in range(0, len(probs), batch):
        shifted = shift_hero_logit(probs[start:start + batch], delta)
        score.update(shrink_probs(shifted, labels.shape[1]), labels[start:start + batch])
    return proxy_report(score)


def sweep(probs: np.ndarray, labels: np.ndarray, deltas) -> list[dict]:
    """One row per delta: the shaped (and pessimistic) and plain proxy scores, parts, detection per size bucket,
    false heroes, and ``choice_score``, the mean of the two shaped scores."""
    rows = []
    for delta in deltas:
        report = score_shift(probs, labels, float(delta))
        rows.append({
            "delta": float(delta),
            "shaped_score": report["eval_shaped"]["final_score"],
            "pessimistic_score": report["eval_shaped_pessimistic"]["final_score"],
            "choice_score": (report["eval_shaped"]["final_score"] + report["eval_shaped_pessimistic"]["final_score"]) / 2,
            "proxy_score": report["final_score"],
            "final_iou": report["final_iou"],
            "weight": report["weight"],
            "close_hero_iou": report["sets"]["close"]["iou"]["hero"],
            "far_hero_iou": report["sets"]["far"]["iou"]["hero"],
            "found": {name: [b["found"], b["present"]] for name, b in report["detection_by_size"].items()},
            "false_heroes": report["false_heroes"]["frames"],
            "hero_free_frames": report["false_heroes"]["hero_free_frames"],
        })
    return rows


def best_row(rows: list[dict]) -> dict:
    """The row with the highest ``choice_score`` (mean of the shaped and pessimistic shaped proxy scores);
    between equals, the smallest shift."""
    return max(rows, key=lambda r: (round(r["choice_score"], 6), -abs(r["delta"])))


def check_classifier(model, path) -> None:
    """Raise ModelError unless ``model`` has the classifier (with a bias) that calibration shifts."""
    names = [layer.name for layer in model.layers]
    if CLASSIFIER not in names:
        raise ModelError(f"{path} has no layer {CLASSIFIER!r}: not the follow-me FCN")
    weights = model.get_layer(CLASSIFIER).get_weights()
    if len(weights) != 2 or weights[1].shape != (NUM_CLASSES,):
        raise ModelError(f"{path}: layer {CLASSIFIER!r} has no bias of {NUM_CLASSES} classes to shift")


def add_hero_bias(model, delta: float) -> None:
    """Add ``delta`` to the hero bias of the model's classifier (in place)."""
    layer = model.get_layer(CLASSIFIER)
    kernel, bias = layer.get_weights()
    bias = bias.copy()
    bias[HERO] += np.float32(delta)
    layer.set_weights([kernel, bias])


def plot_sweep(rows: list[dict], path, title: str = "") -> None:
    """Proxy score, small-hero detection and false-hero rate against the shift, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from follow_me_seg.core.atomic_files import atomic_path

    deltas = [r["delta"] for r in rows]

    def rate(row, bucket):
        found, present = row["found"][bucket]
        return found / present if present else 0.0

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(deltas, [r["choice_score"] for r in rows], marker="o", label="chosen by: mean of the two shaped scores")
    ax.plot(deltas, [r["shaped_score"] for r in rows], label="shaped proxy score")
    ax.plot(deltas, [r["pessimistic_score"] for r in rows], label="pessimistic shaped proxy score")
    ax.plot(deltas, [r["proxy_score"] for r in rows], label="proxy score")
    ax.plot(deltas, [rate(r, "4-20") for r in rows], label="found 4-20 px")
    ax.plot(deltas, [rate(r, "20-50") for r in rows], label="found 20-50 px")
    ax.plot(deltas, [r["false_heroes"] / max(r["hero_free_frames"], 1) for r in rows], label="false hero rate")
    best = best_row(rows)
    ax.axvline(best["delta"], color="grey", linestyle="--", label=f"chosen {best['delta']:+.2f}")
    ax.set(xlabel="added to the hero logit", ylim=(0, 1), title=f"Hero-bias calibration {title}".strip())
    ax.legend(fontsize=8)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=90)
    plt.close(fig)
