"""Reading Udacity-layout data: pairing by name parts, mask checks, resizing, the tf.data pipeline."""


import cv2
import numpy as np
import pytest
from shared_data import FOLLOWME, need, write_pair

from follow_me_seg.core.classes import HERO, INPUT_SIZE
from follow_me_seg.core.errors import DataError
from follow_me_seg.core.image_files import read_rgb, resize_frame
from follow_me_seg.learning.dataset import find_pairs, load_pairs, mask_to_class_ids, read_mask


def _ids(h=32, w=32, hero=True):
    ids = np.zeros((h, w), np.uint8)
    ids[2:6, 2:6] = 1
    if hero:
        ids[10:20, 10:20] = 2
    return ids


@pytest.mark.parametrize("image, mask", [
    ("0_run6_cam1_00000_data_pack2.jpeg", "0_run6_mask_00000_data_pack2.png"),
    ("10_run4cam1_00007.jpeg", "10_run4_mask_00007.png"),
    ("0_run1cam1_00005.jpeg", "0__mask_00005.png"),
])
def test_pairs_by_name_parts(tmp_path, image, mask):
    write_pair(tmp_path, image, mask, _ids())
    pairs = find_pairs(tmp_path)
    assert [(p.image.name, p.mask.name) for p in pairs] == [(image, mask)]


def test_pairing_does_not_use_sort_order(tmp_path):
    # sorted lists would pair 1_... with 2_..., the name parts pair them correctly
    write_pair(tmp_path, "2_runcam1_00001.jpeg", "2__mask_00001.png", _ids())
    write_pair(tmp_path, "10_runcam1_00001.jpeg", "10__mask_00001.png", _ids())
    write_pair(tmp_path, "10_runcam1_00001_data_pack2.jpeg", "10__mask_00001_data_pack2.png", _ids())
    pairs = {p.image.name: p.mask.name for p in find_pairs(tmp_path)}
    assert pairs == {
        "2_runcam1_00001.jpeg": "2__mask_00001.png",
        "10_runcam1_00001.jpeg": "10__mask_00001.png",
        "10_runcam1_00001_data_pack2.jpeg": "10__mask_00001_data_pack2.png",
    }


def test_unpaired_image_is_named(tmp_path):
    write_pair(tmp_path, "0_runcam1_00001.jpeg", "0__mask_00001.png", _ids())
    write_pair(tmp_path, "0_runcam1_00002.jpeg", "0__mask_00002.png", _ids())
    (tmp_path / "masks" / "0__mask_00001.png").unlink()
    with pytest.raises(DataError, match="image has no mask: .*0_runcam1_00001.jpeg"):
        find_pairs(tmp_path)


def test_unpaired_mask_is_named(tmp_path):
    write_pair(tmp_path, "0_runcam1_00001.jpeg", "0__mask_00001.png", _ids())
    write_pair(tmp_path, "0_runcam1_00002.jpeg", "0__mask_00009.png", _ids())
    with pytest.raises(DataError, match="no mask"):
        find_pairs(tmp_path)


def test_missing_and_empty_folders(tmp_path):
    with pytest.raises(DataError, match="folder not found"):
        find_pairs(tmp_path / "nope")
    (tmp_path / "images").mkdir()
    (tmp_path / "masks").mkdir()
    with pytest.raises(DataError, match="no images"):
        find_pairs(tmp_path)


def test_mask_with_foreign_colours_is_rejected(tmp_path):
    rgb = np.zeros((8, 8, 3), np.uint8)
    rgb[..., 0] = 255
    rgb[3, 3] = (255, 255, 0)
    with pytest.raises(DataError, match="colours"):
        mask_to_class_ids(rgb, "m.png")
    path = tmp_path / "m.png"
    cv2.imwrite(str(path), rgb[:, :, ::-1])
    with pytest.raises(DataError, match="m.png"):
        read_mask(path)


def test_mask_must_have_three_channels_and_image_size(tmp_path):
    grey = tmp_path / "grey.png"
    cv2.imwrite(str(grey), np.zeros((8, 8), np.uint8))
    with pytest.raises(DataError, match="3 channels"):
        read_mask(grey)
    write_pair(tmp_path, "0_runcam1_00001.jpeg", "0__mask_00001.png", _ids(32, 32))
    with pytest.raises(DataError, match="but its image is"):
        read_mask(tmp_path / "masks" / "0__mask_00001.png", (48, 64))


def test_corrupt_image_is_named(tmp_path):
    bad = tmp_path / "0_runcam1_00001.jpeg"
    bad.write_bytes(b"not a jpeg")
    with pytest.raises(DataError, match="corrupt or unreadable image: .*0_runcam1_00001.jpeg"):
        read_rgb(bad)


def test_mask_colours_map_to_class_ids():
    rgb = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255]]], np.uint8)
    assert mask_to_class_ids(rgb).tolist() == [[0, 1, 2]]


@pytest.mark.parametrize("shape", [(48, 64), (480, 640), (160, 160), (100, 300)])
def test_any_image_size_is_resized_to_the_input(shape):
    out = resize_frame(np.zeros(shape + (3,), np.uint8))
    assert out.shape == (INPUT_SIZE, INPUT_SIZE, 3)


def test_load_pairs_resizes_masks_without_new_classes(tmp_path):
    write_pair(tmp_path, "0_runcam1_00001.jpeg", "0__mask_00001.png", _ids(48, 64))
    images, labels = load_pairs(find_pairs(tmp_path))
    assert images.shape == (1, INPUT_SIZE, INPUT_SIZE, 3) and images.dtype == np.uint8
    assert labels.shape == (1, INPUT_SIZE, INPUT_SIZE)
    assert set(np.unique(labels)) == {0, 1, 2}


def test_real_validation_pairs():
    pairs = find_pairs(need(FOLLOWME / "validation"))
    assert len(pairs) == 1184
    for pair in pairs:
        assert pair.image.stem.split("cam1")[-1].lstrip("_") == pair.mask.stem.split("mask")[-1].lstrip("_")


def test_training_pipeline_batches_flips_and_oversamples():
    from follow_me_seg.learning.training import make_dataset

    n = 40
    images = np.zeros((n, INPUT_SIZE, INPUT_SIZE, 3), np.uint8)
    images[:, :, : INPUT_SIZE // 2] = 255  # left half white: a flip moves it right
    labels = np.zeros((n, INPUT_SIZE, INPUT_SIZE), np.uint8)
    labels[:4, 10:20, 10:20] = HERO  # 10% of frames hold the hero
    ds = make_dataset(images, labels, batch_size=20, training=True, hero_fraction=0.5, seed=3)
    hero_frames = flipped = total = 0
    for x, y in ds.take(10):
        assert x.shape == (20, INPUT_SIZE, INPUT_SIZE, 3) and y.shape == (20, INPUT_SIZE, INPUT_SIZE, 3)
        x, y = x.numpy(), y.numpy()
        assert x.min() >= -1.0 and x.max() <= 1.0
        assert np.allclose(y.sum(-1), 1.0)
        hero_frames += int((y[..., HERO].sum(axis=(1, 2)) > 0).sum())
        flipped += int((x[:, :, -1].mean(axis=(1, 2)) > x[:, :, 0].mean(axis=(1, 2))).sum())
        total += len(x)
    assert 0.35 < hero_frames / total < 0.65  # oversampled from 10% to about half
    assert 0.3 < flipped / total < 0.7  # horizontal flips happen about half the time


def test_validation_pipeline_keeps_order_and_values():
    from follow_me_seg.core.classes import normalise
    from follow_me_seg.learning.training import make_dataset

    rng = np.random.default_rng(0)
    images = rng.integers(0, 255, (5, INPUT_SIZE, INPUT_SIZE, 3), dtype=np.uint8)
    labels = rng.integers(0, 3, (5, INPUT_SIZE, INPUT_SIZE), dtype=np.uint8)
    x, y = next(iter(make_dataset(images, labels, batch_size=8, training=False)))
    assert np.allclose(x.numpy(), normalise(images.astype(np.float32)), atol=1e-5)
    assert (np.argmax(y.numpy(), -1) == labels).all()
