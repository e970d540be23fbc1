from rosidl_standin import Message, Seq


class ParameterType(Message):
    PARAMETER_NOT_SET = 0
    PARAMETER_BOOL = 1
    PARAMETER_INTEGER = 2
    PARAMETER_DOUBLE = 3
    PARAMETER_STRING = 4
    FIELDS = {}


class FloatingPointRange(Message):
    FIELDS = {"from_value": "float64", "to_value": "float64", "step": "float64"}


class IntegerRange(Message):
    FIELDS = {"from_value": "int64", "to_value": "int64", "step": "uint64"}


class ParameterDescriptor(Message):
    """rcl_interfaces/msg/ParameterDescriptor (the two ranges are bounded sequences of at most one)."""

    FIELDS = {
        "name": "string", "type": "uint8", "description": "string", "additional_constraints": "string",
        "read_only": "bool", "dynamic_typing": "bool",
        "floating_point_range": Seq(FloatingPointRange), "integer_range": Seq(IntegerRange),
    }


class SetParametersResult(Message):
    FIELDS = {"successful": "bool", "reason": "string"}
