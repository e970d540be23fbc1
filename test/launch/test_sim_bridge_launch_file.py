"""sim_bridge.launch.py evaluated against the launch stand-in: arguments and the node it starts."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def launch_module(ros_standin):
    spec = importlib.util.spec_from_file_location("sim_bridge_launch", REPO / "launch" / "sim_bridge.launch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nodes(module, **arguments):
    from launch.actions import OpaqueFunction

    from launch import LaunchContext

    description = module.generate_launch_description()
    context = LaunchContext()
    for argument in description.get_launch_arguments():
        context.launch_configurations[argument.name] = arguments.pop(
            argument.name, "".join(s.text for s in argument.default_value))
    assert not arguments, f"undeclared launch arguments {arguments}"
    (setup,) = [e for e in description.entities if isinstance(e, OpaqueFunction)]
    return setup.execute(context)


def test_declares_scenario_seed_and_use_sim_time(launch_module):
    description = launch_module.generate_launch_description()
    defaults = {a.name: "".join(s.text for s in a.default_value) for a in description.get_launch_arguments()}
    assert defaults == {"scenario": "straight", "seed": "0", "use_sim_time": "false"}


def test_starts_sim_bridge_with_typed_parameters(launch_module):
    from follow_me_seg.sim.scenarios import SCENARIOS

    assert launch_module.SCENARIOS == SCENARIOS
    (node,) = nodes(launch_module, scenario="zigzag", seed="7", use_sim_time="true")
    assert (node.node_package, node.node_executable) == ("follow_me_seg", "sim_bridge")
    assert node.standin_kwargs["parameters"] == [{"scenario": "zigzag", "seed": 7, "use_sim_time": True}]
    (default,) = nodes(launch_module)
    assert default.standin_kwargs["parameters"] == [{"scenario": "straight", "seed": 0, "use_sim_time": False}]


@pytest.mark.parametrize("arguments, complaint", [
    ({"scenario": "moonwalk"}, "scenario must be one of"),
    ({"seed": "-1"}, "seed must be an integer"),
    ({"use_sim_time": "yes"}, "use_sim_time must be true or false"),
])
def test_bad_arguments_are_refused(launch_module, arguments, complaint):
    with pytest.raises(ValueError, match=complaint):
        nodes(launch_module, **arguments)


def test_setup_installs_the_sim_tools_and_sprites():
    text = (REPO / "setup.py").read_text()
    assert "sim_bridge = follow_me_seg.nodes.sim_bridge_node:main" in text
    assert "simulate = follow_me_seg.cli.simulate:entry" in text
    assert "sim/sprites/" in text
