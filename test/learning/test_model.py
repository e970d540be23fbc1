"""The FCN matches the spec table: block shapes, parameter totals, layer names."""

import pytest

from follow_me_seg.learning.model import build_fcn


@pytest.fixture(scope="module")
def model():
    return build_fcn()


@pytest.mark.parametrize("layer, shape", [
    ("enc1_bn", (80, 80, 32)),
    ("enc2_bn", (40, 40, 64)),
    ("enc3_bn", (20, 20, 128)),
    ("bottleneck_bn", (20, 20, 128)),
    ("dec1_upsample", (40, 40, 128)),
    ("dec1_concat", (40, 40, 192)),
    ("dec1_2_bn", (40, 40, 128)),
    ("dec2_concat", (80, 80, 160)),
    ("dec2_2_bn", (80, 80, 64)),
    ("dec3_concat", (160, 160, 67)),
    ("dec3_2_bn", (160, 160, 32)),
    ("classifier_conv1x1", (160, 160, 3)),
])
def test_block_output_shapes(model, layer, shape):
    assert tuple(model.get_layer(layer).output.shape[1:]) == shape


@pytest.mark.parametrize("layer, params", [
    ("enc1_sepconv", 155), ("enc2_sepconv", 2400), ("enc3_sepconv", 8896), ("bottleneck_conv1x1", 16512),
    ("dec1_1_sepconv", 26432), ("dec1_2_sepconv", 17664), ("dec2_1_sepconv", 11744), ("dec2_2_sepconv", 4736),
    ("dec3_1_sepconv", 2779), ("dec3_2_sepconv", 1344), ("classifier_conv1x1", 99),
])
def test_layer_parameters_match_the_note(model, layer, params):
    assert model.get_layer(layer).count_params() == params


def test_parameter_totals(model):
    trainable = sum(_size(w) for w in model.trainable_weights)
    frozen = sum(_size(w) for w in model.non_trainable_weights)
    assert model.count_params() == 95_961
    assert trainable == 94_361
    assert frozen == 1_600


def _size(weight) -> int:
    n = 1
    for d in weight.shape:
        n *= int(d)
    return n


def test_output_is_a_softmax(model):
    import numpy as np

    probs = model(np.random.default_rng(0).uniform(-1, 1, (2, 160, 160, 3)).astype("float32")).numpy()
    assert probs.shape == (2, 160, 160, 3)
    assert np.allclose(probs.sum(axis=-1), 1.0, atol=1e-5)
