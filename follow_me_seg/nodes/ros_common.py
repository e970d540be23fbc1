"""rclpy wiring shared by the nodes: QoS profiles by name, parameter declaration, the main loop."""

from __future__ import annotations

import signal
import sys
from typing import Any, Callable, Sequence

import rclpy
from builtin_interfaces.msg import Time
from rcl_interfaces.msg import ParameterDescriptor
from rclpy.executors import ExternalShutdownException
from rclpy.logging import get_logger
from rclpy.node import Node
from rclpy.qos import DurabilityPolicy, HistoryPolicy, QoSProfile, ReliabilityPolicy
from rclpy.signals import SignalHandlerOptions

from follow_me_seg.errors import FollowMeError
from follow_me_seg.node_params import ParamSpec, validate_params

_RELIABILITY = {
    "sensor_data": ReliabilityPolicy.BEST_EFFORT,
    "reliable": ReliabilityPolicy.RELIABLE,
    "system_default": ReliabilityPolicy.SYSTEM_DEFAULT,
}


def named_qos(name: str, depth: int = 1) -> QoSProfile:
    """``sensor_data`` (best effort), ``reliable`` or ``system_default`` reliability, keep-last ``depth``."""
    return QoSProfile(
        history=HistoryPolicy.KEEP_LAST,
        depth=depth,
        reliability=_RELIABILITY[name],
        durability=DurabilityPolicy.SYSTEM_DEFAULT if name == "system_default" else DurabilityPolicy.VOLATILE,
    )


def declare_parameters(node: Node, specs: Sequence[ParamSpec]) -> dict[str, Any]:
    """Declare every spec (dynamically typed, so validation can say what is wrong) and validate the values."""
    values = {}
    for spec in specs:
        descriptor = ParameterDescriptor(description=spec.description, dynamic_typing=True)
        values[spec.name] = node.declare_parameter(spec.name, spec.default, descriptor).value
    return validate_params(specs, values)


def stamp_seconds(stamp: Time) -> float:
    return stamp.sec + stamp.nanosec * 1e-9


def now_seconds(node: Node) -> float:
    return node.get_clock().now().nanoseconds * 1e-9


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def run_node(node_type: Callable[[], Node], name: str, args: list[str] | None = None) -> None:
    """Init rclpy, build and spin the node until Ctrl-C / SIGTERM, then clean up.

    rclpy's own signal handlers are off so that the node can still publish (a final zero
    command) in ``on_exit`` after Ctrl-C. A start-up error (a bad parameter, an unloadable
    model) is logged as one line and the process exits with status 1.
    """
    rclpy.init(args=args, signal_handler_options=SignalHandlerOptions.NO)
    previous_sigterm = signal.signal(signal.SIGTERM, _interrupt)
    node = None
    code = 0
    try:
        node = node_type()
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
