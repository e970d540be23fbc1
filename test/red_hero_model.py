"""A tiny stand-in for the trained network with the same input/output shapes and a known answer.

One 1x1 convolution + softmax: strongly red pixels are hero, strongly green pixels are person,
everything else is background (logit 0). Node and launch tests use it to assert real results (an empty
target on a blank frame, the hero box of a red square) in a fraction of the full model's time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def save_red_hero_model(path: str | Path) -> Path:
    import keras

    from follow_me_seg.core.classes import HERO, INPUT_SIZE, NUM_CLASSES, PERSON

    image = keras.Input((INPUT_SIZE, INPUT_SIZE, 3), name="image")
    logits = keras.layers.Conv2D(NUM_CLASSES, 1, name="colour_logits")(image)
    model = keras.Model(image, keras.layers.Softmax(name="probs")(logits), name="red_hero")
    kernel = np.zeros((1, 1, 3, NUM_CLASSES), np.float32)  # inputs are scaled to [-1, 1]
    kernel[0, 0, 0, HERO] = 10.0  # red   -> hero logit
    kernel[0, 0, 1, PERSON] = 10.0  # green -> person logit
    model.get_layer("colour_logits").set_weights([kernel, np.zeros(NUM_CLASSES, np.float32)])
    path = Path(path)
    model.save(path)
    return path
