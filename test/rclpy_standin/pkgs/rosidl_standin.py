"""Message classes with the field semantics of rosidl_generator_py (Jazzy / Humble).

As in the generated classes, every assignment is type-checked (AssertionError on a wrong
type), unknown attributes or constructor keywords are rejected, ``uint8[]`` fields hold
``array.array('B')``, unbounded ``float64[]`` hold ``array.array('d')``, fixed-size numeric
arrays hold NumPy arrays, ``byte`` fields hold a 1-byte ``bytes`` and message sequences are lists.
"""

from __future__ import annotations

import array
from collections import UserList, UserString
from collections.abc import Sequence, Set

import numpy as np

INT_RANGES = {
    "int8": (-(2**7), 2**7 - 1), "uint8": (0, 2**8 - 1),
    "int16": (-(2**15), 2**15 - 1), "uint16": (0, 2**16 - 1),
    "int32": (-(2**31), 2**31 - 1), "uint32": (0, 2**32 - 1),
    "int64": (-(2**63), 2**63 - 1), "uint64": (0, 2**64 - 1),
}
FLOAT_MAX = {"float32": 3.4028234663852886e38, "float64": 1.7976931348623157e308}
ARRAY_CODES = {"uint8": "B", "int8": "b", "uint32": "I", "int32": "i", "float32": "f", "float64": "d"}


class Seq:
    """An unbounded sequence field ``elem[]``."""

    def __init__(self, elem):
        self.elem = elem


class Fixed:
    """A fixed-size array field ``elem[size]``."""

    def __init__(self, elem: str, size: int):
        self.elem, self.size = elem, size


def _is_sequence(value) -> bool:
    return isinstance(value, (Sequence, Set, UserList)) and not isinstance(value, (str, UserString))


def _check_scalar(where: str, kind: str, value) -> None:
    if kind == "bool":
        assert isinstance(value, bool), f"The '{where}' field must be of type 'bool'"
    elif kind == "byte":
        assert isinstance(value, bytes) and len(value) == 1, f"The '{where}' field must be of type 'bytes' of length 1"
    elif kind == "string":
        assert isinstance(value, str), f"The '{where}' field must be of type 'str'"
    elif kind in INT_RANGES:
        low, high = INT_RANGES[kind]
        assert isinstance(value, int), f"The '{where}' field must be of type 'int'"
        assert low <= value <= high, f"The '{where}' field must be an integer in [{low}, {high}]"
    elif kind in FLOAT_MAX:
        assert isinstance(value, float), f"The '{where}' field must be of type 'float'"
        limit = FLOAT_MAX[kind]
        assert not (-limit > value or value > limit) or np.isinf(value), \
            f"The '{where}' field must be a {kind} in [{-limit}, {limit}]"
    else:
        raise TypeError(f"unknown field kind {kind!r}")


def _default(kind):
    if isinstance(kind, type):
        return kind()
    if isinstance(kind, Seq):
        return array.array(ARRAY_CODES[kind.elem]) if kind.elem in ARRAY_CODES else []
    if isinstance(kind, Fixed):
        return np.zeros(kind.size, dtype=np.float64 if kind.elem == "float64" else np.float32)
    return {"bool": False, "byte": b"\x00", "string": "", "float32": 0.0, "float64": 0.0}.get(kind, 0)


def _convert(where: str, kind, value):
    """The value to store for ``kind``, as the generated setter would store it."""
    if isinstance(kind, type):
        assert isinstance(value, kind), f"The '{where}' field must be a sub message of type '{kind.__name__}'"
        return value
    if isinstance(kind, Seq):
        if isinstance(kind.elem, type):
            assert _is_sequence(value) and all(isinstance(v, kind.elem) for v in value), \
                f"The '{where}' field must be a set or sequence and each value of type '{kind.elem.__name__}'"
            return value
        code = ARRAY_CODES.get(kind.elem)
        if code and isinstance(value, array.array):
            assert value.typecode == code, f"The '{where}' array.array() must have the type code of '{code}'"
            return value
        assert _is_sequence(value), f"The '{where}' field must be a set or sequence"
        for item in value:
            _check_scalar(where, kind.elem, item)
        return array.array(code, value) if code else list(value)
    if isinstance(kind, Fixed):
        dtype = np.float64 if kind.elem == "float64" else np.float32
        if isinstance(value, np.ndarray):
            assert value.dtype == dtype, f"The '{where}' numpy.ndarray() must have the dtype of '{dtype.__name__}'"
            assert value.size == kind.size, f"The '{where}' numpy.ndarray() must have a size of {kind.size}"
            return value
        assert _is_sequence(value) and len(value) == kind.size, \
            f"The '{where}' field must be a set or sequence with length {kind.size}"
        for item in value:
            _check_scalar(where, kind.elem, item)
        return np.array(value, dtype=dtype)
    _check_scalar(where, kind, value)
    return value


class Message:
    """Base of the stand-in messages: subclasses list their fields in ``FIELDS`` (name -> kind)."""

    FIELDS: dict = {}

    def __init__(self, **kwargs):
        unknown = sorted(set(kwargs) - set(self.FIELDS))
        assert not unknown, f"Invalid arguments passed to constructor: {', '.join(unknown)}"
        for name, kind in self.FIELDS.items():
            setattr(self, name, kwargs[name] if name in kwargs else _default(kind))

    def __setattr__(self, name, value):
        if name not in self.FIELDS:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        object.__setattr__(self, name, _convert(name, self.FIELDS[name], value))

    def __eq__(self, other):
        if type(other) is not type(self):
            return False
        for name in self.FIELDS:
            a, b = getattr(self, name), getattr(other, name)
            if isinstance(a, np.ndarray):
                if not np.array_equal(a, b):
                    return False
            elif a != b:
                return False
        return True

    def __repr__(self):
        body = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.FIELDS)
        return f"{type(self).__module__}.{type(self).__name__}({body})"

    @classmethod
    def get_fields_and_field_types(cls) -> dict:
        return dict(cls.FIELDS)
