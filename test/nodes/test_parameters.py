"""Node parameter specs: each failure path, and config/follow_me.yaml and the README matching the specs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from follow_me_seg.control.law import ControlParams
from follow_me_seg.control.law_parameters import CONTROL_PARAMS, control_params
from follow_me_seg.core.param_checks import Range
from follow_me_seg.core.param_spec import ParamError, update_params, validate_params
from follow_me_seg.nodes.node_parameters import (
    AUTOSTART,
    DIAGNOSTICS_PERIOD,
    FOLLOWER_PARAMS,
    FRAME_SOURCE_PARAMS,
    FUTURE_TOLERANCE,
    MAX_IMAGE_PIXELS,
    SEGMENTATION_PARAMS,
)

REPO = Path(__file__).resolve().parents[2]
ALL_SPECS = {"segmentation_node": SEGMENTATION_PARAMS, "follower_node": FOLLOWER_PARAMS,
             "frame_source": FRAME_SOURCE_PARAMS}


def defaults(specs) -> dict:
    return {spec.name: spec.default for spec in specs}


def test_defaults_validate_except_the_frame_source_needs_a_source():
    assert validate_params(SEGMENTATION_PARAMS, {}) == defaults(SEGMENTATION_PARAMS)
    assert validate_params(FOLLOWER_PARAMS, {}) == defaults(FOLLOWER_PARAMS)
    with pytest.raises(ParamError, match="parameter source must name a folder of images or a video file, got ''"):
        validate_params(FRAME_SOURCE_PARAMS, {})
    assert validate_params(FRAME_SOURCE_PARAMS, {"source": "/frames"})["source"] == "/frames"


@pytest.mark.parametrize(
    "name, value, complaint",
    [
        ("device", "tpu", "parameter device must be one of auto, cpu, gpu, got 'tpu'"),
        ("backend", "onnx", "parameter backend must be one of auto, tensorflow, litert, openvino, got 'onnx'"),
        ("hero_threshold", 0.0, "parameter hero_threshold must be in (0, 1), got 0.0"),
        ("hero_threshold", 1.0, "parameter hero_threshold must be in (0, 1), got 1.0"),
        ("hero_threshold", float("nan"), "parameter hero_threshold must be finite, got nan"),
        ("hero_threshold", "high", "parameter hero_threshold must be a number, got 'high'"),
        ("hero_threshold", True, "parameter hero_threshold must be a number, got True"),
        ("min_target_pixels", 0, "parameter min_target_pixels must be in [1, 25600], got 0"),
        ("min_target_pixels", 1_000_000, "parameter min_target_pixels must be in [1, 25600], got 1000000"),
        ("min_target_pixels", 4.5, "parameter min_target_pixels must be an integer, got 4.5"),
        ("image_qos", "best_effort", "parameter image_qos must be one of sensor_data, reliable, system_default"),
        ("image_transport", "theora", "parameter image_transport must be one of raw, compressed, got 'theora'"),
        ("publish_overlay", "yes", "parameter publish_overlay must be true or false, got 'yes'"),
        ("overlay_alpha", 1.5, "parameter overlay_alpha must be in [0, 1], got 1.5"),
        ("input_size", 100, "parameter input_size must be in [0, 1024] in steps of 8 from 0, got 100"),
        ("input_size", 2048, "parameter input_size must be in [0, 1024] in steps of 8 from 0, got 2048"),
        ("depth_window", 4, "parameter depth_window must be in [1, 99] in steps of 2 from 1, got 4"),
        ("depth_window", 0, "parameter depth_window must be in [1, 99] in steps of 2 from 1, got 0"),
        ("depth_max_skew_s", -0.1, "parameter depth_max_skew_s must be in [0, 10], got -0.1"),
        ("max_frame_age_s", -1.0, "parameter max_frame_age_s must be in [0, 3600], got -1.0"),
        ("diagnostics_period_s", 0.0, "parameter diagnostics_period_s must be in (0, 60], got 0.0"),
        ("model_path", 3, "parameter model_path must be a string, got 3"),
    ],
)
def test_segmentation_failures(name, value, complaint):
    with pytest.raises(ParamError) as err:
        validate_params(SEGMENTATION_PARAMS, {name: value})
    assert complaint in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    "name, value, complaint",
    [
        ("control_rate_hz", 0.0, "parameter control_rate_hz must be in (0, 1000], got 0.0"),
        ("control_rate_hz", -5.0, "parameter control_rate_hz must be in (0, 1000], got -5.0"),
        ("start_enabled", 1, "parameter start_enabled must be true or false, got 1"),
        ("image_height", -5, "parameter image_height must be in [0, 100000], got -5"),
        ("idle_zero_stream", "yes", "parameter idle_zero_stream must be true or false, got 'yes'"),
        ("cmd_vel_frame_id", " ", "parameter cmd_vel_frame_id must not be empty, got ' '"),
        ("yaw_gain", "x", "parameter yaw_gain must be a number, got 'x'"),
        ("yaw_gain", -1.0, "parameter yaw_gain must be in [0, 20], got -1.0"),
        ("desired_size", 2.0, "parameter desired_size must be in (0, 1], got 2.0"),
        ("size_measure", "pixels", "parameter size_measure must be one of bbox_height, bbox_area, got 'pixels'"),
        ("smoothing", 1.0, "parameter smoothing must be in [0, 1), got 1.0"),
        ("use_vertical", "no", "parameter use_vertical must be true or false, got 'no'"),
    ],
)
def test_follower_node_failures(name, value, complaint):
    with pytest.raises(ParamError) as err:
        validate_params(FOLLOWER_PARAMS, {name: value})
    assert complaint in str(err.value)


@pytest.mark.parametrize(
    "name, value, complaint",
    [
        ("search_yaw_rate", 5.0, "parameter search_yaw_rate (5.0) must not exceed max_yaw_rate (1.0)"),
        ("max_yaw_rate", 0.1, "parameter search_yaw_rate (0.2) must not exceed max_yaw_rate (0.1)"),
    ],
)
def test_control_law_failures(name, value, complaint):
    values = validate_params(FOLLOWER_PARAMS, {"search_yaw_rate": 0.2, name: value})
    with pytest.raises(ParamError) as err:
        control_params(values)
    assert str(err.value) == complaint


def test_integers_are_accepted_for_floats_and_control_params_are_built():
    values = validate_params(FOLLOWER_PARAMS, {"yaw_gain": 2, "target_timeout": 3})
    assert values["yaw_gain"] == 2.0 and type(values["yaw_gain"]) is float
    params = control_params(values)
    assert isinstance(params, ControlParams) and params.target_timeout == 3.0


@pytest.mark.parametrize(
    "name, value, complaint",
    [
        ("source", "   ", "parameter source must name a folder of images or a video file"),
        ("publish_rate_hz", -2.0, "parameter publish_rate_hz must be in (0, 1000], got -2.0"),
        ("frame_id", "", "parameter frame_id must not be empty, got ''"),
        ("loop", "true", "parameter loop must be true or false, got 'true'"),
        ("horizontal_fov_deg", 180.0, "parameter horizontal_fov_deg must be in [0, 180), got 180.0"),
        ("horizontal_fov_deg", -1.0, "parameter horizontal_fov_deg must be in [0, 180), got -1.0"),
    ],
)
def test_frame_source_failures(name, value, complaint):
    with pytest.raises(ParamError) as err:
        validate_params(FRAME_SOURCE_PARAMS, {"source": "/frames", name: value})
    assert complaint in str(err.value)


def test_control_params_mirror_the_control_law_defaults():
    assert defaults(CONTROL_PARAMS) == vars(ControlParams())


def test_parameter_names_do_not_clash_between_nodes():
    """config/follow_me.yaml sets every node's parameters under one /** key: only the shared specs (autostart,
    the image size limit, the future-stamp tolerance and the diagnostics period) appear twice, as one spec."""
    shared = (AUTOSTART, MAX_IMAGE_PIXELS, FUTURE_TOLERANCE, DIAGNOSTICS_PERIOD)
    names = [spec.name for specs in ALL_SPECS.values() for spec in specs if spec not in shared]
    assert len(names) == len(set(names))


def test_update_keeps_the_old_values_on_a_bad_change_and_ignores_foreign_names():
    current = validate_params(SEGMENTATION_PARAMS, {})
    updated = update_params(SEGMENTATION_PARAMS, current, {"hero_threshold": 0.7, "use_sim_time": True})
    assert updated["hero_threshold"] == 0.7 and "use_sim_time" not in updated
    assert current["hero_threshold"] == 0.5
    with pytest.raises(ParamError, match=r"^parameter hero_threshold must be in \(0, 1\), got 2.0$"):
        update_params(SEGMENTATION_PARAMS, current, {"hero_threshold": 2.0})
    with pytest.raises(ParamError, match="^parameter model_path is read-only"):
        update_params(SEGMENTATION_PARAMS, current, {"model_path": "/other.keras"})
    assert update_params(SEGMENTATION_PARAMS, current, {"model_path": ""}) == current  # unchanged: fine


def test_defaults_pass_their_own_checks_and_ranges_bound_the_defaults():
    for specs in ALL_SPECS.values():
        for spec in specs:
            if isinstance(spec.check, Range):
                assert spec.check(spec.default) is None, spec.name


def test_range_steps_and_open_ends():
    odd = Range(1, 99, step=2)
    assert odd(5) is None and odd(99) is None and odd(6) and odd(101)
    half_open = Range(0, 1, high_open=True)
    assert half_open(0.0) is None and half_open(1.0) == "must be in [0, 1)"


def test_config_yaml_holds_every_parameter_with_its_default():
    config = yaml.safe_load((REPO / "config" / "follow_me.yaml").read_text())
    assert list(config) == ["/**"]
    params = config["/**"]["ros__parameters"]
    expected = {spec.name: spec.default for specs in ALL_SPECS.values() for spec in specs}
    assert params == expected
    for name, value in params.items():
        assert type(value) is type(expected[name]), name  # 1.0 stays a float in YAML


def _readme_ros_section() -> str:
    text = (REPO / "docs" / "ros-interface.md").read_text()
    match = re.search(r"<!-- ROS:BEGIN.*?-->(.*)<!-- ROS:END -->", text, re.S)
    assert match, "docs/ros-interface.md has no parameter tables"
    return match.group(1)


def _yaml_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if isinstance(value, str) else repr(value)


@pytest.mark.parametrize("node", list(ALL_SPECS))
def test_readme_tables_list_every_parameter_with_its_default_range_and_read_only_flag(node):
    section = _readme_ros_section()
    table = section[section.index(f"**{node}**"):]
    rows = {name: (default, bounds, meaning) for name, default, bounds, meaning in
            re.findall(r"^\| `(\w+)` \| `([^`]*)` \| ([^|]*) \| (.*) \|$", table, re.M)}
    for spec in ALL_SPECS[node]:
        assert spec.name in rows, f"README lacks parameter {spec.name}"
        default, bounds, meaning = rows[spec.name]
        assert default == _yaml_text(spec.default), spec.name
        expected = str(spec.check) + (f", step {spec.check.step}" if getattr(spec.check, "step", 0) else "")
        assert bounds.strip() == (expected if isinstance(spec.check, Range) else ""), spec.name
        assert meaning.endswith("(read-only)") == spec.read_only, spec.name


@pytest.mark.parametrize("text, value", [("2", 2), ("1.5", 1.5), ("true", True), ("bbox_area", "bbox_area"), ("", "")])
def test_parameter_values_from_text_are_single_yaml_scalars(text, value):
    from follow_me_seg.core.param_spec import parse_value

    assert parse_value("p", text) == value


@pytest.mark.parametrize("text, complaint", [
    ('a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: &d [*c,*c]\ne: [*d,*d]', "a single number"),
    ("[1, 2]", "a single number"),
    ("{unclosed", "not a YAML value"),
    ("9" * 200, "value of 200 characters"),
])
def test_parameter_values_from_text_refuse_structures_and_long_text(text, complaint):
    from follow_me_seg.core.param_spec import parse_value

    with pytest.raises(ParamError, match=complaint) as err:
        parse_value("p", text)
    assert len(str(err.value)) < 200
