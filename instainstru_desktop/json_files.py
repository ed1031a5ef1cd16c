"""The small JSON files kept beside the cache: written atomically, read forgivingly.

Four files live outside the databases: who signed in last on each server (``session.json``),
sign-in tokens where no keyring works (``credentials.json``), the last week shown
(``last-week.json``) and this computer's display preferences (``preferences.json``). Each is
written here and only here, the same way: into a new file in the same folder, flushed to disk,
then renamed over the old one. A rename is atomic, so a crash or a full disk at any moment
leaves the old file or the new one, never half of one. The files are readable by their owner
only (one of them holds tokens).

A file that still cannot be read (edited by hand, damaged on disk) reads as missing, said once
in the log: none of them is worth refusing to start for.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def read_json(path: Path) -> Any | None:
    """The value in ``path``; None when the file is missing or cannot be read as JSON."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("ignoring %s, which cannot be read: %s", path, exc)
        return None
    try:  # the standard reader: these files are small, and orjson (with uuid) would add a
        return json.loads(data)  # tenth to the app's first paint, which reads two of them
    except ValueError as exc:  # not JSON, or not UTF-8
        log.warning("ignoring %s, which is not valid JSON: %s", path, exc)
        return None


def write_json(path: Path, value: Any, *, indent: bool = True, durable: bool = True) -> None:
    """Replace ``path`` with ``value`` as JSON in one step (see the module docstring).

    ``value`` may hold dataclasses, dates and enums (orjson writes them as they are); ``indent``
    keeps a file a person may open readable, and is worth dropping for a big one. Without
    ``durable`` the data is not forced to disk first: a crash of the app still leaves a whole
    file, a power cut may leave the old one or none (for a file that is only a convenience, on a
    path where waiting for the disk would be felt).
    Raises ``OSError`` when the file cannot be written; the old file is then left as it was.
    """
    import orjson  # loaded on the first write, after the first paint

    data = orjson.dumps(value, option=orjson.OPT_INDENT_2 if indent else 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    if durable:
        _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX: the folder's entry is data too)."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
