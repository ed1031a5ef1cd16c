"""Typed storage errors: what a person can fix told apart from what is a bug.

The UI shows an :class:`StorageEnvironmentError` as a sentence with a way out ("free some disk
space", "close the other copy of the app", "update the app"); a :class:`StorageBugError` is reported
as an internal error. The split follows the SQLite result code of the failure, never its message
text, which changes between SQLite versions.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

# Primary SQLite result codes (https://sqlite.org/rescode.html); extended codes carry the
# primary one in their low byte.
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_NOMEM = 7
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26


class StorageError(Exception):
    """Any failure of the local cache; ``message`` is a sentence a person understands."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StorageEnvironmentError(StorageError):
    """The machine, not the program, is in the way; the user can act on it."""


class DiskFullError(StorageEnvironmentError):
    """No space left for the cache file or its journal."""


class DatabaseLockedError(StorageEnvironmentError):
    """Another process holds the cache file (typically a second copy of the app)."""


class DatabaseUnwritableError(StorageEnvironmentError):
    """The cache file or its folder cannot be opened or written (permissions, read-only disk)."""


class DatabaseCorruptError(StorageEnvironmentError):
    """The cache file is damaged or not a database; a backup or a fresh download is the way out."""


class DatabaseNewerThanAppError(StorageEnvironmentError):
    """The cache file was written by a newer version of the app; opening it could lose data."""

    def __init__(self, path: Path, file_version: int, app_version: int) -> None:
        super().__init__(
            f"The local data file {path} was written by a newer version of InstaInstru "
            f"(format {file_version}; this version understands up to {app_version}). "
            "Update the app to open it; the file has not been changed."
        )
        self.path = path
        self.file_version = file_version
        self.app_version = app_version


class MigrationError(StorageError):
    """Upgrading the file failed; the file is left exactly as it was before the upgrade."""


class StorageBugError(StorageError):
    """The program asked the database for something wrong (constraint, SQL error): a bug."""


def require_writable_folder(folder: Path) -> None:
    """Create ``folder`` if needed; raise a typed error if the app cannot write there.

    Checked before anything is opened in it, so a read-only disk or a folder without permission
    ends in a sentence about the folder, not in whichever file happened to be written first.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise folder_error(folder, error) from error
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseUnwritableError(
            f"The folder for your local data cannot be written ({folder}): it is read-only or "
            "you lack permission. Check the folder's permissions and that the disk is connected."
        )


def folder_error(folder: Path, error: OSError) -> StorageEnvironmentError:
    """The typed error for a failure to create or write in the data folder."""
    if error.errno == errno.ENOSPC:
        return DiskFullError(
            f"The disk holding your local data is full ({folder}). Free some space; "
            "your unsynced changes are kept."
        )
    in_the_way = error.errno in (errno.EEXIST, errno.ENOTDIR)
    reason = "a file with that name is in the way" if in_the_way else error.strerror or str(error)
    return DatabaseUnwritableError(
        f"The folder for your local data cannot be written ({folder}): {reason}. "
        "Check the folder's permissions and that the disk is connected."
    )


def _primary_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def classify(error: BaseException, path: Path | None = None) -> StorageError:
    """Turn a DB-API error (possibly wrapped by SQLAlchemy in ``.orig``) into a typed error."""
    raw = getattr(error, "orig", None) or error
    where = f" ({path})" if path else ""
    if not isinstance(raw, sqlite3.Error):
        return StorageBugError(f"Unexpected storage failure{where}: {raw}")
    code = _primary_code(raw)
    if code == SQLITE_FULL:
        return DiskFullError(
            f"The disk holding your local data is full{where}. Free some space; "
            "your unsynced changes are kept."
        )
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return DatabaseLockedError(
            f"The local data file is in use by another program{where}. "
            "Close any other copy of InstaInstru and try again."
        )
    if code in (SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_IOERR):
        return DatabaseUnwritableError(
            f"The local data file cannot be written{where}: {raw}. "
            "Check the folder's permissions and that the disk is connected."
        )
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return DatabaseCorruptError(
            f"The local data file is damaged{where}. Close InstaInstru and open it again to "
            "repair it: the file is kept, the changes that can still be read from it are sent, "
            "and your data is downloaded again."
        )
    if code == SQLITE_NOMEM:
        return StorageEnvironmentError("The computer ran out of memory while saving your data.")
    return StorageBugError(f"Storage error{where}: {raw}")
