"""Decoding time bounded by structure, not only pixels: repeated JPEG scans, 16-bit and alpha PNGs."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from follow_me_seg.core.decoding import MAX_BASELINE_SCANS, MAX_PROGRESSIVE_SCANS, DecodeError, decode_image

SOS = b"\xff\xda"


def frame(side: int = 256, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 255, (side, side, 3), np.uint8)


def encode(ext: str, pixels: np.ndarray, *params: int) -> bytes:
    ok, buffer = cv2.imencode(ext, pixels, list(params))
    assert ok
    return buffer.tobytes()


def repeat_last_scan(jpeg: bytes, times: int) -> bytes:
    """The attack: a progressive JPEG whose last scan is repeated (each repeat is another pass)."""
    start, end = jpeg.rindex(SOS), jpeg.rindex(b"\xff\xd9")
    return jpeg[:end] + jpeg[start:end] * times + jpeg[end:]


def test_baseline_jpeg_decodes():
    assert decode_image(encode(".jpg", frame())).shape == (256, 256, 3)


@pytest.mark.parametrize("times", [1, 50, 2000])
def test_a_progressive_jpeg_repeating_its_scans_is_refused_before_decoding(times):
    prog = encode(".jpg", frame(64), cv2.IMWRITE_JPEG_PROGRESSIVE, 1)
    attack = repeat_last_scan(prog, times)
    assert attack.count(SOS) > MAX_PROGRESSIVE_SCANS
    with pytest.raises(DecodeError, match="progressive JPEG has more than 8 scans"):
        decode_image(attack)


def test_a_baseline_jpeg_with_extra_scans_is_refused():
    attack = repeat_last_scan(encode(".jpg", frame()), MAX_BASELINE_SCANS)
    with pytest.raises(DecodeError, match="baseline JPEG has more than 4 scans"):
        decode_image(attack)


@pytest.mark.parametrize("pixels, depth, colour", [
    (frame().astype(np.uint16) * 257, 16, 2),
    (cv2.cvtColor(frame(), cv2.COLOR_BGR2BGRA), 8, 6),
    (frame()[..., 0].astype(np.uint16), 16, 0),
])
def test_png_of_16_bits_or_with_alpha_is_refused(pixels, depth, colour):
    with pytest.raises(DecodeError, match=f"PNG of {depth}-bit colour type {colour}"):
        decode_image(encode(".png", pixels))


@pytest.mark.parametrize("pixels", [frame(), frame()[..., 0]])
def test_8_bit_grey_and_rgb_png_decode(pixels):
    assert decode_image(encode(".png", pixels)).shape == (256, 256, 3)


def test_bytes_far_beyond_what_the_size_needs_are_refused():
    padded = encode(".jpg", frame(16)) + bytes(9 << 20)
    with pytest.raises(DecodeError, match="bytes for a 16x16 image"):
        decode_image(padded)


def test_a_huge_sparse_file_is_refused_from_its_header_and_size(tmp_path):
    from follow_me_seg.core.decoding import check_image_file, read_image_file

    path = tmp_path / "sparse.jpg"
    with open(path, "wb") as f:
        f.write(encode(".jpg", frame(64)))
        f.truncate(1 << 30)  # 1 GiB, sparse: nothing is written
    for reader in (check_image_file, read_image_file):
        with pytest.raises(DecodeError, match="bytes for a 64x64 image"):
            reader(path)
