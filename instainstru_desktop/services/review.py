"""Reads of the admin's review workspace: the table's pages and order, a booking's detail, the
filters' choices, and the weekly hours and per-instructor summary of the filtered bookings.

The table never holds the bookings: it asks for the order of the matches (rowids; the count is
its length) and for the rows of the pages on screen (see
:mod:`instainstru_desktop.store.repositories.review`). Sorting, filtering and the sums are
SQLite's work; Python only names things.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import orjson

from instainstru_desktop.domain import (
    BookingStatus,
    local_date,
    wall_time_to_utc,
    week_start,
)
from instainstru_desktop.services._base import UseCases, booking_or_raise
from instainstru_desktop.services._convert import instant_text, parse_instant, safe_zone
from instainstru_desktop.services._marks import Marks, lesson_cards, marks
from instainstru_desktop.services.review_views import (
    PAGE_ROWS,
    AuditLine,
    InstructorSummary,
    ReviewDetail,
    ReviewOptions,
    ReviewOrder,
    ReviewQuery,
    ReviewRow,
    SortKey,
    WeekHours,
)
from instainstru_desktop.store import UnitOfWork
from instainstru_desktop.store.records import AuditRecord
from instainstru_desktop.store.repositories.review import ReviewFilter, ReviewRecord

DEFAULT_COLOR = "#808080"


def stored_filter(query: ReviewQuery) -> ReviewFilter:
    """The query in the cache's spelling (instants as canonical text, text trimmed)."""
    return ReviewFilter(
        instructor_id=query.instructor_id or None,
        student_id=query.student_id or None,
        statuses=tuple(query.statuses),
        lesson_type=query.lesson_type or None,
        start_from=instant_text(query.start_from) if query.start_from else None,
        start_before=instant_text(query.start_before) if query.start_before else None,
        flagged=query.flagged,
        text=query.text.strip(),
    )


class _Instructors:
    """Names and zones of the instructors, read once per use case (there are few)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.of = {i.id: (i.name, i.time_zone) for i in uow.catalog.instructors()}

    def name(self, instructor_id: str) -> str:
        return self.of.get(instructor_id, ("", "UTC"))[0]

    def zone(self, instructor_id: str) -> str:
        return self.of.get(instructor_id, ("", "UTC"))[1]


class ReviewService(UseCases):
    """What the admin's bookings table, detail pane, chart and summary read."""

    # -- the table ----------------------------------------------------------------------------

    def first_rows(
        self,
        query: ReviewQuery,
        sort: SortKey = SortKey.START,
        descending: bool = False,
        limit: int = PAGE_ROWS,
    ) -> list[ReviewRow]:
        """The first rows in table order, before the whole order is known."""
        with self._store.read() as uow:
            found = uow.review.first_rows(stored_filter(query), sort, descending, limit)
            return self._rows(uow, found)

    def order(
        self, query: ReviewQuery, sort: SortKey = SortKey.START, descending: bool = False
    ) -> ReviewOrder:
        """Every match, in table order, as rowids (the count is its length)."""
        with self._store.read() as uow:
            rowids = uow.review.order(stored_filter(query), sort, descending)
            return ReviewOrder(rowids, uow.review.total())

    def rows(self, rowids: Sequence[int]) -> list[ReviewRow]:
        """The rows of one page of an order (a booking deleted meanwhile is left out)."""
        with self._store.read() as uow:
            return self._rows(uow, uow.review.rows(rowids))

    def booking_ids(self, rowids: Sequence[int]) -> list[str]:
        """The bookings of rows of an order (a selection, say), in that order."""
        with self._store.read() as uow:
            return uow.review.ids_of(rowids)

    def rowids(self, booking_ids: Sequence[str]) -> dict[str, int]:
        """Where bookings are in the cache, to find them in an order."""
        with self._store.read() as uow:
            return uow.review.rowids_of(booking_ids)

    def options(self) -> ReviewOptions:
        """The choices of the filter boxes."""
        with self._store.read() as uow:
            instructors = tuple((i.id, i.name, i.time_zone) for i in uow.catalog.instructors())
            students = tuple((s.id, s.name) for s in uow.catalog.students())
            return ReviewOptions(instructors, students, tuple(uow.review.lesson_type_names()))

    @staticmethod
    def _rows(uow: UnitOfWork, records: Sequence[ReviewRecord]) -> list[ReviewRow]:
        instructors = _Instructors(uow)
        booking_marks = marks(uow, "booking")
        return [_row(r, instructors, booking_marks) for r in records]

    # -- one booking --------------------------------------------------------------------------

    def detail(self, booking_id: str) -> ReviewDetail:
        """A booking with its instructor, both zones, price, notes and full history."""
        with self._store.read() as uow:
            record = booking_or_raise(uow, booking_id)
            instructors = _Instructors(uow)
            names = {record.instructor_id: instructors.name(record.instructor_id)}
            [lesson] = lesson_cards(uow, [record], names)
            history = tuple(_audit_line(a) for a in uow.bookings.history(booking_id))
            pending = tuple(uow.outbox.unsent_of("booking", booking_id))
        confirmed = record.status == BookingStatus.CONFIRMED
        return ReviewDetail(
            lesson=lesson,
            instructor_zone=instructors.zone(record.instructor_id),
            history=history,
            can_cancel=confirmed,
            can_reschedule=confirmed,
            pending_mutations=pending,
        )

    # -- chart and summary --------------------------------------------------------------------

    def weekly_hours(self, query: ReviewQuery) -> list[WeekHours]:
        """Booked hours per week of the filtered bookings, by status, oldest week first.

        A lesson counts in the week its instructor's calendar shows it in (their Monday, their
        zone); weeks without lessons between the first and the last are there, empty.
        """
        f = stored_filter(query)
        with self._store.read() as uow:
            first, last = uow.review.span(f)
            if first is None or last is None:
                return []
            instructors = _Instructors(uow)
            ids = [f.instructor_id] if f.instructor_id else uow.review.instructor_ids(f)
            weeks = _instructor_weeks(ids, instructors, first, last)
            sums = uow.review.weekly(f, orjson.dumps(weeks).decode())
        return _week_bars(sums)

    def summary(self, query: ReviewQuery) -> list[InstructorSummary]:
        """Per instructor: lessons, hours, revenue, cancellations, no-shows (by name)."""
        with self._store.read() as uow:
            sums = uow.review.per_instructor(stored_filter(query))
            instructors = _Instructors(uow)
        tallies: dict[str, _Tally] = {}
        for instructor_id, currency, status, count, seconds, cents in sums:
            tallies.setdefault(instructor_id, _Tally()).add(currency, status, count, seconds, cents)
        summaries = [
            tally.summary(iid, instructors.name(iid) or iid) for iid, tally in tallies.items()
        ]
        return sorted(summaries, key=lambda s: s.name.casefold())


@dataclass
class _Tally:
    """One instructor's sums while the summary is added up."""

    lessons: int = 0
    seconds: int = 0
    revenue: dict[str, int] = field(default_factory=dict)
    cancelled: int = 0
    no_shows: int = 0
    completed: int = 0

    def add(self, currency: str, status: str, count: int, seconds: int, cents: int) -> None:
        if status == "cancelled":
            self.cancelled += count
            return
        self.lessons += count
        self.seconds += seconds
        self.revenue[currency] = self.revenue.get(currency, 0) + cents
        if status == "no_show":
            self.no_shows += count
        elif status == "completed":
            self.completed += count

    def summary(self, instructor_id: str, name: str) -> InstructorSummary:
        return InstructorSummary(
            instructor_id=instructor_id,
            name=name,
            lessons=self.lessons,
            hours=self.seconds / 3600,
            revenue=dict(self.revenue),
            cancellations=self.cancelled,
            no_shows=self.no_shows,
            completed=self.completed,
        )


def _row(record: ReviewRecord, instructors: _Instructors, booking_marks: Marks) -> ReviewRow:
    mark, why = booking_marks.of(record.id)
    return ReviewRow(
        rowid=record.rowid,
        booking_id=record.id,
        start=parse_instant(record.start_utc),
        end=parse_instant(record.end_utc),
        instructor_id=record.instructor_id,
        instructor_name=instructors.name(record.instructor_id),
        instructor_zone=instructors.zone(record.instructor_id),
        student_id=record.student_id,
        student_name=record.student_name,
        student_zone=record.student_time_zone,
        lesson_type=record.lesson_type_name,
        color=record.color or DEFAULT_COLOR,
        status=record.status,
        price_cents=record.price_cents,
        currency=record.currency,
        flagged=record.flagged,
        review_note=record.review_note or "",
        cancel_reason=record.cancel_reason or "",
        cancelled_by=record.cancelled_by or "",
        version=record.version,
        mark=mark,
        mark_message=why,
    )


def _audit_line(entry: AuditRecord) -> AuditLine:
    parsed = orjson.loads(entry.details or "{}")
    return AuditLine(
        at=parse_instant(entry.at),
        actor_name=entry.actor_name,
        actor_role=entry.actor_role,
        device=entry.device,
        action=entry.action,
        details=parsed if isinstance(parsed, dict) else {},
    )


def _instructor_weeks(
    instructor_ids: Sequence[str], instructors: _Instructors, first: str, last: str
) -> list[list[str]]:
    """``[instructor, first instant, end instant, Monday]`` of every week each instructor's
    calendar shows between the first and the last lesson (a day of margin each side: zones)."""
    weeks: list[list[str]] = []
    earliest = parse_instant(first) - timedelta(days=1)
    latest = parse_instant(last) + timedelta(days=1)
    for instructor_id in instructor_ids:
        tz = safe_zone(instructors.zone(instructor_id))
        monday = week_start(local_date(earliest, tz))
        stop = week_start(local_date(latest, tz)) + timedelta(days=7)
        while monday < stop:
            following = monday + timedelta(days=7)
            weeks.append(
                [
                    instructor_id,
                    instant_text(wall_time_to_utc(monday, 0, tz)),
                    instant_text(wall_time_to_utc(following, 0, tz)),
                    monday.isoformat(),
                ]
            )
            monday = following
    return weeks


def _week_bars(sums: Sequence[tuple[str, str, int, int]]) -> list[WeekHours]:
    by_week: dict[date, tuple[dict[str, float], dict[str, int]]] = {}
    for week, status, lessons, seconds in sums:
        hours, counts = by_week.setdefault(date.fromisoformat(week), ({}, {}))
        hours[status] = hours.get(status, 0.0) + seconds / 3600
        counts[status] = counts.get(status, 0) + lessons
    if not by_week:
        return []
    bars: list[WeekHours] = []
    monday, last = min(by_week), max(by_week)
    while monday <= last:
        hours, counts = by_week.get(monday, ({}, {}))
        bars.append(WeekHours(monday, hours, counts))
        monday += timedelta(days=7)
    return bars
