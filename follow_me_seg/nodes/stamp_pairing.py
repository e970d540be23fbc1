"""Pair messages by header stamp (ROS-free): the depth image and camera_info that go with a frame.

The frame is never held back waiting for its partners: each partner stream keeps its last
``size`` messages, and a frame takes the one whose stamp is nearest its own, if within the
tolerance. A partner that arrives after its frame was processed is not used for that frame.
"""

from __future__ import annotations

from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class StampedBuffer(Generic[T]):
    """The last ``size`` items with their stamps (s)."""

    def __init__(self, size: int = 10):
        self._items: deque[tuple[float, T]] = deque(maxlen=size)

    def add(self, stamp_s: float, item: T) -> None:
        self._items.append((stamp_s, item))

    def nearest(self, stamp_s: float, tolerance_s: float) -> T | None:
        """The item whose stamp is nearest ``stamp_s``, if it is at most ``tolerance_s`` away; else None."""
        best = min(self._items, key=lambda pair: abs(pair[0] - stamp_s), default=None)
        return best[1] if best is not None and abs(best[0] - stamp_s) <= tolerance_s else None

    def clear(self) -> None:
        self._items.clear()
