"""The follower's frame size comes from the frames' masks; a camera_info that disagrees is ignored."""

from follow_me_seg.nodes.frame_size import FrameSizes, box_fits


def test_camera_info_is_used_only_until_masks_tell_the_real_size():
    sizes = FrameSizes()
    assert sizes.size_for(1.0) is None
    assert sizes.camera_info(640, 480)
    assert sizes.size_for(1.0) == (640, 480)
    sizes.mask(1.0, 256, 256)
    assert sizes.size_for(1.0) == (256, 256)
    assert sizes.size_for(2.0) == (256, 256)  # a target whose mask has not arrived: the latest frame size


def test_camera_info_that_disagrees_with_the_frames_is_counted_and_ignored():
    sizes = FrameSizes()
    sizes.mask(1.0, 256, 256)
    for width, height in ((1280, 720), (1, 1), (0, 0)):
        assert not sizes.camera_info(width, height)
    assert sizes.camera_info_ignored == 3
    assert sizes.size_for(1.0) == (256, 256)
    assert sizes.camera_info(256, 256)


def test_each_target_takes_the_size_of_its_own_frame():
    sizes = FrameSizes()
    sizes.mask(1.0, 256, 256)
    sizes.mask(2.0, 640, 480)
    assert sizes.size_for(1.0) == (256, 256) and sizes.size_for(2.0) == (640, 480)
    sizes.clear()
    assert sizes.size_for(1.0) is None


def test_a_box_outside_the_frame_does_not_fit():
    assert box_fits((128, 128, 20, 60), (256, 256))
    assert not box_fits((600, 300, 20, 60), (256, 256))
    assert not box_fits((0.5, 0.5, 20, 60), (1, 1))
