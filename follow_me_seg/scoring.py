"""The follow-me score, as the original project grades it (docs/model-spec.md).

* a pixel is predicted as class c where its probability for c is above 0.5;
* per-image IoU per class, 0 where the union is empty, averaged over all images of a set;
* the hero is present (ground truth) / detected (prediction) where it has more than 3 pixels;
* weight = TP / (TP + FP + FN) over the sets; final IoU = mean hero IoU of the sets with the hero;
* final score = final IoU x weight.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from follow_me_seg.classes import CLASS_NAMES, HERO, NUM_CLASSES

PRESENCE_PIXELS = 3  # "present" means strictly more than this many hero pixels
THRESHOLD = 0.5
EVAL_SETS = ("following_images", "patrol_non_targ", "patrol_with_targ")
HERO_SETS = ("following_images", "patrol_with_targ")


@dataclass
class SetScore:
    """Running totals for one evaluation set."""

    images: int = 0
    iou_sum: np.ndarray = field(default_factory=lambda: np.zeros(NUM_CLASSES))
    hero_iou_sum_present: float = 0.0  # hero IoU summed over frames where the hero is present
    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0

    def update(self, probs: np.ndarray, gt_ids: np.ndarray) -> None:
        """Add a batch: ``probs`` (N, H, W, C) softmax, ``gt_ids`` (N, H, W) class ids."""
        pred = probs > THRESHOLD
        gt = gt_ids[..., None] == np.arange(NUM_CLASSES)
        inter = np.sum(pred & gt, axis=(1, 2))
        union = np.sum(pred | gt, axis=(1, 2))
        iou = np.divide(inter, union, out=np.zeros(inter.shape, float), where=union > 0)
        gt_present = gt[..., HERO].sum(axis=(1, 2)) > PRESENCE_PIXELS
        detected = pred[..., HERO].sum(axis=(1, 2)) > PRESENCE_PIXELS
        self.images += len(gt_ids)
        self.iou_sum += iou.sum(axis=0)
        self.hero_iou_sum_present += float(iou[gt_present, HERO].sum())
        self.true_pos += int(np.sum(gt_present & detected))
        self.false_neg += int(np.sum(gt_present & ~detected))
        self.false_pos += int(np.sum(~gt_present & detected))

    @property
    def iou(self) -> np.ndarray:
        """Mean IoU per class over all images of the set."""
        return self.iou_sum / max(self.images, 1)

    @property
    def hero_frames(self) -> int:
        return self.true_pos + self.false_neg

    def report(self) -> dict:
        return {
            "images": self.images,
            "iou": {name: float(v) for name, v in zip(CLASS_NAMES, self.iou)},
            "hero_present_frames": self.hero_frames,
            "hero_iou_where_present": self.hero_iou_sum_present / max(self.hero_frames, 1),
            "true_pos": self.true_pos,
            "false_pos": self.false_pos,
            "false_neg": self.false_neg,
        }


def weight(scores: list[SetScore]) -> float:
    """TP / (TP + FP + FN), summed over the sets (0 when all counts are 0)."""
    tp = sum(s.true_pos for s in scores)
    total = tp + sum(s.false_pos + s.false_neg for s in scores)
    return tp / total if total else 0.0


def followme_report(sets: dict[str, SetScore]) -> dict:
    """Full report for the three evaluation sets (as named in ``EVAL_SETS``)."""
    final_iou = float(np.mean([sets[name].iou[HERO] for name in HERO_SETS]))
    w = weight(list(sets.values()))
    return {
        "sets": {name: s.report() for name, s in sets.items()},
        "weight": w,
        "final_iou": final_iou,
        "final_score": final_iou * w,
    }


def folder_report(score: SetScore, name: str = "folder") -> dict:
    """Report for one mixed folder: final IoU is the mean hero IoU over frames with the hero."""
    final_iou = score.hero_iou_sum_present / max(score.hero_frames, 1)
    w = weight([score])
    return {"sets": {name: score.report()}, "weight": w, "final_iou": final_iou, "final_score": final_iou * w}
