"""rclpy.duration.Duration."""


class Duration:
    def __init__(self, *, seconds=0, nanoseconds=0):
        self._nanoseconds = int(seconds * 1e9) + int(nanoseconds)

    @property
    def nanoseconds(self) -> int:
        return self._nanoseconds
