"""Camera-resolution training and inference: crops, the probability shrink, the whole-frame predictor."""

import numpy as np
import pytest

from follow_me_seg.core.classes import HERO, INPUT_SIZE, NUM_CLASSES, PERSON


def test_shrunk_one_hot_probabilities_match_the_graders_ground_truth():
    from follow_me_seg.core.resampling import shrink_probs
    from follow_me_seg.learning.dataset import shrink_labels

    rng = np.random.default_rng(0)
    ids = np.zeros((2, 256, 256), np.uint8)
    for frame in ids:
        for _ in range(30):
            r, c, h, w = rng.integers(0, 250), rng.integers(0, 250), rng.integers(1, 12), rng.integers(1, 12)
            frame[r:r + h, c:c + w] = rng.integers(1, 3)
    onehot = (ids[..., None] == np.arange(NUM_CLASSES)).astype(np.float32)
    small = shrink_probs(onehot)
    assert small.shape == (2, INPUT_SIZE, INPUT_SIZE, NUM_CLASSES)
    truth = shrink_labels(ids)
    # the same filter: the hero channel above 0.5 is the grader's hero (ties at exactly 0.5 aside)
    agree = ((small[..., HERO] > 0.5) == (truth == HERO)).mean()
    assert agree > 0.999


@pytest.mark.parametrize("seed", range(8))
def test_crops_hold_the_anchor_and_keep_image_and_mask_aligned(seed):
    import tensorflow as tf

    from follow_me_seg.learning.camera_resolution import camera_crop, hero_anchor

    image = np.zeros((256, 256, 3), np.uint8)
    labels = np.zeros((256, 256), np.uint8)
    r, c = [(2, 3), (250, 250), (0, 200), (128, 128), (10, 240), (200, 5), (100, 30), (253, 120)][seed]
    labels[r:r + 3, c:c + 3] = HERO
    image[labels == HERO] = 255
    anchor = hero_anchor(tf.constant(labels), tf.constant([seed, 1], tf.int64))
    out_image, out_labels = camera_crop(tf.constant(image), tf.constant(labels), anchor,
                                        tf.constant([seed, 2], tf.int64))
    out_image, out_labels = out_image.numpy(), out_labels.numpy()
    assert out_image.shape == (INPUT_SIZE, INPUT_SIZE, 3) and out_labels.shape == (INPUT_SIZE, INPUT_SIZE)
    assert (out_labels == HERO).sum() > 0
    assert np.array_equal(out_image[..., 0] == 255, out_labels == HERO)


def test_free_crops_reach_the_borders():
    import tensorflow as tf

    from follow_me_seg.learning.camera_resolution import camera_crop

    image = np.zeros((256, 256, 3), np.uint8)
    image[:, 0] = 255  # the left border column
    labels = np.zeros((256, 256), np.uint8)
    hits = 0
    for seed in range(200):
        out, _ = camera_crop(tf.constant(image), tf.constant(labels), tf.constant([-1, -1]),
                             tf.constant([seed, 3], tf.int64))
        hits += int(out.numpy()[:, 0, 0].max() == 255)
    assert 30 < hits < 90  # about BORDER_BIAS of the crops, far above a uniform draw's 1 in 97


def test_camera_predictor_matches_the_model_at_its_own_size(untrained_model_path):
    import keras

    from follow_me_seg.core.classes import normalise
    from follow_me_seg.learning.camera_resolution import CameraPredictor

    model = keras.models.load_model(untrained_model_path, compile=False)
    frames = np.random.default_rng(1).integers(0, 256, (2, INPUT_SIZE, INPUT_SIZE, 3), dtype=np.uint8)
    expected = model(normalise(frames.astype(np.float32)), training=False).numpy()
    same = CameraPredictor(INPUT_SIZE, source=untrained_model_path)
    assert np.allclose(same.predict(frames), expected, atol=1e-5)
    big = CameraPredictor(256, source=model)
    camera = np.random.default_rng(2).integers(0, 256, (2, 256, 256, 3), dtype=np.uint8)
    probs = big.predict(camera, flip=True)
    assert probs.shape == (2, INPUT_SIZE, INPUT_SIZE, NUM_CLASSES)
    assert np.allclose(probs.sum(axis=-1), 1.0, atol=1e-4)
    assert big.model.count_params() == model.count_params()


def test_camera_pipeline_crops_strata_and_pastes_at_camera_scale():
    from follow_me_seg.learning.copy_paste import CutoutBank
    from follow_me_seg.learning.hard_negatives import HardNegativeMiner
    from follow_me_seg.learning.training import make_dataset

    rng = np.random.default_rng(3)
    images = rng.integers(0, 256, (12, 256, 256, 3), dtype=np.uint8)
    labels = np.zeros((12, 256, 256), np.uint8)
    labels[:4, 10:20, 230:240] = HERO  # far heroes at the border (100 px at 256: 39 at 160)
    labels[4:6, 60:160, 100:160] = HERO  # close heroes
    labels[6:, 50:110, 50:80] = PERSON
    miner = HardNegativeMiner(images[6:], labels[6:], 10)
    bank = CutoutBank.from_frames(images, labels, pixel_scale=2.56, every=1)
    ds = make_dataset(images, labels, 16, training=True, strata_weights=(0.0, 1.0, 0.0),
                      negatives=miner.dataset(0, anchors=True), hero_bank=bank, paste_share=0.0, crop_size=INPUT_SIZE)
    x, y = next(iter(ds))
    assert x.shape == (16, INPUT_SIZE, INPUT_SIZE, 3)
    assert (y.numpy()[..., HERO].sum(axis=(1, 2)) > 0).all()  # every far-stratum crop holds its hero
