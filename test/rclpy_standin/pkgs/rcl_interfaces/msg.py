from rosidl_standin import Message


class ParameterDescriptor(Message):
    FIELDS = {
        "name": "string", "type": "uint8", "description": "string", "additional_constraints": "string",
        "read_only": "bool", "dynamic_typing": "bool",
    }
