"""What every use-case class shares: the store, the "something to sync" hook, lookups."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from instainstru_desktop.domain import BookingAction, BookingStatus, DomainError, next_status
from instainstru_desktop.protocol import AnyChange, CancelLesson
from instainstru_desktop.protocol.limits import limit_problem
from instainstru_desktop.services._convert import lesson_dates, safe_zone
from instainstru_desktop.services.errors import (
    ActionNotAllowedError,
    InvalidInputError,
    UnknownItemError,
)
from instainstru_desktop.services.views import Changed
from instainstru_desktop.store import Store, UnitOfWork
from instainstru_desktop.store.mirror import Subject
from instainstru_desktop.store.records import BookingRecord


class UseCases:
    """Base of the services: ``on_change`` is called after a write queued something to sync
    (the app pokes its sync scheduler there, so an edit goes out at once when online)."""

    def __init__(self, store: Store, on_change: Callable[[], None] | None = None) -> None:
        self._store = store
        self._on_change = on_change

    def _done(self, changed: Changed) -> Changed:
        if changed.mutation_ids and self._on_change is not None:
            self._on_change()
        return changed

    def _cancel(self, booking_id: str, reason: str) -> Changed:
        """Queue ``booking.cancel`` with its reason (instructors and admins cancel alike;
        the server decides who wins a race, so the intent is the same for both)."""
        reason = reason.strip()
        if not reason:
            raise InvalidInputError("Say why the lesson is cancelled; the student will see it.")
        with self._store.uow() as uow:
            record = booking_or_raise(uow, booking_id)
            check_action(record, BookingAction.CANCEL)
            change = CancelLesson(booking_id=booking_id, reason=reason)
            mutation_id = queue(uow, change, base_version=record.version)
            changed = touched(uow, record, mutation_id)
            uow.commit()
        return self._done(changed)


def queue(
    uow: UnitOfWork,
    change: AnyChange,
    *,
    base_version: int | None = None,
    subjects: Sequence[Subject] | None = None,
) -> int:
    """Queue ``change`` once it keeps the limits the server holds it to; its mutation id.

    A change over a limit is refused here, with the server's own sentence, rather than queued
    and refused at the next sync, when the person has moved on and the edit quietly falls back.
    """
    problem = limit_problem(change)
    if problem is not None:
        raise InvalidInputError(problem)
    return uow.changes.record(change, base_version=base_version, subjects=subjects)


def booking_or_raise(uow: UnitOfWork, booking_id: str) -> BookingRecord:
    record = uow.bookings.get(booking_id)
    if record is None:
        raise UnknownItemError("This lesson is not in your local data (it may have been removed).")
    return record


def check_action(record: BookingRecord, action: BookingAction) -> None:
    """Raise :class:`ActionNotAllowedError` when the life cycle forbids ``action`` now."""
    try:
        next_status(BookingStatus(record.status), action)
    except DomainError as error:
        status = record.status.replace("_", "-")
        raise ActionNotAllowedError(
            f"This lesson is already {status}; it cannot be changed any more."
        ) from error


def touched(uow: UnitOfWork, record: BookingRecord, *mutation_ids: int) -> Changed:
    """What changing ``record`` changes on screen: its dates and the booking itself."""
    instructor = uow.catalog.instructor(record.instructor_id)
    tz = safe_zone(instructor.time_zone if instructor else "UTC")
    return Changed(
        dates=lesson_dates(record, tz),
        booking_ids=frozenset({record.id}),
        mutation_ids=tuple(mutation_ids),
    )


def changed_subjects(uow: UnitOfWork, subjects: Iterable[Subject], *mutation_ids: int) -> Changed:
    """What changes on screen when the rows named by ``subjects`` change."""
    changed = Changed(attention=True, mutation_ids=tuple(mutation_ids))
    for entity, key in subjects:
        if entity == "override":
            changed |= Changed(dates=frozenset({date.fromisoformat(key.split("/")[1])}))
        elif entity == "template":
            changed |= Changed(template=True)
        elif entity == "booking":
            record = uow.bookings.get(key)
            if record is not None:
                changed |= touched(uow, record)
            else:
                changed |= Changed(booking_ids=frozenset({key}))
    return changed
