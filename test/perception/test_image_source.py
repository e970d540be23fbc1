"""FrameSource: folders in natural order, videos, looping, and clear errors for bad sources."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from follow_me_seg.perception.image_source import FrameSource, FrameSourceError


def solid(value: int, shape=(12, 16)) -> np.ndarray:
    return np.full(shape + (3,), value, np.uint8)


def write_folder(folder: Path, names_values: dict[str, int]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, value in names_values.items():
        assert cv2.imwrite(str(folder / name), solid(value))
    return folder


def first_pixels(source: FrameSource, n: int) -> list:
    return [None if (f := source.next_frame()) is None else int(f[0, 0, 0]) for _ in range(n)]


def test_folder_frames_in_natural_name_order_then_loop(tmp_path):
    folder = write_folder(tmp_path / "f", {"frame_10.png": 30, "frame_2.png": 20, "frame_1.png": 10})
    (folder / "notes.txt").write_text("not a frame")
    source = FrameSource(folder)
    assert first_pixels(source, 5) == [10, 20, 30, 10, 20]


def test_folder_without_loop_ends(tmp_path):
    folder = write_folder(tmp_path / "f", {"a.png": 1, "b.bmp": 2})
    source = FrameSource(folder, loop=False)
    assert first_pixels(source, 3) == [1, 2, None]


def test_frames_are_bgr_uint8(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    bgr = np.zeros((8, 10, 3), np.uint8)
    bgr[..., 2] = 255  # red in BGR
    cv2.imwrite(str(folder / "red.png"), bgr)
    frame = FrameSource(folder).next_frame()
    assert frame.dtype == np.uint8 and frame.shape == (8, 10, 3)
    np.testing.assert_array_equal(frame, bgr)


def make_video(path: Path, values: list[int]) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (16, 12))
    if not writer.isOpened():
        pytest.skip("OpenCV cannot write MJPG video here")
    for value in values:
        writer.write(solid(value))
    writer.release()
    return path


def test_video_frames_loop(tmp_path):
    video = make_video(tmp_path / "clip.avi", [40, 120, 200])
    source = FrameSource(video)
    got = first_pixels(source, 7)
    assert all(abs(a - b) <= 6 for a, b in zip(got, [40, 120, 200, 40, 120, 200, 40]))
    source.close()


def test_video_without_loop_ends(tmp_path):
    video = make_video(tmp_path / "clip.avi", [40, 120])
    source = FrameSource(video, loop=False)
    assert [f is None for f in (source.next_frame(), source.next_frame(), source.next_frame())] == [False, False, True]


def test_missing_source(tmp_path):
    with pytest.raises(FrameSourceError, match="frame source not found: .*nowhere"):
        FrameSource(tmp_path / "nowhere")
    with pytest.raises(FrameSourceError, match="frame source not found"):
        FrameSource("")


def test_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.txt").write_text("x")
    with pytest.raises(FrameSourceError, match="no images .* in folder: .*empty"):
        FrameSource(tmp_path / "empty")


def test_unreadable_video_file(tmp_path):
    bogus = tmp_path / "clip.mp4"
    bogus.write_bytes(b"definitely not a video")
    with pytest.raises(FrameSourceError, match="clip.mp4"):
        FrameSource(bogus)


def test_corrupt_image_fails_at_open_when_first_and_later_on_read(tmp_path):
    folder = write_folder(tmp_path / "f", {"b.png": 5})
    (folder / "a.png").write_bytes(b"broken")
    with pytest.raises(FrameSourceError, match="cannot read image: .*a.png"):
        FrameSource(folder)
    (folder / "a.png").unlink()
    (folder / "c.png").write_bytes(b"broken")
    source = FrameSource(folder)
    assert source.next_frame() is not None
    with pytest.raises(FrameSourceError, match="cannot read image: .*c.png"):
        source.next_frame()
    assert int(source.next_frame()[0, 0, 0]) == 5  # moves on (loops back to b.png)


def test_an_image_file_larger_than_the_pixel_limit_is_skipped_before_decoding(tmp_path):
    folder = write_folder(tmp_path / "f", {"a.png": 1, "b.png": 2, "c.bmp": 3})
    big = np.zeros((300, 400, 3), np.uint8)
    assert cv2.imwrite(str(folder / "b.png"), big)
    source = FrameSource(folder, loop=False, max_pixels=1000)
    assert int(source.next_frame()[0, 0, 0]) == 1
    with pytest.raises(FrameSourceError, match=r"b\.png \(image declares 400x300 pixels, more than the limit"):
        source.next_frame()
    assert int(source.next_frame()[0, 0, 0]) == 3  # moves on; BMP is bounded too
    with pytest.raises(FrameSourceError, match=r"c\.bmp \(image declares 16x12 pixels"):
        FrameSource(write_folder(tmp_path / "g", {"c.bmp": 3}), max_pixels=100)
    (tmp_path / "g" / "c.bmp").write_bytes(b"BM" + b"\x00" * 40)
    with pytest.raises(FrameSourceError, match=r"c\.bmp \(unreadable BMP header"):
        FrameSource(tmp_path / "g")


def test_video_frames_over_the_pixel_limit_are_refused_at_open(tmp_path):
    video = make_video(tmp_path / "clip.avi", [40, 120])  # 16x12 = 192 pixels
    with pytest.raises(FrameSourceError, match="16x12 pixels, more than the limit of 100"):
        FrameSource(video, max_pixels=100)


def test_a_huge_sparse_image_file_is_skipped_without_being_read(tmp_path):
    folder = tmp_path / "frames"
    folder.mkdir()
    cv2.imwrite(str(folder / "a.jpg"), solid(40))
    big = folder / "b.jpg"
    big.write_bytes(cv2.imencode(".jpg", solid(80))[1].tobytes())
    with open(big, "r+b") as f:
        f.truncate(1 << 30)  # 1 GiB behind a real 16x12 header, sparse
    source = FrameSource(folder)
    assert source.next_frame() is not None
    with pytest.raises(FrameSourceError, match="bytes for a 16x12 image"):
        source.next_frame()
    assert source.next_frame() is not None  # and it moves on
