"""follow_me_seg: segment the hero in a drone camera feed and follow them."""

__version__ = "0.1.0"
