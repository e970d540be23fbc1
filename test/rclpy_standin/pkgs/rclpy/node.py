"""rclpy.node.Node with publishers, subscriptions, services, timers, parameters, logger and clock."""

from __future__ import annotations

from rclpy._graph import GRAPH, matches, new_queue
from rclpy.clock import Clock
from rclpy.exceptions import (
    InvalidParameterTypeException,
    ParameterAlreadyDeclaredException,
    ParameterNotDeclaredException,
)
from rclpy.logging import RcutilsLogger
from rclpy.parameter import Parameter
from rclpy.qos import QoSProfile


def _as_qos(qos_profile) -> QoSProfile:
    if isinstance(qos_profile, QoSProfile):
        return qos_profile
    if isinstance(qos_profile, int):
        return QoSProfile(depth=qos_profile)
    raise TypeError("qos_profile must be a QoSProfile or a history depth")


class Publisher:
    def __init__(self, msg_type, topic: str, qos_profile: QoSProfile):
        self.msg_type, self.topic_name, self.qos_profile = msg_type, topic, qos_profile

    def publish(self, msg) -> None:
        if not isinstance(msg, self.msg_type):
            raise TypeError(f"Expected {self.msg_type}, got {type(msg)}")
        if not GRAPH.initialized:
            raise RuntimeError("publisher's context is invalid")
        GRAPH.deliver(self, msg)

    def get_subscription_count(self) -> int:
        return sum(matches(self, sub) for sub in GRAPH.subscriptions(self.topic_name))


class Subscription:
    def __init__(self, msg_type, topic: str, callback, qos_profile: QoSProfile):
        self.msg_type, self.topic_name, self.callback, self.qos_profile = msg_type, topic, callback, qos_profile
        self.queue = new_queue(qos_profile)


class Service:
    def __init__(self, srv_type, srv_name: str, callback):
        self.srv_type, self.srv_name, self.callback = srv_type, srv_name, callback


class Timer:
    def __init__(self, period_sec: float, callback):
        self.timer_period_ns = int(round(period_sec * 1e9))
        if self.timer_period_ns <= 0:
            raise ValueError("timer period must be > 0")
        self.callback = callback
        self.next_ns = GRAPH.now_ns + self.timer_period_ns
        self._canceled = False

    def cancel(self) -> None:
        self._canceled = True

    def is_canceled(self) -> bool:
        return self._canceled

    def reset(self) -> None:
        self._canceled = False
        self.next_ns = GRAPH.now_ns + self.timer_period_ns


class Node:
    def __init__(self, node_name: str, *, context=None, cli_args=None, namespace=None, use_global_arguments=True,
                 enable_rosout=True, start_parameter_services=True, parameter_overrides=None,
                 allow_undeclared_parameters=False, automatically_declare_parameters_from_overrides=False):
        if not GRAPH.initialized:
            raise RuntimeError("rclpy.init() has not been called")
        self._name = node_name
        namespace = namespace or "/"
        self._namespace = namespace if namespace.startswith("/") else "/" + namespace
        self._overrides = dict(GRAPH.global_params) if use_global_arguments else {}
        self._overrides.update({p.name: p.value for p in parameter_overrides or []})
        self._parameters: dict[str, Parameter] = {}
        self._logger = RcutilsLogger(node_name)
        self._clock = Clock()
        self._publishers, self._subscriptions, self._services, self._timers = [], [], [], []
        self._destroyed = False
        GRAPH.nodes.append(self)
        self.declare_parameter("use_sim_time", False)

    # -- names ---------------------------------------------------------------------------
    def get_name(self) -> str:
        return self._name

    def get_namespace(self) -> str:
        return self._namespace

    def get_fully_qualified_name(self) -> str:
        return self._namespace.rstrip("/") + "/" + self._name

    def _expand(self, name: str) -> str:
        if name.startswith("~"):
            return self.get_fully_qualified_name() + name[1:]
        if name.startswith("/"):
            return name
        return self._namespace.rstrip("/") + "/" + name

    def resolve_topic_name(self, topic: str, *, only_expand: bool = False) -> str:
        expanded = self._expand(topic)
        if not only_expand:
            for source, target in GRAPH.remaps:
                if self._expand(source) == expanded:
                    return self._expand(target)
        return expanded

    # -- entities ------------------------------------------------------------------------
    def create_publisher(self, msg_type, topic: str, qos_profile, **kwargs) -> Publisher:
        publisher = Publisher(msg_type, self.resolve_topic_name(topic), _as_qos(qos_profile))
        self._publishers.append(publisher)
        return publisher

    def create_subscription(self, msg_type, topic: str, callback, qos_profile, **kwargs) -> Subscription:
        subscription = Subscription(msg_type, self.resolve_topic_name(topic), callback, _as_qos(qos_profile))
        self._subscriptions.append(subscription)
        return subscription

    def create_service(self, srv_type, srv_name: str, callback, **kwargs) -> Service:
        service = Service(srv_type, self.resolve_topic_name(srv_name), callback)
        self._services.append(service)
        return service

    def create_timer(self, timer_period_sec: float, callback, callback_group=None, clock=None) -> Timer:
        timer = Timer(timer_period_sec, callback)
        self._timers.append(timer)
        return timer

    def destroy_node(self) -> None:
        self._publishers, self._subscriptions, self._services, self._timers = [], [], [], []
        if self in GRAPH.nodes:
            GRAPH.nodes.remove(self)
        self._destroyed = True

    # -- parameters ----------------------------------------------------------------------
    def declare_parameter(self, name: str, value=None, descriptor=None, ignore_override: bool = False) -> Parameter:
        from rcl_interfaces.msg import ParameterDescriptor

        if name in self._parameters:
            raise ParameterAlreadyDeclaredException([name])
        descriptor = descriptor or ParameterDescriptor()
        chosen = self._overrides[name] if name in self._overrides and not ignore_override else value
        parameter = Parameter(name, value=chosen)
        expected = Parameter.Type.from_parameter_value(value)
        if not descriptor.dynamic_typing and value is not None and parameter.type_ != expected:
            raise InvalidParameterTypeException(parameter, expected.name)
        self._parameters[name] = parameter
        return parameter

    def get_parameter(self, name: str) -> Parameter:
        if name not in self._parameters:
            raise ParameterNotDeclaredException([name])
        return self._parameters[name]

    def has_parameter(self, name: str) -> bool:
        return name in self._parameters

    # -- logging and time ----------------------------------------------------------------
    def get_logger(self) -> RcutilsLogger:
        return self._logger

    def get_clock(self) -> Clock:
        return self._clock
