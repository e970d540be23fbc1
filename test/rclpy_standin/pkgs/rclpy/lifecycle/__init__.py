"""rclpy.lifecycle: LifecycleNode (managed node), its state, publisher and TransitionCallbackReturn."""

from rclpy.lifecycle.managed_entity import ManagedEntity, SimpleManagedEntity, TransitionCallbackReturn  # noqa: F401
from rclpy.lifecycle.node import LifecycleNode, LifecycleState  # noqa: F401
from rclpy.lifecycle.publisher import LifecyclePublisher  # noqa: F401

Node = LifecycleNode
State = LifecycleState
Publisher = LifecyclePublisher
