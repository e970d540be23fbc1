"""Declarative parameter specs: name, default (which fixes the type), description, check, read-only.

The same checks run at start-up (:func:`validate_params`) and on every live change
(:func:`update_params`), raising :class:`ParamError` with one line naming the problem. A
:class:`~follow_me_seg.core.param_checks.Range` check also gives a ROS node's ``ParameterDescriptor``
its ``FloatingPointRange`` / ``IntegerRange``; a ``OneOf`` check its ``additional_constraints``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from follow_me_seg.core.errors import FollowMeError
from follow_me_seg.core.param_checks import Check


class ParamError(FollowMeError):
    """A node parameter with a wrong type or value."""


@dataclass(frozen=True)
class ParamSpec:
    """One node parameter: name, default (which fixes its type), meaning, check, read-only."""

    name: str
    default: bool | int | float | str
    description: str
    check: Check | None = None
    read_only: bool = False


def _typed(spec: ParamSpec, value: Any) -> Any:
    """``value`` in the spec's type (an integer is accepted for a float), or raise ParamError."""
    kind = type(spec.default)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if type(value) is not kind:
        names = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}
        raise ParamError(f"parameter {spec.name} must be {names[kind]}, got {value!r}")
    if kind is float and not math.isfinite(value):
        raise ParamError(f"parameter {spec.name} must be finite, got {value!r}")
    return value


def validate_params(specs: Sequence[ParamSpec], values: Mapping[str, Any]) -> dict[str, Any]:
    """Check and type every spec'd value (missing ones take their default); raise ParamError on the first problem."""
    checked = {}
    for spec in specs:
        value = _typed(spec, values.get(spec.name, spec.default))
        problem = spec.check(value) if spec.check else None
        if problem:
            raise ParamError(f"parameter {spec.name} {problem}, got {value!r}")
        checked[spec.name] = value
    return checked


def update_params(specs: Sequence[ParamSpec], current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The values after ``changes`` (names outside ``specs`` ignored), checked like at start-up.

    Raises ParamError for a read-only parameter or a bad value; ``current`` is left as it was.
    """
    by_name = {spec.name: spec for spec in specs}
    relevant = {name: value for name, value in changes.items() if name in by_name}
    for name, value in relevant.items():
        if by_name[name].read_only and value != current[name]:
            raise ParamError(f"parameter {name} is read-only (set it at start-up)")
    return validate_params(specs, {**current, **relevant})


MAX_VALUE_CHARS = 100  # a parameter value given as text (a number, true/false, a short string)


def parse_value(name: str, text: str) -> Any:
    """A parameter value from YAML text, as ``--param NAME=VALUE`` or a launch argument gives it.

    Only a single scalar of at most ``MAX_VALUE_CHARS`` characters is read (no lists or maps, so
    no aliases to expand), so no text can cost more than its length; errors quote a bounded part of it.
    """
    import yaml

    shown = repr(text[:40] + ("..." if len(text) > 40 else ""))
    if len(text) > MAX_VALUE_CHARS:
        raise ParamError(f"parameter {name}: value of {len(text)} characters, at most {MAX_VALUE_CHARS}: {shown}")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        raise ParamError(f"parameter {name}: not a YAML value ({type(err).__name__}): {shown}") from None
    if node is None:
        return ""
    if not isinstance(node, yaml.ScalarNode):
        raise ParamError(f"parameter {name}: a single number, true/false or string is needed: {shown}")
    return yaml.SafeLoader(text).construct_object(node)
