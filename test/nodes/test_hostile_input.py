"""Attack tests: seeded fuzz of the image conversions, the hostile-file corpus, the pixel limit."""

from __future__ import annotations

import array
import json
import subprocess
import sys
import time
from collections import Counter
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
from hostile_messages import CORPUS, CORPUS_REASONS, corpus_bytes, fuzz_messages

from follow_me_seg.core.decoding import DEFAULT_MAX_IMAGE_PIXELS
from follow_me_seg.core.errors import DataError
from follow_me_seg.core.image_files import read_rgb
from follow_me_seg.learning.dataset import read_mask
from follow_me_seg.nodes.image_messages import ImageMessageError, compressed_to_rgb, depth_to_metres, image_to_rgb

CONVERT = {"image": image_to_rgb, "compressed": compressed_to_rgb, "depth": depth_to_metres}
FUZZ_COUNT = 10_500
CALL_LIMIT_S = 0.5  # CPU seconds (user + system) of one call: robust to a busy machine, unlike wall time
MEMORY_LIMIT_MIB = 300


def compressed(data: bytes, fmt: str = "jpeg") -> SimpleNamespace:
    return SimpleNamespace(format=fmt, data=array.array("B", data))


def test_fuzz_raises_nothing_but_image_message_error_and_no_call_is_slow():
    outcomes, unexpected, slowest = Counter(), [], (0.0, "")
    for kind, msg in fuzz_messages(seed=10, count=FUZZ_COUNT):
        start = time.process_time()
        try:
            CONVERT[kind](msg)
            outcomes[kind, "converted"] += 1
        except ImageMessageError:
            outcomes[kind, "refused"] += 1
        except Exception as err:  # noqa: BLE001 - the point of the test
            unexpected.append(f"{kind}: {type(err).__name__}: {err}")
        spent = time.process_time() - start
        slowest = max(slowest, (spent, kind))
    assert unexpected == []
    assert sum(outcomes.values()) == FUZZ_COUNT
    for kind in CONVERT:  # the fuzz reaches both the refusals and the decoders
        assert outcomes[kind, "refused"] > 1000 and outcomes[kind, "converted"] > 100, outcomes
    assert slowest[0] < CALL_LIMIT_S, slowest


@pytest.mark.parametrize("name", sorted(CORPUS_REASONS))
def test_corpus_file_as_a_compressed_image_is_refused_with_its_reason(name):
    with pytest.raises(ImageMessageError, match=CORPUS_REASONS[name]):
        compressed_to_rgb(compressed(corpus_bytes(name), "ppm" if name.endswith(".ppm") else "jpeg"))


@pytest.mark.parametrize("name", sorted(CORPUS_REASONS))
def test_corpus_file_read_as_a_frame_is_a_data_error_naming_it(name):
    with pytest.raises(DataError, match=f"{name}.*{CORPUS_REASONS[name]}"):
        read_rgb(CORPUS / name)


def test_corpus_png_read_as_a_mask_is_a_data_error():
    with pytest.raises(DataError, match="png_signature_random_bytes.png"):
        read_mask(CORPUS / "png_signature_random_bytes.png")


def test_compressed_limit_is_the_declared_size():
    jpeg = cv2.imencode(".jpg", np.zeros((48, 64, 3), np.uint8))[1].tobytes()
    assert compressed_to_rgb(compressed(jpeg), max_pixels=64 * 48).shape == (48, 64, 3)
    with pytest.raises(ImageMessageError, match="64x48 pixels, more than the limit of 3071"):
        compressed_to_rgb(compressed(jpeg), max_pixels=64 * 48 - 1)


@pytest.mark.parametrize("convert, encoding, bpp", [(image_to_rgb, "rgb8", 3), (depth_to_metres, "32FC1", 4)])
def test_raw_limit_is_checked_before_the_data(convert, encoding, bpp):
    def raw(width, height, data=b""):
        return SimpleNamespace(height=height, width=width, encoding=encoding, is_bigendian=0, step=width * bpp,
                               data=array.array("B", data))

    with pytest.raises(ImageMessageError, match="65000x65000 pixels, more than the limit"):
        convert(raw(65000, 65000))
    assert convert(raw(10, 10, bytes(300 * bpp // 3)), max_pixels=100).shape[:2] == (10, 10)
    with pytest.raises(ImageMessageError, match="more than the limit of 99"):
        convert(raw(10, 10, bytes(300 * bpp // 3)), max_pixels=99)


def test_png_with_a_chunk_longer_than_the_data_is_refused_before_decoding():
    png = bytearray(cv2.imencode(".png", np.zeros((8, 8, 3), np.uint8))[1].tobytes())
    png[33:37] = (2**31 - 1).to_bytes(4, "big")  # the length of the chunk after IHDR
    with pytest.raises(ImageMessageError, match="past the end of the data"):
        compressed_to_rgb(compressed(bytes(png), "png"))


_MEMORY_PROBE = """
import array, json, resource, sys
from types import SimpleNamespace
import cv2, numpy as np
sys.path.insert(0, {test_dir!r})
from hostile_messages import CORPUS_REASONS, corpus_bytes, fuzz_messages
from follow_me_seg.nodes.image_messages import ImageMessageError, compressed_to_rgb, depth_to_metres, image_to_rgb

convert = {{"image": image_to_rgb, "compressed": compressed_to_rgb, "depth": depth_to_metres}}
side = int({side})
largest = cv2.imencode(".jpg", np.zeros((side, side, 3), np.uint8))[1].tobytes()  # at the limit
messages = [("compressed", SimpleNamespace(format="jpeg", data=array.array("B", corpus_bytes(n))))
            for n in CORPUS_REASONS] + list(fuzz_messages(seed=11, count=600))
messages.append(("compressed", SimpleNamespace(format="jpeg", data=array.array("B", largest))))
del largest
peak_kib = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
before = peak_kib()
for kind, msg in messages:
    try:
        convert[kind](msg)
    except ImageMessageError:
        pass
print(json.dumps({{"growth_mib": (peak_kib() - before) / 1024, "messages": len(messages)}}))
"""


def test_no_hostile_message_grows_peak_memory_by_300_mib(tmp_path):
    """In a fresh process (the peak of this one is unknown): corpus, fuzz and a frame at the default limit."""
    import os

    side = int(DEFAULT_MAX_IMAGE_PIXELS ** 0.5)
    script = _MEMORY_PROBE.format(test_dir=os.path.dirname(os.path.dirname(os.path.abspath(__file__))), side=side)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["messages"] > 600
    assert result["growth_mib"] < MEMORY_LIMIT_MIB, result


def test_exif_rotated_jpeg_decodes_in_its_display_orientation():
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees to display
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48)).save(buffer, "JPEG", exif=exif)
    assert compressed_to_rgb(compressed(buffer.getvalue())).shape == (64, 48, 3)
