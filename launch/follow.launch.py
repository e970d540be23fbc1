"""Bring up the follow-me pipeline: segmentation_node, follower_node and, on request, frame_source or the simulator.

    ros2 launch follow_me_seg follow.launch.py image_topic:=/camera/image_raw
    ros2 launch follow_me_seg follow.launch.py frames:=/path/to/images device:=cpu
    ros2 launch follow_me_seg follow.launch.py sim:=true scenario:=straight

Every node parameter lives in params_file (default: the installed config/follow_me.yaml);
the arguments below override the few that depend on the wiring. The two managed nodes
configure and activate themselves (``autostart``). If one of them dies, the launch stops
everything (the follower sends a zero command on its way out) and exits non-zero, unless
``respawn:=true`` restarts it after ``respawn_delay`` seconds.
"""

import os

from ament_index_python.packages import get_package_share_directory
from launch.actions import DeclareLaunchArgument, IncludeLaunchDescription, OpaqueFunction, RegisterEventHandler
from launch.event_handlers import OnProcessExit
from launch.launch_description_sources import PythonLaunchDescriptionSource
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import LifecycleNode, Node

from launch import LaunchDescription

PACKAGE = "follow_me_seg"
SHARE = get_package_share_directory(PACKAGE)
ARGUMENTS = {
    "namespace": ("", "namespace of all nodes and of their relative topics"),
    "image_topic": ("camera/image_raw", "camera image topic (image/compressed is taken beside it)"),
    "camera_info_topic": ("", "camera_info topic; empty: camera_info beside image_topic, as image_transport does"),
    "depth_topic": ("", "depth image topic (32FC1 m or 16UC1 mm) for ~/target_point; empty: depth beside "
                        "image_topic (the simulator's camera/depth)"),
    "image_qos": ("", "sensor_data, reliable or system_default; empty: the params_file value"),
    "image_transport": ("", "raw or compressed; empty: the params_file value"),
    "model_path": ("", "Keras model; empty uses the model shipped with the package"),
    "device": ("auto", "auto, cpu or gpu"),
    "use_follower": ("true", "also start follower_node (publishes cmd_vel)"),
    "use_sim_time": ("false", "every node uses /clock"),
    "autostart": ("true", "the managed nodes configure and activate themselves; false waits for "
                          "`ros2 lifecycle set`"),
    "respawn": ("false", "restart a managed node that died instead of stopping the launch"),
    "respawn_delay": ("2.0", "seconds before a respawn"),
    "params_file": (os.path.join(SHARE, "config", "follow_me.yaml"), "YAML file with every node parameter"),
    "frames": ("", "folder of images or a video file: when set, frame_source publishes it on image_topic"),
    "sim": ("false", "also start the simulator bridge (launch/sim_bridge.launch.py)"),
    "scenario": ("straight", "simulator scenario, with sim:=true"),
}


def _flag(name: str, text: str) -> bool:
    if text.lower() in ("true", "1"):
        return True
    if text.lower() in ("false", "0"):
        return False
    raise ValueError(f"launch argument {name} must be true or false, got {text!r}")


def _seconds(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise ValueError(f"launch argument {name} must be a number of seconds >= 0, got {text!r}")
    return value


def _stop_the_launch(event, context):
    """A managed node died while the launch was running: fail the launch (non-zero exit, everything stopped)."""
    if context.is_shutdown:
        return None
    raise RuntimeError(f"{event.process_name} exited with code {event.returncode}; stopping the launch")


def _beside(image_topic: str, name: str) -> str:
    """The topic ``name`` in the image topic's namespace (camera/image_raw -> camera/<name>)."""
    return f"{image_topic.rsplit('/', 1)[0]}/{name}" if "/" in image_topic else name


def _sim_bridge(arg: dict):
    path = os.path.join(SHARE, "launch", "sim_bridge.launch.py")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"sim:=true needs the simulator bridge launch file, not installed: {path}")
    return IncludeLaunchDescription(PythonLaunchDescriptionSource(path), launch_arguments=[
        ("scenario", arg["scenario"]), ("use_sim_time", arg["use_sim_time"]), ("namespace", arg["namespace"])])


def _nodes(context):
    arg = {name: LaunchConfiguration(name).perform(context) for name in ARGUMENTS}
    image_topic = arg["image_topic"]
    camera_info = arg["camera_info_topic"] or _beside(image_topic, "camera_info")
    depth = arg["depth_topic"] or _beside(image_topic, "depth")
    common = {"package": PACKAGE, "namespace": arg["namespace"], "output": "screen"}
    shared = {"use_sim_time": _flag("use_sim_time", arg["use_sim_time"])}
    managed = {**shared, "autostart": _flag("autostart", arg["autostart"])}
    respawn = _flag("respawn", arg["respawn"])
    restart = {"respawn": True, "respawn_delay": _seconds("respawn_delay", arg["respawn_delay"])} if respawn else {}
    wiring = {name: arg[name] for name in ("image_qos", "image_transport") if arg[name]}
    overrides = {**managed, **wiring, "model_path": arg["model_path"], "device": arg["device"]}
    segmentation = LifecycleNode(
        executable="segmentation_node", name="segmentation_node", **common, **restart,
        parameters=[arg["params_file"], overrides],
        remappings=[("image", image_topic), ("image/compressed", f"{image_topic}/compressed"),
                    ("camera_info", camera_info), ("depth", depth)],
    )
    actions = [segmentation]
    if _flag("use_follower", arg["use_follower"]):
        actions.append(LifecycleNode(
            executable="follower_node", name="follower_node", **common, **restart,
            parameters=[arg["params_file"], managed],
            remappings=[("target", "segmentation_node/target"), ("target_point", "segmentation_node/target_point"),
                        ("target_mask", "segmentation_node/target_mask"), ("camera_info", camera_info)],
        ))
    if not respawn:
        actions += [RegisterEventHandler(OnProcessExit(target_action=node, on_exit=_stop_the_launch))
                    for node in list(actions)]
    if arg["frames"]:
        actions.append(Node(
            executable="frame_source", name="frame_source", **common,
            parameters=[arg["params_file"], {**shared, "source": arg["frames"]}],
            remappings=[("image", image_topic), ("camera_info", camera_info)],
        ))
    if _flag("sim", arg["sim"]):
        actions.append(_sim_bridge(arg))
    return actions


def generate_launch_description():
    return LaunchDescription(
        [DeclareLaunchArgument(name, default_value=default, description=text)
         for name, (default, text) in ARGUMENTS.items()]
        + [OpaqueFunction(function=_nodes)]
    )
