"""The size of the frame behind each target, learnt from the frames' own masks (ROS-free).

The follower normalises a target's box by the size of the frame it came from. That size comes from
the segmentation node's ``target_mask`` (same header as the target, same size as the frame), so a
``camera_info`` that disagrees with the frames is reported and ignored instead of trusted.
"""

from __future__ import annotations

from follow_me_seg.nodes.stamp_pairing import StampedBuffer

SAME_STAMP_S = 1e-6


class FrameSizes:
    """Frame sizes by stamp, from the masks; camera_info only until the first mask arrives."""

    def __init__(self):
        self._masks: StampedBuffer[tuple[int, int]] = StampedBuffer(size=20)
        self._latest_mask: tuple[int, int] | None = None
        self._camera_info: tuple[int, int] | None = None
        self.camera_info_ignored = 0

    def mask(self, stamp_s: float, width: int, height: int) -> None:
        if width > 0 and height > 0:
            self._masks.add(stamp_s, (width, height))
            self._latest_mask = (width, height)

    def camera_info(self, width: int, height: int) -> bool:
        """Take camera_info's size; False (and counted) when it disagrees with the frames or is empty."""
        size = (int(width), int(height))
        if size[0] <= 0 or size[1] <= 0 or (self._latest_mask is not None and size != self._latest_mask):
            self.camera_info_ignored += 1
            return False
        self._camera_info = size
        return True

    def size_for(self, stamp_s: float) -> tuple[int, int] | None:
        """The size of the frame stamped ``stamp_s``: its mask's, else the latest mask's, else camera_info's."""
        return self._masks.nearest(stamp_s, SAME_STAMP_S) or self._latest_mask or self._camera_info

    @property
    def latest_mask(self) -> tuple[int, int] | None:
        return self._latest_mask

    def clear(self) -> None:
        self._masks.clear()
        self._latest_mask = self._camera_info = None


def box_fits(box: tuple[float, float, float, float], size: tuple[int, int]) -> bool:
    """Whether a (centre x, centre y, width, height) box lies within a frame of ``size``."""
    cx, cy, w, h = box
    width, height = size
    return 0 <= cx <= width and 0 <= cy <= height and 0 < w <= width and 0 < h <= height
