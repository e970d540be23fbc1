"""The stand-in's process-local ROS graph: simulated time, topics, services, parameters, logs."""

from __future__ import annotations

import copy
from collections import deque

START_NS = 1_700_000_000 * 10**9


class Graph:
    """Everything that the real middleware and rcl context would hold, for one test."""

    def __init__(self):
        self.now_ns = START_NS
        self.initialized = False
        self.global_params: dict = {}
        self.remaps: list[tuple[str, str]] = []
        self.signal_handler_options = None
        self.nodes: list = []
        self.spin_hooks: list = []  # called on every iteration of rclpy.spin (test helpers)
        self.log: list[tuple[str, str, str]] = []  # (severity, logger name, message)
        self.executed = 0  # callbacks run so far
        self.jump_handles: list = []  # rclpy.clock.JumpHandle

    # -- time ----------------------------------------------------------------------------
    def advance(self, seconds: float) -> None:
        """Let simulated time pass (timers become due; nothing runs until spun)."""
        self.now_ns += int(round(seconds * 1e9))

    def jump(self, seconds: float) -> None:
        """Set simulated time ``seconds`` away at once, as a /clock message under use_sim_time can.

        Jump callbacks run as rcl runs them; after a backward jump past a timer's last call,
        the timer is next due one period later (rcl's timer jump handling).
        """
        delta_ns = int(round(seconds * 1e9))
        self.now_ns += delta_ns
        for node in self.nodes:
            for timer in node._timers:
                if timer.next_ns - timer.timer_period_ns > self.now_ns:
                    timer.next_ns = self.now_ns + timer.timer_period_ns
        for handle in list(self.jump_handles):
            handle._jumped(delta_ns)

    # -- topics --------------------------------------------------------------------------
    def subscriptions(self, topic: str) -> list:
        return [s for node in self.nodes for s in node._subscriptions if s.topic_name == topic]

    def deliver(self, publisher, msg) -> None:
        for sub in self.subscriptions(publisher.topic_name):
            if matches(publisher, sub):
                sub.queue.append(copy.deepcopy(msg))

    # -- executing -----------------------------------------------------------------------
    def run_one(self, node) -> bool:
        """Run one ready callback of ``node``; False when none is ready."""
        for timer in node._timers:
            if not timer.is_canceled() and self.now_ns >= timer.next_ns:
                while timer.next_ns <= self.now_ns:
                    timer.next_ns += timer.timer_period_ns
                self.executed += 1
                timer.callback()
                return True
        for sub in node._subscriptions:
            if sub.queue:
                self.executed += 1
                sub.callback(sub.queue.popleft())
                return True
        return False

    def next_deadline_ns(self, node) -> int | None:
        deadlines = [t.next_ns for t in node._timers if not t.is_canceled()]
        return min(deadlines) if deadlines else None

    def run_pending(self, *nodes, limit: int = 10000) -> int:
        """Run every ready callback of ``nodes`` (without letting time pass); return how many ran."""
        count = 0
        while any(self.run_one(node) for node in nodes):
            count += 1
            if count > limit:
                raise RuntimeError("stand-in: callbacks keep producing work")
        return count

    # -- services ------------------------------------------------------------------------
    def call_service(self, name: str, request):
        """Call the service named ``name`` (fully qualified) the way an executor would."""
        for node in self.nodes:
            for service in node._services:
                if service.srv_name == name:
                    assert isinstance(request, service.srv_type.Request), "wrong request type"
                    response = service.callback(request, service.srv_type.Response())
                    assert isinstance(response, service.srv_type.Response), "service callback must return its response"
                    self.executed += 1
                    return response
        raise LookupError(f"stand-in: no service {name}")

    def messages(self, severity: str | None = None) -> list[str]:
        return [m for s, _, m in self.log if severity is None or s == severity]


def _reliable(qos) -> bool:
    from rclpy.qos import ReliabilityPolicy

    return qos.reliability != ReliabilityPolicy.BEST_EFFORT


def matches(publisher, subscription) -> bool:
    """Same type and request-offered compatible QoS (a reliable reader needs a reliable writer)."""
    if publisher.msg_type is not subscription.msg_type:
        return False
    return _reliable(publisher.qos_profile) or not _reliable(subscription.qos_profile)


GRAPH = Graph()


def new_queue(qos) -> deque:
    from rclpy.qos import HistoryPolicy

    return deque(maxlen=None if qos.history == HistoryPolicy.KEEP_ALL else qos.depth)
