"""Stand-in for the ROS 2 interface package diagnostic_msgs (only the types follow_me_seg uses)."""
