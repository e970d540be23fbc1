"""Seeded malformed Image / CompressedImage / depth messages, and the regression corpus of hostile files.

Messages are plain namespaces with the sensor_msgs field names (what the conversion functions read);
the node tests copy the same fields into the stand-in's message types.
"""

from __future__ import annotations

import array
import struct
from pathlib import Path
from types import SimpleNamespace
from typing import Iterator

import cv2
import numpy as np

CORPUS = Path(__file__).resolve().parent / "corpus" / "hostile"
# file -> what the error must say (each is a known attack file, or one of its kind)
CORPUS_REASONS = {
    "ppm_declares_40000x40000.ppm": "not a JPEG, PNG or BMP",
    "jpeg_declares_65000x65000.jpeg": "65000x65000",
    "jpeg_declares_20000x20000.jpeg": "20000x20000",
    "jpeg_declares_8000x8000.jpeg": "8000x8000",
    "png_signature_random_bytes.png": "PNG",
    "png_ihdr_declares_65000x65000.png": "65000x65000",
    "jpeg_truncated.jpeg": "JPEG",
}
COLOUR = ("rgb8", "bgr8", "rgba8", "bgra8", "mono8")
DEPTH = ("32FC1", "16UC1")
JUNK_ENCODINGS = ("", "rgb16", "yuv422", "8UC3", "bayer_rggb8", "RGB8", "rgb8 ", "\x00", "é" * 5, "x" * 300)


def corpus_bytes(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def _seeds(rng: np.random.Generator) -> list[bytes]:
    """Small valid JPEG and PNG files to mutate."""
    picture = rng.integers(0, 256, (24, 32, 3), np.uint8)
    return [cv2.imencode(ext, picture)[1].tobytes() for ext in (".jpg", ".png")]


def _size(rng: np.random.Generator) -> int:
    """A side length: mostly small, often beyond any limit, rarely near the default limit's side."""
    kind = rng.random()
    if kind < 0.7:
        return int(rng.integers(0, 300))
    if kind < 0.99:
        return int(rng.integers(4097, 2**16))
    return int(rng.integers(1024, 4097))


def _with_declared_size(data: bytes, width: int, height: int) -> bytes:
    """A JPEG (SOF0) or PNG (IHDR, CRC not fixed) with its declared size rewritten."""
    out = bytearray(data)
    if out[:2] == b"\xff\xd8":
        i = out.find(b"\xff\xc0")
        struct.pack_into(">HH", out, i + 5, height & 0xFFFF, width & 0xFFFF)
    else:
        struct.pack_into(">II", out, 16, width, height)
    return bytes(out)


def _mutated(rng: np.random.Generator, seed: bytes) -> bytes:
    kind = int(rng.integers(6))
    data = bytearray(seed)
    if kind == 0:  # flipped bytes
        for i in rng.integers(0, len(data), int(rng.integers(1, 20))):
            data[i] = int(rng.integers(256))
    elif kind == 1:  # truncated
        data = data[: int(rng.integers(0, len(data)))]
    elif kind == 2:  # declared size rewritten
        data = bytearray(_with_declared_size(seed, _size(rng), _size(rng)))
    elif kind == 3:  # a signature and random bytes
        data = bytearray(seed[:8] + rng.integers(0, 256, int(rng.integers(0, 64)), np.uint8).tobytes())
    elif kind == 4:  # random bytes
        data = bytearray(rng.integers(0, 256, int(rng.integers(0, 256)), np.uint8).tobytes())
    else:  # other formats' headers declaring large sizes
        w, h = _size(rng), _size(rng)
        data = bytearray(rng.choice([f"P6\n{w} {h}\n255\n".encode(), b"BM" + struct.pack("<IHHIIii", 0, 0, 0, 54, 40, w, h),
                                     b"GIF89a" + struct.pack("<HH", w & 0xFFFF, h & 0xFFFF), b"RIFF\0\0\0\0WEBPVP8 "]))
    return bytes(data)


def _raw(rng: np.random.Generator, encodings: tuple[str, ...]) -> SimpleNamespace:
    """An Image whose geometry, encoding and data length disagree in random ways."""
    encoding = str(rng.choice(encodings + JUNK_ENCODINGS)) if rng.random() < 0.2 else str(rng.choice(encodings))
    height, width = _size(rng), _size(rng)
    bpp = {"rgb8": 3, "bgr8": 3, "rgba8": 4, "bgra8": 4, "mono8": 1, "32FC1": 4, "16UC1": 2}.get(encoding, 3)
    step = width * bpp + int(rng.integers(-3, 4)) if rng.random() < 0.8 else int(rng.integers(0, 2**32))
    exact = height * max(step, 0)
    length = exact if rng.random() < 0.3 and exact <= 65536 else int(rng.integers(0, 65536))
    data = rng.integers(0, 256, length, np.uint8).tobytes()
    return SimpleNamespace(height=height, width=width, encoding=encoding, is_bigendian=int(rng.integers(2)),
                           step=max(step, 0) % 2**32, data=array.array("B", data))


def fuzz_messages(seed: int, count: int) -> Iterator[tuple[str, SimpleNamespace]]:
    """``count`` seeded (kind, message) pairs; kind is ``image``, ``compressed`` or ``depth``."""
    rng = np.random.default_rng(seed)
    seeds = _seeds(rng)
    for i in range(count):
        kind = ("image", "compressed", "depth")[i % 3]
        if kind == "compressed":
            data = _mutated(rng, seeds[int(rng.integers(len(seeds)))])
            fmt = str(rng.choice(["jpeg", "png", "ppm", "rgb8; jpeg compressed bgr8", "", "x" * 200]))
            yield kind, SimpleNamespace(format=fmt, data=array.array("B", data))
        else:
            yield kind, _raw(rng, COLOUR if kind == "image" else DEPTH)
