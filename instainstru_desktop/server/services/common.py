"""Helpers shared by the use cases: audit records, page cursors, lookups that 404."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Concatenate, ParamSpec

import orjson

from instainstru_desktop.domain.bookings import BookingStatus
from instainstru_desktop.server.core.errors import InvalidInput, NotFound
from instainstru_desktop.server.core.models import Instructor, LessonType
from instainstru_desktop.server.repositories import NewBooking
from instainstru_desktop.server.repositories.uow import Tx, UnitOfWork
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.views import Json

_P = ParamSpec("_P")


def run_use_case(
    uow: UnitOfWork,
    caller: Caller,
    use_case: Callable[Concatenate[Tx, Caller, _P], Json],
    /,
    *args: _P.args,
    **kwargs: _P.kwargs,
) -> Json:
    """Run one ``*_in`` use case in its own write transaction, committed; its answer.

    The arguments after ``use_case`` are its own, checked against its signature. It checks the
    caller's permission on the data it touches (the route has checked the role), and reads and
    writes only through ``tx``, so one that PostgreSQL aborted because of a concurrent
    transaction is run again from its start (see ``UnitOfWork.run_write``).
    """
    return uow.run_write(lambda tx: use_case(tx, caller, *args, **kwargs))


def new_id() -> str:
    return str(uuid.uuid4())


def record(
    tx: Tx,
    caller: Caller,
    action: str,
    *,
    instructor_id: str | None,
    booking_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append to the audit log: who (and in which role), what, when, from which device.

    Written with the commit, already stamped (see ``AuditRepository``)."""
    record_each(tx, caller, action, instructor_id=instructor_id, entries=[(booking_id, details)])


def record_each(
    tx: Tx,
    caller: Caller,
    action: str,
    *,
    instructor_id: str | None,
    entries: Iterable[tuple[str | None, dict[str, Any] | None]],
) -> None:
    """:func:`record` for several entries of one action (a series' lessons, each with its own
    entry): who, when and from where are made once for all of them."""
    principal = caller.principal
    shared = {
        "instructor_id": instructor_id,
        "at": caller.now,
        "actor_id": principal.user_id if principal else None,
        "actor_name": principal.name if principal else "system",
        "actor_role": principal.role.value if principal else "system",
        "device": caller.device[:200],
        "action": action,
    }
    context = caller.audit_context
    append = tx.audit.append
    for booking_id, details in entries:
        append(
            {
                "id": new_id(),
                "booking_id": booking_id,
                **shared,
                "details": {**(details or {}), **context},
            }
        )


def encode_cursor(*parts: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(parts)).decode().rstrip("=")


def decode_cursor(cursor: str | None, arity: int) -> list[Any] | None:
    """The parts of a page cursor made by :func:`encode_cursor`; garbage is a 422, not a 500."""
    if not cursor:
        return None
    try:
        parts = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError) as exc:
        raise InvalidInput(
            "The page cursor is not valid.", errors=[{"field": "cursor", "message": "not a cursor"}]
        ) from exc
    if (
        not isinstance(parts, list)
        or len(parts) != arity
        or not all(isinstance(p, str) for p in parts)
    ):
        raise InvalidInput(
            "The page cursor is not valid.", errors=[{"field": "cursor", "message": "not a cursor"}]
        )
    return parts


def instructor_or_404(tx: Tx, instructor_id: str) -> Instructor:
    instructor = tx.instructors.get(instructor_id)
    if instructor is None:
        raise NotFound("No such instructor.")
    return instructor


def lesson_type_or_404(tx: Tx, lesson_type_id: str) -> LessonType:
    lesson_type = tx.lesson_types.get(lesson_type_id)
    if lesson_type is None:
        raise NotFound("No such lesson type.")
    return lesson_type


def confirmed_lesson(
    caller: Caller,
    found: Any,
    *,
    booking_id: str,
    instructor_id: str,
    student_id: str,
    lesson_type_id: str,
    start: datetime,
    end: datetime,
    series_id: str | None = None,
    series_slot: str | None = None,
) -> NewBooking:
    """A new confirmed lesson at the price ``found`` names (the instructor and lesson type read
    for booking), as a single booking or a series makes it; the caller checked the rules."""
    return NewBooking(
        id=booking_id,
        instructor_id=instructor_id,
        student_id=student_id,
        lesson_type_id=lesson_type_id,
        start_utc=start,
        end_utc=end,
        status=BookingStatus.CONFIRMED.value,
        cancelled_by=None,
        cancel_reason=None,
        note="",
        flagged=False,
        review_note="",
        price_cents=found.price_cents,
        currency=found.currency,
        created_at=caller.now,
        updated_at=caller.now,
        version=1,
        series_id=series_id,
        series_slot=series_slot,
        series_moved=False,
    )
