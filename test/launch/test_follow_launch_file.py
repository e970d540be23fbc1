"""follow.launch.py evaluated against the launch stand-in: arguments, nodes, parameters and remappings."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def launch_file(ros_standin, tmp_path, monkeypatch):
    """The launch module, with follow_me_seg 'installed' in a fake ament prefix."""
    prefix = tmp_path / "install"
    index = prefix / "share" / "ament_index" / "resource_index" / "packages"
    index.mkdir(parents=True)
    (index / "follow_me_seg").write_text("")
    monkeypatch.setenv("AMENT_PREFIX_PATH", str(prefix))
    spec = importlib.util.spec_from_file_location("follow_launch", REPO / "launch" / "follow.launch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, prefix / "share" / "follow_me_seg" / "config" / "follow_me.yaml"


def actions(module, **arguments) -> list:
    """Every action the description's OpaqueFunction returns for ``arguments`` (others at their defaults)."""
    from launch.actions import OpaqueFunction

    from launch import LaunchContext

    description = module.generate_launch_description()
    context = LaunchContext()
    for argument in description.get_launch_arguments():
        default = "".join(s.perform(context) for s in argument.default_value)
        context.launch_configurations[argument.name] = arguments.pop(argument.name, default)
    assert not arguments, f"undeclared launch arguments {arguments}"
    (setup,) = [e for e in description.entities if isinstance(e, OpaqueFunction)]
    return setup.execute(context)


def evaluate(module, **arguments):
    """The Node actions the description starts for ``arguments``, by executable."""
    from launch_ros.actions import Node

    return {a.node_executable: a for a in actions(module, **arguments) if isinstance(a, Node)}


def exit_handlers(module, **arguments) -> dict:
    """The OnProcessExit handlers the description registers, by the executable they watch."""
    from launch.actions import RegisterEventHandler

    return {a.event_handler.target_action.node_executable: a.event_handler
            for a in actions(module, **arguments) if isinstance(a, RegisterEventHandler)}


def test_declares_the_documented_arguments_with_defaults(launch_file):
    module, installed_config = launch_file
    description = module.generate_launch_description()
    defaults = {a.name: "".join(s.text for s in a.default_value) for a in description.get_launch_arguments()}
    assert defaults == {
        "namespace": "", "image_topic": "camera/image_raw", "camera_info_topic": "", "depth_topic": "",
        "image_qos": "", "image_transport": "", "model_path": "", "device": "auto", "use_follower": "true",
        "use_sim_time": "false", "autostart": "true", "respawn": "false", "respawn_delay": "2.0",
        "params_file": str(installed_config), "frames": "", "sim": "false", "scenario": "straight",
    }


def test_default_launch_starts_segmentation_and_follower(launch_file):
    module, installed_config = launch_file
    nodes = evaluate(module)
    from launch_ros.actions import LifecycleNode

    assert set(nodes) == {"segmentation_node", "follower_node"}
    assert all(isinstance(node, LifecycleNode) for node in nodes.values())
    seg = nodes["segmentation_node"].standin_kwargs
    assert nodes["segmentation_node"].node_package == "follow_me_seg"
    assert seg["parameters"] == [str(installed_config), {"use_sim_time": False, "autostart": True, "model_path": "",
                                                         "device": "auto"}]
    assert ("image", "camera/image_raw") in seg["remappings"]
    assert ("camera_info", "camera/camera_info") in seg["remappings"]
    assert ("depth", "camera/depth") in seg["remappings"]  # beside the image, where sim_bridge publishes it
    assert "respawn" not in seg
    follower = nodes["follower_node"].standin_kwargs
    assert follower["parameters"] == [str(installed_config), {"use_sim_time": False, "autostart": True}]
    assert ("target", "segmentation_node/target") in follower["remappings"]
    assert ("target_point", "segmentation_node/target_point") in follower["remappings"]
    assert ("target_mask", "segmentation_node/target_mask") in follower["remappings"]


def test_arguments_reach_the_nodes(launch_file):
    module, _ = launch_file
    nodes = evaluate(module, namespace="drone1", image_topic="/sim/cam/image", model_path="/m.keras",
                     device="cpu", use_follower="false", params_file="/my.yaml", frames="/data/frames",
                     use_sim_time="true", autostart="false", image_qos="reliable", image_transport="compressed")
    assert set(nodes) == {"segmentation_node", "frame_source"}
    seg, source = nodes["segmentation_node"].standin_kwargs, nodes["frame_source"].standin_kwargs
    assert seg["namespace"] == source["namespace"] == "drone1"
    assert seg["parameters"] == ["/my.yaml", {"use_sim_time": True, "autostart": False, "image_qos": "reliable",
                                              "image_transport": "compressed", "model_path": "/m.keras",
                                              "device": "cpu"}]
    assert ("image", "/sim/cam/image") in seg["remappings"]
    assert ("image/compressed", "/sim/cam/image/compressed") in seg["remappings"]
    assert ("depth", "/sim/cam/depth") in seg["remappings"]
    assert source["parameters"] == ["/my.yaml", {"use_sim_time": True, "source": "/data/frames"}]
    assert ("image", "/sim/cam/image") in source["remappings"]
    assert ("camera_info", "/sim/cam/camera_info") in source["remappings"]


def test_depth_and_camera_info_topics(launch_file):
    module, _ = launch_file
    seg = evaluate(module, depth_topic="/cam/depth/image_rect", camera_info_topic="/cam/info")["segmentation_node"]
    assert ("depth", "/cam/depth/image_rect") in seg.standin_kwargs["remappings"]
    assert ("camera_info", "/cam/info") in seg.standin_kwargs["remappings"]


def test_a_dying_managed_node_fails_the_launch(launch_file):
    from launch.events.process import ProcessExited

    from launch import LaunchContext

    module, _ = launch_file
    handlers = exit_handlers(module)
    assert set(handlers) == {"segmentation_node", "follower_node"}
    context = LaunchContext()
    died = ProcessExited(returncode=1, action=handlers["segmentation_node"].target_action,
                         name="segmentation_node-1", cmd=["segmentation_node"])
    with pytest.raises(RuntimeError, match="segmentation_node-1 exited with code 1; stopping the launch"):
        handlers["segmentation_node"].handle(died, context)
    context._is_shutdown = True  # exits during a normal shutdown are expected
    assert handlers["segmentation_node"].handle(died, context) is None


def test_respawn_restarts_instead_of_failing(launch_file):
    module, _ = launch_file
    nodes = evaluate(module, respawn="true", respawn_delay="5")
    assert nodes["segmentation_node"].standin_kwargs["respawn"] is True
    assert nodes["follower_node"].standin_kwargs["respawn_delay"] == 5.0
    assert exit_handlers(module, respawn="true") == {}


def test_sim_includes_the_bridge_launch_file_or_says_it_is_missing(launch_file):
    from launch.actions import IncludeLaunchDescription

    module, installed_config = launch_file
    with pytest.raises(FileNotFoundError, match="sim:=true needs the simulator bridge launch file"):
        actions(module, sim="true")
    bridge = installed_config.parent.parent / "launch" / "sim_bridge.launch.py"
    bridge.parent.mkdir(parents=True)
    bridge.write_text("")
    (include,) = [a for a in actions(module, sim="true", scenario="crowd", use_sim_time="true")
                  if isinstance(a, IncludeLaunchDescription)]
    assert include.launch_description_source.location == str(bridge)
    assert ("scenario", "crowd") in include.launch_arguments and ("use_sim_time", "true") in include.launch_arguments


@pytest.mark.parametrize("argument, value, complaint", [
    ("use_follower", "maybe", "use_follower must be true or false, got 'maybe'"),
    ("use_sim_time", "yes", "use_sim_time must be true or false, got 'yes'"),
    ("respawn_delay", "-1", "respawn_delay must be a number of seconds >= 0, got '-1'"),
])
def test_bad_arguments_are_rejected(launch_file, argument, value, complaint):
    module, _ = launch_file
    with pytest.raises(ValueError, match=complaint):
        evaluate(module, respawn="true", **{argument: value})
