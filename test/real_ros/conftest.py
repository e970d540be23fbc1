"""Node tests on REAL rclpy (ROS 2 Jazzy wheels from PyPI), run only by ``.ci/real_ros.sh``.

The rest of ``test/`` runs the nodes on the pure-Python stand-in (``test/rclpy_standin``), which the
``ros_standin`` fixture swaps into ``sys.modules`` for one test at a time. Real rclpy and the stand-in
must never meet in one interpreter, so this folder is collected only in its own pytest run, with
``FOLLOW_ME_SEG_REAL_ROS=1`` (``.ci/real_ros.sh`` sets it); a plain ``pytest test`` ignores it.

DDS stays on this machine: discovery is limited to localhost and the domain id is a random one,
unless the caller set them. rclpy's own log files go to a temporary folder.
"""

from __future__ import annotations

import os
import random
import tempfile

import pytest

if os.environ.get("FOLLOW_ME_SEG_REAL_ROS") != "1":
    collect_ignore_glob = ["test_*.py"]
else:
    os.environ.setdefault("ROS_AUTOMATIC_DISCOVERY_RANGE", "LOCALHOST")
    os.environ.setdefault("ROS_DOMAIN_ID", str(random.randint(1, 101)))  # 1..101: the safe range on Linux
    os.environ.setdefault("ROS_LOG_DIR", tempfile.mkdtemp(prefix="follow_me_seg-ros-log-"))
    os.environ.setdefault("RCUTILS_COLORIZED_OUTPUT", "0")
    os.environ.setdefault("RCUTILS_LOGGING_BUFFERED_STREAM", "0")


@pytest.fixture
def real_ros():
    """A :class:`real_ros_graph.RealGraph` on real rclpy; its nodes, executor and context are closed afterwards."""
    rclpy = pytest.importorskip("rclpy", reason="real rclpy (ROS 2 Jazzy) is not installed")
    if "rclpy_standin" in (rclpy.__file__ or ""):
        pytest.skip("rclpy is the stand-in here, not a real ROS 2 installation")
    from real_ros_graph import RealGraph

    graph = RealGraph()
    try:
        yield graph
    finally:
        graph.close()
