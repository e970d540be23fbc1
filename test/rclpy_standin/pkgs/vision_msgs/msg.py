"""vision_msgs 4.x (Humble, Jazzy): BoundingBox2D.center is vision_msgs/Pose2D with a Point2D position."""

from geometry_msgs.msg import PoseWithCovariance
from rosidl_standin import Message, Seq
from std_msgs.msg import Header


class Point2D(Message):
    FIELDS = {"x": "float64", "y": "float64"}


class Pose2D(Message):
    FIELDS = {"position": Point2D, "theta": "float64"}


class BoundingBox2D(Message):
    FIELDS = {"center": Pose2D, "size_x": "float64", "size_y": "float64"}


class ObjectHypothesis(Message):
    FIELDS = {"class_id": "string", "score": "float64"}


class ObjectHypothesisWithPose(Message):
    FIELDS = {"hypothesis": ObjectHypothesis, "pose": PoseWithCovariance}


class Detection2D(Message):
    FIELDS = {"header": Header, "results": Seq(ObjectHypothesisWithPose), "bbox": BoundingBox2D, "id": "string"}


class Detection2DArray(Message):
    FIELDS = {"header": Header, "detections": Seq(Detection2D)}
