"""A test-side node on the stand-in graph: publishes inputs, records outputs, runs the nodes under test."""

from __future__ import annotations

from collections import defaultdict

import rclpy
from rclpy.qos import HistoryPolicy, QoSProfile, ReliabilityPolicy


class Probe:
    def __init__(self, graph, *nodes):
        self.graph = graph
        self.nodes = nodes
        self.node = rclpy.create_node("probe")
        self.received: dict[str, list] = defaultdict(list)
        self._publishers = {}

    def listen(self, msg_type, *topics: str) -> Probe:
        """Record every message on ``topics`` with a reliable reader, as ``ros2 topic echo`` would use."""
        qos = QoSProfile(history=HistoryPolicy.KEEP_LAST, depth=100, reliability=ReliabilityPolicy.RELIABLE)
        for topic in topics:
            self.node.create_subscription(msg_type, topic, self.received[topic].append, qos)
        return self

    def publish(self, topic: str, msg) -> None:
        if topic not in self._publishers:
            qos = QoSProfile(history=HistoryPolicy.KEEP_LAST, depth=1, reliability=ReliabilityPolicy.RELIABLE)
            self._publishers[topic] = self.node.create_publisher(type(msg), topic, qos)
        self._publishers[topic].publish(msg)
        self.spin()

    def spin(self) -> int:
        """Run every callback that is ready (no simulated time passes)."""
        return self.graph.run_pending(*self.nodes, self.node)

    def wait(self, seconds: float, step: float = 0.01) -> None:
        """Let ``seconds`` of simulated time pass in ``step``s, running timers as they fall due."""
        for _ in range(round(seconds / step)):
            self.graph.advance(step)
            self.spin()


def ros_args(*params: str) -> list[str]:
    """Command-line arguments that set each ``name:=value`` in ``params``, as ``ros2 run ... -p`` does."""
    args = ["--ros-args"]
    for param in params:
        args += ["-p", param]
    return args


def set_parameter(node, name: str, value):
    """What ``ros2 param set`` does: the SetParametersResult for one parameter."""
    from rclpy.parameter import Parameter

    (result,) = node.set_parameters([Parameter(name, value=value)])
    return result
