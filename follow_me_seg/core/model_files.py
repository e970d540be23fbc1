"""Model files checked before any loader reads them: a ``.keras`` archive's members and sizes."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from follow_me_seg.core.errors import ModelError

MAX_MEMBERS = 16  # a Keras 3 archive holds config.json, metadata.json and model.weights.h5
MAX_CONFIG_BYTES = 4 * 2**20  # the follow-me FCN's config.json is 32 KB
MAX_ARCHIVE_BYTES = 256 * 2**20  # uncompressed, all members together
REQUIRED = ("config.json", "model.weights.h5")


def check_keras_archive(path: str | os.PathLike, what: str = "model") -> None:
    """Fail in one line on a missing, corrupt or oversized ``.keras`` archive, before Keras unpacks it.

    Sizes are the ones the archive declares (what Keras would expand), so a zip bomb is refused
    without being expanded.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{what} file not found: {path}")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise ModelError(f"cannot load {what} (corrupt or not a Keras model): {path} ({err})") from None
    names = {m.filename: m for m in members}
    if len(members) > MAX_MEMBERS:
        raise ModelError(f"{what} archive has {len(members)} members (at most {MAX_MEMBERS}): {path}")
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise ModelError(f"cannot load {what} (not a Keras model, no {missing[0]}): {path}")
    if names["config.json"].file_size > MAX_CONFIG_BYTES:
        raise ModelError(f"{what} config.json expands to {names['config.json'].file_size:,} bytes "
                         f"(at most {MAX_CONFIG_BYTES:,}): {path}")
    total = sum(m.file_size for m in members)
    if total > MAX_ARCHIVE_BYTES:
        raise ModelError(f"{what} archive expands to {total:,} bytes (at most {MAX_ARCHIVE_BYTES:,}): {path}")
