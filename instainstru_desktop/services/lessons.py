"""Lesson use cases of an instructor: the lists, a lesson's detail, and what can be done to it.

Status changes are checked with the domain's life-cycle rules before they are queued, so the
user hears "this lesson was cancelled" at once instead of after a round trip; the server checks
again, and an admin's cancel that reached it first still wins (the queued change is rejected and
shown in the needs-attention list). "Now" is the server's time as best known
(``uow.server_now``): which lessons have started is the server's call, whatever this computer's
clock says. A change the server has not seen yet can be taken back
(:meth:`LessonService.withdraw`, for undo); a recorded outcome can be corrected afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Literal

import orjson

from instainstru_desktop.domain import (
    BookingAction,
    BookingStatus,
    InvalidTransition,
    can_mark_outcome,
    corrected_status,
    offers,
)
from instainstru_desktop.protocol import (
    BookLesson,
    CancelLesson,
    Change,
    CompleteLesson,
    CorrectOutcome,
    MarkNoShow,
    NoteLesson,
    RescheduleLesson,
    ResolveConflict,
)
from instainstru_desktop.services._base import (
    UseCases,
    booking_or_raise,
    check_action,
    queue,
    touched,
)
from instainstru_desktop.services._convert import aware, parse_instant
from instainstru_desktop.services._marks import lesson_cards
from instainstru_desktop.services.errors import (
    ActionNotAllowedError,
    AlreadySentError,
    InFlightError,
    InvalidInputError,
    UnknownItemError,
)
from instainstru_desktop.services.views import (
    Changed,
    HistoryEntry,
    LessonCard,
    LessonDetail,
    LessonsToMark,
    LessonTypeOption,
    ListedLesson,
    StudentOption,
)
from instainstru_desktop.store import UnitOfWork
from instainstru_desktop.store.records import AuditRecord, BookingRecord
from instainstru_desktop.store.repositories.bookings import BookingFilter

_ACTIVE = ("confirmed", "completed", "no_show")
#: Changes of a lesson's status or time: one queued after another may depend on it.
_STATUS_CHANGES = frozenset(
    kind.wire_name
    for kind in (
        CompleteLesson,
        MarkNoShow,
        CorrectOutcome,
        CancelLesson,
        RescheduleLesson,
        ResolveConflict,
    )
)
SENT = (
    "This change has already reached the server (or is on its way there), so it can no longer "
    "be taken back."
)


class LessonService(UseCases):
    """What the lesson lists, the detail pane and the calendar's lesson actions call."""

    # -- reads ------------------------------------------------------------------------------

    def upcoming(self, instructor_id: str, limit: int | None = None) -> list[LessonCard]:
        """Confirmed lessons that have not started yet, soonest first."""
        with self._store.read() as uow:
            records = uow.bookings.of_instructor(
                instructor_id,
                statuses=("confirmed",),
                start_from=uow.server_now_text(),
                limit=limit,
            )
            return lesson_cards(uow, records)

    def past(self, instructor_id: str, limit: int | None = None) -> list[LessonCard]:
        """Lessons that have started (to mark done / no-show, or already marked), newest first."""
        with self._store.read() as uow:
            records = uow.bookings.of_instructor(
                instructor_id,
                statuses=_ACTIVE,
                start_before=uow.server_now_text(),
                newest_first=True,
                limit=limit,
            )
            return lesson_cards(uow, records)

    def cancelled(self, instructor_id: str, limit: int | None = None) -> list[LessonCard]:
        """Cancelled lessons, newest first."""
        with self._store.read() as uow:
            records = uow.bookings.of_instructor(
                instructor_id, statuses=("cancelled",), newest_first=True, limit=limit
            )
            return lesson_cards(uow, records)

    def to_mark(self, instructor_id: str) -> LessonsToMark:
        """Lessons that have ended and are still "confirmed": given or missed, nobody said.

        Also when the next lesson ends, so a view can look again then: time alone adds to this
        list, with no change to announce it.
        """
        with self._store.read() as uow:
            now = uow.server_now_text()
            started = uow.bookings.of_instructor(
                instructor_id, statuses=("confirmed",), start_before=now
            )
            ended = [r for r in started if r.end_utc <= now]
            ends = [r.end_utc for r in started if r.end_utc > now]
            ends += [
                r.end_utc
                for r in uow.bookings.of_instructor(
                    instructor_id, statuses=("confirmed",), start_from=now, limit=1
                )
            ]
            cards = lesson_cards(uow, ended)
        return LessonsToMark(tuple(cards), parse_instant(min(ends)) if ends else None)

    def listed(self, instructor_id: str, booking_ids: Collection[str]) -> list[ListedLesson]:
        """Where each of a few bookings belongs in the lists above now, by the same rules,
        so a list can move one lesson instead of being read again."""
        with self._store.read() as uow:
            now = uow.server_now_text()
            records = [r for r in map(uow.bookings.get, booking_ids) if r is not None]
            mine = [r for r in records if r.instructor_id == instructor_id]
            cards = {c.booking_id: c for c in lesson_cards(uow, mine)}
        lists = {r.id: _list_of(r, now) for r in mine}
        return [ListedLesson(b, lists.get(b), cards.get(b)) for b in booking_ids]

    def detail(self, booking_id: str) -> LessonDetail:
        """A lesson with its audit history and the student's other lessons."""
        with self._store.read() as uow:
            record = booking_or_raise(uow, booking_id)
            [lesson] = lesson_cards(uow, [record])
            history = tuple(_history_entry(a) for a in uow.bookings.history(booking_id))
            together = BookingFilter(
                instructor_id=record.instructor_id, student_id=record.student_id, limit=200
            )
            others = uow.bookings.search(together, newest_first=True)
            student_lessons = lesson_cards(uow, [r for r in others if r.id != record.id])
            now = uow.server_now()
        allowed = offers(BookingStatus(record.status), lesson.start, now)
        return LessonDetail(
            lesson=lesson,
            history=history,
            can_complete=allowed.mark_outcome,
            can_no_show=allowed.mark_outcome,
            can_cancel=allowed.cancel,
            student_lessons=tuple(student_lessons),
            can_move=allowed.move,
            correct_to=allowed.correct_to.value if allowed.correct_to else None,
        )

    def card(self, booking_id: str) -> LessonCard:
        """One lesson as the lists show it (to name it in a notice)."""
        with self._store.read() as uow:
            [card] = lesson_cards(uow, [booking_or_raise(uow, booking_id)])
        return card

    def lesson_types(self, instructor_id: str) -> list[LessonTypeOption]:
        with self._store.read() as uow:
            return [
                LessonTypeOption(
                    t.id, t.name, t.duration_minutes, t.price_cents, t.currency, t.color, t.active
                )
                for t in uow.catalog.lesson_types(instructor_id)
            ]

    def students(self, text: str = "") -> list[StudentOption]:
        with self._store.read() as uow:
            return [
                StudentOption(s.id, s.name, s.email, s.time_zone)
                for s in uow.catalog.students(text)
            ]

    # -- writes -----------------------------------------------------------------------------

    def complete(self, booking_id: str) -> Changed:
        """Mark a lesson that has started as given."""
        return self._outcome(CompleteLesson(booking_id), BookingAction.COMPLETE)

    def complete_all(self, booking_ids: Collection[str]) -> Changed:
        """Mark many lessons as given at once (the lessons to mark): one queued change each,
        in one transaction. A lesson settled meanwhile (cancelled by an admin, marked on another
        device) is left as it is; one that has not started refuses them all."""
        changed = Changed()
        with self._store.uow() as uow:
            for booking_id in booking_ids:
                record = booking_or_raise(uow, booking_id)
                if record.status != BookingStatus.CONFIRMED:
                    continue
                changed |= self._queue_outcome(uow, record, CompleteLesson(booking_id))
            uow.commit()
        return self._done(changed)

    def no_show(self, booking_id: str) -> Changed:
        """Mark a lesson that has started as missed by the student."""
        return self._outcome(MarkNoShow(booking_id), BookingAction.NO_SHOW)

    def correct_outcome(self, booking_id: str, status: str) -> Changed:
        """Record the other outcome of a lesson marked completed or no-show (a mistake, found
        out later); the server accepts it from the lesson's instructor and audits it."""
        with self._store.uow() as uow:
            record = booking_or_raise(uow, booking_id)
            try:
                to = corrected_status(BookingStatus(record.status), BookingStatus(status))
            except (InvalidTransition, ValueError) as error:
                raise ActionNotAllowedError(
                    "Only a lesson marked completed or no-show can have its outcome corrected, "
                    "and only to the other one."
                ) from error
            done: Literal["completed", "no_show"] = (
                "completed" if to is BookingStatus.COMPLETED else "no_show"
            )
            change = CorrectOutcome(booking_id=booking_id, status=done)
            mutation_id = queue(uow, change, base_version=record.version)
            changed = touched(uow, record, mutation_id)
            uow.commit()
        return self._done(changed)

    def withdraw(self, booking_id: str, kind: type[Change]) -> Changed:
        """Take back the newest change of ``kind`` made to a lesson, if the server cannot have
        seen it yet (undo); :class:`AlreadySentError` once it may have, :class:`InFlightError`
        while an attempt to send it may be under way (ask again once it ended).

        A later change of the lesson's status or time queued after it may depend on it (a
        correction of the outcome being taken back, say): that one is to be taken back first.
        """
        with self._store.uow() as uow:
            before = booking_or_raise(uow, booking_id)
            kept = uow.outbox.newest_of(("booking", booking_id))
            newest = next((m for m in kept if m.name == kind.wire_name), None)
            if newest is not None and newest.mutation_id in self._store.in_flight():
                raise InFlightError("This change is on its way to the server right now.")
            if newest is None or newest.status != "pending":
                raise AlreadySentError(SENT)
            if any(
                m.mutation_id > newest.mutation_id
                and m.name in _STATUS_CHANGES
                and m.status in ("pending", "sent")
                for m in kept
            ):
                raise ActionNotAllowedError(
                    "A later change to this lesson depends on this one; take that back first."
                )
            if not uow.changes.withdraw(newest.mutation_id):
                raise AlreadySentError(SENT)
            after = booking_or_raise(uow, booking_id)
            changed = touched(uow, before) | touched(uow, after) | Changed(withdrawn=True)
            uow.commit()
        return changed

    def cancel(self, booking_id: str, reason: str) -> Changed:
        """Cancel a confirmed lesson; the reason is shown to the student."""
        return self._cancel(booking_id, reason)

    def note(self, booking_id: str, text: str) -> Changed:
        """Set the instructor's private note of a lesson (any status); the note shown until
        now goes with it, so a note written meanwhile on another device is not lost."""
        with self._store.uow() as uow:
            record = booking_or_raise(uow, booking_id)
            change = NoteLesson(booking_id=booking_id, note=text, base_note=record.note or "")
            mutation_id = queue(uow, change, base_version=record.version)
            changed = touched(uow, record, mutation_id)
            uow.commit()
        return self._done(changed)

    def book_for_student(
        self, instructor_id: str, student_id: str, lesson_type_id: str, start: datetime
    ) -> Changed:
        """Book a lesson for a student; its id is chosen here so the queued create is retry-safe.

        The server checks every booking rule when the create arrives; a refusal (slot taken
        meanwhile, ...) shows up in the needs-attention list and the lesson disappears.
        """
        start = aware(start)
        booking_id = str(uuid.uuid4())
        with self._store.uow() as uow:
            lesson_type = uow.catalog.lesson_type(lesson_type_id)
            if lesson_type is None or lesson_type.instructor_id != instructor_id:
                raise UnknownItemError("This lesson type is not offered by the instructor.")
            if not lesson_type.active:
                raise ActionNotAllowedError(f"“{lesson_type.name}” is no longer offered.")
            if uow.catalog.student(student_id) is None:
                raise UnknownItemError("This student is not in your local data yet.")
            if start < uow.server_now():
                raise InvalidInputError("A lesson cannot be booked in the past.")
            change = BookLesson(
                booking_id=booking_id,
                instructor_id=instructor_id,
                lesson_type_id=lesson_type_id,
                start=start,
                student_id=student_id,
            )
            mutation_id = queue(uow, change)
            record = booking_or_raise(uow, booking_id)
            changed = touched(uow, record, mutation_id)
            uow.commit()
        return self._done(changed)

    # -- helpers ----------------------------------------------------------------------------

    def _outcome(self, change: CompleteLesson | MarkNoShow, action: BookingAction) -> Changed:
        with self._store.uow() as uow:
            record = booking_or_raise(uow, change.booking_id)
            check_action(record, action)
            changed = self._queue_outcome(uow, record, change)
            uow.commit()
        return self._done(changed)

    @staticmethod
    def _queue_outcome(
        uow: UnitOfWork, record: BookingRecord, change: CompleteLesson | MarkNoShow
    ) -> Changed:
        if not can_mark_outcome(parse_instant(record.start_utc), uow.server_now()):
            raise ActionNotAllowedError("A lesson can be marked only once it has started.")
        mutation_id = queue(uow, change, base_version=record.version)
        return touched(uow, record, mutation_id)


def _list_of(record: BookingRecord, now: str) -> str | None:
    """The list of :meth:`LessonService.upcoming`, ``past`` or ``cancelled`` that holds it."""
    if record.status == "cancelled":
        return "cancelled"
    if record.start_utc >= now:
        return "upcoming" if record.status == "confirmed" else None
    return "past" if record.status in _ACTIVE else None


#: Audit details a person reads; the rest (client ids, mutation numbers, versions) is the
#: sync protocol's bookkeeping and stays in the log for support.
HISTORY_LABELS = {
    "reason": "Reason",
    "note": "Note",
    "start": "Start",
    "from_start": "Was",
    "to_start": "Now",
    "from_status": "Was",
    "to_status": "Now",
    "flagged": "Flagged",
    "review_note": "Review note",
}


def _history_entry(entry: AuditRecord) -> HistoryEntry:
    details = orjson.loads(entry.details) if entry.details else {}
    summary = "; ".join(
        f"{HISTORY_LABELS[k]}: {v}"
        for k, v in details.items()
        if k in HISTORY_LABELS and v not in (None, "")
    )
    return HistoryEntry(
        at=parse_instant(entry.at),
        actor_name=entry.actor_name,
        actor_role=entry.actor_role,
        action=entry.action,
        device=entry.device,
        summary=summary,
    )
