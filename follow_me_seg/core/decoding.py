"""Bounded decoding of untrusted JPEG / PNG / BMP bytes (camera messages and frame files).

The declared size is read from the header alone (Pillow's lazy parsers, no pixel decoding)
and checked against a pixel limit before OpenCV decodes anything, so a few bytes that
declare a huge image cost neither seconds nor gigabytes. The structure that sets the decoding
time at a given size is bounded too: the number of JPEG scans (a progressive JPEG that repeats
its scans costs one pass over the image per scan) and the PNG bit depth and channels. What is
left costs at most about twice a baseline JPEG of the same size (docs/benchmarks.md).
"""

from __future__ import annotations

import io
import os

import cv2
import numpy as np
from PIL import BmpImagePlugin, JpegImagePlugin, PngImagePlugin

DEFAULT_MAX_IMAGE_PIXELS = 4096 * 4096
MAX_BASELINE_SCANS = 4  # one interleaved scan, or one per colour component, and a spare
MAX_PROGRESSIVE_SCANS = 8  # each scan is a pass over the whole image (a 10-scan one costs 2.35x a baseline)
MAX_BYTES_PER_PIXEL = 4  # encoded bytes per declared pixel (raw 8-bit RGB needs 3)
MAX_HEADER_SLACK = 8 << 20  # and this much for headers (EXIF, ICC profiles, text chunks)
HEADER_BYTES = 4 << 20  # a header (EXIF, ICC profile, PNG text) must end within the first 4 MiB
SCAN_CHUNK = 1 << 16  # bytes searched for scan markers at a time
PNG_COLOUR_TYPES = {0: "grey", 2: "RGB", 3: "palette"}  # 8 bits or fewer; alpha and 16 bits cost more
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


def _header(data: bytes | np.ndarray):
    """Pillow's lazily parsed header (no pixels decoded) of JPEG, PNG or BMP bytes."""
    head = bytes(data[:8])
    for signature, parser in _FORMATS:
        if head.startswith(signature):
            try:
                return parser(io.BytesIO(bytes(data[:HEADER_BYTES])))  # not a copy of all the data
            except Exception as err:  # Pillow raises SyntaxError, OSError, struct.error... on bad headers
                raise DecodeError(f"unreadable {parser.format} header ({err})") from None
    raise DecodeError("not a JPEG, PNG or BMP image")


def declared_size(data: bytes | np.ndarray) -> tuple[str, int, int]:
    """(format, width, height) from a JPEG, PNG or BMP header, without decoding pixels."""
    header = _header(data)
    return header.format, *header.size


def check_encoded_size(nbytes: int, width: int, height: int) -> None:
    """Raise DecodeError for more bytes than any encoding of ``width`` x ``height`` needs.

    Uncompressed 8-bit RGB is 3 bytes a pixel; the bound leaves room for headers and worst-case
    compression, and keeps a file padded to gigabytes behind a real header from being read.
    """
    limit = MAX_BYTES_PER_PIXEL * width * height + MAX_HEADER_SLACK
    if nbytes > limit:
        raise DecodeError(f"{nbytes} bytes for a {width}x{height} image, more than the {limit} any encoding needs")


def _checked_head(f) -> tuple[np.ndarray, int, int, int]:
    nbytes = os.fstat(f.fileno()).st_size
    head = np.frombuffer(f.read(min(nbytes, HEADER_BYTES)), np.uint8)
    if head.size == 0:
        raise DecodeError("empty file")
    _, width, height = declared_size(head)
    return head, nbytes, width, height


def check_image_file(path: str | os.PathLike, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> None:
    """Check an image file's declared size and its byte count from its header alone."""
    with open(path, "rb") as f:
        _, nbytes, width, height = _checked_head(f)
    check_pixels(width, height, max_pixels)
    check_encoded_size(nbytes, width, height)


def read_image_file(path: str | os.PathLike, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> np.ndarray:
    """The bytes of an image file, read whole only once its header's size and the file's size pass the bounds."""
    with open(path, "rb") as f:
        head, nbytes, width, height = _checked_head(f)
        check_pixels(width, height, max_pixels)
        check_encoded_size(nbytes, width, height)
        rest = np.frombuffer(f.read(), np.uint8)
    return np.concatenate([head, rest]) if rest.size else head


def check_jpeg_scans(data: np.ndarray, progressive: bool) -> None:
    """Raise DecodeError when a JPEG has more scans (SOS markers) than its kind needs.

    Entropy-coded data never holds 0xFF followed by 0xDA (an 0xFF there is followed by 0x00 or a
    restart marker), so counting that byte pair counts the scans without parsing them.
    """
    limit = MAX_PROGRESSIVE_SCANS if progressive else MAX_BASELINE_SCANS
    scans = 0
    for start in range(0, data.size - 1, SCAN_CHUNK):  # stops at the first scan too many, not the end
        chunk = data[start:start + SCAN_CHUNK + 1]
        scans += int(np.count_nonzero((chunk[:-1] == 0xFF) & (chunk[1:] == 0xDA)))
        if scans > limit:
            kind = "progressive" if progressive else "baseline"
            raise DecodeError(f"{kind} JPEG has more than {limit} scans (the limit for a {kind} JPEG)")


def check_png_format(data: np.ndarray) -> None:
    """Raise DecodeError unless the PNG is 8-bit (or less) grey, RGB or palette (IHDR, bytes 24-25)."""
    depth, colour = int(data[24]), int(data[25])
    if depth > 8 or colour not in PNG_COLOUR_TYPES:
        raise DecodeError(f"PNG of {depth}-bit colour type {colour}: only 8-bit grey, RGB or palette images "
                          "are decoded")


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
    header = _header(buffer)
    fmt, (width, height) = header.format, header.size
    check_pixels(width, height, max_pixels)
    check_encoded_size(buffer.size, width, height)
    if fmt == "PNG":
        check_png_format(buffer)
        check_png_chunks(buffer)
    elif fmt == "JPEG":
        check_jpeg_scans(buffer, bool(header.info.get("progressive")))
    try:
        pixels = cv2.imdecode(buffer, flags)
    except cv2.error as err:
        raise DecodeError(f"cannot decode {fmt} ({str(err).strip().splitlines()[-1]})") from None
    if pixels is None:  # (the shape may differ from the header's: EXIF orientation is applied)
        raise DecodeError(f"cannot decode {fmt} data of {width}x{height}")
    return pixels
