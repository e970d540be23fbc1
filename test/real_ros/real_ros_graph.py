"""Package nodes on REAL rclpy in one process: one executor, a probe node, and bounded wall-clock waits."""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Callable

import rclpy
from rclpy.executors import SingleThreadedExecutor
from rclpy.qos import HistoryPolicy, QoSProfile, ReliabilityPolicy

STEP_S = 0.02  # longest single spin_once wait


def ros_args(*params: str) -> list[str]:
    """Command-line arguments that set each ``name:=value`` in ``params``, as ``ros2 run ... -p`` does."""
    args = ["--ros-args"]
    for param in params:
        args += ["-p", param]
    return args


class RealGraph:
    """rclpy.init with parameters, then nodes on one executor beside a ``probe`` node that records topics.

    The probe's subscriptions should be made (``listen``) before the node under test is created, so
    that they are matched before its first publication.
    """

    def __init__(self):
        self.executor: SingleThreadedExecutor | None = None
        self.probe = None
        self.nodes: list = []
        self.received: dict[str, list] = defaultdict(list)
        self._publishers: dict = {}

    def init(self, *params: str) -> RealGraph:
        rclpy.init(args=ros_args(*params))
        self.executor = SingleThreadedExecutor()
        self.probe = self.add(rclpy.create_node("probe"))
        return self

    def add(self, node):
        self.executor.add_node(node)
        self.nodes.append(node)
        return node

    def listen(self, msg_type, *topics: str) -> RealGraph:
        """Record every message on ``topics`` with a reliable reader, as ``ros2 topic echo`` would."""
        qos = QoSProfile(history=HistoryPolicy.KEEP_LAST, depth=100, reliability=ReliabilityPolicy.RELIABLE)
        for topic in topics:
            self.probe.create_subscription(msg_type, topic, self.received[topic].append, qos)
        return self

    def publish(self, topic: str, msg) -> None:
        if topic not in self._publishers:
            qos = QoSProfile(history=HistoryPolicy.KEEP_LAST, depth=1, reliability=ReliabilityPolicy.RELIABLE)
            self._publishers[topic] = self.probe.create_publisher(type(msg), topic, qos)
        self._publishers[topic].publish(msg)

    def spin_for(self, seconds: float) -> None:
        """Run callbacks as they fall due for ``seconds`` of wall-clock time."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.executor.spin_once(timeout_sec=min(STEP_S, left))

    def spin_until(self, done: Callable[[], bool], timeout: float) -> bool:
        """Run callbacks until ``done()`` or ``timeout`` seconds have passed; whether ``done()`` came true."""
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() >= deadline:
                return False
            self.executor.spin_once(timeout_sec=STEP_S)
        return True

    def count(self, topic: str, at_least: int, timeout: float) -> list:
        """Spin until ``at_least`` messages came on ``topic`` (or ``timeout``); the messages so far."""
        self.spin_until(lambda: len(self.received[topic]) >= at_least, timeout)
        return self.received[topic]

    def call(self, srv_type, name: str, request, timeout: float = 5.0):
        """Call a service of a node on this executor, as ``ros2 service call`` would."""
        client = self.probe.create_client(srv_type, name)
        try:
            assert self.spin_until(client.service_is_ready, timeout), f"service {name} never became ready"
            future = client.call_async(request)
            assert self.spin_until(future.done, timeout), f"service {name} did not answer in {timeout} s"
            return future.result()
        finally:
            self.probe.destroy_client(client)

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(timeout_sec=1.0)
        for node in reversed(self.nodes):
            node.destroy_node()
        rclpy.try_shutdown()


def log_lines(text: str, level: str) -> list[str]:
    """The rcutils console lines of ``level`` (``INFO``, ``WARN``, ``ERROR``...) in captured stderr."""
    return [line for line in text.splitlines() if line.startswith(f"[{level}]")]
