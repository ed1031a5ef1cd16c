"""Admin review use cases: all bookings with filters, flag / note, cancel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from instainstru_desktop.protocol import ReviewBooking
from instainstru_desktop.services._base import UseCases, booking_or_raise, queue, touched
from instainstru_desktop.services._convert import instant_text
from instainstru_desktop.services._marks import lesson_cards
from instainstru_desktop.services.views import Changed, LessonCard
from instainstru_desktop.store.repositories.bookings import BookingFilter


@dataclass(frozen=True)
class AdminQuery:
    """The admin table's filters; empty values mean "any"."""

    instructor_id: str | None = None
    statuses: Sequence[str] = ()
    start_from: datetime | None = None  # aware; inclusive
    start_before: datetime | None = None  # aware; exclusive
    text: str = ""
    flagged: bool | None = None
    limit: int | None = None


class AdminService(UseCases):
    """What the admin review screen calls."""

    def bookings(self, query: AdminQuery | None = None) -> list[LessonCard]:
        """Bookings of every instructor matching ``query``, in start order, with names."""
        q = query or AdminQuery()
        f = BookingFilter(
            instructor_id=q.instructor_id,
            statuses=tuple(q.statuses),
            start_from=instant_text(q.start_from) if q.start_from else None,
            start_before=instant_text(q.start_before) if q.start_before else None,
            text=q.text.strip(),
            flagged=q.flagged,
            limit=q.limit,
        )
        with self._store.read() as uow:
            names = {i.id: i.name for i in uow.catalog.instructors()}
            return lesson_cards(uow, uow.bookings.search(f), names)

    def instructors(self) -> list[tuple[str, str]]:
        """``(id, name)`` of every instructor, for the filter box."""
        with self._store.read() as uow:
            return [(i.id, i.name) for i in uow.catalog.instructors()]

    def review(self, booking_id: str, flagged: bool, note: str) -> Changed:
        """Flag (or unflag) a booking for review, with the admin's note."""
        with self._store.uow() as uow:
            record = booking_or_raise(uow, booking_id)
            change = ReviewBooking(booking_id=booking_id, flagged=flagged, note=note)
            mutation_id = queue(uow, change, base_version=record.version)
            changed = touched(uow, record, mutation_id)
            uow.commit()
        return self._done(changed)

    def flag(self, booking_id: str, note: str = "") -> Changed:
        return self.review(booking_id, True, note)

    def note(self, booking_id: str, note: str) -> Changed:
        """Change the review note, keeping the flag as it is."""
        with self._store.read() as uow:
            flagged = booking_or_raise(uow, booking_id).flagged
        return self.review(booking_id, flagged, note)

    def cancel(self, booking_id: str, reason: str) -> Changed:
        """Cancel a confirmed lesson as an admin; beats an instructor's offline outcome."""
        return self._cancel(booking_id, reason)
