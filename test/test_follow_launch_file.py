"""follow.launch.py evaluated against the launch stand-in: arguments, nodes, parameters and remappings."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


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


def evaluate(module, **arguments):
    """The Node actions the description starts for ``arguments`` (others at their defaults)."""
    from launch import LaunchContext
    from launch.actions import OpaqueFunction

    description = module.generate_launch_description()
    context = LaunchContext()
    for argument in description.get_launch_arguments():
        default = "".join(s.perform(context) for s in argument.default_value)
        context.launch_configurations[argument.name] = arguments.pop(argument.name, default)
    assert not arguments, f"undeclared launch arguments {arguments}"
    (setup,) = [e for e in description.entities if isinstance(e, OpaqueFunction)]
    return {node.node_executable: node for node in setup.execute(context)}


def test_declares_the_documented_arguments_with_defaults(launch_file):
    module, installed_config = launch_file
    description = module.generate_launch_description()
    defaults = {a.name: "".join(s.text for s in a.default_value) for a in description.get_launch_arguments()}
    assert defaults == {
        "namespace": "", "image_topic": "camera/image_raw", "model_path": "", "device": "auto",
        "use_follower": "true", "params_file": str(installed_config), "frames": "",
    }


def test_default_launch_starts_segmentation_and_follower(launch_file):
    module, installed_config = launch_file
    nodes = evaluate(module)
    assert set(nodes) == {"segmentation_node", "follower_node"}
    seg = nodes["segmentation_node"].standin_kwargs
    assert nodes["segmentation_node"].node_package == "follow_me_seg"
    assert seg["parameters"] == [str(installed_config), {"model_path": "", "device": "auto"}]
    assert ("image", "camera/image_raw") in seg["remappings"]
    assert ("camera_info", "camera/camera_info") in seg["remappings"]
    follower = nodes["follower_node"].standin_kwargs
    assert follower["parameters"] == [str(installed_config)]
    assert ("target", "segmentation_node/target") in follower["remappings"]
    assert ("target_point", "segmentation_node/target_point") in follower["remappings"]


def test_arguments_reach_the_nodes(launch_file):
    module, _ = launch_file
    nodes = evaluate(module, namespace="drone1", image_topic="/sim/cam/image", model_path="/m.keras",
                     device="cpu", use_follower="false", params_file="/my.yaml", frames="/data/frames")
    assert set(nodes) == {"segmentation_node", "frame_source"}
    seg, source = nodes["segmentation_node"].standin_kwargs, nodes["frame_source"].standin_kwargs
    assert seg["namespace"] == source["namespace"] == "drone1"
    assert seg["parameters"] == ["/my.yaml", {"model_path": "/m.keras", "device": "cpu"}]
    assert ("image", "/sim/cam/image") in seg["remappings"]
    assert ("image/compressed", "/sim/cam/image/compressed") in seg["remappings"]
    assert source["parameters"] == ["/my.yaml", {"source": "/data/frames"}]
    assert ("image", "/sim/cam/image") in source["remappings"]
    assert ("camera_info", "/sim/cam/camera_info") in source["remappings"]


def test_bad_flag_is_rejected(launch_file):
    module, _ = launch_file
    with pytest.raises(ValueError, match="use_follower must be true or false, got 'maybe'"):
        evaluate(module, use_follower="maybe")
