from builtin_interfaces.msg import Time
from rosidl_standin import Message


class Header(Message):
    FIELDS = {"stamp": Time, "frame_id": "string"}
