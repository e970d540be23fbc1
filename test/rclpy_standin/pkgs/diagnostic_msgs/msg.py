from rosidl_standin import Message, Seq
from std_msgs.msg import Header


class KeyValue(Message):
    FIELDS = {"key": "string", "value": "string"}


class DiagnosticStatus(Message):
    OK = b"\x00"
    WARN = b"\x01"
    ERROR = b"\x02"
    STALE = b"\x03"
    FIELDS = {"level": "byte", "name": "string", "message": "string", "hardware_id": "string", "values": Seq(KeyValue)}


class DiagnosticArray(Message):
    FIELDS = {"header": Header, "status": Seq(DiagnosticStatus)}
