"""Write files atomically (a reader never sees a half-written file under the final name), and
check that outputs can be written before any work starts."""

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Iterator

from follow_me_seg.core.errors import FollowMeError


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` only on success.

    The temporary name keeps the final suffix so that writers that pick a format
    from the extension (Keras, OpenCV, Matplotlib) still work. An OSError while writing
    (a full disk) is raised again naming ``path``.
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
    except OSError as err:  # name the file the user asked for, not the temporary one
        raise OSError(err.errno, err.strerror or str(err), str(path)) from err
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
    """Encode ``bgr`` (OpenCV channel order) to ``path`` atomically; the format follows the suffix.

    Encoding in memory, then writing, lets a full disk surface as an OSError that says so.
    """
    import cv2

    path = Path(path)
    ok, encoded = cv2.imencode(path.suffix, bgr, list(params))
    if not ok:
        raise FollowMeError(f"cannot encode an image as {path.suffix}: {path}")
    with atomic_path(path) as tmp:
        tmp.write_bytes(encoded.tobytes())


def check_output_folder(folder: str | os.PathLike) -> Path:
    """Create ``folder`` if needed and write a probe file in it; a one-line FollowMeError naming it otherwise."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise FollowMeError(f"output folder is an existing file: {folder}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-check.", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise FollowMeError(f"cannot write to output folder {folder}: {err.strerror or err}") from None
    return folder


def check_output_file(path: str | os.PathLike) -> Path:
    """Check that ``path`` can be written (its folder is writable and it is not a folder)."""
    path = Path(path)
    if path.is_dir():
        raise FollowMeError(f"output file is an existing folder: {path}")
    check_output_folder(path.parent)
    return path
