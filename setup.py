"""ament_python package setup: ``colcon build`` under ROS 2, or ``pip install -e .`` without it."""

from glob import glob

from setuptools import find_packages, setup

PACKAGE = "follow_me_seg"

setup(
    name=PACKAGE,
    version="0.1.0",
    packages=find_packages(exclude=["test", "test.*"]),
    package_data={PACKAGE: ["models/*.keras", "models/*.tflite", "models/*.xml", "models/*.bin", "models/*.json",
                            "demo_frames/*.jpeg", "demo_frames/LICENSE", "demo_frames/README.md",
                            "sim/sprites/LICENSE", "sim/sprites/sources.csv", "sim/sprites/*/*.png",
                            "sim/sprites/*/*.jpg"]},
    data_files=[
        ("share/ament_index/resource_index/packages", [f"resource/{PACKAGE}"]),
        (f"share/{PACKAGE}", ["package.xml"]),
        (f"share/{PACKAGE}/launch", glob("launch/*.launch.py")),
        (f"share/{PACKAGE}/config", glob("config/*.yaml")),
    ],
    python_requires=">=3.10",
    install_requires=["setuptools", "numpy>=1.26", "opencv-python-headless", "pillow>=9.1", "pyyaml", "tqdm",
                      "matplotlib"],
    extras_require={"tf": ["tensorflow>=2.16", "tensorboard"], "openvino": ["openvino>=2024.0"], "test": ["pytest", "catkin-pkg"]},
    zip_safe=False,
    maintainer="follow_me_seg maintainers",
    maintainer_email="maintainers@follow-me-seg.invalid",
    description="Segment and follow the hero from a drone camera (ROS 2 + Keras).",
    license="MIT",
    tests_require=["pytest"],
    entry_points={
        "console_scripts": [
            "train = follow_me_seg.cli.train:entry",
            "evaluate = follow_me_seg.cli.evaluate:entry",
            "calibrate = follow_me_seg.cli.calibrate:entry",
            "preprocess = follow_me_seg.cli.preprocess:entry",
            "infer = follow_me_seg.cli.infer:entry",
            "export = follow_me_seg.cli.export:entry",
            "bench = follow_me_seg.inference.bench:entry",
            "simulate = follow_me_seg.cli.simulate:entry",
            "make_sprites = follow_me_seg.cli.make_sprites:entry",
            "segmentation_node = follow_me_seg.nodes.segmentation_node:main",
            "follower_node = follow_me_seg.nodes.follower_node:main",
            "frame_source = follow_me_seg.nodes.frame_source_node:main",
            "sim_bridge = follow_me_seg.nodes.sim_bridge_node:main",
        ],
    },
)
