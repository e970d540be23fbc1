"""rclpy.node.Node with publishers, subscriptions, services, timers, parameters, logger and clock."""

from __future__ import annotations

import math

from rclpy._graph import GRAPH, matches, new_queue
from rclpy.clock import Clock
from rclpy.exceptions import (
    InvalidParameterTypeException,
    InvalidParameterValueException,
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
        self._descriptors: dict = {}
        self._on_set_parameters_callbacks: list = []
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
    def create_publisher(self, msg_type, topic: str, qos_profile, *, publisher_class=None, **kwargs) -> Publisher:
        publisher = (publisher_class or Publisher)(msg_type, self.resolve_topic_name(topic), _as_qos(qos_profile))
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

    def destroy_publisher(self, publisher) -> bool:
        return self._remove(self._publishers, publisher)

    def destroy_subscription(self, subscription) -> bool:
        return self._remove(self._subscriptions, subscription)

    def destroy_timer(self, timer) -> bool:
        timer.cancel()
        return self._remove(self._timers, timer)

    @staticmethod
    def _remove(entities: list, entity) -> bool:
        if entity in entities:
            entities.remove(entity)
            return True
        return False

    def destroy_node(self) -> None:
        self._publishers, self._subscriptions, self._services, self._timers = [], [], [], []
        if self in GRAPH.nodes:
            GRAPH.nodes.remove(self)
        self._destroyed = True

    # -- parameters (rclpy.node.Node's declare / set / descriptor semantics) --------------
    PARAM_REL_TOL = 1e-6

    def declare_parameter(self, name: str, value=None, descriptor=None, ignore_override: bool = False) -> Parameter:
        from rcl_interfaces.msg import ParameterDescriptor

        if name in self._parameters:
            raise ParameterAlreadyDeclaredException([name])
        descriptor = descriptor or ParameterDescriptor()
        if not descriptor.dynamic_typing:
            descriptor.type = Parameter.Type.from_parameter_value(value).value
            if descriptor.type == Parameter.Type.NOT_SET.value:
                raise ValueError("Cannot declare a statically typed parameter with default value of type "
                                 "PARAMETER_NOT_SET")
        chosen = self._overrides[name] if name in self._overrides and not ignore_override else value
        parameter = Parameter(name, value=chosen)
        result = self._set_atomically([parameter], {name: descriptor})
        if not result.successful:
            if result.reason.startswith("Wrong parameter type"):
                raise InvalidParameterTypeException(parameter, Parameter.Type(descriptor.type).name)
            raise InvalidParameterValueException(name, chosen, result.reason)
        return self._parameters[name]

    def get_parameter(self, name: str) -> Parameter:
        if name not in self._parameters:
            raise ParameterNotDeclaredException([name])
        return self._parameters[name]

    def has_parameter(self, name: str) -> bool:
        return name in self._parameters

    def describe_parameter(self, name: str):
        if name not in self._descriptors:
            raise ParameterNotDeclaredException(name)
        return self._descriptors[name]

    def add_on_set_parameters_callback(self, callback) -> None:
        self._on_set_parameters_callbacks.insert(0, callback)

    def remove_on_set_parameters_callback(self, callback) -> None:
        self._on_set_parameters_callbacks.remove(callback)

    def set_parameters(self, parameter_list) -> list:
        """One SetParametersResult per parameter, each set on its own (as rclpy and ``ros2 param set``)."""
        undeclared = [p.name for p in parameter_list if p.name not in self._parameters]
        if undeclared:
            raise ParameterNotDeclaredException(undeclared)
        return [self._set_atomically([parameter]) for parameter in parameter_list]

    def _set_atomically(self, parameter_list, descriptors=None):
        from rcl_interfaces.msg import SetParametersResult

        for parameter in parameter_list:
            descriptor = (descriptors or self._descriptors)[parameter.name]
            result = self._apply_descriptor(parameter, descriptor, check_read_only=descriptors is None)
            if not result.successful:
                return result
        for callback in self._on_set_parameters_callbacks:
            result = callback(parameter_list)
            if not result.successful:
                return result
        for parameter in parameter_list:
            if descriptors is not None:
                self._descriptors[parameter.name] = descriptors[parameter.name]
            self._parameters[parameter.name] = parameter
        return SetParametersResult(successful=True)

    def _apply_descriptor(self, parameter, descriptor, check_read_only: bool):
        from rcl_interfaces.msg import SetParametersResult

        descriptor.name = parameter.name
        if check_read_only and descriptor.read_only:
            return SetParametersResult(successful=False,
                                       reason=f"Trying to set a read-only parameter: {parameter.name}.")
        if descriptor.dynamic_typing:
            descriptor.type = parameter.type_.value
        elif parameter.type_ != Parameter.Type.NOT_SET and parameter.type_.value != descriptor.type:
            return SetParametersResult(successful=False, reason=(
                f"Wrong parameter type, expected '{Parameter.Type(descriptor.type)}' got '{parameter.type_}'"))
        if parameter.type_ == Parameter.Type.INTEGER and descriptor.integer_range:
            return self._in_range(parameter, descriptor.integer_range[0], lambda a, b: a == b)
        if parameter.type_ == Parameter.Type.DOUBLE and descriptor.floating_point_range:
            return self._in_range(parameter, descriptor.floating_point_range[0],
                                  lambda a, b: math.isclose(a, b, rel_tol=self.PARAM_REL_TOL))
        return SetParametersResult(successful=True)

    def _in_range(self, parameter, value_range, same):
        """rclpy's _apply_integer_range / _apply_floating_point_range: edges always pass, then bounds and step."""
        from rcl_interfaces.msg import SetParametersResult

        low = min(value_range.from_value, value_range.to_value)
        high = max(value_range.from_value, value_range.to_value)
        value = parameter.value
        if same(value, low) or same(value, high):
            return SetParametersResult(successful=True)
        if not low < value < high:
            return SetParametersResult(successful=False, reason=(
                f"Parameter {parameter.name} out of range. Min: {low}, Max: {high}, value: {value}"))
        if value_range.step != 0 and not same(low + round((value - low) / value_range.step) * value_range.step,
                                              value):
            return SetParametersResult(successful=False, reason=(
                f"The parameter value for {parameter.name} is not a valid step. Min: {low}, max: {high}, "
                f"value: {value}, step: {value_range.step}"))
        return SetParametersResult(successful=True)

    # -- logging and time ----------------------------------------------------------------
    def get_logger(self) -> RcutilsLogger:
        return self._logger

    def get_clock(self) -> Clock:
        return self._clock
