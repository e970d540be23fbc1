"""The training loss: class-weighted cross-entropy plus a soft Dice term on the hero."""

from __future__ import annotations

import keras

from follow_me_seg.core.classes import HERO


@keras.saving.register_keras_serializable(package="follow_me_seg")
class WeightedCEDiceLoss(keras.losses.Loss):
    """Class-weighted categorical cross-entropy plus a soft Dice loss on the hero class.

    The weights lift the rare hero class; the Dice term keeps far-away (tiny) heroes from
    being drowned out by the background.
    """

    def __init__(self, class_weights=(1.0, 1.0, 1.0), dice_weight: float = 0.0, name="weighted_ce_dice", **kwargs):
        super().__init__(name=name, **kwargs)
        self.class_weights = tuple(float(w) for w in class_weights)
        self.dice_weight = float(dice_weight)

    def call(self, y_true, y_pred):
        y_pred = keras.ops.clip(y_pred, 1e-7, 1.0)
        weights = keras.ops.convert_to_tensor(self.class_weights, dtype=y_pred.dtype)
        ce = -keras.ops.sum(y_true * keras.ops.log(y_pred) * weights, axis=-1)
        ce = keras.ops.mean(ce, axis=(1, 2))
        if not self.dice_weight:
            return ce
        t, p = y_true[..., HERO], y_pred[..., HERO]
        inter = keras.ops.sum(t * p, axis=(1, 2))
        dice = 1.0 - (2.0 * inter + 1.0) / (keras.ops.sum(t + p, axis=(1, 2)) + 1.0)
        return ce + self.dice_weight * dice

    def get_config(self):
        return {**super().get_config(), "class_weights": self.class_weights, "dice_weight": self.dice_weight}
