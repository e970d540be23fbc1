"""Stand-in for the ROS 2 interface package geometry_msgs (only the types follow_me_seg uses)."""
