"""The control law's parameters as node parameter specs, and the checked ControlParams they give."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, Mapping

from follow_me_seg.control.law import ControlParams
from follow_me_seg.core.param_spec import ParamError, ParamSpec

# The control law's own parameters, with its defaults, descriptions and checks (ControlParams.validate
# checks them once more together: search_yaw_rate <= max_yaw_rate).
CONTROL_PARAMS: tuple[ParamSpec, ...] = tuple(
    ParamSpec(item.name, item.default, item.metadata["doc"], item.metadata["check"]) for item in fields(ControlParams)
)


def control_params(values: Mapping[str, Any]) -> ControlParams:
    """The follower's ControlParams from its (typed) parameter values; raise ParamError if invalid."""
    try:
        return ControlParams(**{spec.name: values[spec.name] for spec in CONTROL_PARAMS}).validate()
    except ValueError as err:
        raise ParamError(f"parameter {err}") from None
