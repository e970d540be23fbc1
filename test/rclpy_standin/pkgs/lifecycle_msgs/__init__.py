"""Stand-in for the ROS 2 interface package lifecycle_msgs (only the types follow_me_seg uses)."""
