"""Tools silence TensorFlow's native import-time log lines unless --verbose (with a fake tensorflow package)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TOOL = """
import sys
from follow_me_seg.cli import run_cli

def main(argv):
    import tensorflow
    print("tool args", sys.argv[1:], "level", __import__("os").environ.get("TF_CPP_MIN_LOG_LEVEL"))

run_cli(main)()
"""


def run_tool(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    fake = tmp_path / "fake" / "tensorflow"
    fake.mkdir(parents=True, exist_ok=True)
    (fake / "__init__.py").write_text("import os\nos.write(2, b'I0000 port.cc oneDNN custom operations are on\\n')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "fake"), str(REPO)])}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    return subprocess.run([sys.executable, "-c", TOOL, *args], capture_output=True, text=True, env=env, timeout=60)


def test_native_lines_are_silenced_by_default(tmp_path):
    run = run_tool(tmp_path, "--x")
    assert run.returncode == 0, run.stderr
    assert "oneDNN" not in run.stderr
    assert "tool args ['--x'] level 3" in run.stdout


def test_verbose_keeps_them_and_is_taken_out_of_the_arguments(tmp_path):
    run = run_tool(tmp_path, "--verbose", "--x")
    assert "oneDNN" in run.stderr
    assert "tool args ['--x'] level None" in run.stdout


def test_stderr_works_again_after_the_import(tmp_path):
    script = TOOL.replace('print("tool args"', 'print("after", file=sys.stderr); print("tool args"')
    fake = tmp_path / "fake" / "tensorflow"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "fake"), str(REPO)])}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert "after" in run.stderr
