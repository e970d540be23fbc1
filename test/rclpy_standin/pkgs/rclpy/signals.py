"""rclpy.signals: which signal handlers rclpy.init installs."""

from enum import IntEnum


class SignalHandlerOptions(IntEnum):
    NO = 0
    SIGINT = 1
    SIGTERM = 2
    ALL = 3
