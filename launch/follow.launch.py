"""Bring up the follow-me pipeline: segmentation_node, follower_node and, on request, frame_source.

    ros2 launch follow_me_seg follow.launch.py image_topic:=/camera/image_raw
    ros2 launch follow_me_seg follow.launch.py frames:=/path/to/images device:=cpu

Every node parameter lives in params_file (default: the installed config/follow_me.yaml).
"""

import os

from ament_index_python.packages import get_package_share_directory
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, OpaqueFunction
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node

PACKAGE = "follow_me_seg"
ARGUMENTS = {
    "namespace": ("", "namespace of all nodes and of their relative topics"),
    "image_topic": ("camera/image_raw", "camera image topic (camera_info is taken from the same namespace)"),
    "model_path": ("", "Keras model; empty uses the model shipped with the package"),
    "device": ("auto", "auto, cpu or gpu"),
    "use_follower": ("true", "also start follower_node (publishes cmd_vel)"),
    "params_file": (os.path.join(get_package_share_directory(PACKAGE), "config", "follow_me.yaml"),
                    "YAML file with every node parameter"),
    "frames": ("", "folder of images or a video file: when set, frame_source publishes it on image_topic"),
}


def _flag(name: str, text: str) -> bool:
    if text.lower() in ("true", "1"):
        return True
    if text.lower() in ("false", "0"):
        return False
    raise ValueError(f"launch argument {name} must be true or false, got {text!r}")


def _nodes(context):
    arg = {name: LaunchConfiguration(name).perform(context) for name in ARGUMENTS}
    image_topic = arg["image_topic"]
    camera_info = f"{image_topic.rsplit('/', 1)[0]}/camera_info" if "/" in image_topic else "camera_info"
    common = {"package": PACKAGE, "namespace": arg["namespace"], "output": "screen"}
    nodes = [Node(
        executable="segmentation_node", name="segmentation_node", **common,
        parameters=[arg["params_file"], {"model_path": arg["model_path"], "device": arg["device"]}],
        remappings=[("image", image_topic), ("image/compressed", f"{image_topic}/compressed"),
                    ("camera_info", camera_info)],
    )]
    if _flag("use_follower", arg["use_follower"]):
        nodes.append(Node(
            executable="follower_node", name="follower_node", **common, parameters=[arg["params_file"]],
            remappings=[("target", "segmentation_node/target"), ("target_point", "segmentation_node/target_point"),
                        ("camera_info", camera_info)],
        ))
    if arg["frames"]:
        nodes.append(Node(
            executable="frame_source", name="frame_source", **common,
            parameters=[arg["params_file"], {"source": arg["frames"]}],
            remappings=[("image", image_topic), ("camera_info", camera_info)],
        ))
    return nodes


def generate_launch_description():
    return LaunchDescription(
        [DeclareLaunchArgument(name, default_value=default, description=text)
         for name, (default, text) in ARGUMENTS.items()]
        + [OpaqueFunction(function=_nodes)]
    )
