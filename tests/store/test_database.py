"""The engine's settings and the unit of work's contract: explicit commit, typed errors."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date

import pytest
from sqlalchemy import text

from instainstru_desktop.protocol import SetDateHours
from instainstru_desktop.store import (
    DatabaseLockedError,
    DiskFullError,
    StorageBugError,
    open_store,
)
from instainstru_desktop.store.mirror import BY_NAME
from tests.store import factories as f


def test_connections_use_wal_full_sync_a_big_cache_foreign_keys_and_a_busy_timeout(store):
    with store.read() as uow:
        conn = uow.session.connection()

        def pragma(name: str) -> object:
            return conn.execute(text(f"PRAGMA {name}")).scalar()

        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("cache_size") == -16384  # 16 MiB: fast bulk pulls, a small app
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 10_000


def test_a_unit_of_work_rolls_back_unless_committed(store):
    with store.uow() as uow:
        uow.sync_state.update(cursor="5.x")
    with store.read() as uow:
        assert uow.sync_state.get().cursor == "0"

    with store.uow() as uow:
        uow.sync_state.update(cursor="5.x")
        uow.commit()
    with store.read() as uow:
        assert uow.sync_state.get().cursor == "5.x"


def test_a_failing_use_case_leaves_nothing_behind(store):
    def failing_use_case() -> None:
        with store.uow() as uow:
            uow.changes.record(SetDateHours(f.INSTRUCTOR_ID, date(2026, 3, 5), ()))
            raise RuntimeError("the use case failed after writing")

    with pytest.raises(RuntimeError):
        failing_use_case()
    with store.read() as uow:
        assert uow.outbox.all() == []
        assert uow.mirror.count("override") == 0


def test_each_file_gets_its_own_client_id_that_survives_reopening(tmp_path):
    first = open_store(tmp_path / "a.sqlite3")
    second = open_store(tmp_path / "b.sqlite3")
    with first.read() as a, second.read() as b:
        client_a, client_b = a.sync_state.get().client_id, b.sync_state.get().client_id
    first.close()
    second.close()
    assert client_a != client_b
    reopened = open_store(tmp_path / "a.sqlite3")
    with reopened.read() as uow:
        assert uow.sync_state.get().client_id == client_a
    reopened.close()


def test_a_full_disk_is_reported_as_something_the_user_can_fix(store):
    def fill_the_disk() -> None:
        with store.uow() as uow:
            conn = uow.session.connection()
            pages = conn.execute(text("PRAGMA page_count")).scalar()
            conn.execute(text(f"PRAGMA max_page_count = {pages}"))
            students = [f.student(f"s{i}", "x" * 2000) for i in range(200)]
            uow.mirror.upsert("student", [BY_NAME["student"].from_wire(s) for s in students])

    with pytest.raises(DiskFullError, match="disk holding your local data is full"):
        fill_the_disk()


def write(store) -> None:
    with store.uow() as uow:
        uow.sync_state.update(cursor="1.a")
        uow.commit()


def test_a_file_locked_by_another_program_is_reported_as_such(db_path, clock):
    impatient = open_store(db_path, clock=clock, busy_timeout_ms=50)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseLockedError, match="in use by another program"):
            write(impatient)
    finally:
        other.execute("ROLLBACK")
        other.close()
        impatient.close()


def test_a_constraint_violation_is_a_bug_not_the_users_problem(store):
    def add_twice() -> None:
        with store.uow() as uow:
            for _ in range(2):
                uow.outbox.add(
                    mutation_id=1,
                    client_id="c",
                    name="booking.note",
                    name_version=1,
                    args={},
                    base_version=None,
                    subjects=[],
                    now="2026-01-01T00:00:00Z",
                )

    with pytest.raises(StorageBugError):
        add_twice()


def test_reads_do_not_wait_for_a_writer(store):
    f.seed(store)
    writing = threading.Event()
    release = threading.Event()

    def long_write() -> None:
        with store.uow() as uow:
            uow.sync_state.update(cursor="9.z")
            writing.set()
            release.wait(10)
            uow.commit()

    writer = threading.Thread(target=long_write)
    writer.start()
    try:
        assert writing.wait(10)
        with store.read() as uow:  # does not block on the open write transaction
            assert uow.sync_state.get().cursor == "1.a"
    finally:
        release.set()
        writer.join(10)
    with store.read() as uow:
        assert uow.sync_state.get().cursor == "9.z"


def test_closing_twice_leaves_the_file_alone_the_second_time(db_path, store):
    store.close()
    db_path.write_bytes(b"")  # by the second close the file may be gone or replaced
    store.close()  # nothing read, nothing logged (a warning would fail this test)
    assert db_path.read_bytes() == b""
