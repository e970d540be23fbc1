from rosidl_standin import Message

from lifecycle_msgs.msg import State, Transition


class ChangeState:
    class Request(Message):
        FIELDS = {"transition": Transition}

    class Response(Message):
        FIELDS = {"success": "bool"}


class GetState:
    class Request(Message):
        FIELDS = {}

    class Response(Message):
        FIELDS = {"current_state": State}
