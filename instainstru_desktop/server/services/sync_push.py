"""Sync push: apply a client's queued mutations, each exactly once, in order.

Each mutation runs in its own write transaction together with the client's new
``last_mutation_id`` and its stored result, so a crash between mutations loses nothing and a
retried push replays stored answers instead of applying twice. A business rejection (a domain
rule, a permission, a vanished booking) is a *processed* mutation: it is stored as rejected with
its reason, an instructor's own rejection is recorded as a ``rejected_mutation`` conflict for the
"needs attention" list, and the queue moves on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal
from uuid import UUID

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from instainstru_desktop.domain.bookings import BookingAction
from instainstru_desktop.domain.errors import DomainError
from instainstru_desktop.server.core.errors import MutationGap, ServiceError
from instainstru_desktop.server.core.models import Conflict, MutationResult
from instainstru_desktop.server.core.permissions import Permission, Role, require
from instainstru_desktop.server.core.wire import (
    DayRange,
    Flag,
    Instant,
    PolicyIn,
    TemplateRange,
    Text,
    TimeZone,
    WireDate,
    plain_message,
    printable,
)
from instainstru_desktop.server.repositories.uow import Tx, UnitOfWork
from instainstru_desktop.server.services import availability, bookings, conflicts, instructors
from instainstru_desktop.server.services.common import new_id
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.sync_pull import cursor_text
from instainstru_desktop.server.services.views import Json


class _Args(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SetDate(_Args):
    instructor_id: UUID
    date: WireDate
    ranges: list[DayRange] = Field(max_length=96)


class ClearDate(_Args):
    instructor_id: UUID
    date: WireDate


class SetTemplate(_Args):
    instructor_id: UUID
    ranges: list[TemplateRange] = Field(max_length=700)


class BookingRef(_Args):
    booking_id: UUID


class Cancel(BookingRef):
    reason: Text = Field(default="", max_length=2000)


class Note(BookingRef):
    note: Text = Field(max_length=10_000)


class Reschedule(BookingRef):
    start: Instant


class Create(BookingRef):
    instructor_id: UUID
    lesson_type_id: UUID
    student_id: UUID | None = None
    start: Instant


class Review(BookingRef):
    flagged: Flag
    note: Text = Field(default="", max_length=10_000)


class Resolve(_Args):
    conflict_id: UUID
    resolution: Literal["kept", "cancelled", "reapplied"]
    reason: Text | None = Field(default=None, max_length=2000)


class PolicyUpdate(_Args):
    instructor_id: UUID
    policy: PolicyIn


class ProfileUpdate(_Args):
    instructor_id: UUID
    time_zone: TimeZone


Handler = Callable[[Tx, Caller, Any], Json]


def _transition(action: BookingAction) -> Handler:
    return lambda tx, c, a: bookings.transition_in(tx, c, str(a.booking_id), action)


#: Every mutation a client may push: its argument model and what applying it does.
MUTATIONS: dict[str, tuple[type[_Args], Handler]] = {
    "availability.set_date": (
        SetDate,
        lambda tx, c, a: availability.set_date_in(
            tx, c, str(a.instructor_id), a.date, [(r.start, r.end) for r in a.ranges]
        ),
    ),
    "availability.clear_date": (
        ClearDate,
        lambda tx, c, a: availability.clear_date_in(tx, c, str(a.instructor_id), a.date),
    ),
    "availability.set_template": (
        SetTemplate,
        lambda tx, c, a: availability.set_template_in(
            tx, c, str(a.instructor_id), [(r.weekday, r.start, r.end) for r in a.ranges]
        ),
    ),
    "booking.complete": (BookingRef, _transition(BookingAction.COMPLETE)),
    "booking.no_show": (BookingRef, _transition(BookingAction.NO_SHOW)),
    "booking.cancel": (
        Cancel,
        lambda tx, c, a: bookings.transition_in(
            tx, c, str(a.booking_id), BookingAction.CANCEL, a.reason
        ),
    ),
    "booking.note": (Note, lambda tx, c, a: bookings.note_in(tx, c, str(a.booking_id), a.note)),
    "booking.reschedule": (
        Reschedule,
        lambda tx, c, a: bookings.reschedule_in(tx, c, str(a.booking_id), a.start),
    ),
    "booking.create": (
        Create,
        lambda tx, c, a: bookings.create_in(
            tx,
            c,
            instructor_id=str(a.instructor_id),
            lesson_type_id=str(a.lesson_type_id),
            start=a.start,
            student_id=str(a.student_id) if a.student_id else None,
            booking_id=str(a.booking_id),
        ),
    ),
    "admin.review": (
        Review,
        lambda tx, c, a: bookings.review_in(tx, c, str(a.booking_id), a.flagged, a.note),
    ),
    "conflict.resolve": (
        Resolve,
        lambda tx, c, a: conflicts.resolve_in(tx, c, str(a.conflict_id), a.resolution, a.reason),
    ),
    "policy.update": (
        PolicyUpdate,
        lambda tx, c, a: instructors.set_policy_in(
            tx, c, str(a.instructor_id), a.policy.model_dump()
        ),
    ),
    "profile.update": (
        ProfileUpdate,
        lambda tx, c, a: instructors.update_profile_in(
            tx, c, str(a.instructor_id), {"time_zone": a.time_zone}
        ),
    ),
}


class Mutation(BaseModel):
    id: int
    name: str
    args: dict[str, Any]
    base_version: int | None = None


def _json(value: Json) -> Json:
    """Round-trip through JSON so stored results hold only JSON types."""
    result: Json = orjson.loads(orjson.dumps(value, option=orjson.OPT_UTC_Z))
    return result


def _result(m: MutationResult) -> Json:
    return {
        "id": m.mutation_id,
        "status": m.status,
        "code": m.code,
        "message": m.message,
        "result": m.result,
    }


def push(uow: UnitOfWork, caller: Caller, client_id: str, mutations: list[Mutation]) -> Json:
    principal = require(caller.principal, Permission.SYNC)
    results: list[Json] = []
    last = 0
    for mutation in mutations:
        with uow.write() as tx:
            client = tx.sync.client_for_update(principal.user_id, client_id, caller.now)
            last = client.last_mutation_id
            if mutation.id <= last:
                stored = tx.sync.result(principal.user_id, client_id, mutation.id)
                results.append(
                    _result(stored)
                    if stored
                    else {
                        "id": mutation.id,
                        "status": "applied",
                        "code": None,
                        "message": None,
                        "result": {},
                    }
                )
                continue
            if mutation.id != last + 1:
                raise MutationGap(
                    f"Mutation {mutation.id} arrived but {last + 1} was expected next.",
                    extra={"expected_mutation_id": last + 1, "last_mutation_id": last},
                )
            outcome = _apply(tx, caller, client_id, mutation)
            client.last_mutation_id = last = mutation.id
            client.updated_at = caller.now
            tx.sync.add_result(outcome)
            tx.commit()
        results.append(_result(outcome))
    with uow.read(snapshot=True) as tx:
        head = tx.sync.head()
        if not mutations:
            found = tx.sync.client(principal.user_id, client_id)
            last = found.last_mutation_id if found else 0
    return {
        "last_mutation_id": last,
        "cursor": cursor_text(*head) if head else "0",
        "results": results,
    }


def _apply(tx: Tx, caller: Caller, client_id: str, mutation: Mutation) -> MutationResult:
    context = {
        "mutation": mutation.name,
        "client_id": client_id,
        "mutation_id": mutation.id,
        "base_version": mutation.base_version,
    }
    caller = Caller(caller.principal, caller.device, caller.now, context)
    stored = MutationResult(
        user_id=caller.signed_in.user_id,
        client_id=client_id,
        mutation_id=mutation.id,
        name=mutation.name,
        applied_at=caller.now,
    )
    try:
        with tx.savepoint():
            entry = MUTATIONS.get(mutation.name)
            if entry is None:
                raise _RejectedError("validation_error", f"Unknown mutation {mutation.name!r}.")
            model, handler = entry
            try:
                args = model.model_validate(mutation.args)
            except ValidationError as exc:
                raise _RejectedError(*_first_error(exc)) from exc
            result = handler(tx, caller, args)
    except (DomainError, ServiceError, _RejectedError) as exc:
        code = exc.code
        message = exc.message if isinstance(exc, DomainError | _RejectedError) else exc.detail
        message = printable(message)  # stored, synced and shown: never a raw control character
        stored.status, stored.code, stored.message, stored.result = "rejected", code, message, {}
        _record_rejection(tx, caller, mutation, message)
        return stored
    stored.status, stored.code, stored.message = "applied", None, None
    stored.result = _json(result)
    return stored


def _uuid(value: object) -> str | None:
    try:
        return str(UUID(value)) if isinstance(value, str) else None
    except ValueError:
        return None


class _RejectedError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _first_error(exc: ValidationError) -> tuple[str, str]:
    """The code and the words of a mutation's first invalid argument."""
    error = exc.errors()[0]
    code = "unknown_time_zone" if error["type"] == "unknown_time_zone" else "validation_error"
    where = ".".join(str(p) for p in error["loc"])
    message = plain_message(error)
    return code, f"{where}: {message}" if where else message


def _record_rejection(tx: Tx, caller: Caller, mutation: Mutation, message: str) -> None:
    """An instructor's own refused edit goes to their "needs attention" list."""
    principal = caller.signed_in
    if principal.role is not Role.INSTRUCTOR or principal.instructor_id is None:
        return
    booking_id = _uuid(mutation.args.get("booking_id"))  # as sent: perhaps not an id at all
    booking = tx.bookings.get(booking_id) if booking_id is not None else None
    if booking is not None and booking.instructor_id != principal.instructor_id:
        booking = None
    tx.conflicts.add(
        Conflict(
            id=new_id(),
            instructor_id=principal.instructor_id,
            booking_id=booking.id if booking else None,
            kind="rejected_mutation",
            message=f"Your change ({mutation.name}) was not applied: {message}",
            created_at=caller.now,
            resolved=False,
            resolution=None,
            version=1,
        )
    )
