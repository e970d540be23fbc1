"""rclpy.qos: QoSProfile, the policy enums and the preset profiles."""

from enum import IntEnum


class HistoryPolicy(IntEnum):
    SYSTEM_DEFAULT = 0
    KEEP_LAST = 1
    KEEP_ALL = 2
    UNKNOWN = 3


class ReliabilityPolicy(IntEnum):
    SYSTEM_DEFAULT = 0
    RELIABLE = 1
    BEST_EFFORT = 2
    UNKNOWN = 3
    BEST_AVAILABLE = 4


class DurabilityPolicy(IntEnum):
    SYSTEM_DEFAULT = 0
    TRANSIENT_LOCAL = 1
    VOLATILE = 2
    UNKNOWN = 3
    BEST_AVAILABLE = 4


class QoSProfile:
    """Like rclpy's: ``depth`` is required unless ``history`` is given; policies default as in rmw."""

    def __init__(self, **kwargs):
        allowed = {"history", "depth", "reliability", "durability", "lifespan", "deadline", "liveliness",
                   "liveliness_lease_duration", "avoid_ros_namespace_conventions"}
        unknown = set(kwargs) - allowed
        assert not unknown, f"Invalid arguments passed to constructor: {', '.join(sorted(unknown))}"
        if "history" not in kwargs:
            if "depth" not in kwargs:
                raise TypeError("A QoSProfile must be passed a history or a depth")
            kwargs["history"] = HistoryPolicy.KEEP_LAST
        self.history = HistoryPolicy(kwargs["history"])
        if self.history == HistoryPolicy.KEEP_LAST and kwargs.get("depth", 0) <= 0:
            raise ValueError("A QoSProfile with KEEP_LAST history needs a depth > 0")
        self.depth = kwargs.get("depth", 0)
        self.reliability = ReliabilityPolicy(kwargs.get("reliability", ReliabilityPolicy.RELIABLE))
        self.durability = DurabilityPolicy(kwargs.get("durability", DurabilityPolicy.VOLATILE))

    def __repr__(self):
        return (f"QoSProfile(history={self.history.name}, depth={self.depth}, "
                f"reliability={self.reliability.name}, durability={self.durability.name})")


qos_profile_sensor_data = QoSProfile(
    history=HistoryPolicy.KEEP_LAST, depth=5,
    reliability=ReliabilityPolicy.BEST_EFFORT, durability=DurabilityPolicy.VOLATILE,
)
qos_profile_system_default = QoSProfile(
    history=HistoryPolicy.SYSTEM_DEFAULT, depth=0,
    reliability=ReliabilityPolicy.SYSTEM_DEFAULT, durability=DurabilityPolicy.SYSTEM_DEFAULT,
)
