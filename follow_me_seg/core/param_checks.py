"""Value checks shared by the control law and the node parameters: each returns what is wrong, or None.

A :class:`Range` also gives a node's ``ParameterDescriptor`` its ``FloatingPointRange`` /
``IntegerRange``; a :class:`OneOf` its ``additional_constraints``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

Check = Callable[[Any], "str | None"]  # returns what is wrong with a value, or None


@dataclass(frozen=True)
class Range:
    """Inclusive bounds (optionally open at either end, or in ``step``s from ``low``) of a number."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False
    step: int = 0

    def __call__(self, value: float) -> str | None:
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        on_step = not self.step or (value - self.low) % self.step == 0
        if above and below and on_step:
            return None
        return f"must be in {self}" + (f" in steps of {self.step} from {self.low:g}" if self.step else "")

    def __str__(self) -> str:
        return f"{'(' if self.low_open else '['}{_number(self.low)}, {_number(self.high)}{')' if self.high_open else ']'}"


def _number(x: float) -> str:
    """Whole numbers in full (2147483647, not 2.14748e+09), others short."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


@dataclass(frozen=True)
class OneOf:
    """One of a few strings."""

    choices: tuple[str, ...]

    def __call__(self, value: str) -> str | None:
        return None if value in self.choices else f"must be one of {', '.join(self.choices)}"

    @property
    def constraints(self) -> str:
        return f"one of: {', '.join(self.choices)}"


def not_empty(value: str) -> str | None:
    return None if value.strip() else "must not be empty"
