"""Image files: list a folder's images, check a file's declared size, decode within a pixel bound, resize."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

import cv2
import numpy as np

from follow_me_seg.core.classes import INPUT_SIZE
from follow_me_seg.core.decoding import (
    DEFAULT_MAX_IMAGE_PIXELS,
    DecodeError,
    check_image_file,
    decode_image,
    read_image_file,
)
from follow_me_seg.core.errors import DataError

IMAGE_SUFFIXES = (".jpeg", ".jpg", ".png")


def list_images(folder: str | os.PathLike, single_file: bool = False) -> list[Path]:
    """The image files of a folder, sorted by name; an error if there are none.

    With ``single_file``, an image file stands for itself.
    """
    folder = Path(folder)
    if single_file and folder.is_file():
        if folder.suffix.lower() not in IMAGE_SUFFIXES:
            raise DataError(f"not a folder or an image file (.jpeg/.jpg/.png): {folder}")
        return [folder]
    if folder.is_file():
        raise DataError(f"not a folder: {folder}")
    if not folder.is_dir():
        raise DataError(f"folder not found: {folder}")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise DataError(f"no images (.jpeg/.jpg/.png) in {folder}")
    return files


def _file(path: Path, read: Callable[[Path, int], Any], what: str, max_pixels: int) -> Any:
    """``read(path, max_pixels)`` with one-line DataErrors naming the file."""
    if not path.is_file():
        raise DataError(f"file not found: {path}")
    try:
        return read(path, max_pixels)
    except OSError as err:
        raise DataError(f"cannot read {path}: {err.strerror or err}") from None
    except DecodeError as err:
        raise DataError(f"corrupt or unreadable {what}: {path} ({err})") from None


def decode_file(path: Path, what: str, max_pixels: int, flags: int) -> np.ndarray:
    """Decode an image file within ``max_pixels`` (its header and size checked before it is read)."""
    data = _file(path, read_image_file, what, max_pixels)
    try:
        return decode_image(data, max_pixels, flags)
    except DecodeError as err:
        raise DataError(f"corrupt or unreadable {what}: {path} ({err})") from None


def check_image_size(path: str | os.PathLike, max_pixels: int) -> None:
    """Check an image file's declared size against ``max_pixels`` from its header alone."""
    _file(Path(path), check_image_file, "image", max_pixels)


def read_rgb(path: str | os.PathLike, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> np.ndarray:
    """Decode a JPEG / PNG file to an RGB uint8 array; a DataError if it cannot be read or is too large."""
    return cv2.cvtColor(decode_file(Path(path), "image", max_pixels, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def resize_frame(rgb: np.ndarray, size: int = INPUT_SIZE) -> np.ndarray:
    """Resize a camera frame to the network's square input (area filter when shrinking)."""
    if rgb.shape[0] == size and rgb.shape[1] == size:
        return rgb
    shrinking = rgb.shape[0] >= size and rgb.shape[1] >= size
    return cv2.resize(rgb, (size, size), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
