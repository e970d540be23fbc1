"""ROS-free conversion between sensor_msgs/Image-like objects and NumPy arrays.

An image message here is anything with ``height, width, encoding, is_bigendian, step, data``
(sensor_msgs/msg/Image); a compressed one anything with ``format`` and ``data``
(sensor_msgs/msg/CompressedImage). ``data`` may be ``array.array('B')`` (what rclpy delivers),
``bytes``, ``bytearray``, a NumPy array or a list of ints.
"""

from __future__ import annotations

import array
import functools
from typing import Any, Callable

import cv2
import numpy as np

from follow_me_seg.core.decoding import DEFAULT_MAX_IMAGE_PIXELS, DecodeError, check_pixels, decode_image
from follow_me_seg.core.errors import FollowMeError
from follow_me_seg.perception.projection import pinhole_k

# encoding -> channels of the 8-bit colour / mono encodings the network accepts
COLOUR_ENCODINGS = {"rgb8": 3, "bgr8": 3, "rgba8": 4, "bgra8": 4, "mono8": 1}
DEPTH_ENCODINGS = {"32FC1": np.dtype("float32"), "16UC1": np.dtype("uint16")}


class ImageMessageError(FollowMeError):
    """A malformed, unsupported, oversized or undecodable image message."""


def _hostile_safe(convert: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    """Make every failure of ``convert`` on a hostile message an ImageMessageError."""

    @functools.wraps(convert)
    def safe(msg: Any, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> np.ndarray:
        try:
            return convert(msg, max_pixels)
        except ImageMessageError:
            raise
        except DecodeError as err:
            raise ImageMessageError(str(err)) from None
        except Exception as err:  # anything a malformed message makes NumPy, OpenCV or Pillow raise
            raise ImageMessageError(f"malformed image message ({type(err).__name__}: {str(err)[:200]})") from None

    return safe


def _as_bytes(data: Any) -> np.ndarray:
    """The message's ``data`` as a flat uint8 array (no copy for buffer types)."""
    try:
        return np.frombuffer(memoryview(data).cast("B"), dtype=np.uint8)
    except TypeError:
        return np.asarray(data, dtype=np.uint8).reshape(-1)


def _rows(msg: Any, bytes_per_pixel: int, max_pixels: int) -> np.ndarray:
    """Check the geometry of ``msg`` and return its pixel rows as (height, width * bpp) bytes."""
    height, width, step = int(msg.height), int(msg.width), int(msg.step)
    check_pixels(width, height, max_pixels)
    if step < width * bytes_per_pixel:
        raise ImageMessageError(
            f"step {step} is smaller than width x bytes per pixel ({width} x {bytes_per_pixel})"
        )
    data = _as_bytes(msg.data)
    if data.size < step * height:
        raise ImageMessageError(f"data holds {data.size} bytes, fewer than step x height ({step} x {height})")
    return data[: step * height].reshape(height, step)[:, : width * bytes_per_pixel]


@_hostile_safe
def image_to_array(msg: Any, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> np.ndarray:
    """An 8-bit colour / mono image message as (H, W, C) or (H, W) uint8, in the message's channel order.

    Row padding (``step`` beyond ``width x channels``) is dropped. Raises ImageMessageError
    for an unsupported encoding, a malformed message or more than ``max_pixels`` pixels.
    """
    encoding = str(msg.encoding)
    channels = COLOUR_ENCODINGS.get(encoding)
    if channels is None:
        raise ImageMessageError(
            f"unsupported encoding {encoding[:40]!r} (expected one of {', '.join(COLOUR_ENCODINGS)})"
        )
    rows = _rows(msg, channels, max_pixels)
    pixels = rows.reshape(int(msg.height), int(msg.width), channels)
    return pixels[..., 0] if channels == 1 else pixels


_TO_RGB = {
    "rgb8": None,
    "bgr8": cv2.COLOR_BGR2RGB,
    "rgba8": cv2.COLOR_RGBA2RGB,
    "bgra8": cv2.COLOR_BGRA2RGB,
    "mono8": cv2.COLOR_GRAY2RGB,
}


@_hostile_safe
def image_to_rgb(msg: Any, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> np.ndarray:
    """Any supported image message as a contiguous (H, W, 3) uint8 RGB array for the network."""
    pixels = np.ascontiguousarray(image_to_array(msg, max_pixels))
    code = _TO_RGB[str(msg.encoding)]
    return pixels if code is None else cv2.cvtColor(pixels, code)


@_hostile_safe
def compressed_to_rgb(msg: Any, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> np.ndarray:
    """Decode a JPEG or PNG CompressedImage to (H, W, 3) uint8 RGB.

    The size declared in the header is checked against ``max_pixels`` before decoding.
    """
    try:
        bgr = decode_image(_as_bytes(msg.data), max_pixels)
    except DecodeError as err:
        raise ImageMessageError(f"cannot decode compressed image (format {str(msg.format)[:40]!r}): {err}") from None
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


@_hostile_safe
def depth_to_metres(msg: Any, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> np.ndarray:
    """A 32FC1 (metres) or 16UC1 (millimetres) depth image as (H, W) float32 metres.

    Zero, negative and non-finite depths become NaN. ``is_bigendian`` is honoured; more than
    ``max_pixels`` pixels is an ImageMessageError.
    """
    encoding = str(msg.encoding)
    dtype = DEPTH_ENCODINGS.get(encoding)
    if dtype is None:
        raise ImageMessageError(
            f"unsupported depth encoding {encoding[:40]!r} (expected one of {', '.join(DEPTH_ENCODINGS)})"
        )
    dtype = dtype.newbyteorder(">" if msg.is_bigendian else "<")
    rows = np.ascontiguousarray(_rows(msg, dtype.itemsize, max_pixels))
    values = rows.view(dtype).astype(np.float32)
    if encoding == "16UC1":
        values *= 0.001
    values[~(np.isfinite(values) & (values > 0))] = np.nan
    return values


def image_fields(pixels: np.ndarray, encoding: str) -> dict[str, Any]:
    """The sensor_msgs/Image fields (except header) for an array in ``encoding``.

    ``mono8`` takes uint8 (H, W); the colour encodings take uint8 (H, W, C) already in that channel
    order; ``32FC1`` takes (H, W) depths in metres (stored little-endian float32).
    ``data`` is an ``array.array('B')``, the type rclpy uses for uint8[] fields.
    """
    pixels = np.asarray(pixels)
    if encoding == "32FC1":
        if pixels.ndim != 2:
            raise ImageMessageError(f"32FC1 needs an (H, W) array, got {pixels.shape}")
        return _fields(pixels.astype("<f4"), encoding, 4)
    channels = COLOUR_ENCODINGS.get(encoding)
    if channels is None:
        raise ImageMessageError(f"cannot build an image with encoding {encoding!r}")
    expected_ndim = 2 if channels == 1 else 3
    if pixels.dtype != np.uint8 or pixels.ndim != expected_ndim or (channels > 1 and pixels.shape[2] != channels):
        raise ImageMessageError(
            f"{encoding} needs a uint8 array of {'(H, W)' if channels == 1 else f'(H, W, {channels})'}, "
            f"got {pixels.dtype} {pixels.shape}"
        )
    return _fields(pixels, encoding, channels)


def _fields(pixels: np.ndarray, encoding: str, bytes_per_pixel: int) -> dict[str, Any]:
    height, width = pixels.shape[:2]
    return {"height": int(height), "width": int(width), "encoding": encoding, "is_bigendian": 0,
            "step": int(width * bytes_per_pixel), "data": array.array("B", np.ascontiguousarray(pixels).tobytes())}


def camera_info_fields(width: int, height: int, horizontal_fov_deg: float) -> dict[str, Any]:
    """sensor_msgs/CameraInfo fields (except header) of an ideal pinhole camera for the frame size.

    A field of view of 0 gives an uncalibrated camera_info (K all zeros).
    """
    k = pinhole_k(width, height, horizontal_fov_deg)
    return {"width": width, "height": height, "distortion_model": "plumb_bob", "d": [0.0] * 5, "k": k,
            "r": [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
            "p": k[0:3] + [0.0] + k[3:6] + [0.0] + k[6:9] + [0.0]}


def fill_image(msg: Any, pixels: np.ndarray, encoding: str) -> Any:
    """Set ``msg``'s image fields from ``pixels`` (see :func:`image_fields`) and return it."""
    for name, value in image_fields(pixels, encoding).items():
        setattr(msg, name, value)
    return msg
