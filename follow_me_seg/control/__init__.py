"""Control: the follow law (``law``) and its parameters as specs (``law_parameters``).

May import ``core`` and ``perception``. Free of ROS: the follower node only wires it.
"""
