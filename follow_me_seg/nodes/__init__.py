"""ROS 2 nodes: thin wiring over the layers below. The ``*_node`` modules and ``ros_common`` are the
only modules of the package that import rclpy; the others here are ROS-free helpers:

* ``node_parameters``: every node's parameter table; ``sim_bridge_support``: the sim bridge's;
* ``image_messages``: sensor_msgs images to arrays and back, bounded and checked;
* ``frame_stats``, ``stamp_pairing``, ``callback_guard``: diagnostics, depth pairing by stamp, and
  callbacks that log instead of dying.
"""
