"""A small, faithful stand-in for the rclpy / message / launch API subset follow_me_seg uses.

The modules under ``pkgs/`` carry the real names (``rclpy``, ``sensor_msgs.msg``, ``launch``...)
and the Jazzy / Humble field names and types. :func:`installed` puts them into ``sys.modules``
for the duration of a test and restores whatever was there afterwards, so a real ROS 2
installation is never shadowed outside the tests that ask for the stand-in.
"""

from __future__ import annotations

import importlib
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

PKGS = Path(__file__).resolve().parent / "pkgs"
TOP_LEVEL = (
    "rosidl_standin", "builtin_interfaces", "std_msgs", "sensor_msgs", "geometry_msgs", "vision_msgs",
    "std_srvs", "diagnostic_msgs", "rcl_interfaces", "lifecycle_msgs", "rclpy", "launch", "launch_ros",
    "ament_index_python",
)
# Modules that import rclpy at import time: re-imported against the stand-in, then dropped again.
DEPENDENTS = ("follow_me_seg.nodes", "rclpy_standin.probe")


def _ours(name: str) -> bool:
    return name.split(".")[0] in TOP_LEVEL or any(name == d or name.startswith(d + ".") for d in DEPENDENTS)


@contextmanager
def installed() -> Iterator:
    """Install the stand-in; yield its graph (``rclpy._graph.GRAPH``, fresh for each use)."""
    saved = {name: module for name, module in sys.modules.items() if _ours(name)}
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, str(PKGS))
    try:
        for name in TOP_LEVEL:
            importlib.import_module(name)
    finally:
        sys.path.remove(str(PKGS))
    try:
        yield sys.modules["rclpy._graph"].GRAPH
    finally:
        for name in [n for n in sys.modules if _ours(n)]:
            del sys.modules[name]
        sys.modules.update(saved)
