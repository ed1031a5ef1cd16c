"""A series' lessons and audit entries written a column at a time: the rows the plain path writes.

A series hands its forty lessons and forty audit entries to the driver a column at a time, with
the values they share converted once (``Prepared.run_columns``), and spells its lessons' ids
from their hash (``occurrence_ids``); its term is read by a compiled statement. Each is compared
here with the plain way -- lesson by lesson through the single booking's statement, entry by
entry through the commit's -- on the server's own tables: the stored rows must be byte-equal,
since the rules compare instants as text on SQLite.
"""

from __future__ import annotations

import uuid
from collections import namedtuple
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from instainstru_desktop.domain import zone
from instainstru_desktop.domain.series import Slot, occurrence_id, slot_start
from instainstru_desktop.domain.series_plan import Outcome, PlannedSlot
from instainstru_desktop.server.core.models import AuditEntry, Base, Series, Term
from instainstru_desktop.server.core.permissions import Principal, Role
from instainstru_desktop.server.repositories.bookings import BookingRepository
from instainstru_desktop.server.repositories.uow import Tx
from instainstru_desktop.server.services import series_booking
from instainstru_desktop.server.services.bookings import presented, presented_together
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.series_rows import term_of

ZONE = "Europe/Berlin"  # the weeks below cross the end of summer time
NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
Found = namedtuple("Found", "price_cents currency")
AUDIT = AuditEntry.__tablename__


@pytest.fixture
def engines(tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    made = []
    for name in ("plain", "columns"):
        engine = create_engine(f"sqlite:///{tmp_path / name}.sqlite3")
        Base.metadata.create_all(engine)
        made.append(engine)
    yield made[0], made[1]
    for engine in made:
        engine.dispose()


def _series() -> Series:
    return Series(
        id=str(uuid.UUID(int=0x5E12E5)),
        instructor_id="instructor-1",
        student_id="student-1",
        lesson_type_id="type-1",
        time_zone=ZONE,
    )


def _caller() -> Caller:
    principal = Principal("user-1", Role.INSTRUCTOR, "Ann Teacher", "ann@x.example", ZONE, "i-1")
    return Caller(principal=principal, device="desk", now=NOW, audit_context={"request": "r-1"})


def _items() -> list[PlannedSlot]:
    """Forty Tuesdays at 17:00 Berlin time, across the change of the clocks."""
    tz = zone(ZONE)
    items = []
    for week in range(40):
        slot = Slot(1, date(2026, 9, 8) + timedelta(weeks=week), 17 * 60)
        start = slot_start(slot, tz)
        assert start is not None
        items.append(PlannedSlot(slot, start, start + timedelta(minutes=45), Outcome.BOOK))
    return items


def _raw(engine: Engine, table: str) -> list[tuple[Any, ...]]:
    """The rows as the database stores them (the driver's values, no conversion)."""
    with engine.connect() as connection:
        return [tuple(r) for r in connection.exec_driver_sql(f"SELECT * FROM {table} ORDER BY id")]


def _without_ids(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "id"} for row in rows]


def test_a_series_lessons_and_audit_entries_are_written_as_the_plain_path_writes_them(
    engines: tuple[Engine, Engine],
) -> None:
    plain_engine, columns_engine = engines
    series, caller, items = _series(), _caller(), _items()
    found = Found(4500, "EUR")
    with Session(plain_engine) as plain_session, Session(columns_engine) as columns_session:
        plain = Tx(plain_session, writable=True, notify_in_tx=False)
        columns = Tx(columns_session, writable=True, notify_in_tx=False)
        # the plain path: lesson by lesson, each the single booking's one-row statement
        one_by_one = [series_booking.insert_lesson(plain, caller, series, i, found) for i in items]
        # the series' path: all forty in one statement, a column at a time
        together = series_booking.insert_lessons(columns, caller, series, items, found)
        assert together == one_by_one
        assert [b.id for b in together] == [occurrence_id(series.id, i.slot) for i in items]
        plain_audit, columns_audit = plain.audit.take_pending(), columns.audit.take_pending()
        assert _without_ids(plain_audit) == _without_ids(columns_audit)
        assert len({row["id"] for row in columns_audit}) == len(items)
        # the same entries (ids too) through the commit's two ways of writing them
        for row in columns_audit:
            plain.audit.insert_stamped([row], 7)
        columns.audit.insert_stamped(columns_audit, 7)
        plain_session.commit()
        columns_session.commit()
    lessons = _raw(columns_engine, "bookings")
    assert len(lessons) == 40
    assert lessons == _raw(plain_engine, "bookings")
    entries = _raw(columns_engine, AUDIT)
    assert len(entries) == 40
    assert entries == _raw(plain_engine, AUDIT)


def test_the_term_read_by_its_compiled_statement_is_the_term_the_session_loads(
    engines: tuple[Engine, Engine],
) -> None:
    engine, _ = engines
    breaks = [["2026-10-26", "2026-10-30", "Half term"], ["2026-12-21", "2027-01-03", "Winter"]]
    with Session(engine) as session:
        session.add(
            Term(
                id="term-1",
                instructor_id="instructor-1",
                name="Autumn ü",
                first_day=date(2026, 9, 7),
                last_day=date(2027, 2, 12),
                breaks=breaks,
                version=1,
                seq=1,
            )
        )
        session.commit()
    with Session(engine) as session:
        tx = Tx(session, writable=False, notify_in_tx=False)
        fields = tx.series.term_fields("term-1")
        loaded = tx.series.term("term-1")
        assert loaded is not None
        assert fields.instructor_id == loaded.instructor_id
        assert term_of(fields) == term_of(loaded)
        assert len(term_of(fields).breaks) == 2
        assert tx.series.term_fields("no-such-term") is None


def test_a_series_weeks_read_together_are_the_lessons_read_window_by_window(
    engines: tuple[Engine, Engine],
) -> None:
    """The busy lessons of many windows, read in one statement and converted a column at a
    time, are those the single booking's read finds window by window."""
    engine, _ = engines
    series, caller, items = _series(), _caller(), _items()
    with Session(engine) as session:
        tx = Tx(session, writable=True, notify_in_tx=False)
        series_booking.insert_lessons(tx, caller, series, items, Found(4500, "EUR"))
        windows = [
            (i.start + timedelta(minutes=shift), i.start + timedelta(minutes=shift + 90))
            for n, i in enumerate(items)
            if i.start is not None
            for shift in (-30 - n, 50)  # overlapping one lesson, then just after it
        ]
        together = tx.bookings.instructor_busy_in(series.instructor_id, windows)
        one_by_one = {
            span
            for lo, hi in windows
            for span in tx.bookings.instructor_busy(series.instructor_id, lo, hi)
        }
        assert together == sorted(one_by_one)
        assert len(together) == 40
        assert all(span.start.tzinfo is UTC for span in together)


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.STUDENT, Role.ADMIN])
def test_a_series_lessons_are_shown_as_each_would_be_on_its_own(role: Role) -> None:
    series, caller, items = _series(), _caller(), _items()
    lessons = [
        series_booking._lesson(caller, series, item, Found(4500, "EUR"), f"lesson-{n}")
        for n, item in enumerate(items[:5])
    ]
    rows = [BookingRepository.view_of(b, "Sam", ZONE, "Piano") for b in lessons]
    own = {Role.STUDENT: series.student_id, Role.INSTRUCTOR: "user-1", Role.ADMIN: "admin-1"}
    principal = Principal(own[role], role, "Someone", "s@x.example", ZONE, series.instructor_id)
    assert presented_together(principal, rows) == [presented(principal, r) for r in rows]
    other = rows[0]._replace(student_id="student-2")
    mixed = [*rows, other]
    assert presented_together(principal, mixed) == [presented(principal, r) for r in mixed]
