"""SQLite's log is copied into the database file by a thread of its own, not by the commits.

A commit that took the write-ahead log past 1,000 pages used to checkpoint it before returning
(two ``fsync`` calls, 10-15 ms, with every other writer waiting). Now the server's connections
leave that to the checkpointing thread, which runs after every ``EVERY_COMMITS`` writes: the
database file itself (read without its log) then holds what was committed.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from instainstru_desktop.server.core.db import Database
from instainstru_desktop.sqlite_checkpoints import EVERY_COMMITS, FALLBACK_PAGES, Checkpoints


def _write(database: Database, n: int) -> None:
    with database.write_bind() as bind, bind.begin() as connection:
        connection.execute(
            text("INSERT INTO notes (n, body) VALUES (:n, :body)"),
            {
                "n": n,
                "body": "x" * 2000,  # about half a page each
            },
        )


def _rows_in_the_file_alone(path: Path, copy: Path) -> int:
    """Rows the database file holds without its log (a copy of the file alone is opened)."""
    shutil.copyfile(path, copy)
    with sqlite3.connect(copy) as connection:
        return int(connection.execute("SELECT count(*) FROM notes").fetchone()[0])


def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_commits_leave_checkpoints_to_the_thread(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    database = Database(f"sqlite:///{path}")
    try:
        with database.engine.connect() as connection:
            autocheckpoint = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
            connection.exec_driver_sql("CREATE TABLE notes (n INTEGER, body TEXT)")
            connection.commit()
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        assert autocheckpoint == FALLBACK_PAGES
        assert _rows_in_the_file_alone(path, tmp_path / "empty.sqlite3") == 0
        for n in range(EVERY_COMMITS - 1):
            _write(database, n)
        # no checkpoint yet: the commits wrote to the log only
        assert database.checkpoints.done == 0
        assert _rows_in_the_file_alone(path, tmp_path / "before.sqlite3") == 0
        _write(database, EVERY_COMMITS)
        assert _wait_for(lambda: database.checkpoints.done >= 1)
        assert _rows_in_the_file_alone(path, tmp_path / "after.sqlite3") == EVERY_COMMITS
    finally:
        database.dispose()


def test_disposing_the_database_stops_the_thread(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    database = Database(f"sqlite:///{path}")
    with database.engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE notes (n INTEGER, body TEXT)")
        connection.commit()
    for n in range(EVERY_COMMITS):
        _write(database, n)
    assert _wait_for(lambda: database.checkpoints.done >= 1)
    assert database.checkpoints.running
    database.dispose()
    assert not database.checkpoints.running
    # writes after that (a late teardown, say) start no thread again
    for n in range(EVERY_COMMITS):
        _write(database, n)
    assert not database.checkpoints.running
    database.dispose()


def test_a_database_without_a_file_has_no_thread() -> None:
    checkpoints = Checkpoints(None)  # a database in memory
    for _ in range(EVERY_COMMITS):
        checkpoints.written()
    assert not checkpoints.running
    checkpoints.close()
