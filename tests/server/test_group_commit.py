"""A durable server's commits are on disk before its answers leave, synced outside the write
lock and shared by the writers of the moment; the server inside the app does not sync."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

from sqlalchemy import text

from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.db import Database
from instainstru_desktop.server.core.group_commit import GroupCommit
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.embedded import EmbeddedServer


class Steps:
    """A clock of steps shared by the threads: which of two events came first."""

    def __init__(self) -> None:
        self._next = itertools.count(1)
        self._lock = threading.Lock()

    def now(self) -> int:
        with self._lock:
            return next(self._next)


def test_every_wait_returns_after_a_sync_that_started_after_its_commit() -> None:
    steps = Steps()
    syncs: list[tuple[int, int]] = []  # (started, ended)
    pause = threading.Event()

    def slow_sync() -> None:
        started = steps.now()
        pause.wait(0.002)  # long enough for other writers to commit meanwhile
        syncs.append((started, steps.now()))

    group = GroupCommit("/nowhere/db.sqlite3", sync=slow_sync)
    waits: list[tuple[int, int]] = []  # (commit returned, wait returned)
    recorded = threading.Lock()

    def writer() -> None:
        for _ in range(40):
            committed = steps.now()
            ticket = group.committed()
            group.wait(ticket)
            with recorded:
                waits.append((committed, steps.now()))

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(waits) == 320
    for committed, returned in waits:
        assert any(committed < started and ended < returned for started, ended in syncs), (
            f"the commit at step {committed} was answered at {returned} with no sync between"
        )
    assert group.syncs == len(syncs) < 320  # writers shared syncs


def _synchronous(database: Database) -> int:
    with database.engine.connect() as connection:
        return int(connection.exec_driver_sql("PRAGMA synchronous").scalar())


def _write(database: Database, value: int, *, commit: bool = True) -> None:
    with database.write_bind() as bind, bind.connect() as connection:
        connection.execute(text("INSERT INTO notes (n) VALUES (:n)"), {"n": value})
        if commit:
            connection.commit()
        else:
            connection.rollback()


def test_a_standalone_server_syncs_each_commit_and_shares_syncs_between_writers(
    tmp_path: Path,
) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    database = app.state.context.uow.database
    try:
        group = database.group_commit
        assert group is not None
        assert _synchronous(database) == 1  # the commit itself only writes the log
        with database.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE notes (n INTEGER)")
        before = group.syncs
        _write(database, 1)
        assert group.syncs == before + 1
        _write(database, 2, commit=False)  # nothing to make durable
        assert group.syncs == before + 1

        def writer(first: int) -> None:
            for n in range(first, first + 25):
                _write(database, n)

        threads = [threading.Thread(target=writer, args=(100 * i,)) for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM notes").scalar() == 401
        assert group.syncs - before - 1 < 400
    finally:
        database.dispose()


def test_the_server_inside_the_app_leaves_durability_to_the_apps_cache(tmp_path: Path) -> None:
    inside = EmbeddedServer(f"sqlite:///{tmp_path / 'b.sqlite3'}", seed_demo=False)
    database = create_app(inside.settings).state.context.uow.database
    try:
        assert database.group_commit is None
        assert _synchronous(database) == 1
    finally:
        database.dispose()
