"""Bounded decoding of untrusted JPEG / PNG / BMP bytes (camera messages and frame files).

The declared size is read from the header alone (Pillow's lazy parsers, no pixel decoding)
and checked against a pixel limit before OpenCV decodes anything, so a few bytes that
declare a huge image cost neither seconds nor gigabytes.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import BmpImagePlugin, JpegImagePlugin, PngImagePlugin

DEFAULT_MAX_IMAGE_PIXELS = 4096 * 4096
_FORMATS = (  # (signature, header parser); only these reach the decoder
    (b"\xff\xd8\xff", JpegImagePlugin.JpegImageFile),
    (b"\x89PNG\r\n\x1a\n", PngImagePlugin.PngImageFile),
    (b"BM", BmpImagePlugin.BmpImageFile),
)


class DecodeError(ValueError):
    """Bytes that are not a decodable JPEG / PNG / BMP within the pixel limit (the message says why)."""


def check_pixels(width: int, height: int, max_pixels: int) -> None:
    """Raise DecodeError unless ``width`` x ``height`` is a non-empty size of at most ``max_pixels``."""
    if width <= 0 or height <= 0:
        raise DecodeError(f"image has zero size ({width}x{height})")
    if width * height > max_pixels:
        raise DecodeError(f"image declares {width}x{height} pixels, more than the limit of {max_pixels}")


def declared_size(data: bytes | np.ndarray) -> tuple[str, int, int]:
    """(format, width, height) from a JPEG, PNG or BMP header, without decoding pixels."""
    head = bytes(data[:8])
    for signature, parser in _FORMATS:
        if head.startswith(signature):
            try:
                header = parser(io.BytesIO(data))
            except Exception as err:  # Pillow raises SyntaxError, OSError, struct.error... on bad headers
                raise DecodeError(f"unreadable {parser.format} header ({err})") from None
            width, height = header.size
            return parser.format, width, height
    raise DecodeError("not a JPEG, PNG or BMP image")


def check_png_chunks(data: np.ndarray) -> None:
    """Raise DecodeError unless every PNG chunk up to IEND fits in ``data``.

    OpenCV allocates a chunk's declared length before reading it: 16 bytes can cost gigabytes.
    """
    pos, end = 8, data.size
    while pos + 12 <= end:
        length = int.from_bytes(data[pos:pos + 4].tobytes(), "big")
        if pos + 12 + length > end:
            raise DecodeError(f"PNG chunk at byte {pos} declares {length} bytes, past the end of the data")
        if data[pos + 4:pos + 8].tobytes() == b"IEND":
            return
        pos += 12 + length
    raise DecodeError("truncated PNG (no IEND chunk)")


def decode_image(data: bytes | np.ndarray, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
                 flags: int = cv2.IMREAD_COLOR) -> np.ndarray:
    """Decode JPEG / PNG / BMP bytes with ``cv2.imdecode(flags)`` once the header's size passes ``max_pixels``."""
    buffer = np.frombuffer(data, np.uint8) if isinstance(data, (bytes, bytearray)) else data
    if buffer.size == 0:
        raise DecodeError("no data")
    fmt, width, height = declared_size(buffer)
    check_pixels(width, height, max_pixels)
    if fmt == "PNG":
        check_png_chunks(buffer)
    try:
        pixels = cv2.imdecode(buffer, flags)
    except cv2.error as err:
        raise DecodeError(f"cannot decode {fmt} ({str(err).strip().splitlines()[-1]})") from None
    if pixels is None:  # (the shape may differ from the header's: EXIF orientation is applied)
        raise DecodeError(f"cannot decode {fmt} data of {width}x{height}")
    return pixels
