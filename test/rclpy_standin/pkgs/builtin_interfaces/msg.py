from rosidl_standin import Message


class Time(Message):
    FIELDS = {"sec": "int32", "nanosec": "uint32"}


class Duration(Message):
    FIELDS = {"sec": "int32", "nanosec": "uint32"}
