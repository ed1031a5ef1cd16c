"""The local cache: a mirror of the server, the outbox of local edits and the sync state.

Open it with :func:`open_store`; use cases work through :meth:`Store.uow` (writes) and
:meth:`Store.read` (snapshots). Only this package touches SQLAlchemy.
"""

from __future__ import annotations

from pathlib import Path

from instainstru_desktop.store.checkup import examine
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
    require_writable_folder,
)
from instainstru_desktop.store.footprint import read_footprint
from instainstru_desktop.store.rescue import RescueReport, set_aside
from instainstru_desktop.store.uow import AfterSync, Clock, Store, UnitOfWork, utc_now


def open_store(
    path: Path, *, clock: Clock = utc_now, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Store:
    """Check, upgrade (backing up first) and open the cache file at ``path``.

    A damaged file is moved aside and rebuilt with the edits that could be read back; the
    store's :attr:`~Store.rescue` then says what was recovered and what was not.
    """
    footprint = read_footprint(path)
    damage = examine(path, footprint, timeout=busy_timeout_ms / 1000)
    rescue = set_aside(path, damage, footprint, clock()) if damage is not None else None
    if rescue is not None:
        rescue.lay_foundation(path)
    store = Store(open_database(path, busy_timeout_ms=busy_timeout_ms), clock=clock)
    try:
        store.restore_indexes()  # a first download stopped before its step after the sync
        if rescue is not None:
            store.rescue = rescue.adopt(store)
        store.keep_safe(backup=True)
    except BaseException:
        store.close()
        raise
    return store


__all__ = [
    "AfterSync",
    "Clock",
    "Database",
    "DatabaseCorruptError",
    "DatabaseLockedError",
    "DatabaseNewerThanAppError",
    "DatabaseUnwritableError",
    "DiskFullError",
    "MigrationError",
    "RescueReport",
    "StorageBugError",
    "StorageEnvironmentError",
    "StorageError",
    "Store",
    "UnitOfWork",
    "open_store",
    "require_writable_folder",
    "utc_now",
]
