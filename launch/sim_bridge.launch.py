"""Start the built-in follow-me simulator (sim_bridge): a camera, depth and true poses on the graph.

    ros2 launch follow_me_seg sim_bridge.launch.py scenario:=zigzag seed:=3

It publishes camera/image_raw, camera/camera_info, camera/depth (32FC1, m), sim/drone_pose and
sim/hero_pose, and flies what it receives on cmd_vel. follow.launch.py includes this file for
``sim:=true``.
"""

from launch.actions import DeclareLaunchArgument, OpaqueFunction
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node

from follow_me_seg.sim.scenarios import SCENARIOS
from launch import LaunchDescription

PACKAGE = "follow_me_seg"
ARGUMENTS = {
    "scenario": ("straight", f"hero scenario: {', '.join(SCENARIOS)}"),
    "seed": ("0", "seed of every random choice of the episode (integer >= 0)"),
    "use_sim_time": ("false", "stamp with /clock time (true when another node publishes /clock)"),
}


def _bridge(context):
    arg = {name: LaunchConfiguration(name).perform(context) for name in ARGUMENTS}
    if arg["scenario"] not in SCENARIOS:
        raise ValueError(f"launch argument scenario must be one of {', '.join(SCENARIOS)}, got {arg['scenario']!r}")
    if not arg["seed"].isdigit():
        raise ValueError(f"launch argument seed must be an integer >= 0, got {arg['seed']!r}")
    if arg["use_sim_time"].lower() not in ("true", "false"):
        raise ValueError(f"launch argument use_sim_time must be true or false, got {arg['use_sim_time']!r}")
    parameters = {"scenario": arg["scenario"], "seed": int(arg["seed"]),
                  "use_sim_time": arg["use_sim_time"].lower() == "true"}
    return [Node(package=PACKAGE, executable="sim_bridge", name="sim_bridge", output="screen",
                 parameters=[parameters])]


def generate_launch_description():
    return LaunchDescription(
        [DeclareLaunchArgument(name, default_value=default, description=text)
         for name, (default, text) in ARGUMENTS.items()]
        + [OpaqueFunction(function=_bridge)]
    )
