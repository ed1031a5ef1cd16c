"""The local cache: a mirror of the server, the outbox of local edits and the sync state.

Open it with :func:`open_store`; use cases work through :meth:`Store.uow` (writes) and
:meth:`Store.read` (snapshots). Only this package touches SQLAlchemy.
"""

from __future__ import annotations

from pathlib import Path

from instainstru_desktop.store.db import BUSY_TIMEOUT_MS, Database, open_database
from instainstru_desktop.store.errors import (
    DatabaseCorruptError,
    DatabaseLockedError,
    DatabaseNewerThanAppError,
    DatabaseUnwritableError,
    DiskFullError,
    MigrationError,
    StorageBugError,
    StorageEnvironmentError,
    StorageError,
)
from instainstru_desktop.store.uow import Clock, Store, UnitOfWork, utc_now


def open_store(
    path: Path, *, clock: Clock = utc_now, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Store:
    """Upgrade (backing up first) and open the cache file at ``path``."""
    return Store(open_database(path, busy_timeout_ms=busy_timeout_ms), clock=clock)


__all__ = [
    "Clock",
    "Database",
    "DatabaseCorruptError",
    "DatabaseLockedError",
    "DatabaseNewerThanAppError",
    "DatabaseUnwritableError",
    "DiskFullError",
    "MigrationError",
    "StorageBugError",
    "StorageEnvironmentError",
    "StorageError",
    "Store",
    "UnitOfWork",
    "open_store",
    "utc_now",
]
