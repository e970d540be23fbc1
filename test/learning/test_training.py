"""Training levers for far-away heroes: zoom-out augmentation, size-stratified sampling, the proxy logs."""

import numpy as np
import pytest

from follow_me_seg.core.classes import BACKGROUND, HERO, INPUT_SIZE, PERSON


def _frame_with_hero(size: int = INPUT_SIZE) -> tuple[np.ndarray, np.ndarray]:
    image = np.zeros((size, size, 3), np.uint8)
    labels = np.zeros((size, size), np.uint8)
    labels[60:100, 70:90] = HERO  # 800 px: a close hero
    labels[20:40, 10:30] = PERSON
    image[labels == HERO] = (0, 0, 255)
    image[labels == PERSON] = (0, 255, 0)
    return image, labels


@pytest.mark.parametrize("seed", range(6))
def test_zoom_out_shrinks_the_hero_and_keeps_image_and_mask_aligned(seed):
    import tensorflow as tf

    from follow_me_seg.learning.training import zoom_out

    image, labels = _frame_with_hero()
    out_image, out_labels = zoom_out(tf.constant(image, tf.float32) / 255.0, tf.constant(labels),
                                     tf.constant([seed, 7], tf.int64), min_scale=0.5)
    out_image, out_labels = out_image.numpy(), out_labels.numpy()
    assert out_image.shape == (INPUT_SIZE, INPUT_SIZE, 3) and out_labels.shape == (INPUT_SIZE, INPUT_SIZE)
    assert set(np.unique(out_labels)) <= {BACKGROUND, PERSON, HERO} and out_labels.dtype == labels.dtype
    # the mirrored border may repeat the hero, but each copy is at most the original's size
    hero = out_labels == HERO
    assert 0 < hero.sum() <= (labels == HERO).sum() * 4
    # pixels labelled hero are blue in the image, background pixels are dark: image and mask agree
    assert out_image[hero][:, 2].mean() > 0.6 and out_image[out_labels == BACKGROUND][:, 2].mean() < 0.2


def test_zoom_out_makes_far_heroes_from_close_ones():
    import tensorflow as tf

    from follow_me_seg.learning.training import zoom_out

    image, labels = _frame_with_hero()
    ratios = []
    for seed in range(20):
        _, out = zoom_out(tf.constant(image, tf.float32) / 255.0, tf.constant(labels),
                          tf.constant([seed, 1], tf.int64), min_scale=0.5)
        import cv2

        count, _, stats, _ = cv2.connectedComponentsWithStats((out.numpy() == HERO).astype(np.uint8))
        largest = stats[1:, cv2.CC_STAT_AREA].max()
        ratios.append(largest / (labels == HERO).sum())
    assert min(ratios) < 0.4 and max(ratios) <= 1.0  # scale in [0.5, 1]: area in [0.25, 1]


def test_size_strata_follow_the_evaluation_sets():
    from follow_me_seg.learning.training import size_strata

    labels = np.zeros((4, 40, 40), np.uint8)
    labels[1].reshape(-1)[:3] = HERO  # 3 px: no hero
    labels[2].reshape(-1)[:4] = HERO  # 4 px: far
    labels[3].reshape(-1)[:400] = HERO  # 400 px: close
    none, far, close = size_strata(labels)
    assert none.tolist() == [0, 1] and far.tolist() == [2] and close.tolist() == [3]


def test_stratified_batches_follow_the_shares():
    from follow_me_seg.learning.training import make_dataset

    n = 60
    images = np.zeros((n, INPUT_SIZE, INPUT_SIZE, 3), np.uint8)
    labels = np.zeros((n, INPUT_SIZE, INPUT_SIZE), np.uint8)
    labels[:3, :2, :5] = HERO  # 3 far-hero frames (10 px) among 60
    labels[3:6, :40, :40] = HERO  # 3 close-hero frames
    ds = make_dataset(images, labels, batch_size=30, training=True, augment=False, seed=1,
                      strata_weights=(0.2, 0.6, 0.2))
    counts = np.zeros(3)
    for _, y in ds.take(8):
        hero = y.numpy()[..., HERO].sum(axis=(1, 2))
        counts += [(hero == 0).sum(), ((hero > 3) & (hero < 400)).sum(), (hero >= 400).sum()]
    shares = counts / counts.sum()
    assert shares[1] == pytest.approx(0.6, abs=0.1) and shares[0] == pytest.approx(0.2, abs=0.1)


def test_proxy_logs_name_every_bucket():
    from follow_me_seg.learning.scoring import SetScore, proxy_report
    from follow_me_seg.learning.training import proxy_logs

    probs = np.zeros((2, 30, 30, 3))
    probs[..., 0] = 1
    gt = np.zeros((2, 30, 30), np.uint8)
    gt[0, :10, :10] = HERO
    s = SetScore()
    s.update(probs, gt)
    logs = proxy_logs(proxy_report(s))
    assert {"val_proxy_score", "val_shaped_score", "val_shaped_pessimistic_score", "val_shaped_far_hero_iou",
            "val_found_4_20", "val_found_20_50", "val_found_50_100", "val_found_100_400",
            "val_found_400up", "val_false_hero_rate", "val_close_hero_iou", "val_far_hero_iou"} <= set(logs)
    assert logs["val_found_100_400"] == 0.0 and logs["val_proxy_score"] == 0.0


def test_init_weights_copies_a_saved_model_and_refuses_another(tmp_path, untrained_model_path):
    import keras

    from follow_me_seg.core.errors import ModelError
    from follow_me_seg.learning.model import build_fcn, load_weights_from

    source = keras.models.load_model(untrained_model_path, compile=False)
    model = build_fcn()
    load_weights_from(model, untrained_model_path)
    for a, b in zip(model.weights, source.weights):
        assert np.array_equal(a.numpy(), b.numpy())
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    other.save(tmp_path / "other.keras")
    with pytest.raises(ModelError, match="not the follow-me FCN"):
        load_weights_from(model, tmp_path / "other.keras")
    (tmp_path / "broken.keras").write_bytes(b"nonsense")
    with pytest.raises(ModelError, match="cannot load"):
        load_weights_from(model, tmp_path / "broken.keras")


def test_hard_negative_miner_draws_the_frames_the_model_gets_wrong(tmp_path):
    import keras
    from red_hero_model import save_red_hero_model

    from follow_me_seg.learning.hard_negatives import HardNegativeMiner

    model = keras.models.load_model(save_red_hero_model(tmp_path / "red.keras"), compile=False)
    images = np.zeros((20, INPUT_SIZE, INPUT_SIZE, 3), np.uint8)
    images[:2, :4, :4] = (255, 0, 0)  # two hero-free frames with a red patch: false heroes for this model
    for i in range(20):
        images[i, -1, -1] = i  # tell the frames apart
    labels = np.zeros((20, INPUT_SIZE, INPUT_SIZE), np.uint8)
    miner = HardNegativeMiner(images, labels, boost=9.0, batch_size=8)
    drawn = [int(x.numpy()[-1, -1, 0]) for x, _ in miner.dataset(seed=0).take(400)]
    assert np.mean(np.array(drawn) < 2) < 0.2  # before mining: uniform, 2 of 20
    assert miner.mine(model) == 2
    drawn = [int(x.numpy()[-1, -1, 0]) for x, _ in miner.dataset(seed=1).take(400)]
    assert 0.35 < np.mean(np.array(drawn) < 2) < 0.65  # 2 x 10 / (2 x 10 + 18) = 0.53


def test_stratified_pipeline_takes_its_hero_free_frames_from_the_miner():
    from follow_me_seg.learning.hard_negatives import HardNegativeMiner
    from follow_me_seg.learning.training import make_dataset

    images = np.zeros((12, INPUT_SIZE, INPUT_SIZE, 3), np.uint8)
    labels = np.zeros((12, INPUT_SIZE, INPUT_SIZE), np.uint8)
    labels[6:, :10, :10] = HERO
    negatives = np.full((3, INPUT_SIZE, INPUT_SIZE, 3), 200, np.uint8)  # brighter than any frame above
    miner = HardNegativeMiner(negatives, np.zeros((3, INPUT_SIZE, INPUT_SIZE), np.uint8), boost=1.0)
    ds = make_dataset(images, labels, batch_size=16, training=True, augment=False, seed=0,
                      strata_weights=(0.5, 0.5, 0.0), negatives=miner.dataset(0))
    x, y = next(iter(ds))
    bright = x.numpy().mean(axis=(1, 2, 3)) > 0
    hero = y.numpy()[..., HERO].sum(axis=(1, 2)) > 0
    assert bright.any() and np.array_equal(bright, ~hero)  # every hero-free frame came from the miner
