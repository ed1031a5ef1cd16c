"""Moving a confirmed lesson to another free time of the same instructor (an admin's move).

The free times are the domain's (:func:`~instainstru_desktop.domain.bookable_slots`) over what
the cache holds, asked exactly as the instructor's Move… asks
(:func:`~instainstru_desktop.services._local_rules.lesson_query`): the instructor's hours and
rules, their other lessons and the student's; the lesson being moved is left out, so it may
move to a time that overlaps where it was. The move is queued as ``booking.reschedule``; the
server checks every rule again when it arrives, and a refusal (the time was taken meanwhile)
comes back in the needs-attention list.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from instainstru_desktop.domain import BookingAction, DomainError, bookable_slots, check_booking
from instainstru_desktop.protocol import RescheduleLesson
from instainstru_desktop.services._base import (
    UseCases,
    booking_or_raise,
    check_action,
    queue,
    touched,
)
from instainstru_desktop.services._convert import aware
from instainstru_desktop.services._local_rules import LocalRules, lesson_query
from instainstru_desktop.services.errors import InvalidInputError
from instainstru_desktop.services.views import Changed

#: The most days one look for free times covers (a booking horizon is rarely longer).
MAX_DAYS = 60


class RescheduleService(UseCases):
    """Free times for a lesson, and moving it to one of them."""

    def free_times(self, booking_id: str, first: date, days: int = 14) -> list[datetime]:
        """Starts (aware, UTC) the lesson may move to, from ``first`` for ``days`` days of the
        instructor's calendar, by the instructor's rules as the cache knows them."""
        days = max(1, min(days, MAX_DAYS))
        with self._store.read() as uow:
            record = booking_or_raise(uow, booking_id)
            check_action(record, BookingAction.RESCHEDULE)
            query = lesson_query(uow, record, first, first + timedelta(days=days - 1))
        return [slot.start for slot in bookable_slots(query)]

    def reschedule(self, booking_id: str, start: datetime) -> Changed:
        """Move a confirmed lesson to ``start`` (aware), when the rules allow it."""
        start = aware(start)
        with self._store.uow() as uow:
            record = booking_or_raise(uow, booking_id)
            check_action(record, BookingAction.RESCHEDULE)
            day = start.astimezone(LocalRules.read(uow, record.instructor_id).tz).date()
            try:
                check_booking(lesson_query(uow, record, day, day), start)
            except DomainError as error:
                raise InvalidInputError(error.message) from error
            change = RescheduleLesson(booking_id=booking_id, start=start)
            mutation_id = queue(uow, change, base_version=record.version)
            changed = touched(uow, record, mutation_id)
            moved = booking_or_raise(uow, booking_id)
            changed |= touched(uow, moved)
            uow.commit()
        return self._done(changed)
