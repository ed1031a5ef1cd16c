"""Opening the cache file: upgrade its schema, then an engine tuned for a desktop app.

Connection settings, and why:

- ``journal_mode=WAL``: the UI reads while the sync thread writes.
- ``synchronous=FULL``: an edit the user saw saved survives a power cut (the outbox is the only
  copy of an unsynced edit).
- ``cache_size=-16384`` (16 MiB): WAL with the default 2 MiB cache is slow for big pull pages;
  16 MiB keeps a 100k-booking first sync at the same speed as 64 MiB while the app stays small.
- ``wal_autocheckpoint`` at :data:`~instainstru_desktop.sqlite_checkpoints.FALLBACK_PAGES`: the
  log is copied into the file by a thread of its own after every write transaction (see
  :mod:`instainstru_desktop.sqlite_checkpoints`), not by the commit that took it past 1,000 pages:
  a big pull page no longer waits for its own copy before the next page goes in.
- ``foreign_keys=ON`` and ``busy_timeout``: a second writer waits instead of failing at once.
- The driver's own transaction handling is switched off and ``BEGIN`` is issued by us:
  read units of work use a deferred ``BEGIN`` (never block, never blocked), write units use
  ``BEGIN IMMEDIATE`` so two writers queue on the lock instead of deadlocking on an upgrade
  from read to write, which no busy timeout can resolve.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from instainstru_desktop.sqlite_checkpoints import FALLBACK_PAGES, Checkpoints
from instainstru_desktop.store.errors import classify
from instainstru_desktop.store.migrations import UpgradeReport, upgrade

BUSY_TIMEOUT_MS = 10_000
_BEGIN_OPTION = "instainstru_begin"


def _pragmas(busy_timeout_ms: int) -> tuple[str, ...]:
    return (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=FULL",
        "PRAGMA cache_size=-16384",
        f"PRAGMA wal_autocheckpoint={FALLBACK_PAGES}",
        "PRAGMA foreign_keys=ON",
        f"PRAGMA busy_timeout={int(busy_timeout_ms)}",
    )


def _on_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def create_cache_engine(path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine on the cache file with the settings above (the schema must already be there)."""
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        pool_size=4,
        max_overflow=8,
    )
    pragmas = _pragmas(busy_timeout_ms)

    def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        for pragma in pragmas:
            dbapi_connection.execute(pragma)

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


class Database:
    """The opened cache file: one engine, a session factory for reads and one for writes."""

    def __init__(self, path: Path, engine: Engine, upgrade_report: UpgradeReport) -> None:
        self.path = path
        self.engine = engine
        self.upgrade_report = upgrade_report
        #: Wakes after every write transaction: the app's commits are few (an edit, a pull
        #: page), and a pull page can write thousands of pages.
        self.checkpoints = Checkpoints(str(path), every=1)
        writer = engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        self.read_sessions = sessionmaker(bind=engine, expire_on_commit=False)
        self.write_sessions = sessionmaker(bind=writer, expire_on_commit=False)

    def session(self, *, write: bool) -> Session:
        """A new session; its first statement begins a read or a write transaction."""
        return (self.write_sessions if write else self.read_sessions)()

    def close(self) -> None:
        """Stop the checkpoints and close every pooled connection (the file can then be moved
        or deleted)."""
        self.checkpoints.close()
        self.engine.dispose()


def open_database(path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """Upgrade the file at ``path`` to this app's schema (creating it), then open it.

    Raises a typed :mod:`~instainstru_desktop.store.errors` error the UI can show.
    """
    report = upgrade(path)
    engine = create_cache_engine(path, busy_timeout_ms=busy_timeout_ms)
    try:
        with engine.connect() as conn:  # fail now, with a typed error, not on the first edit
            conn.exec_driver_sql("SELECT count(*) FROM sync_state").scalar_one()
    except DBAPIError as error:
        engine.dispose()
        raise classify(error, path) from error
    return Database(path, engine, report)
