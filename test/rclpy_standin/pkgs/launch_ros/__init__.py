"""Stand-in for launch_ros (the Node action)."""

from launch_ros import actions  # noqa: F401
