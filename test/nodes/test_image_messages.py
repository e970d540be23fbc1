"""image_msgs: every encoding, row padding, bad messages, compressed and depth images, building images."""

from __future__ import annotations

import array
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from follow_me_seg.nodes.image_messages import (
    ImageMessageError,
    compressed_to_rgb,
    depth_to_metres,
    fill_image,
    image_fields,
    image_to_array,
    image_to_rgb,
)

RNG = np.random.default_rng(7)
RGB = RNG.integers(0, 256, (5, 7, 3), dtype=np.uint8)


def message(pixels: np.ndarray, encoding: str, pad: int = 0, bigendian: int = 0, data_type=array.array):
    """An Image-like object for ``pixels`` (already in ``encoding``'s layout) with ``pad`` bytes per row."""
    height, width = pixels.shape[:2]
    rows = pixels.reshape(height, -1).view(np.uint8)
    rows = np.concatenate([rows, np.full((height, pad), 0xAB, np.uint8)], axis=1)
    raw = rows.tobytes()
    data = array.array("B", raw) if data_type is array.array else data_type(raw)
    return SimpleNamespace(height=height, width=width, encoding=encoding, is_bigendian=bigendian,
                           step=rows.shape[1], data=data)


@pytest.mark.parametrize("pad", [0, 3])
@pytest.mark.parametrize(
    "encoding, pixels",
    [
        ("rgb8", RGB),
        ("bgr8", RGB[..., ::-1]),
        ("rgba8", np.dstack([RGB, np.full(RGB.shape[:2], 9, np.uint8)])),
        ("bgra8", np.dstack([RGB[..., ::-1], np.full(RGB.shape[:2], 9, np.uint8)])),
    ],
)
def test_colour_encodings_become_rgb(encoding, pixels, pad):
    rgb = image_to_rgb(message(np.ascontiguousarray(pixels), encoding, pad))
    assert rgb.dtype == np.uint8 and rgb.shape == (5, 7, 3)
    np.testing.assert_array_equal(rgb, RGB)


@pytest.mark.parametrize("pad", [0, 1])
def test_mono8_is_replicated_to_three_channels(pad):
    grey = RGB[..., 0].copy()
    rgb = image_to_rgb(message(grey, "mono8", pad))
    for channel in range(3):
        np.testing.assert_array_equal(rgb[..., channel], grey)


@pytest.mark.parametrize("data_type", [array.array, bytes, bytearray, list])
def test_any_byte_container_is_accepted(data_type):
    msg = message(RGB, "rgb8", pad=2, data_type=data_type)
    np.testing.assert_array_equal(image_to_rgb(msg), RGB)


def test_image_to_array_keeps_channel_order_and_drops_padding():
    bgr = np.ascontiguousarray(RGB[..., ::-1])
    pixels = image_to_array(message(bgr, "bgr8", pad=5))
    np.testing.assert_array_equal(pixels, bgr)


def test_extra_data_after_the_last_row_is_ignored():
    msg = message(RGB, "rgb8")
    msg.data.extend([1, 2, 3])
    np.testing.assert_array_equal(image_to_rgb(msg), RGB)


@pytest.mark.parametrize(
    "change, complaint",
    [
        ({"encoding": "yuv422"}, "unsupported encoding 'yuv422'"),
        ({"encoding": "16UC1"}, "unsupported encoding"),
        ({"height": 0}, "zero size"),
        ({"width": 0}, "zero size"),
        ({"step": 20}, "step 20 is smaller than width x bytes per pixel (7 x 3)"),
        ({"data": array.array("B", bytes(21 * 5 - 1))}, "fewer than step x height (21 x 5)"),
        ({"data": array.array("B")}, "holds 0 bytes"),
    ],
)
def test_malformed_images_are_rejected(change, complaint):
    msg = message(RGB, "rgb8")
    for name, value in change.items():
        setattr(msg, name, value)
    with pytest.raises(ImageMessageError) as err:
        image_to_rgb(msg)
    assert complaint in str(err.value)


@pytest.mark.parametrize("ext", [".png", ".jpg"])
def test_compressed_images_decode_to_rgb(ext):
    flat = np.zeros((16, 24, 3), np.uint8)
    flat[:, :, 0] = 200  # RGB red
    ok, encoded = cv2.imencode(ext, flat[..., ::-1])
    assert ok
    msg = SimpleNamespace(format=ext[1:], data=array.array("B", encoded.tobytes()))
    rgb = compressed_to_rgb(msg)
    assert rgb.shape == (16, 24, 3)
    assert abs(int(rgb[..., 0].mean()) - 200) <= 2 and rgb[..., 2].max() <= 3


@pytest.mark.parametrize("data, complaint", [(b"", "no data"), (b"not an image", "cannot decode")])
def test_bad_compressed_images_are_rejected(data, complaint):
    with pytest.raises(ImageMessageError, match=complaint):
        compressed_to_rgb(SimpleNamespace(format="jpeg", data=array.array("B", data)))


def test_depth_32fc1_metres_with_invalid_values_as_nan():
    depth = np.array([[1.5, 0.0, np.inf], [-2.0, np.nan, 3.25]], np.float32)
    out = depth_to_metres(message(depth, "32FC1", pad=4))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out[0, 0], 1.5)
    np.testing.assert_array_equal(out[1, 2], 3.25)
    assert np.isnan(out[[0, 0, 1, 1], [1, 2, 0, 1]]).all()


@pytest.mark.parametrize("bigendian", [0, 1])
def test_depth_16uc1_millimetres_become_metres(bigendian):
    mm = np.array([[1500, 0], [65535, 250]], np.uint16)
    stored = mm.astype(">u2" if bigendian else "<u2")
    out = depth_to_metres(message(stored, "16UC1", pad=2, bigendian=bigendian))
    np.testing.assert_allclose(out, [[1.5, np.nan], [65.535, 0.25]], rtol=1e-6)


def test_bad_depth_images_are_rejected():
    with pytest.raises(ImageMessageError, match="unsupported depth encoding 'rgb8'"):
        depth_to_metres(message(RGB, "rgb8"))
    short = message(np.ones((2, 3), np.float32), "32FC1")
    short.step = 11
    with pytest.raises(ImageMessageError, match="step 11 is smaller"):
        depth_to_metres(short)


@pytest.mark.parametrize("encoding, pixels", [("mono8", RGB[..., 1].copy()), ("bgr8", RGB), ("rgb8", RGB)])
def test_built_images_round_trip(encoding, pixels):
    fields = image_fields(pixels, encoding)
    assert isinstance(fields["data"], array.array) and fields["data"].typecode == "B"
    assert (fields["height"], fields["width"], fields["is_bigendian"]) == (5, 7, 0)
    assert fields["step"] == 7 * (1 if encoding == "mono8" else 3)
    assert all(type(fields[k]) is int for k in ("height", "width", "step", "is_bigendian"))
    msg = fill_image(SimpleNamespace(), pixels, encoding)
    np.testing.assert_array_equal(image_to_array(msg), pixels)


@pytest.mark.parametrize(
    "pixels, encoding",
    [(RGB, "mono8"), (RGB[..., 0].copy(), "bgr8"), (RGB.astype(np.float32), "rgb8"), (RGB, "32FC1")],
)
def test_building_from_a_mismatched_array_is_rejected(pixels, encoding):
    with pytest.raises(ImageMessageError):
        image_fields(pixels, encoding)
