"""rclpy wiring shared by the nodes: QoS profiles by name, live parameters, the main loop."""

from __future__ import annotations

import signal
import sys
from typing import Any, Callable, Sequence

import rclpy
from builtin_interfaces.msg import Time
from rcl_interfaces.msg import FloatingPointRange, IntegerRange, ParameterDescriptor, ParameterType, SetParametersResult
from rclpy.exceptions import ParameterException
from rclpy.executors import ExternalShutdownException
from rclpy.lifecycle import LifecycleNode, TransitionCallbackReturn
from rclpy.logging import get_logger
from rclpy.node import Node
from rclpy.qos import DurabilityPolicy, HistoryPolicy, QoSProfile, ReliabilityPolicy
from rclpy.signals import SignalHandlerOptions

from follow_me_seg.core.errors import FollowMeError
from follow_me_seg.core.param_checks import OneOf, Range
from follow_me_seg.core.param_spec import ParamError, ParamSpec, update_params, validate_params

_RELIABILITY = {
    "sensor_data": ReliabilityPolicy.BEST_EFFORT,
    "reliable": ReliabilityPolicy.RELIABLE,
    "system_default": ReliabilityPolicy.SYSTEM_DEFAULT,
}
_TYPES = {bool: ParameterType.PARAMETER_BOOL, int: ParameterType.PARAMETER_INTEGER,
          float: ParameterType.PARAMETER_DOUBLE, str: ParameterType.PARAMETER_STRING}
SUCCESS, FAILURE = TransitionCallbackReturn.SUCCESS, TransitionCallbackReturn.FAILURE


def named_qos(name: str, depth: int = 1) -> QoSProfile:
    """``sensor_data`` (best effort), ``reliable`` or ``system_default`` reliability, keep-last ``depth``."""
    return QoSProfile(
        history=HistoryPolicy.KEEP_LAST,
        depth=depth,
        reliability=_RELIABILITY[name],
        durability=DurabilityPolicy.SYSTEM_DEFAULT if name == "system_default" else DurabilityPolicy.VOLATILE,
    )


def descriptor(spec: ParamSpec) -> ParameterDescriptor:
    """The spec as a statically typed ParameterDescriptor, with its range, choices and read-only flag."""
    described = ParameterDescriptor(name=spec.name, type=_TYPES[type(spec.default)], description=spec.description,
                                    read_only=spec.read_only)
    check = spec.check
    if isinstance(check, Range) and isinstance(spec.default, float):
        described.floating_point_range = [FloatingPointRange(from_value=float(check.low), to_value=float(check.high),
                                                             step=0.0)]
    elif isinstance(check, Range):
        described.integer_range = [IntegerRange(from_value=int(check.low), to_value=int(check.high), step=check.step)]
    elif isinstance(check, OneOf):
        described.additional_constraints = check.constraints
    return described


class LiveParameters:
    """A node's parameters: declared typed with descriptors, validated, and kept live.

    Every ``ros2 param set`` (or ``Node.set_parameters``) is checked like at start-up; a bad
    value is rejected with its reason and the old one stays in force; a good one is handed
    to ``on_change`` (which may still reject it by raising ParamError) and then read here.
    """

    def __init__(self, node: Node, specs: Sequence[ParamSpec], on_change: Callable[[dict], None] | None = None):
        self._specs, self._on_change = tuple(specs), on_change
        values = {}
        for spec in specs:
            try:
                values[spec.name] = node.declare_parameter(spec.name, spec.default, descriptor(spec)).value
            except ParameterException as err:
                raise ParamError(f"parameter {spec.name}: {err}") from None
        self.values = validate_params(specs, values)
        node.add_on_set_parameters_callback(self._on_set)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def _on_set(self, parameters: list) -> SetParametersResult:
        try:
            values = update_params(self._specs, self.values, {p.name: p.value for p in parameters})
            if self._on_change is not None and values != self.values:
                self._on_change(values)
        except ParamError as err:
            return SetParametersResult(successful=False, reason=str(err))
        self.values = values
        return SetParametersResult(successful=True)


def stamp_seconds(stamp: Time) -> float:
    return stamp.sec + stamp.nanosec * 1e-9


def now_seconds(node: Node) -> float:
    return node.get_clock().now().nanoseconds * 1e-9


def restart_timer(node: Node, timer, period_s: float, callback: Callable[[], None]):
    """A new timer with ``period_s`` for ``callback``, replacing ``timer`` (None: there was none)."""
    if timer is not None:
        node.destroy_timer(timer)
    return node.create_timer(period_s, callback)


def transition(node: Node, step: Callable[[], None]) -> TransitionCallbackReturn:
    """Run one lifecycle step; on an error (bad model, bad parameter) log one line and return FAILURE.

    rclpy itself would turn an exception into ERROR without logging anything.
    """
    try:
        step()
    except FollowMeError as err:
        node.get_logger().error(str(err))
        return FAILURE
    except Exception as err:  # noqa: BLE001  (anything else a model load can raise)
        node.get_logger().error(f"{type(err).__name__}: {err}")
        return FAILURE
    return SUCCESS


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def run_node(node_type: Callable[[], Node], name: str, args: list[str] | None = None) -> None:
    """Init rclpy, build the node (configure and activate a lifecycle node when its ``autostart`` is
    true), spin it until Ctrl-C / SIGTERM, then clean up.

    rclpy's own signal handlers are off so that the node can still publish (a final zero
    command) in ``on_exit`` after Ctrl-C. A start-up error (a bad parameter, an unloadable
    model, a failed configure or activate) is logged as one line and the process exits 1.
    """
    rclpy.init(args=args, signal_handler_options=SignalHandlerOptions.NO)
    previous_sigterm = signal.signal(signal.SIGTERM, _interrupt)
    node = None
    code = 0
    try:
        node = node_type()
        if isinstance(node, LifecycleNode) and node.get_parameter("autostart").value:
            if node.trigger_configure() != SUCCESS or node.trigger_activate() != SUCCESS:
                code = 1  # the transition logged why
        if not code:
            rclpy.spin(node)
    except FollowMeError as err:
        get_logger(name).error(str(err))
        code = 1
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        if node is not None:
            if rclpy.ok():
                node.on_exit()
            node.destroy_node()
        if rclpy.ok():
            rclpy.shutdown()
        signal.signal(signal.SIGTERM, previous_sigterm)
    if code:
        sys.exit(code)
