"""The check every cache file passes before the app uses it.

A damaged file used as if healthy fails later, out of sight: pushes succeed while every pull
fails, or an emptied file is taken for a new one and its unsent edits are gone. So, at open:

- an empty or missing file is new only if this cache never synced and no write-ahead log was
  left beside it (SQLite would silently delete that log, with the edits in it, on opening an
  empty file: it is never opened here);
- ``PRAGMA quick_check`` on a read-only connection (no checkpoint, nothing written), which
  reads every page of the file;
- a file that opens but holds no schema while its footprint says it synced has lost its data.

A file another process holds is not damaged: that is a typed "locked" error, as before.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from instainstru_desktop.store.errors import DatabaseCorruptError, classify
from instainstru_desktop.store.footprint import Footprint


@dataclass(frozen=True)
class Damage:
    """Why a cache file cannot be used; ``reason`` is said to the person."""

    reason: str
    detail: str = ""  # for the log


def wal_of(path: Path) -> Path:
    return Path(f"{path}-wal")


def examine(path: Path, footprint: Footprint | None, *, timeout: float = 10.0) -> Damage | None:
    """None when the file may be opened (healthy, or new); else what is wrong with it.

    ``timeout``: how long to wait for a file another process holds (then it is "locked").
    """
    if footprint is not None and footprint.repairing:
        return Damage("an earlier repair was interrupted", footprint.repairing)
    size = path.stat().st_size if path.exists() else 0
    wal = wal_of(path)
    if size == 0:
        if wal.exists() and wal.stat().st_size > 0:
            return Damage("it was emptied (its recent changes were left beside it)")
        if footprint is not None and footprint.synced:
            return Damage("it was emptied or removed")
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            verdict = [str(row[0]) for row in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        typed = classify(error, path)
        if isinstance(typed, DatabaseCorruptError):
            return Damage("it cannot be read", str(error))
        raise typed from error
    if verdict != ["ok"]:
        return Damage("parts of it cannot be read", "; ".join(verdict)[:500])
    if version == 0 and footprint is not None and footprint.synced:
        return Damage("its data was lost")
    return None
