"""Stand-in for the ROS 2 interface package std_srvs (only the types follow_me_seg uses)."""
