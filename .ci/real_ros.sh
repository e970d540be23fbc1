#!/usr/bin/env bash
# Node tests on REAL rclpy (ROS 2 Jazzy wheels from PyPI): test/real_ros, in its own venv and its own pytest run
# (the rest of test/ runs the nodes on the rclpy stand-in and ignores test/real_ros).
#
#   bash .ci/real_ros.sh          # venv in $ROS_VENV (default /tmp/follow_me_seg-real-ros-venv), reused while
#                                 # test/real_ros/requirements.txt and constraints.txt are unchanged
#
# Exits 0 with a "SKIP real_ros" line when the wheels cannot be installed because the registry does not answer
# (or has no wheel for this Python / platform); fails on any other install error and when a test fails.
# DDS stays on this machine: discovery range LOCALHOST and a random domain id.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
PYTHON=${PYTHON:-python3}
VENV=${ROS_VENV:-/tmp/follow_me_seg-real-ros-venv}  # outside the checkout: ruff and `pytest test` never see it
REQS=test/real_ros/requirements.txt
STAMP="$VENV/.installed-$(cat "$REQS" test/real_ros/constraints.txt | sha256sum | cut -c1-16)"

skip() { echo "SKIP real_ros: $*"; exit 0; }

if [ ! -e "$STAMP" ]; then
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    log=$(mktemp)
    if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check --timeout 60 --retries 2 -r "$REQS" >"$log" 2>&1; then
        tail -n 20 "$log"
        rm -rf "$VENV"
        if grep -qE 'NewConnectionError|ConnectTimeoutError|ReadTimeoutError|Max retries exceeded|Temporary failure in name resolution|Name or service not known|Network is unreachable|Connection refused|ProxyError' "$log"; then
            skip "the package registry did not answer; real-rclpy tests not run"
        fi
        if grep -q 'No matching distribution found for ros-' "$log" \
            && ! "$PYTHON" -c 'import platform, sys; sys.exit(sys.version_info[:2] != (3, 11) or platform.machine() != "x86_64")'; then
            skip "the ROS 2 Jazzy wheels are for CPython 3.11 on x86_64 Linux; $("$PYTHON" -V 2>&1) on $(uname -m) here"
        fi
        echo "real_ros: pip install failed (see above)" >&2
        exit 1
    fi
    rm -f "$log"
    touch "$STAMP"
fi

# Only this checkout and the venv: no ROS installation that may be sourced on the machine.
unset AMENT_PREFIX_PATH COLCON_PREFIX_PATH ROS_LOCALHOST_ONLY
export PYTHONPATH="$REPO" FOLLOW_ME_SEG_REAL_ROS=1 RMW_IMPLEMENTATION=rmw_fastrtps_cpp
export ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST ROS_DOMAIN_ID="${ROS_DOMAIN_ID:-$((RANDOM % 101 + 1))}"
# The tests skip where rclpy is missing; here it must import, or the run would pass while testing nothing.
"$VENV/bin/python" -c 'import rclpy, sensor_msgs.msg, geometry_msgs.msg, std_srvs.srv, follow_me_seg.nodes.sim_bridge_node'
exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider -W "ignore::DeprecationWarning:lark.utils" test/real_ros
