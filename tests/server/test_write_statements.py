"""What a booking costs the database: how many statements it sends, and that each one is compiled
once and then taken from the statement cache (a statement SQLAlchemy cannot cache is compiled
again on every booking, which cost more than all the SQL). On SQLite the booking's statements are
compiled once and sent to the driver directly (``repositories/compiled``), so they are counted
as the driver sees them.

The counts are the round trips of the write path on PostgreSQL (``docs`` of ``bookings.create_in``
and ``Tx.commit``): lowering them is the point, so a new statement on this path should be a
decision, seen here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine.interfaces import CacheStats

from tests.server.databases import on_postgres
from tests.server.helpers import FakeClock, Person, Studio, iso

API = "/api/v1"
#: Statements of one booking between BEGIN and COMMIT: the instructor's lock (PostgreSQL; on
#: SQLite ``BEGIN IMMEDIATE`` holds the only lock there is); their policy, hours, lesson type and
#: next series lesson; the student's lock; the date overrides and both busy lists; the new
#: lesson; then (PostgreSQL) the change number with the stamps, the commit record, the audit
#: entry and the notification in one statement, or (SQLite, which takes the number before
#: writing) the number, the commit record and the audit entry.
BOOKING_STATEMENTS = 6 if on_postgres() else 7


@contextmanager
def statements(app: FastAPI) -> Iterator[list[Any]]:
    """The execution contexts of the statements sent meanwhile."""
    seen: list[Any] = []
    engine = app.state.context.uow.database.engine

    def sent(
        _conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: Any
    ) -> None:
        seen.append(context)

    event.listen(engine, "after_cursor_execute", sent)
    try:
        yield seen
    finally:
        event.remove(engine, "after_cursor_execute", sent)


@contextmanager
def driver_statements(app: FastAPI) -> Iterator[list[str]]:
    """The SQL of every statement the SQLite driver ran meanwhile, on any pooled connection
    (elsewhere nothing: every statement goes through ``Connection.execute``)."""
    sent: list[str] = []
    traced: list[Any] = []
    engine = app.state.context.uow.database.engine
    if engine.dialect.name != "sqlite":
        yield sent
        return

    def checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        dbapi_connection.set_trace_callback(sent.append)
        traced.append(dbapi_connection)

    event.listen(engine, "checkout", checkout)
    try:
        yield sent
    finally:
        event.remove(engine, "checkout", checkout)
        for dbapi_connection in traced:
            dbapi_connection.set_trace_callback(None)


def _book(client: TestClient, student: Person, teacher: Person, start: Any) -> None:
    created = client.post(
        f"{API}/bookings",
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "start": iso(start),
        },
        headers=student.headers,
    )
    assert created.status_code == 201, created.text


def test_a_booking_sends_few_statements_all_from_the_cache(
    app: FastAPI, client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    _book(client, student, teacher, clock.now + timedelta(days=1, hours=2))  # compiles them

    with statements(app) as seen, driver_statements(app) as sent:
        _book(client, student, teacher, clock.now + timedelta(days=1, hours=4))

    compiled = [c for c in seen if c.compiled is not None and not _outside_the_write(c.statement)]
    compiled_again = [c.statement[:120] for c in compiled if not _cached(c)]
    assert compiled_again == []
    if on_postgres():
        booking = [c.statement for c in compiled]
    else:
        booking = [s for s in sent if not _outside_the_write(s) and not _begin_or_end(s)]
    assert len(booking) == BOOKING_STATEMENTS, [s[:80] for s in booking]


def _outside_the_write(statement: str) -> bool:
    """Reads of the request around the write (another process's commits, on SQLite)."""
    return "FROM commits WHERE commits.seq >" in " ".join(statement.split())


def _begin_or_end(statement: str) -> bool:
    return statement.split()[0].upper() in {"BEGIN", "COMMIT", "ROLLBACK"}


def _cached(context: Any) -> bool:
    return bool(context.cache_hit is CacheStats.CACHE_HIT)
