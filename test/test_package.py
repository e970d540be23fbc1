"""The ament_python package metadata: package.xml parses, entry points and data files are declared."""

import configparser
import re
from pathlib import Path

from catkin_pkg.package import parse_package

REPO = Path(__file__).resolve().parents[1]
TOOLS = ("train", "evaluate", "preprocess", "infer")
NODES = ("segmentation_node", "follower_node", "frame_source")


def test_package_xml_parses_with_catkin_pkg():
    package = parse_package(str(REPO / "package.xml"))
    assert package.name == "follow_me_seg"
    assert package.package_format == 3
    assert package.get_build_type() == "ament_python"
    run_deps = {d.name for d in package.exec_depends}
    for dep in ("rclpy", "sensor_msgs", "geometry_msgs", "vision_msgs", "std_msgs", "std_srvs",
                "diagnostic_msgs", "cv_bridge", "launch", "launch_ros", "lifecycle_msgs", "rcl_interfaces",
                "ros2launch", "python3-numpy", "python3-opencv"):
        assert dep in run_deps, dep


def test_version_matches_setup_py():
    package = parse_package(str(REPO / "package.xml"))
    assert f'version="{package.version}"' in (REPO / "setup.py").read_text()


def test_resource_marker_and_setup_cfg():
    assert (REPO / "resource" / "follow_me_seg").is_file()
    cfg = configparser.ConfigParser()
    cfg.read(REPO / "setup.cfg")
    assert cfg["develop"]["script_dir"] == "$base/lib/follow_me_seg"
    assert cfg["install"]["install_scripts"] == "$base/lib/follow_me_seg"


def test_console_scripts_point_at_real_functions():
    import importlib

    setup = (REPO / "setup.py").read_text()
    scripts = dict(re.findall(r'"(\w+) = ([\w.]+:\w+)"', setup))
    for name in TOOLS + NODES:
        assert name in scripts, name
    for name, target in scripts.items():
        module, func = target.split(":")
        if module.startswith("follow_me_seg.nodes"):
            continue  # node modules import rclpy lazily; their wiring has its own tests
        assert callable(getattr(importlib.import_module(module), func)), name


def test_requirements_ros_hold_what_pip_adds_to_rosdep_with_the_pins_ros_needs():
    lines = [line.split("#")[0].strip() for line in (REPO / "requirements-ros.txt").read_text().splitlines()]
    pins = dict(re.match(r"([\w-]+)(.*)", line).groups() for line in lines if line)
    assert set(pins) == {"numpy", "tensorflow", "tensorboard", "ai-edge-litert", "pytest"}
    assert "<2" in pins["numpy"] and "<9" in pins["pytest"]


def test_demo_frames_ship_in_the_package_with_their_licence():
    frames = REPO / "follow_me_seg" / "demo_frames"
    images = sorted((frames / "images").glob("*.jpeg"))
    assert 15 <= len(images) <= 25
    assert len(list((frames / "masks").glob("*.png"))) == len(images)
    assert "MIT License" in (frames / "LICENSE").read_text()
    readme = (frames / "README.md").read_text()
    assert all(image.stem in readme for image in images)  # each frame's provenance is listed
    setup = (REPO / "setup.py").read_text()
    assert '"demo_frames/images/*.jpeg", "demo_frames/masks/*.png", "demo_frames/LICENSE"' in setup
    assert "IMAGES ?= $(DEMO_FRAMES)/images" in (REPO / "Makefile").read_text()
