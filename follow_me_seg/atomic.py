"""Write files atomically: a reader never sees a half-written file under the final name."""

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Iterator


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` only on success.

    The temporary name keeps the final suffix so that writers that pick a format
    from the extension (Keras, OpenCV, Matplotlib) still work.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".partial{path.suffix}", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)  # mkstemp creates 0600; a finished file is readable like any other
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text)


def write_json_atomic(path: str | os.PathLike, obj) -> None:
    """Write ``obj`` as indented JSON to ``path`` atomically."""
    write_text_atomic(path, json.dumps(obj, indent=2) + "\n")


def write_image_atomic(path: str | os.PathLike, bgr, params: tuple[int, ...] = ()) -> None:
    """Encode ``bgr`` (OpenCV channel order) to ``path`` atomically; the format follows the suffix."""
    import cv2

    from follow_me_seg.errors import FollowMeError

    with atomic_path(path) as tmp:
        if not cv2.imwrite(str(tmp), bgr, list(params)):
            raise FollowMeError(f"cannot write {path}")
