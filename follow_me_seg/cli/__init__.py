"""Command-line tools (``ros2 run follow_me_seg <tool>`` or the plain console scripts)."""

import sys
from typing import Callable

from follow_me_seg.errors import FollowMeError
from follow_me_seg.quiet_tf import silence_tensorflow


def run_cli(main: Callable[[list[str] | None], int | None]) -> Callable[[], None]:
    """Wrap a tool's ``main``: user errors become one line on stderr and exit code 2.

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
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            code = 130
        sys.exit(code or 0)

    return entry
