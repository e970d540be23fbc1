"""Distillation targets: the teacher's mean probabilities at each member's scale, mixed into the labels."""

import numpy as np
import pytest
import tensorflow as tf

from follow_me_seg.core.classes import NUM_CLASSES
from follow_me_seg.learning.distillation import Teacher, distil
from follow_me_seg.learning.model import build_fcn


@pytest.fixture(scope="module")
def two_models(tmp_path_factory):
    folder = tmp_path_factory.mktemp("teachers")
    paths = []
    for seed in (1, 2):
        tf.keras.utils.set_random_seed(seed)
        model = build_fcn()
        model.save(folder / f"m{seed}.keras")
        paths.append(str(folder / f"m{seed}.keras"))
    return paths


def _images(n=2, side=64, seed=0):
    return tf.constant(np.random.default_rng(seed).uniform(-1, 1, (n, side, side, 3)).astype(np.float32))


def test_the_teacher_is_the_mean_of_its_members(two_models):
    x = _images()
    both = Teacher([(p, 1.0) for p in two_models], crop_size=64)(x).numpy()
    alone = [Teacher([(p, 1.0)], crop_size=64)(x).numpy() for p in two_models]
    assert both.shape == (2, 64, 64, NUM_CLASSES)
    np.testing.assert_allclose(both, (alone[0] + alone[1]) / 2, atol=1e-5)
    assert not np.allclose(alone[0], alone[1])  # two different members, so the mean is not either


def test_a_scaled_member_sees_the_shrunk_crop_and_answers_at_the_crop_size(two_models):
    x = _images(side=64)
    teacher = Teacher([(two_models[0], 0.625)], crop_size=64)
    assert teacher.members[0][1] == 40  # 64 x 0.625, a multiple of 8
    probs = teacher(x).numpy()
    assert probs.shape == (2, 64, 64, NUM_CLASSES)
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0, atol=1e-5)
    direct = Teacher([(two_models[0], 1.0)], crop_size=64)(x).numpy()
    assert not np.allclose(probs, direct, atol=1e-3)  # the scale changes what the member sees


def test_distil_mixes_the_targets_by_the_weight(two_models):
    x = _images()
    labels = tf.one_hot(tf.zeros((2, 64, 64), tf.int32), NUM_CLASSES)
    teacher = Teacher([(two_models[0], 1.0)], crop_size=64)
    expected = teacher(x).numpy()
    ds = tf.data.Dataset.from_tensors((x, labels))
    for weight in (0.25, 1.0):
        (_, mixed), = list(distil(ds, teacher, weight))
        np.testing.assert_allclose(mixed.numpy(), (1 - weight) * labels.numpy() + weight * expected, atol=1e-5)
    with pytest.raises(ValueError, match="teacher weight"):
        distil(ds, teacher, 0.0)


def test_bad_teachers_are_refused(two_models, tmp_path):
    from follow_me_seg.core.errors import ModelError

    with pytest.raises(ValueError, match="at least one"):
        Teacher([], crop_size=64)
    with pytest.raises(ValueError, match="scale"):
        Teacher([(two_models[0], 10.0)], crop_size=64)
    (tmp_path / "bad.keras").write_bytes(b"not a model")
    with pytest.raises(ModelError):
        Teacher([(tmp_path / "bad.keras", 1.0)], crop_size=64)
