"""rclpy.lifecycle.publisher.LifecyclePublisher: publishes only while activated (silently dropped otherwise)."""

from rclpy.lifecycle.managed_entity import SimpleManagedEntity
from rclpy.node import Publisher


class LifecyclePublisher(SimpleManagedEntity, Publisher):
    def __init__(self, *args, **kwargs):
        SimpleManagedEntity.__init__(self)
        Publisher.__init__(self, *args, **kwargs)

    def publish(self, msg) -> None:
        if self._enabled:
            Publisher.publish(self, msg)
