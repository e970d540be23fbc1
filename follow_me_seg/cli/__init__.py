"""Command-line tools (``ros2 run follow_me_seg <tool>`` or the plain console scripts)."""

import os
import sys
from typing import Callable

from follow_me_seg.errors import FollowMeError


def run_cli(main: Callable[[list[str] | None], int | None]) -> Callable[[], None]:
    """Wrap a tool's ``main``: user errors become one line on stderr and exit code 2."""

    def entry() -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
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
