"""An ensemble averages its members, each fed frames at its own input size."""

import numpy as np
import pytest

from follow_me_seg.core.image_files import resize_frame
from follow_me_seg.inference.engine import SegmentationEngine
from follow_me_seg.inference.ensemble import EnsembleEngine


def test_the_ensemble_is_the_mean_of_its_members_at_their_sizes(untrained_model_path):
    small = SegmentationEngine(untrained_model_path, device="cpu", backend="tensorflow")
    large = SegmentationEngine(untrained_model_path, device="cpu", backend="tensorflow", input_size=256)
    ensemble = EnsembleEngine([small, large])
    assert ensemble.input_size == 256
    frames = np.random.default_rng(0).integers(0, 256, (2, 256, 256, 3), dtype=np.uint8)
    shrunk = np.stack([resize_frame(f, 160) for f in frames])
    expected = (small.predict_batch(shrunk) + large.predict_batch(frames)) / 2
    np.testing.assert_allclose(ensemble.predict_batch(frames), expected, atol=1e-6)
    assert not np.allclose(expected, large.predict_batch(frames), atol=1e-4)  # the two members differ
    with pytest.raises(ValueError, match="at least one"):
        EnsembleEngine([])
