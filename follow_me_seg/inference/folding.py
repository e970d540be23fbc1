"""Fold the network's batch norms away for inference, exactly.

Every batch norm here follows a ReLU: ``y = a * relu(z) + b`` per channel, with
``a = gamma / sqrt(var + eps)`` and ``b = beta - a * mean``. Where ``a > 0``,
``a * relu(z) == relu(a * z)``, so ``a`` goes into the convolution before (its pointwise kernel and
bias) and only the shift ``b`` is left. A shift read by a 1x1 convolution goes into that
convolution's bias. Other shifts stay as ``ChannelShift`` layers: moving them into a 3x3 depthwise
convolution would be wrong at the image border, where 'same' padding adds zeros, not ``-b``.
"""

from __future__ import annotations

import keras
import numpy as np

from follow_me_seg.learning.model import SHIFT_FOLDED_INTO, build_fcn


def batch_norm_affine(layer: keras.layers.BatchNormalization) -> tuple[np.ndarray, np.ndarray]:
    """The per-channel ``(a, b)`` of an inference-mode batch norm: ``y = a * x + b``."""
    gamma, beta, mean, var = (np.asarray(w, np.float64) for w in layer.get_weights())
    a = gamma / np.sqrt(var + layer.epsilon)
    return a, beta - a * mean


def fold_batch_norms(model: keras.Model) -> keras.Model:
    """The follow-me FCN ``model`` rebuilt with its batch norms folded (``build_fcn(folded=True)``).

    Raises ValueError where a batch norm has a non-positive scale (it cannot cross the ReLU).
    """
    weights = {layer.name: [np.asarray(w, np.float64) for w in layer.get_weights()]
               for layer in model.layers if layer.weights}
    shifts = {}
    for layer in model.layers:
        if not isinstance(layer, keras.layers.BatchNormalization):
            continue
        block = layer.name.removesuffix("_bn")
        a, b = batch_norm_affine(layer)
        if not np.all(a > 0):
            raise ValueError(f"{layer.name}: batch-norm scale must be positive to fold across the ReLU "
                             f"({int(np.sum(a <= 0))} channels are not)")
        producer = weights[f"{block}_conv1x1" if block == "bottleneck" else f"{block}_sepconv"]
        producer[-2] = producer[-2] * a  # the last kernel's output channels, then the bias
        producer[-1] = producer[-1] * a
        if block in SHIFT_FOLDED_INTO:
            kernel, bias = weights[SHIFT_FOLDED_INTO[block]]
            weights[SHIFT_FOLDED_INTO[block]] = [kernel, bias + b @ kernel[0, 0]]
        else:
            shifts[f"{block}_shift"] = [b]
    weights.update(shifts)
    folded = build_fcn(model.input_shape[1], model.output_shape[-1], folded=True)
    for layer in folded.layers:
        if layer.weights:
            layer.set_weights([w.astype(np.float32) for w in weights[layer.name]])
    return folded
