"""Rolling backups of the cache file, written with SQLite's online backup API.

When, and why:

- **Before each schema upgrade** (``<stem>.schema<N>.<stamp>``): an upgrade bug that shows only
  later still leaves the person's unsent edits on disk.
- **Once a day** (``<stem>.daily.<stamp>``), when the app opens the file or in the step after a
  sync (once the sync has reported, so a first download is on screen without waiting for it): a
  cache destroyed outside the app (a disk fault, a file emptied by a sync tool) is rebuilt with
  its unsent edits as of that copy (see :mod:`~instainstru_desktop.store.rescue`).

The backup API copies a file in WAL mode consistently while the app keeps writing, and keeps
page numbers, so a copy can stand in for a lost file. A copy counts only once it passes
``PRAGMA quick_check`` -- a damaged file must never push good copies out -- and a few of each
kind are kept.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)

#: How many copies of each kind are kept.
KEEP = 3
#: How often a daily copy is written.
DAILY = timedelta(days=1)
_STAMP = "%Y%m%dT%H%M%S%fZ"


def backup_folder(path: Path) -> Path:
    """Where backups of ``path`` go: a ``backups`` folder beside it."""
    return path.parent / "backups"


def write_backup(source: sqlite3.Connection, path: Path, kind: str, now: datetime) -> Path | None:
    """Copy the database open on ``source`` (the file at ``path``) as a backup of ``kind``
    (``"daily"``, ``"schema2"``...); None when the copy failed its check (it is not kept)."""
    folder = backup_folder(path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now.astimezone(UTC).strftime(_STAMP)
    target = folder / f"{path.stem}.{kind}.{stamp}{path.suffix or '.sqlite3'}"
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
        verdict = dest.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:  # the source itself is damaged
        verdict = str(error)
    finally:
        dest.close()
    if verdict != "ok":
        log.warning("a backup of %s failed its check (%s): not kept", path, verdict)
        target.unlink(missing_ok=True)
        return None
    family = kind.rstrip("0123456789")
    for stale in _newest_first(folder.glob(f"{path.stem}.{family}*"))[KEEP:]:
        stale.unlink(missing_ok=True)
    return target


def backups_of(path: Path) -> list[Path]:
    """Every backup of ``path``, newest first."""
    return _newest_first(backup_folder(path).glob(f"{path.stem}.*.*{path.suffix}"))


def taken_at(backup: Path) -> datetime | None:
    """When a backup was written (from its name)."""
    try:
        return datetime.strptime(backup.name.split(".")[-2], _STAMP).replace(tzinfo=UTC)
    except (IndexError, ValueError):
        return None


def backup_if_due(path: Path, now: datetime) -> Path | None:
    """Write today's copy of the cache at ``path`` unless one is less than a day old."""
    latest = next((taken_at(b) for b in backups_of(path) if ".daily." in b.name), None)
    if latest is not None and now - latest < DAILY:
        return None
    source = sqlite3.connect(path, timeout=10.0)
    try:
        return write_backup(source, path, "daily", now)
    finally:
        source.close()


def _newest_first(paths: Iterable[Path]) -> list[Path]:
    stamped = [(when, p) for p in paths if (when := taken_at(p)) is not None]
    return [p for _, p in sorted(stamped, reverse=True)]
