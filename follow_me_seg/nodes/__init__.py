"""ROS 2 nodes (rclpy): thin wiring over the ROS-free modules of follow_me_seg."""
