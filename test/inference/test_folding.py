"""Batch-norm folding: the folded graph gives the trained graph's answers, with fewer layers."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from follow_me_seg.inference.folding import batch_norm_affine, fold_batch_norms
from follow_me_seg.learning.model import ChannelShift, build_fcn


def with_batch_norm_statistics(model: keras.Model, seed: int) -> keras.Model:
    """Give every batch norm a trained-looking (non-identity) scale, shift, mean and variance."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            n = layer.get_weights()[0].shape[0]
            layer.set_weights([rng.uniform(0.5, 2.0, n), rng.normal(0, 0.5, n),
                               rng.uniform(0, 0.5, n), rng.uniform(0.05, 2.0, n)])
    return model


@pytest.fixture(scope="module")
def model() -> keras.Model:
    keras.utils.set_random_seed(7)
    return with_batch_norm_statistics(build_fcn(), seed=7)


@pytest.fixture(scope="module")
def images() -> np.ndarray:
    return np.random.default_rng(2).uniform(-1, 1, (3, 160, 160, 3)).astype(np.float32)


def test_folded_graph_gives_the_same_probabilities(model, images):
    want = model.predict(images, verbose=0)
    got = fold_batch_norms(model).predict(images, verbose=0)
    np.testing.assert_allclose(got, want, atol=2e-5)
    # The check has teeth: the batch norms change the answer by far more than the tolerance.
    plain = keras.models.clone_model(model)
    plain.set_weights(model.get_weights())
    with_batch_norm_statistics(plain, seed=8)
    assert np.abs(plain.predict(images, verbose=0) - want).max() > 1e-2


def test_folded_graph_keeps_only_the_shifts_it_cannot_fold(model):
    folded = fold_batch_norms(model)
    assert not [layer for layer in folded.layers if isinstance(layer, keras.layers.BatchNormalization)]
    shifts = [layer.name for layer in folded.layers if isinstance(layer, ChannelShift)]
    assert len(shifts) == 8 and "enc3_shift" not in shifts and "dec3_2_shift" not in shifts
    # 800 batch-norm channels of 4 parameters each become 640 shifts (160 folded into 1x1 biases).
    assert folded.count_params() == 95_961 - 4 * 800 + 640


def test_affine_of_a_batch_norm(model):
    layer = model.get_layer("enc1_bn")
    x = np.random.default_rng(0).normal(size=(2, 3, 3, 32)).astype(np.float32)
    a, b = batch_norm_affine(layer)
    np.testing.assert_allclose(layer(x, training=False).numpy(), x * a + b, atol=1e-5)


def test_a_non_positive_scale_cannot_cross_the_relu(model):
    bad = keras.models.clone_model(model)
    bad.set_weights(model.get_weights())
    gamma, beta, mean, var = bad.get_layer("dec2_1_bn").get_weights()
    gamma[5] = -0.5
    bad.get_layer("dec2_1_bn").set_weights([gamma, beta, mean, var])
    with pytest.raises(ValueError, match=r"dec2_1_bn: .*positive.*1 channels"):
        fold_batch_norms(bad)
