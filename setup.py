"""ament_python package setup: ``colcon build`` under ROS 2, or ``pip install -e .`` without it."""

from glob import glob

from setuptools import find_packages, setup

PACKAGE = "follow_me_seg"

setup(
    name=PACKAGE,
    version="0.1.0",
    packages=find_packages(exclude=["test", "test.*"]),
    package_data={PACKAGE: ["models/*.keras", "models/*.tflite", "models/*.xml", "models/*.bin", "models/*.json",
                            "demo_frames/images/*.jpeg", "demo_frames/masks/*.png", "demo_frames/LICENSE",
                            "demo_frames/README.md",
                            "sim/sprites/LICENSE", "sim/sprites/sources.csv", "sim/sprites/*/*.png",
                            "sim/sprites/*/*.jpg"]},
    data_files=[
        ("share/ament_index/resource_index/packages", [f"resource/{PACKAGE}"]),
        (f"share/{PACKAGE}", ["package.xml"]),
        (f"share/{PACKAGE}/launch", glob("launch/*.launch.py")),
        (f"share/{PACKAGE}/config", glob("config/*.yaml")),
    ],
    python_requires=">=3.10",
    # NumPy stays below 2: ROS 2 binaries such as cv_bridge are built against 1.x. LiteRT runs the shipped
    # model (infer, the nodes); TensorFlow (training, evaluation, export, the tensorflow backend) is the tf extra.
    install_requires=["setuptools", "numpy>=1.26,<2", "opencv-python-headless>=4.8", "pillow>=9.1", "pyyaml>=6",
                      "tqdm>=4.60", "matplotlib>=3.7", "ai-edge-litert==2.3.0"],
    extras_require={"tf": ["tensorflow>=2.16,<2.22", "tensorboard>=2.16,<2.22"], "openvino": ["openvino>=2024.0"],
                    "test": ["pytest>=7.4,<9", "catkin-pkg>=1.0"]},
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
            "bench = follow_me_seg.cli.bench:entry",
            "simulate = follow_me_seg.cli.simulate:entry",
            "make_sprites = follow_me_seg.cli.make_sprites:entry",
            "segmentation_node = follow_me_seg.nodes.segmentation_node:main",
            "follower_node = follow_me_seg.nodes.follower_node:main",
            "frame_source = follow_me_seg.nodes.frame_source_node:main",
            "sim_bridge = follow_me_seg.nodes.sim_bridge_node:main",
        ],
    },
)
