"""launch.events (the process events follow.launch.py handles)."""

from launch.events import process  # noqa: F401
