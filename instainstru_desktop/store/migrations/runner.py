"""Runs the schema steps on a cache file, safely.

The rules, and why each one:

- **Back up first** (SQLite's online backup API, a consistent copy even of a WAL file): if an
  upgrade has a bug that only shows later, the user's unsynced edits are still on disk.
- **One exclusive transaction** for every step plus the new ``user_version``: a crash or power
  cut mid-upgrade leaves the file at its old version with its old content, never half-upgraded.
- **Refuse a newer file** with :class:`DatabaseNewerThanAppError`: an old app would silently
  drop columns and outbox rows it does not know.
- **Never lose the outbox**: the number of outbox rows is checked before the commit.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from instainstru_desktop.store.backups import write_backup
from instainstru_desktop.store.errors import (
    DatabaseNewerThanAppError,
    MigrationError,
    StorageEnvironmentError,
    classify,
    require_writable_folder,
)
from instainstru_desktop.store.migrations.steps import MIGRATIONS, Migration

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UpgradeReport:
    """What :func:`upgrade` did: versions before and after and the backup it wrote (if any)."""

    from_version: int
    to_version: int
    backup: Path | None


def file_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the file (0 for a new, empty file)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
    return row.fetchone() is not None


def _outbox_count(conn: sqlite3.Connection) -> int:
    if not _has_table(conn, "outbox"):
        return 0
    return int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])


def upgrade(path: Path, migrations: Sequence[Migration] = MIGRATIONS) -> UpgradeReport:
    """Bring the file at ``path`` to the newest version in ``migrations`` (creating it if new).

    Raises :class:`DatabaseNewerThanAppError` for a file from a newer app,
    :class:`MigrationError` if a step fails (the file is then unchanged), or another
    :class:`StorageEnvironmentError` (disk full, locked) the user can act on.
    """
    target = migrations[-1].version
    require_writable_folder(path.parent)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=10.0)
    except sqlite3.Error as error:
        raise classify(error, path) from error
    try:
        version = file_version(conn)
        if version > target:
            raise DatabaseNewerThanAppError(path, version, target)
        if version == target:
            return UpgradeReport(version, version, None)
        backup = _backup(conn, path, version) if version > 0 else None
        if version > 0 and backup is None:
            raise MigrationError(
                f"The local data file {path} could not be backed up before its upgrade "
                "(the copy failed its check); the file was left as it was."
            )
        _apply(conn, path, [m for m in migrations if m.version > version], target)
        log.info("upgraded %s from schema %d to %d (backup: %s)", path, version, target, backup)
        return UpgradeReport(version, target, backup)
    except sqlite3.Error as error:
        raise classify(error, path) from error
    finally:
        conn.close()


def _backup(conn: sqlite3.Connection, path: Path, version: int) -> Path | None:
    return write_backup(conn, path, f"schema{version}", datetime.now(UTC))


def _apply(conn: sqlite3.Connection, path: Path, steps: Sequence[Migration], target: int) -> None:
    conn.execute("BEGIN EXCLUSIVE")
    try:
        before = _outbox_count(conn)
        for step in steps:
            step.apply(conn)
        after = _outbox_count(conn)
        if after < before:
            raise MigrationError(
                f"Upgrading {path} would have lost {before - after} unsynced change(s); "
                "the file was left as it was."
            )
        conn.execute(f"PRAGMA user_version = {int(target)}")
        conn.execute("COMMIT")
    except BaseException as error:
        conn.execute("ROLLBACK")
        if isinstance(error, MigrationError | StorageEnvironmentError):
            raise
        if isinstance(error, sqlite3.Error):
            typed = classify(error, path)
            if isinstance(typed, StorageEnvironmentError):
                raise typed from error
        if isinstance(error, Exception):
            raise MigrationError(
                f"Upgrading the local data file {path} failed ({error}); "
                "the file was left as it was."
            ) from error
        raise
