"""Stand-in for the ROS 2 interface package builtin_interfaces (only the types follow_me_seg uses)."""
