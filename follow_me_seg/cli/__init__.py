"""Command-line tools (``ros2 run follow_me_seg <tool>`` or the plain console scripts). May import every layer."""

import argparse
import sys
from typing import Callable

from follow_me_seg.core.decoding import DEFAULT_MAX_IMAGE_PIXELS
from follow_me_seg.core.errors import FollowMeError
from follow_me_seg.core.quiet_tf import silence_tensorflow
from follow_me_seg.inference.common import BACKENDS, DEVICES


def describe_os_error(err: OSError) -> str:
    """One line for an OSError: the path(s) it concerns and the reason."""
    paths = " -> ".join(str(p) for p in (err.filename, err.filename2) if p is not None)
    reason = err.strerror or str(err)
    return f"{paths}: {reason}" if paths else reason


# optional runtimes: the module a tool imports -> how to install it
EXTRAS = {"tensorflow": "pip install 'follow_me_seg[tf]'", "keras": "pip install 'follow_me_seg[tf]'",
          "tensorboard": "pip install 'follow_me_seg[tf]'", "openvino": "pip install 'follow_me_seg[openvino]'"}


def missing_extra(err: ModuleNotFoundError) -> str:
    """One line for a missing optional runtime, naming the pip command; re-raise anything else."""
    root = (err.name or "").split(".")[0]
    if root not in EXTRAS:
        raise err
    return f"this needs {root}, which is not installed: {EXTRAS[root]}"


def run_cli(main: Callable[[list[str] | None], int | None]) -> Callable[[], None]:
    """Wrap a tool's ``main``: user errors and OSErrors (a full disk, an unwritable path) become one line
    on stderr and exit code 2.

    TensorFlow's native log lines are silenced unless ``--verbose`` is given (taken out of the
    arguments before the tool parses them).
    """

    def entry() -> None:
        if "--verbose" in sys.argv[1:]:
            sys.argv.remove("--verbose")
        else:
            silence_tensorflow()
        try:
            code = main(None)
        except FollowMeError as err:
            print(f"error: {err}", file=sys.stderr)
            code = 2
        except OSError as err:
            print(f"error: {describe_os_error(err)}", file=sys.stderr)
            code = 2
        except ModuleNotFoundError as err:
            print(f"error: {missing_extra(err)}", file=sys.stderr)
            code = 2
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            code = 130
        sys.exit(code or 0)

    return entry


def _pixel_count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_max_image_pixels(parser: argparse.ArgumentParser) -> None:
    """The ``--max-image-pixels`` option of the tools that read frames."""
    parser.add_argument("--max-image-pixels", type=_pixel_count, default=DEFAULT_MAX_IMAGE_PIXELS, metavar="N",
                        help="largest width x height of a frame, checked on its header before decoding "
                             f"(default {DEFAULT_MAX_IMAGE_PIXELS}, 4096x4096)")


def add_device(parser: argparse.ArgumentParser) -> None:
    """The ``--device`` option of the tools that run the network."""
    parser.add_argument("--device", default="auto", choices=DEVICES,
                        help="TensorFlow device (gpu without a GPU is an error)")


def add_backend(parser: argparse.ArgumentParser) -> None:
    """The ``--backend`` option of the tools that run the engine (see the engine's ``auto`` rule)."""
    parser.add_argument("--backend", default="auto", choices=BACKENDS, help="inference backend")


def add_input_size(parser: argparse.ArgumentParser) -> None:
    """The ``--input-size`` option of the tools that run the engine (camera-resolution inference)."""
    from follow_me_seg.cli.arguments import network_side

    parser.add_argument("--input-size", type=network_side(), default=0,
                        help="side the network runs at (a multiple of 8); 0 (default): the model's own (the shipped "
                             "model's is 256: whole camera frames, the probabilities shrunk to 160x160 as the grader "
                             "shrank its ground truth)")


def add_flip(parser: argparse.ArgumentParser) -> None:
    """The ``--flip`` option of the tools that run the engine (test-time flip averaging)."""
    parser.add_argument("--flip", action="store_true",
                        help="average each frame's probabilities with its mirror image's (two network runs a frame)")
