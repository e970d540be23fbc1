"""rclpy.parameter.Parameter (scalar types only)."""

from enum import Enum


class Parameter:
    class Type(Enum):
        NOT_SET = 0
        BOOL = 1
        INTEGER = 2
        DOUBLE = 3
        STRING = 4

        @classmethod
        def from_parameter_value(cls, value):
            if value is None:
                return cls.NOT_SET
            if isinstance(value, bool):
                return cls.BOOL
            if isinstance(value, int):
                return cls.INTEGER
            if isinstance(value, float):
                return cls.DOUBLE
            if isinstance(value, str):
                return cls.STRING
            raise TypeError(f"The given value is not one of the allowed types '{value}'.")

    def __init__(self, name, type_=None, value=None):
        self._name = name
        self._type = type_ if type_ is not None else Parameter.Type.from_parameter_value(value)
        self._value = value

    @property
    def name(self):
        return self._name

    @property
    def type_(self):
        return self._type

    @property
    def value(self):
        return self._value
