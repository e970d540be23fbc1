"""rclpy.time.Time."""

from builtin_interfaces.msg import Time as TimeMsg


class Time:
    def __init__(self, *, seconds=0, nanoseconds=0, clock_type=None):
        self._nanoseconds = int(seconds * 1e9) + int(nanoseconds)

    @property
    def nanoseconds(self) -> int:
        return self._nanoseconds

    def seconds_nanoseconds(self) -> tuple:
        return divmod(self._nanoseconds, 10**9)

    def to_msg(self) -> TimeMsg:
        sec, nanosec = self.seconds_nanoseconds()
        return TimeMsg(sec=sec, nanosec=nanosec)

    @classmethod
    def from_msg(cls, msg, clock_type=None):
        return cls(seconds=msg.sec, nanoseconds=msg.nanosec)
