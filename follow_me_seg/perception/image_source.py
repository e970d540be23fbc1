"""Read camera frames from a folder of images or a video file, optionally looping (ROS-free)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import cv2
import numpy as np

from follow_me_seg.core.decoding import DEFAULT_MAX_IMAGE_PIXELS, DecodeError, check_pixels, decode_image, read_image_file
from follow_me_seg.core.errors import FollowMeError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")


class FrameSourceError(FollowMeError):
    """A missing, empty or unreadable frame source."""


def _natural_key(path: Path) -> list:
    """Sort ``frame_2`` before ``frame_10``."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


class FrameSource:
    """BGR uint8 frames from a folder (images in natural name order) or a video file.

    The first frame is read when the source is opened, so a source that yields nothing
    fails at once with a :class:`FrameSourceError` naming it. Image files are decoded only once their
    header's size passes ``max_pixels`` (``decoding.decode_image``).
    """

    def __init__(self, source: str | os.PathLike, loop: bool = True, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS):
        self.path = Path(source).expanduser()
        self.loop = loop
        self.max_pixels = max_pixels
        self._files: list[Path] = []
        self._index = 0
        self._capture: cv2.VideoCapture | None = None
        if not str(source).strip() or not self.path.exists():
            raise FrameSourceError(f"frame source not found: {self.path}")
        if self.path.is_dir():
            self._files = sorted(
                (p for p in self.path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES),
                key=_natural_key,
            )
            if not self._files:
                raise FrameSourceError(f"no images ({' '.join(IMAGE_SUFFIXES)}) in folder: {self.path}")
        else:
            self._capture = cv2.VideoCapture(str(self.path))
            if not self._capture.isOpened():
                raise FrameSourceError(f"cannot open video file: {self.path}")
            self._check_video_size(int(self._capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
                                   int(self._capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        self._pending: np.ndarray | None = self._read()
        if self._pending is None:
            self.close()
            raise FrameSourceError(f"no readable frame in: {self.path}")

    def next_frame(self) -> np.ndarray | None:
        """The next frame, or None once a non-looping source is exhausted.

        Raises FrameSourceError for an image file that cannot be decoded (the next call moves on).
        """
        if self._pending is not None:
            frame, self._pending = self._pending, None
            return frame
        return self._read()

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()

    def _read(self) -> np.ndarray | None:
        return self._read_video() if self._capture is not None else self._read_image()

    def _read_image(self) -> np.ndarray | None:
        if self._index >= len(self._files):
            if not self.loop:
                return None
            self._index = 0
        path = self._files[self._index]
        self._index += 1
        try:  # the header and the file's size are checked before the file is read
            return decode_image(read_image_file(path, self.max_pixels), self.max_pixels, cv2.IMREAD_COLOR)
        except (OSError, DecodeError) as err:
            raise FrameSourceError(f"cannot read image: {path} ({err})") from None

    def _check_video_size(self, width: int, height: int) -> None:
        try:
            check_pixels(width, height, self.max_pixels)
        except DecodeError as err:
            self.close()
            raise FrameSourceError(f"video frames of {self.path}: {err}") from None

    def _read_video(self) -> np.ndarray | None:
        ok, frame = self._capture.read()
        if ok:
            self._check_video_size(frame.shape[1], frame.shape[0])
            return frame
        if not self.loop:
            return None
        self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
        ok, frame = self._capture.read()
        if not ok:  # some backends cannot seek: reopen
            self._capture.release()
            self._capture = cv2.VideoCapture(str(self.path))
            ok, frame = self._capture.read()
        return frame if ok else None
