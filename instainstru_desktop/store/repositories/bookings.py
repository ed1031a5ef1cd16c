"""Bookings and their audit history, as the mirror shows them (local edits included)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from instainstru_desktop.store import models
from instainstru_desktop.store.mirror import instant_text, parse_instant
from instainstru_desktop.store.records import (
    AuditRecord,
    BookingRecord,
    columns_of,
    table_of,
)

_BOOKINGS = table_of(models.Booking)
_LESSON_TYPES = table_of(models.LessonType)
_AUDIT = table_of(models.AuditEntry)
_SELECT = select(*columns_of(BookingRecord, _BOOKINGS), _LESSON_TYPES.c.color).outerjoin(
    _LESSON_TYPES, _LESSON_TYPES.c.id == _BOOKINGS.c.lesson_type_id
)
_AUDIT_SELECT = select(*columns_of(AuditRecord, _AUDIT))
# The week view's query, as plain SQL: it runs on every repaint of a week, and skipping the
# expression building keeps the whole week read well under a millisecond.
_OVERLAPPING_SQL = (
    "SELECT "
    + ", ".join(f"b.{c.name}" for c in columns_of(BookingRecord, _BOOKINGS))
    + ", t.color FROM bookings AS b LEFT OUTER JOIN lesson_types AS t"
    " ON t.id = b.lesson_type_id"
    " WHERE b.instructor_id = ? AND b.start_utc >= ? AND b.start_utc < ? AND b.end_utc > ?"
    " {status} ORDER BY b.start_utc"
)
_FLAGGED = BookingRecord._fields.index("flagged")


def _record(row: Sequence[Any]) -> BookingRecord:
    flagged = _FLAGGED  # SQLite hands back 0/1
    return BookingRecord._make((*row[:flagged], bool(row[flagged]), *row[flagged + 1 :]))


@dataclass(frozen=True)
class BookingFilter:
    """The admin table's filters; ``None`` or empty means "any"."""

    instructor_id: str | None = None
    student_id: str | None = None
    statuses: Sequence[str] = ()
    start_from: str | None = None  # canonical instant, inclusive
    start_before: str | None = None  # canonical instant, exclusive
    text: str = ""
    flagged: bool | None = None
    limit: int | None = None


class BookingRepository:
    """Reads of bookings; every query returns :class:`BookingRecord` in start order."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _run(self, query: Select[Any]) -> list[BookingRecord]:
        return [BookingRecord(*r) for r in self._session.connection().execute(query).fetchall()]

    def get(self, booking_id: str) -> BookingRecord | None:
        found = self._run(_SELECT.where(_BOOKINGS.c.id == booking_id))
        return found[0] if found else None

    def overlapping(
        self, instructor_id: str, start: str, end: str, *, include_cancelled: bool = False
    ) -> list[BookingRecord]:
        """Bookings of the instructor overlapping ``[start, end)`` (canonical instants)."""
        # Lessons last hours, not days: bounding the start lets the index do the work.
        sql = _OVERLAPPING_SQL.format(
            status="" if include_cancelled else "AND b.status != 'cancelled'"
        )
        rows = (
            self._session.connection()
            .exec_driver_sql(sql, (instructor_id, _shift_back(start), end, start))
            .fetchall()
        )
        return [_record(r) for r in rows]

    def of_instructor(
        self,
        instructor_id: str,
        *,
        statuses: Sequence[str],
        start_from: str | None = None,
        start_before: str | None = None,
        newest_first: bool = False,
        limit: int | None = None,
    ) -> list[BookingRecord]:
        return self.search(
            BookingFilter(
                instructor_id=instructor_id,
                statuses=statuses,
                start_from=start_from,
                start_before=start_before,
                limit=limit,
            ),
            newest_first=newest_first,
        )

    def search(self, f: BookingFilter, *, newest_first: bool = False) -> list[BookingRecord]:
        query = _SELECT
        if f.instructor_id:
            query = query.where(_BOOKINGS.c.instructor_id == f.instructor_id)
        if f.student_id:
            query = query.where(_BOOKINGS.c.student_id == f.student_id)
        if f.statuses:
            query = query.where(_BOOKINGS.c.status.in_(list(f.statuses)))
        if f.start_from:
            query = query.where(_BOOKINGS.c.start_utc >= f.start_from)
        if f.start_before:
            query = query.where(_BOOKINGS.c.start_utc < f.start_before)
        if f.flagged is not None:
            query = query.where(_BOOKINGS.c.flagged.is_(f.flagged))
        if f.text:
            pattern = f"%{f.text}%"
            query = query.where(
                or_(
                    _BOOKINGS.c.student_name.ilike(pattern),
                    _BOOKINGS.c.lesson_type_name.ilike(pattern),
                    _BOOKINGS.c.note.ilike(pattern),
                    _BOOKINGS.c.cancel_reason.ilike(pattern),
                )
            )
        order = _BOOKINGS.c.start_utc.desc() if newest_first else _BOOKINGS.c.start_utc
        query = query.order_by(order, _BOOKINGS.c.id)
        if f.limit:
            query = query.limit(f.limit)
        return self._run(query)

    def history(self, booking_id: str) -> list[AuditRecord]:
        rows = self._session.connection().execute(
            _AUDIT_SELECT.where(_AUDIT.c.booking_id == booking_id).order_by(_AUDIT.c.at)
        )
        return [AuditRecord(*r) for r in rows]


def _shift_back(start: str) -> str:
    """An instant two days before ``start`` (no lesson lasts longer), as canonical text."""
    return instant_text(parse_instant(start) - timedelta(days=2))
