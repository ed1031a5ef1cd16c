"""The reads on a driver cursor (``uow.direct_read()``) answer exactly what the same reads
through a session answer: the instructor's slot inputs, the lessons in the way, a student's
lessons and every shape of a page of bookings (filters, keyset, text), with instants, flags,
dates and JSON read the same way. On SQLite and, through ``scripts/test-postgres``, PostgreSQL.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from instainstru_desktop.server.core.models import AvailabilityOverride
from instainstru_desktop.server.repositories.bookings import (
    BookingFilter,
    _page_statement,
    _page_values,
)
from instainstru_desktop.server.repositories.compiled import compiled_for
from instainstru_desktop.server.repositories.uow import UnitOfWork
from tests.server.helpers import AWKWARD_NOTES, Studio, new_id, varied_booking

T = datetime(2026, 3, 2, 9, tzinfo=UTC)
NOTES = AWKWARD_NOTES[:-1]  # all but none


def _utc(instant: datetime) -> datetime:
    """A page's instant (naive UTC on SQLite, aware on PostgreSQL) as aware UTC."""
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def _lessons(uow: UnitOfWork, studio: Studio) -> None:
    """Forty lessons of both instructors and three students: every status, flags, notes that
    need escaping, and creation times with microseconds."""
    with uow.write() as tx:
        for n in range(40):
            start = T + timedelta(days=n // 4, hours=n % 4)
            tx.bookings.insert(varied_booking(studio, n, start, notes=NOTES))
        instructor_id = studio.instructors[0].instructor_id
        assert instructor_id is not None
        for day, ranges in ((date(2026, 3, 3), [[600, 720]]), (date(2026, 3, 5), [])):
            tx.availability.add_override(
                AvailabilityOverride(instructor_id=instructor_id, day=day, ranges=ranges, version=1)
            )
        tx.commit()


def test_slot_inputs_read_directly_match_the_session_reads(uow: UnitOfWork, studio: Studio) -> None:
    _lessons(uow, studio)
    for teacher in studio.instructors:
        instructor_id, type_id = teacher.instructor_id, teacher.lesson_type_id
        assert instructor_id is not None
        assert type_id is not None
        lo, hi = T - timedelta(hours=2), T + timedelta(days=5)
        with uow.read() as tx:
            row = tx.instructors.for_slots(instructor_id, type_id)
            busy = tx.bookings.instructor_busy(instructor_id, lo, hi)
            overrides = tx.availability.override_rows(instructor_id, lo.date(), hi.date())
            missing_type = tx.instructors.for_slots(instructor_id, new_id())
            student = tx.bookings.student_busy(studio.students[1].user_id, lo, hi)
        with uow.direct_read() as reads:
            direct = reads.for_slots(instructor_id, type_id)
            inputs = reads.instructor_inputs(instructor_id, (lo, hi), (lo.date(), hi.date()))
            assert reads.for_slots(new_id(), type_id) is None
            direct_missing_type = reads.for_slots(instructor_id, new_id())
            direct_student = reads.student_busy(studio.students[1].user_id, lo, hi)
        assert row is not None
        assert direct is not None
        assert row._asdict() == direct._asdict()
        assert missing_type is not None
        assert direct_missing_type is not None
        assert missing_type._asdict() == direct_missing_type._asdict()
        assert busy
        assert inputs.instructor_busy == busy
        assert all(r.start.tzinfo is UTC for r in inputs.instructor_busy)
        assert sorted(inputs.overrides) == sorted((day, ranges) for day, ranges in overrides)
        assert inputs.student_busy == []
        assert direct_student == student


def test_a_moved_lesson_is_left_out_of_the_lessons_in_the_way(
    uow: UnitOfWork, studio: Studio
) -> None:
    _lessons(uow, studio)
    instructor_id = studio.instructors[0].instructor_id
    assert instructor_id is not None
    lo, hi = T - timedelta(hours=2), T + timedelta(days=5)
    with uow.read() as tx:
        moved = tx.bookings.instructor_busy(instructor_id, lo, hi)[0]
        page = tx.bookings.page(BookingFilter(instructor_id=instructor_id), None, 1)[1]
        assert _utc(page[0].start) == moved.start
        expected = tx.bookings.instructor_busy(instructor_id, lo, hi, page[0].id)
    with uow.direct_read() as reads:
        inputs = reads.instructor_inputs(
            instructor_id, (lo, hi), (lo.date(), hi.date()), page[0].id
        )
    assert inputs.instructor_busy == expected
    assert moved not in expected


def _filters(studio: Studio) -> list[BookingFilter]:
    instructor_id = studio.instructors[1].instructor_id
    shapes = []
    for on in itertools.product([False, True], repeat=6):
        instructor, student, status, since, until, flagged = on
        shapes.append(
            BookingFilter(
                instructor_id=instructor_id if instructor else None,
                student_id=studio.students[0].user_id if student else None,
                status="confirmed" if status else None,
                start_from=T + timedelta(days=1) if since else None,
                start_to=T + timedelta(days=8) if until else None,
                flagged=True if flagged else None,
            )
        )
    return [
        *shapes,
        BookingFilter(text='"quotes"'),
        BookingFilter(text="ünï", status="cancelled"),
        BookingFilter(flagged=False),
    ]


@pytest.mark.parametrize("limit", [1, 7, 101])
def test_pages_read_directly_match_the_session_reads(
    uow: UnitOfWork, studio: Studio, limit: int
) -> None:
    _lessons(uow, studio)
    for where in _filters(studio):
        after: tuple[datetime, str] | None = None
        while True:
            with uow.read() as tx:
                keys, rows = tx.bookings.page(where, after, limit)
            with uow.direct_read() as reads:
                direct_keys, direct_rows = reads.bookings_page(where, after, limit)
            assert list(direct_keys) == keys
            assert [tuple(r) for r in direct_rows] == [tuple(r) for r in rows], where
            flags = [keys.index("flagged"), keys.index("series_moved")]
            assert all(type(r[i]) is bool for r in direct_rows for i in flags)
            if len(rows) < limit:
                break
            last = direct_rows[-1]
            start = last[keys.index("start")]
            after = (_utc(start), last[0])


@pytest.mark.parametrize(
    "where",
    [
        BookingFilter(),
        BookingFilter(instructor_id="i"),
        BookingFilter(student_id="s"),
        BookingFilter(status="confirmed", flagged=True),
    ],
    ids=["all", "instructor", "student", "status-flagged"],
)
def test_a_page_is_read_in_index_order_without_a_sort(
    uow: UnitOfWork, where: BookingFilter
) -> None:
    """SQLite's plan for a page of bookings walks an index in (start, id) order: no temporary
    tree sorts rows with equal starts (revision 0010)."""
    database = uow.database
    if not database.is_sqlite:
        pytest.skip("SQLite's query plan")
    values, shape = _page_values(where, (T, "x"), 100)
    found = compiled_for(_page_statement(*shape), database.engine.dialect)
    connection = database.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("EXPLAIN QUERY PLAN " + found.sql, found.arguments(values))
        plan = " / ".join(str(row[-1]) for row in cursor.fetchall())
    finally:
        connection.close()
    assert "TEMP B-TREE" not in plan
    assert "ix_bookings_" in plan
