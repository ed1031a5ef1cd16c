"""Moving a confirmed lesson to another free time of the same instructor.

The free times are the domain's (:func:`~instainstru_desktop.domain.bookable_slots`) over what
the cache holds: the instructor's hours and rules, their other lessons and the student's. The
lesson being moved is left out of both, so it may move to a time that overlaps where it was.
The move is queued as ``booking.reschedule``; the server checks every rule again when it
arrives, and a refusal (the time was taken meanwhile) comes back in the needs-attention list.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from instainstru_desktop.domain import (
    ACTIVE_STATUSES,
    Availability,
    BookingAction,
    BookingPolicy,
    DomainError,
    SlotQuery,
    TimeRange,
    WallRange,
    WeeklyTemplate,
    bookable_slots,
    check_booking,
    local_day_bounds_utc,
)
from instainstru_desktop.protocol import RescheduleLesson
from instainstru_desktop.services._base import (
    UseCases,
    booking_or_raise,
    check_action,
    queue,
    touched,
)
from instainstru_desktop.services._convert import aware, instant_text, parse_instant, safe_zone
from instainstru_desktop.services.errors import InvalidInputError, UnknownItemError
from instainstru_desktop.services.views import Changed
from instainstru_desktop.store import UnitOfWork
from instainstru_desktop.store.records import BookingRecord
from instainstru_desktop.store.repositories.bookings import BookingFilter

#: The most days one look for free times covers (a booking horizon is rarely longer).
MAX_DAYS = 60
_ACTIVE = tuple(s.value for s in ACTIVE_STATUSES)


class RescheduleService(UseCases):
    """Free times for a lesson, and moving it to one of them."""

    def free_times(self, booking_id: str, first: date, days: int = 14) -> list[datetime]:
        """Starts (aware, UTC) the lesson may move to, from ``first`` for ``days`` days of the
        instructor's calendar, by the instructor's rules as the cache knows them."""
        days = max(1, min(days, MAX_DAYS))
        with self._store.read() as uow:
            record = booking_or_raise(uow, booking_id)
            check_action(record, BookingAction.RESCHEDULE)
            query = _slot_query(uow, record, first, first + timedelta(days=days - 1))
        return [slot.start for slot in bookable_slots(query)]

    def reschedule(self, booking_id: str, start: datetime) -> Changed:
        """Move a confirmed lesson to ``start`` (aware), when the rules allow it."""
        start = aware(start)
        with self._store.uow() as uow:
            record = booking_or_raise(uow, booking_id)
            check_action(record, BookingAction.RESCHEDULE)
            tz = _instructor_zone(uow, record)
            day = start.astimezone(tz).date()
            query = _slot_query(uow, record, day, day)
            try:
                check_booking(query, start)
            except DomainError as error:
                raise InvalidInputError(error.message) from error
            change = RescheduleLesson(booking_id=booking_id, start=start)
            mutation_id = queue(uow, change, base_version=record.version)
            changed = touched(uow, record, mutation_id)
            moved = booking_or_raise(uow, booking_id)
            changed |= touched(uow, moved)
            uow.commit()
        return self._done(changed)


def _instructor_zone(uow: UnitOfWork, record: BookingRecord) -> ZoneInfo:
    instructor = uow.catalog.instructor(record.instructor_id)
    if instructor is None:
        raise UnknownItemError("This lesson's instructor is not in your local data.")
    return safe_zone(instructor.time_zone)


def _policy(text: str) -> BookingPolicy:
    """The instructor's rules from the cache's JSON (a missing rule: the domain's default)."""
    stored = orjson.loads(text or "{}")
    known = {k: v for k, v in stored.items() if k in BookingPolicy.__dataclass_fields__}
    return BookingPolicy(**known)


def _walls(ranges: Any) -> tuple[WallRange, ...]:
    return tuple(WallRange.parse(str(r["start"]), str(r["end"])) for r in ranges)


def _availability(uow: UnitOfWork, instructor_id: str, first: date, last: date) -> Availability:
    template = uow.availability.template(instructor_id)
    days: dict[int, list[WallRange]] = {}
    for r in template[0] if template else ():
        days.setdefault(int(r["weekday"]), []).extend(_walls([r]))
    overrides: Mapping[str, Any] = uow.availability.overrides(
        instructor_id, first.isoformat(), last.isoformat()
    )
    return Availability(
        WeeklyTemplate({w: tuple(r) for w, r in days.items()}),
        {date.fromisoformat(d): _walls(r) for d, r in overrides.items()},
    )


def _busy(records: list[BookingRecord], moved: str) -> list[TimeRange]:
    return [
        TimeRange(parse_instant(r.start_utc), parse_instant(r.end_utc))
        for r in records
        if r.id != moved and r.status in _ACTIVE
    ]


def _slot_query(uow: UnitOfWork, record: BookingRecord, first: date, last: date) -> SlotQuery:
    """The domain's question for moving ``record`` to a start on ``first`` .. ``last``."""
    instructor = uow.catalog.instructor(record.instructor_id)
    if instructor is None:
        raise UnknownItemError("This lesson's instructor is not in your local data.")
    tz = safe_zone(instructor.time_zone)
    policy = _policy(instructor.policy)
    start, end = local_day_bounds_utc(first, tz).start, local_day_bounds_utc(last, tz).end
    length = parse_instant(record.end_utc) - parse_instant(record.start_utc)
    # a week either side: the buffers, and the weekly limit counts whole weeks
    lo, hi = start - timedelta(days=8), end + timedelta(days=8)
    mine = uow.bookings.overlapping(record.instructor_id, instant_text(lo), instant_text(hi))
    theirs = uow.bookings.search(
        BookingFilter(
            student_id=record.student_id,
            statuses=_ACTIVE,
            start_from=instant_text(start - length),
            start_before=instant_text(end + length),
        )
    )
    return SlotQuery(
        availability=_availability(
            uow, record.instructor_id, first - timedelta(days=8), last + timedelta(days=8)
        ),
        tz=tz,
        policy=policy,
        duration_minutes=max(1, int(length.total_seconds() // 60)),
        window=TimeRange(start, end),
        now=uow.server_now(),
        instructor_busy=_busy(mine, record.id),
        student_busy=_busy(theirs, record.id),
    )
