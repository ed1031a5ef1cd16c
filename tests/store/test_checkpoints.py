"""The cache's write-ahead log is copied into the file by a thread of its own, not by commits.

A pull page of tens of thousands of bookings used to copy itself into the database file inside
its own commit (SQLite's automatic checkpoint past 1,000 pages of log), before the next page
could go in. Now the commit only appends to the log and the checkpointing thread copies it:
the database file alone (read without its log) then holds the page.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from instainstru_desktop.sqlite_checkpoints import FALLBACK_PAGES
from instainstru_desktop.store import Store, open_store
from tests.store import factories as f
from tests.sync.harness import wait_until

START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _bookings_in_the_file_alone(path: Path, copy: Path) -> int | None:
    """Bookings the cache file holds without its log (a copy of the file alone is opened);
    ``None`` for a copy taken while a checkpoint was writing the file (torn)."""
    shutil.copyfile(path, copy)
    connection = sqlite3.connect(copy)
    try:
        return int(connection.execute("SELECT count(*) FROM bookings").fetchone()[0])
    except sqlite3.DatabaseError:
        return None
    finally:
        connection.close()


def _pull_page(store: Store, count: int) -> None:
    bookings = [f.booking(START + timedelta(minutes=30 * i)) for i in range(count)]
    with store.uow() as uow:
        uow.pull.apply(f.page("5.a", bookings=bookings), now="2026-03-04T12:00:00Z")
        uow.commit()


def test_a_big_pull_page_is_copied_into_the_file_by_the_thread(store: Store) -> None:
    path = store.database.path
    with store.read() as uow:
        connection = uow.session.connection()
        autocheckpoint = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    assert autocheckpoint == FALLBACK_PAGES  # commits leave the copy to the thread

    _pull_page(store, 3_000)  # far below the commits' own threshold of 10,000 pages

    # a checkpoint that began before the page's commit leaves it for the next one: wait for
    # the page itself, not for a count of checkpoints
    alone = path.with_name("alone.sqlite3")
    wait_until(
        lambda: _bookings_in_the_file_alone(path, alone) == 3_000, 10, "the page in the file"
    )


def test_closing_the_cache_stops_the_thread_and_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    store = open_store(path)
    _pull_page(store, 500)
    wait_until(lambda: store.database.checkpoints.done >= 1, 10, "a checkpoint")
    assert store.database.checkpoints.running

    store.close()

    assert not store.database.checkpoints.running
    reopened = open_store(path)
    try:
        with reopened.read() as uow:
            assert uow.mirror.count("booking") == 500
    finally:
        reopened.close()
