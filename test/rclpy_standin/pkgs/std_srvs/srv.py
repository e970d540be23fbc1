from rosidl_standin import Message


class SetBool:
    class Request(Message):
        FIELDS = {"data": "bool"}

    class Response(Message):
        FIELDS = {"success": "bool", "message": "string"}
