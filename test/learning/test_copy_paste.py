"""Copy-paste augmentation: hero cut-outs from training frames pasted small into hero-free frames."""

import numpy as np
import pytest

from follow_me_seg.core.classes import BACKGROUND, HERO, INPUT_SIZE, PERSON


def _hero_frames(n: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Frames with one close, blue hero (40 x 20 px) and a green person; the hero's top row is white."""
    images = np.zeros((n, INPUT_SIZE, INPUT_SIZE, 3), np.uint8)
    labels = np.zeros((n, INPUT_SIZE, INPUT_SIZE), np.uint8)
    for i in range(n):
        top, left = 20 + 10 * i, 30 + 5 * i
        labels[i, top:top + 40, left:left + 20] = HERO
        images[i, top:top + 40, left:left + 20] = (0, 0, 255)
        images[i, top, left:left + 20] = 255
        labels[i, 120:150, 100:110] = PERSON
        images[i, 120:150, 100:110] = (0, 255, 0)
    return images, labels


def test_bank_cuts_close_heroes_only_with_their_masks():
    from follow_me_seg.learning.copy_paste import BANK_SIDE, CutoutBank

    images, labels = _hero_frames()
    labels[5] = np.where(labels[5] == HERO, BACKGROUND, labels[5])
    labels[5, :5, :5] = HERO  # 25 px: too small to cut
    bank = CutoutBank.from_frames(images, labels, every=1)
    assert len(bank) == 5
    assert bank.sizes.tolist() == [[40, 20]] * 5 and bank.areas.tolist() == [800.0] * 5
    cut = bank.rgba[0]
    assert (cut[:40, :20, 3] == 255).all() and (cut[40:, :, 3] == 0).all() and (cut[:, 20:, 3] == 0).all()
    assert (cut[1:40, :20, :3] == (0, 0, 255)).all() and (cut[0, :20, :3] == 255).all()
    assert bank.rgba.shape == (5, BANK_SIDE, BANK_SIDE, 4)


def test_bank_shrinks_a_hero_larger_than_its_square_and_may_be_empty():
    from follow_me_seg.learning.copy_paste import BANK_SIDE, CutoutBank

    images = np.zeros((2, INPUT_SIZE, INPUT_SIZE, 3), np.uint8)
    labels = np.zeros((2, INPUT_SIZE, INPUT_SIZE), np.uint8)
    labels[0, 10:138, 40:72] = HERO  # 128 x 32
    bank = CutoutBank.from_frames(images, labels, every=1)
    assert bank.sizes.tolist() == [[BANK_SIDE, 16]]
    assert CutoutBank.from_frames(images[1:], labels[1:]).rgba.shape[0] == 0


@pytest.mark.parametrize("seed", range(8))
def test_paste_puts_a_small_hero_where_its_mask_says(seed):
    import tensorflow as tf

    from follow_me_seg.learning.copy_paste import CutoutBank

    bank = CutoutBank.from_frames(*_hero_frames(), every=1)
    background = np.full((INPUT_SIZE, INPUT_SIZE, 3), 0.5, np.float32)
    labels = np.zeros((INPUT_SIZE, INPUT_SIZE), np.uint8)
    labels[:, :8] = PERSON
    image, out = bank.paste(tf.constant(background), tf.constant(labels), tf.constant([seed, 3], tf.int64),
                            pixels=(10.0, 60.0))
    image, out = image.numpy(), out.numpy()
    assert image.shape == background.shape and out.dtype == labels.dtype
    assert set(np.unique(out)) <= {BACKGROUND, PERSON, HERO}
    hero = out == HERO
    changed = np.abs(image - background).max(axis=-1) > 1e-6
    assert hero.sum() <= 60 * 1.5  # never larger than asked (border cuts make it smaller)
    assert not (hero & ~changed).any()  # every hero pixel was painted
    assert (image[hero][:, 2] > image[hero][:, 0]).all()  # ...with the blue hero, at least half covering
    assert np.array_equal(out[~hero], labels[~hero])  # nothing else relabelled


def test_paste_sizes_cover_the_asked_range_and_repeat_with_the_seed():
    import tensorflow as tf

    from follow_me_seg.learning.copy_paste import CutoutBank

    bank = CutoutBank.from_frames(*_hero_frames(), every=1)
    frame = tf.zeros((INPUT_SIZE, INPUT_SIZE, 3))
    labels = tf.zeros((INPUT_SIZE, INPUT_SIZE), tf.uint8)

    def hero_pixels(seed):
        _, out = bank.paste(frame, labels, tf.constant([seed, 0], tf.int64), pixels=(6.0, 120.0))
        return int((out.numpy() == HERO).sum())

    sizes = [hero_pixels(s) for s in range(60)]
    assert sizes == [hero_pixels(s) for s in range(60)]
    whole = [s for s in sizes if s > 0]
    assert min(whole) <= 20 and max(sizes) >= 60 and max(sizes) <= 180


def test_pipeline_pastes_into_hero_free_frames_in_the_asked_share():
    from follow_me_seg.learning.copy_paste import CutoutBank
    from follow_me_seg.learning.training import make_dataset

    hero_images, hero_labels = _hero_frames()
    images = np.concatenate([hero_images, np.zeros((30, INPUT_SIZE, INPUT_SIZE, 3), np.uint8)])
    labels = np.concatenate([hero_labels, np.zeros((30, INPUT_SIZE, INPUT_SIZE), np.uint8)])
    bank = CutoutBank.from_frames(hero_images, hero_labels, every=1)
    ds = make_dataset(images, labels, batch_size=50, training=True, augment=False, seed=2,
                      strata_weights=(1.0, 0.0, 1.0), hero_bank=bank, paste_share=0.5, paste_pixels=(8.0, 60.0))
    small = close = 0
    for _, y in ds.take(4):
        hero = y.numpy()[..., HERO].sum(axis=(1, 2))
        small += int(((hero > 0) & (hero < 100)).sum())
        close += int((hero >= 400).sum())
    assert 0.35 < small / 200 < 0.65 and 0.15 < close / 200 < 0.35  # 0.5, and 0.25 of the rest each


@pytest.mark.parametrize("bad", [["--paste-share", "1"], ["--paste-share", "-0.1"], ["--paste-pixels", "0", "10"],
                                 ["--paste-pixels", "30", "10"], ["--paste-brightness", "0", "1"],
                                 ["--paste-brightness", "0.5", "1.2"], ["--paste-saturation", "0.9", "0.5"],
                                 ["--paste-saturation", "nan", "1"]])
def test_train_refuses_bad_paste_settings(bad, capsys):
    from follow_me_seg.cli.train import parse_args

    with pytest.raises(SystemExit):
        parse_args(["--data", "d", "--output", "o", *bad])
    assert "--paste-" in capsys.readouterr().err


def test_person_bank_and_pasted_frames_hold_a_person_under_the_hero():
    from follow_me_seg.learning.copy_paste import CutoutBank
    from follow_me_seg.learning.training import make_dataset

    hero_images, hero_labels = _hero_frames()
    people = CutoutBank.from_frames(hero_images, hero_labels, PERSON, every=1)
    assert people.class_id == PERSON and len(people) == 6 and people.sizes.tolist() == [[30, 10]] * 6
    assert (people.rgba[0, :30, :10, :3] == (0, 255, 0)).all()
    images = np.zeros((10, INPUT_SIZE, INPUT_SIZE, 3), np.uint8)
    labels = np.zeros((10, INPUT_SIZE, INPUT_SIZE), np.uint8)
    ds = make_dataset(images, labels, batch_size=20, training=True, augment=False, seed=3, strata_weights=(1, 0, 0),
                      hero_bank=CutoutBank.from_frames(hero_images, hero_labels, every=1), person_bank=people,
                      paste_share=0.99, paste_pixels=(30.0, 60.0))
    x, y = next(iter(ds))
    x, y = x.numpy(), y.numpy()
    hero, person = y[..., HERO].sum(axis=(1, 2)), y[..., PERSON].sum(axis=(1, 2))
    assert (hero > 0).mean() > 0.8 and (person > 0).mean() > 0.6  # some are cut by the border
    greenish = x[..., 1] > x[..., 2]  # normalised image: the person is green, the hero blue
    assert (greenish[y[..., PERSON] > 0.5]).all() and not (greenish[y[..., HERO] > 0.5]).any()


def test_distant_look_dims_and_washes_out_the_cut_out_but_moves_nothing():
    import tensorflow as tf

    from follow_me_seg.learning.copy_paste import CutoutBank, DistantLook

    bank = CutoutBank.from_frames(*_hero_frames(), every=1)
    frame = tf.zeros((INPUT_SIZE, INPUT_SIZE, 3))
    labels = tf.zeros((INPUT_SIZE, INPUT_SIZE), tf.uint8)
    for seed in range(6):
        key = tf.constant([seed, 5], tf.int64)
        plain, plain_labels = bank.paste(frame, labels, key, (40.0, 80.0))
        same, _ = bank.paste(frame, labels, key, (40.0, 80.0), DistantLook())
        dim, dim_labels = bank.paste(frame, labels, key, (40.0, 80.0), DistantLook((0.5, 0.5)))
        grey, _ = bank.paste(frame, labels, key, (40.0, 80.0), DistantLook(saturation=(0.0, 0.0)))
        assert np.array_equal(same.numpy(), plain.numpy())
        assert np.array_equal(dim_labels.numpy(), plain_labels.numpy())  # same cut-out, size and place
        np.testing.assert_allclose(dim.numpy(), plain.numpy() * 0.5, atol=1e-6)
        hero = plain_labels.numpy() == HERO
        grey = grey.numpy()[hero]
        assert hero.any() and np.ptp(grey, axis=-1).max() < 1e-6  # R = G = B: no colour left
        np.testing.assert_allclose(grey[:, 0], plain.numpy()[hero] @ np.array([0.299, 0.587, 0.114]), atol=1e-6)


def test_pipeline_pastes_with_the_asked_look():
    from follow_me_seg.learning.copy_paste import CutoutBank, DistantLook
    from follow_me_seg.learning.training import make_dataset

    hero_images, hero_labels = _hero_frames()
    images = np.full((10, INPUT_SIZE, INPUT_SIZE, 3), 128, np.uint8)
    labels = np.zeros((10, INPUT_SIZE, INPUT_SIZE), np.uint8)
    bank = CutoutBank.from_frames(hero_images, hero_labels, every=1)

    def hero_colours(look):
        ds = make_dataset(images, labels, batch_size=20, training=True, augment=False, seed=4,
                          strata_weights=(1, 0, 0), hero_bank=bank, paste_share=0.99, paste_pixels=(40.0, 80.0),
                          paste_look=look)
        x, y = next(iter(ds))
        return x.numpy()[y.numpy()[..., HERO] > 0.5]

    blue = hero_colours(DistantLook())
    washed = hero_colours(DistantLook(saturation=(0.0, 0.0)))
    assert len(blue) and len(washed)
    assert (blue[:, 2] - blue[:, 0]).mean() > 0.5 and abs(washed[:, 2] - washed[:, 0]).max() < 0.15


def test_train_pastes_cut_outs_in_their_own_colours_unless_asked():
    from follow_me_seg.cli.train import parse_args
    from follow_me_seg.learning.copy_paste import DistantLook

    default = parse_args(["--data", "d", "--output", "o"])
    assert DistantLook(tuple(default.paste_brightness), tuple(default.paste_saturation)) == DistantLook()
    asked = parse_args(["--data", "d", "--output", "o", "--paste-brightness", "0.6", "1", "--paste-saturation", "0.3",
                        "0.9"])
    assert (asked.paste_brightness, asked.paste_saturation) == ([0.6, 1.0], [0.3, 0.9])
