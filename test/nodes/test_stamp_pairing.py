"""StampedBuffer: the nearest stamp within the tolerance, a bounded history."""

from follow_me_seg.nodes.stamp_pairing import StampedBuffer


def test_nearest_within_tolerance():
    buffer = StampedBuffer(size=3)
    for stamp in (1.0, 1.1, 1.2):
        buffer.add(stamp, f"m{stamp}")
    assert buffer.nearest(1.12, 0.05) == "m1.1"
    assert buffer.nearest(1.5, 0.05) is None
    assert buffer.nearest(1.5, 0.5) == "m1.2"


def test_keeps_only_the_last_items_and_clears():
    buffer = StampedBuffer(size=2)
    for stamp in (1.0, 2.0, 3.0):
        buffer.add(stamp, stamp)
    assert buffer.nearest(1.0, 10.0) == 2.0
    buffer.clear()
    assert buffer.nearest(2.0, 10.0) is None
