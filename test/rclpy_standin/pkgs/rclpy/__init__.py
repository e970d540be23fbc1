"""Stand-in for rclpy (Jazzy / Humble API subset): init/shutdown/ok/spin/spin_once/create_node.

Topics, services, timers and parameters live in a process-local graph (``rclpy._graph.GRAPH``)
driven by simulated time: spinning an idle node lets simulated time jump to its next timer.
"""

from __future__ import annotations

import yaml

from rclpy._graph import GRAPH

SPIN_LIMIT = 100_000


def _parse_ros_args(args) -> None:
    """The ``--ros-args -p name:=value -r from:=to`` part of ``args`` (values parsed as YAML, like rcl)."""
    GRAPH.global_params, GRAPH.remaps = {}, []
    args = list(args or [])
    if "--ros-args" not in args:
        return
    rest = args[args.index("--ros-args") + 1:]
    i = 0
    while i < len(rest) and rest[i] != "--":
        flag = rest[i]
        if flag in ("-p", "--param", "-r", "--remap"):
            key, sep, value = rest[i + 1].partition(":=")
            if not sep:
                raise ValueError(f"Couldn't parse {flag} argument '{rest[i + 1]}'")
            if flag in ("-p", "--param"):
                GRAPH.global_params[key] = yaml.safe_load(value)
            else:
                GRAPH.remaps.append((key, value))
            i += 2
        else:
            raise ValueError(f"stand-in: unsupported ROS argument {flag!r}")


def init(*, args=None, context=None, domain_id=None, signal_handler_options=None) -> None:
    if GRAPH.initialized:
        raise RuntimeError("Context.init() must only be called once")
    _parse_ros_args(args)
    GRAPH.signal_handler_options = signal_handler_options
    GRAPH.initialized = True


def ok(*, context=None) -> bool:
    return GRAPH.initialized


def shutdown(*, context=None, uninstall_handlers=None) -> None:
    if not GRAPH.initialized:
        raise RuntimeError("failed to shutdown: rcl_shutdown already called on the given context")
    GRAPH.initialized = False


def try_shutdown(*, context=None, uninstall_handlers=None) -> None:
    if GRAPH.initialized:
        shutdown()


def create_node(node_name: str, **kwargs):
    from rclpy.node import Node

    return Node(node_name, **kwargs)


def spin_once(node, *, executor=None, timeout_sec=None) -> None:
    """Run one ready callback; if none is ready, let simulated time pass (up to ``timeout_sec``) and retry."""
    if GRAPH.run_one(node):
        return
    deadline = GRAPH.next_deadline_ns(node)
    if deadline is None and timeout_sec is None:
        raise RuntimeError("stand-in: spin_once would block forever (no timers, nothing to do)")
    wait_ns = max(0, deadline - GRAPH.now_ns) if deadline is not None else int(timeout_sec * 1e9)
    if timeout_sec is not None:
        wait_ns = min(wait_ns, int(timeout_sec * 1e9))
    GRAPH.now_ns += wait_ns
    GRAPH.run_one(node)


def spin(node, executor=None) -> None:
    """Spin until shutdown; ``GRAPH.spin_hooks`` run on each iteration (tests inject work or Ctrl-C there)."""
    from rclpy.executors import ExternalShutdownException

    for _ in range(SPIN_LIMIT):
        if not GRAPH.initialized:
            raise ExternalShutdownException()
        for hook in list(GRAPH.spin_hooks):
            hook()
        spin_once(node)
    raise RuntimeError("stand-in: spin ran too long (no spin hook ended it)")
