"""Admin review use cases: flag / note, cancel, one booking or many, and taking them back.

Bulk actions queue one change per booking in one transaction, so they are all queued or none
is, and their mutation ids follow each other: while none has been sent, undo withdraws them all
(:meth:`~instainstru_desktop.store.local_changes.LocalChanges.withdraw`). Once sent, a review
flag is undone by queueing the flags it replaced; a cancel cannot be undone (a cancelled lesson
stays cancelled, and its student has been told).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from instainstru_desktop.domain import BookingStatus
from instainstru_desktop.protocol import CancelLesson, ReviewBooking
from instainstru_desktop.services._base import UseCases, booking_or_raise, queue, touched
from instainstru_desktop.services._convert import instant_text
from instainstru_desktop.services._marks import lesson_cards
from instainstru_desktop.services.errors import ActionNotAllowedError, InvalidInputError
from instainstru_desktop.services.review_views import BulkPreview, Done, Undo
from instainstru_desktop.services.views import Changed, LessonCard
from instainstru_desktop.store import UnitOfWork
from instainstru_desktop.store.records import BookingRecord
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

    # -- many bookings at once, and undo ---------------------------------------------------

    def preview(self, booking_ids: Sequence[str], action: str) -> BulkPreview:
        """What ``action`` ("cancel" or "review") on these bookings would do, and whom it
        tells: cancelling applies to confirmed lessons only."""
        with self._store.read() as uow:
            records = _records(uow, booking_ids)
            names = {i.id: i.name for i in uow.catalog.instructors()}
        applies = [r for r in records if action != "cancel" or r.status == "confirmed"]
        return BulkPreview(
            booking_ids=tuple(r.id for r in applies),
            skipped=len(booking_ids) - len(applies),
            students=len({r.student_id for r in applies}),
            instructors=tuple(
                sorted({names.get(r.instructor_id, "") for r in applies} - {""}, key=str.casefold)
            ),
        )

    def review_many(self, booking_ids: Sequence[str], flagged: bool, note: str = "") -> Done:
        """Flag (or clear the flag of) every booking named, with one note; those already so
        are left alone."""
        note = note.strip()
        with self._store.uow() as uow:
            changed, ids, previous = Changed(), [], []
            for record in _records(uow, booking_ids):
                was = (bool(record.flagged), record.review_note or "")
                if was == (flagged, note if flagged else was[1]):
                    continue
                change = ReviewBooking(
                    booking_id=record.id, flagged=flagged, note=note if flagged else was[1]
                )
                ids.append(queue(uow, change, base_version=record.version))
                previous.append((record.id, *was))
                changed |= touched(uow, record, ids[-1])
            uow.commit()
        verb = "Flag" if flagged else "Clear the flag of"
        undo = Undo(f"{verb} {_lessons(len(ids))}", tuple(ids), tuple(previous))
        return Done(self._done(changed), undo)

    def cancel_many(self, booking_ids: Sequence[str], reason: str) -> Done:
        """Cancel every confirmed lesson named, with one reason each student reads."""
        reason = reason.strip()
        if not reason:
            raise InvalidInputError("Say why the lessons are cancelled; the students will see it.")
        with self._store.uow() as uow:
            changed, ids = Changed(), []
            for record in _records(uow, booking_ids):
                if record.status != BookingStatus.CONFIRMED:
                    continue
                change = CancelLesson(booking_id=record.id, reason=reason)
                ids.append(queue(uow, change, base_version=record.version))
                changed |= touched(uow, record, ids[-1])
            if not ids:
                raise ActionNotAllowedError("None of these lessons is confirmed any more.")
            uow.commit()
        return Done(self._done(changed), Undo(f"Cancel {_lessons(len(ids))}", tuple(ids)))

    def undo(self, undo: Undo) -> Changed:
        """Take an action back: withdraw its edits while none was sent; once sent, restore the
        review flags it replaced. A cancel that was sent cannot be undone."""
        with self._store.uow() as uow:
            withdrawn = uow.changes.withdraw_together(undo.mutation_ids)
            if withdrawn is not None:
                changed = Changed(attention=True)
                for _entity, key in withdrawn:
                    record = uow.bookings.get(key)
                    changed |= touched(uow, record) if record else Changed(
                        booking_ids=frozenset({key})
                    )
                uow.commit()
                return changed
            if not undo.previous_reviews:
                raise ActionNotAllowedError(
                    "This was already sent to the server, so it cannot be taken back: "
                    "a cancelled lesson stays cancelled, and its student has been told."
                )
            changed = Changed()
            for booking_id, flagged, note in undo.previous_reviews:
                record = uow.bookings.get(booking_id)
                if record is None:
                    continue
                change = ReviewBooking(booking_id=booking_id, flagged=flagged, note=note)
                changed |= touched(uow, record, queue(uow, change, base_version=record.version))
            uow.commit()
        return self._done(changed)


def _records(uow: UnitOfWork, booking_ids: Sequence[str]) -> list[BookingRecord]:
    """The bookings still in the cache, in the order named, each once."""
    found = (uow.bookings.get(b) for b in dict.fromkeys(booking_ids))
    return [r for r in found if r is not None]


def _lessons(count: int) -> str:
    return "1 lesson" if count == 1 else f"{count:,} lessons"
