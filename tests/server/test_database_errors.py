"""A write the database aborted because of a concurrent one: run again once, else a clear 503.

The errors are raised by a stand-in use case, as the drivers raise them, so these tests run the
same on SQLite and PostgreSQL (the real deadlocks are in ``test_lock_order``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.pool import NullPool

from instainstru_desktop.server.core import db
from instainstru_desktop.server.services import bookings
from tests.server.helpers import FakeClock, Studio, iso
from tests.server.test_errors import assert_problem

API = "/api/v1"

# what the server logs for each kind of database trouble these tests cause on purpose
_PROBLEMS = "instainstru_desktop.server.api.problems"
RAN_AGAIN = pytest.mark.expect_log(
    "instainstru_desktop.server.repositories.uow", "WARNING", match="running it again: deadlock"
)
CONTENDED = pytest.mark.expect_log(_PROBLEMS, "WARNING", match="database contention")


def _deadlock() -> OperationalError:
    return OperationalError("UPDATE bookings ...", {}, psycopg.errors.DeadlockDetected("deadlock"))


def _sqlite_busy() -> OperationalError:
    orig = sqlite3.OperationalError("database is locked")
    orig.sqlite_errorcode = 5  # SQLITE_BUSY, as the sqlite3 module sets it
    return OperationalError("BEGIN IMMEDIATE", {}, orig)


def _booked(client: TestClient, studio: Studio, clock: FakeClock) -> str:
    teacher, student = studio.instructors[0], studio.students[0]
    created = client.post(
        f"{API}/bookings",
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "start": iso(clock.now + timedelta(days=1, hours=2)),
        },
        headers=student.headers,
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def _failing_note(monkeypatch: pytest.MonkeyPatch, errors: list[Exception]) -> Callable[[], int]:
    """Make the note use case raise ``errors`` one per call, then work; returns a call count."""
    calls = 0
    real = bookings.note_in

    def note_in(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        result = real(*args, **kwargs)  # written, then lost with the aborted transaction
        if errors:
            raise errors.pop(0)
        return result

    monkeypatch.setattr(bookings, "note_in", note_in)
    return lambda: calls


@RAN_AGAIN
def test_a_write_aborted_as_a_deadlock_victim_is_run_again(
    client: TestClient, studio: Studio, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    booking_id = _booked(client, studio, clock)
    teacher = studio.instructors[0]
    calls = _failing_note(monkeypatch, [_deadlock()])

    response = client.put(
        f"{API}/bookings/{booking_id}/note", json={"note": "scales"}, headers=teacher.headers
    )

    assert response.status_code == 200, response.text
    assert calls() == 2
    # The aborted first run left nothing behind: one note, one audit entry, version 2.
    assert response.json()["version"] == 2
    history = client.get(f"{API}/bookings/{booking_id}/history", headers=studio.admin.headers)
    assert [e["action"] for e in history.json()].count("booking.note") == 1


@RAN_AGAIN
@CONTENDED
def test_a_second_abort_is_a_503_busy_and_changes_nothing(
    client: TestClient, studio: Studio, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    booking_id = _booked(client, studio, clock)
    teacher = studio.instructors[0]
    calls = _failing_note(monkeypatch, [_deadlock(), _deadlock()])

    response = client.put(
        f"{API}/bookings/{booking_id}/note", json={"note": "scales"}, headers=teacher.headers
    )

    body = assert_problem(response, 503, "busy")
    assert "try again" in str(body["detail"])
    assert response.headers["Retry-After"] == "1"
    assert calls() == 2
    after = client.get(f"{API}/bookings/{booking_id}", headers=teacher.headers).json()
    assert (after["note"], after["version"]) == ("", 1)


@pytest.mark.expect_log(_PROBLEMS, "WARNING", match="database is locked")
def test_sqlite_busy_is_a_503_busy_without_running_again(
    client: TestClient, studio: Studio, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite already waited its busy timeout: running the write again would only wait longer."""
    booking_id = _booked(client, studio, clock)
    calls = _failing_note(monkeypatch, [_sqlite_busy()])

    response = client.put(
        f"{API}/bookings/{booking_id}/note",
        json={"note": "scales"},
        headers=studio.instructors[0].headers,
    )

    assert_problem(response, 503, "busy")
    assert calls() == 1


@pytest.mark.expect_log(_PROBLEMS, "ERROR", match="database unavailable")
def test_a_lost_database_is_a_503(
    client: TestClient, studio: Studio, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    booking_id = _booked(client, studio, clock)
    lost = OperationalError(
        "SELECT 1", {}, psycopg.OperationalError("server closed the connection")
    )
    calls = _failing_note(monkeypatch, [lost])

    response = client.put(
        f"{API}/bookings/{booking_id}/note",
        json={"note": "scales"},
        headers=studio.instructors[0].headers,
    )

    assert_problem(response, 503, "database_unavailable")
    assert calls() == 1  # not known to be safe to run again: the commit may have happened


@pytest.mark.expect_log(_PROBLEMS, "ERROR", match="unhandled error")
def test_other_database_errors_stay_faults(
    app: Any, studio: Studio, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A constraint violation nobody expected is a bug: a 500, logged with its traceback."""
    with TestClient(app, raise_server_exceptions=False) as client:
        booking_id = _booked(client, studio, clock)
        broken = IntegrityError("INSERT ...", {}, psycopg.errors.UniqueViolation("duplicate"))
        _failing_note(monkeypatch, [broken])
        response = client.put(
            f"{API}/bookings/{booking_id}/note",
            json={"note": "scales"},
            headers=studio.instructors[0].headers,
        )
    assert_problem(response, 500, "internal_error")
    assert response.headers["connection"] == "close"  # the server drops the connection next



@pytest.mark.postgres
def test_a_pooled_connection_closed_while_idle_is_replaced_before_use(
    app: Any,
    client: TestClient,
    studio: Studio,
    clock: FakeClock,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pooled connections are not pinged on every use (a round trip per request), only after
    sitting idle; those the server closed meanwhile (a restart) are replaced, the request served."""
    _booked(client, studio, clock)  # the pool now holds connections used a moment ago
    other = create_engine(database_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with other.connect() as connection:
            ended = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND query NOT ILIKE 'LISTEN%'"  # the event listener: not the pool's
                )
            ).scalar_one()
    finally:
        other.dispose()
    assert ended >= 1
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)  # as if they had sat idle a while

    created = client.post(
        f"{API}/bookings",
        json={
            "instructor_id": studio.instructors[0].instructor_id,
            "lesson_type_id": studio.instructors[0].lesson_type_id,
            "start": iso(clock.now + timedelta(days=2, hours=2)),
        },
        headers=studio.students[0].headers,
    )
    assert created.status_code == 201, created.text
