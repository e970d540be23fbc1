from rosidl_standin import Fixed, Message
from std_msgs.msg import Header


class Vector3(Message):
    FIELDS = {"x": "float64", "y": "float64", "z": "float64"}


class Twist(Message):
    FIELDS = {"linear": Vector3, "angular": Vector3}


class TwistStamped(Message):
    FIELDS = {"header": Header, "twist": Twist}


class Point(Message):
    FIELDS = {"x": "float64", "y": "float64", "z": "float64"}


class PointStamped(Message):
    FIELDS = {"header": Header, "point": Point}


class Quaternion(Message):
    FIELDS = {"x": "float64", "y": "float64", "z": "float64", "w": "float64"}

    def __init__(self, **kwargs):
        kwargs.setdefault("w", 1.0)  # as in geometry_msgs/Quaternion: float64 w 1
        super().__init__(**kwargs)


class Pose(Message):
    FIELDS = {"position": Point, "orientation": Quaternion}


class PoseWithCovariance(Message):
    FIELDS = {"pose": Pose, "covariance": Fixed("float64", 36)}


class PoseStamped(Message):
    FIELDS = {"header": Header, "pose": Pose}
