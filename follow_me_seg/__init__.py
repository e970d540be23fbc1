"""follow_me_seg: segment the hero in a drone camera feed and follow them.

One package per layer; imports run down this list, never up it:

* ``core``: errors, classes, files, image decoding, parameter specs (imports nothing of the package);
* ``learning``: the network, data, training, scoring and calibration;
* ``perception``: from class probabilities to the hero's target, projection, overlays, frame sources;
* ``inference``: the engine that runs the network, its backends and the exports;
* ``control``: the follow law and its parameters;
* ``sim``: the ROS-free closed-loop simulator;
* ``nodes``: the ROS 2 nodes (the only modules that import rclpy) and their ROS-free helpers;
* ``cli``: every console tool.
"""

__version__ = "0.1.0"
