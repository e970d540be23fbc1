"""`ros2 launch` on a real ROS 2 installation: a segmentation_node that cannot start fails the whole launch.

Skipped unless the ``ros2`` command and an installed follow_me_seg (sourced workspace) are present.
This is what systemd or CI see: a non-zero exit status, not a launch that keeps running.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

TIMEOUT_S = 120


def _installed() -> bool:
    if shutil.which("ros2") is None:
        return False
    return subprocess.run(["ros2", "pkg", "prefix", "follow_me_seg"], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not _installed(), reason="needs ros2 and an installed, sourced follow_me_seg")


@pytest.mark.parametrize("argument, complaint", [
    ("model_path:=/no/such/model.keras", "model file not found: /no/such/model.keras"),
    ("image_qos:=fast", "parameter image_qos must be one of sensor_data, reliable, system_default"),
])
def test_launch_exits_non_zero_when_segmentation_cannot_start(argument, complaint):
    run = subprocess.run(["ros2", "launch", "follow_me_seg", "follow.launch.py", argument, "device:=cpu"],
                         capture_output=True, text=True, timeout=TIMEOUT_S)
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert complaint in output
    assert "stopping the launch" in output
