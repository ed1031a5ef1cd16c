"""Bookings: create, read, history, and the state changes (cancel, outcomes, move, note)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from instainstru_desktop.domain.bookings import BookingAction, BookingStatus
from instainstru_desktop.server.api.deps import PageLimit, RequirePermission, UowDep, run_read
from instainstru_desktop.server.api.routes._json import json_response
from instainstru_desktop.server.api.schemas import (
    AuditEntryOut,
    BookingIn,
    BookingOut,
    BookingPage,
    CancelIn,
    CorrectOutcomeIn,
    NoteIn,
    RescheduleIn,
    Status,
)
from instainstru_desktop.server.core.permissions import Permission
from instainstru_desktop.server.core.wire import Instant
from instainstru_desktop.server.services import bookings
from instainstru_desktop.server.services.common import run_use_case
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.views import Json

router = APIRouter(prefix="/bookings", tags=["bookings"])


Reader = Annotated[Caller, RequirePermission(Permission.BOOKINGS_READ)]
Creator = Annotated[Caller, RequirePermission(Permission.BOOKINGS_CREATE)]
Canceller = Annotated[Caller, RequirePermission(Permission.BOOKINGS_CANCEL)]
Marker = Annotated[Caller, RequirePermission(Permission.BOOKINGS_OUTCOME)]
Mover = Annotated[Caller, RequirePermission(Permission.BOOKINGS_RESCHEDULE)]
Noter = Annotated[Caller, RequirePermission(Permission.BOOKINGS_NOTE)]
Historian = Annotated[Caller, RequirePermission(Permission.BOOKINGS_HISTORY)]


@router.post("", response_model=None, status_code=201, responses={201: {"model": BookingOut}})
def create_booking(body: BookingIn, caller: Creator, uow: UowDep) -> Response:
    """Book a lesson: every rule is checked under the instructor's lock, in one transaction."""
    booking = run_use_case(
        uow,
        caller,
        bookings.create_in,
        instructor_id=body.instructor_id,
        lesson_type_id=body.lesson_type_id,
        start=body.start,
        student_id=body.student_id,
    )
    return json_response(booking, status_code=201)


@router.get("", response_model=None, responses={200: {"model": BookingPage}})
async def list_bookings(
    caller: Reader,
    uow: UowDep,
    status: Status | None = None,
    start_from: Annotated[Instant | None, Query(alias="from")] = None,
    start_to: Annotated[Instant | None, Query(alias="to")] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: PageLimit = 100,
) -> Response:
    """The caller's own bookings (students and instructors), or all (admins)."""
    query = bookings.BookingQuery(status=status, start_from=start_from, start_to=start_to)
    page = await run_read(uow, bookings.list_bookings, uow, caller, query, cursor, limit)
    return json_response(page)


@router.get("/{booking_id}", response_model=None, responses={200: {"model": BookingOut}})
async def get_booking(booking_id: str, caller: Reader, uow: UowDep) -> Response:
    return json_response(await run_read(uow, bookings.get_booking, uow, caller, booking_id))


@router.get("/{booking_id}/history", response_model=list[AuditEntryOut])
async def booking_history(booking_id: str, caller: Historian, uow: UowDep) -> list[Json]:
    return await run_read(uow, bookings.history, uow, caller, booking_id)


@router.post("/{booking_id}/cancel", response_model=BookingOut)
def cancel(booking_id: str, body: CancelIn, caller: Canceller, uow: UowDep) -> Json:
    return run_use_case(
        uow,
        caller,
        bookings.transition_in,
        booking_id,
        BookingAction.CANCEL,
        body.reason,
    )


@router.post("/{booking_id}/complete", response_model=BookingOut)
def complete(booking_id: str, caller: Marker, uow: UowDep) -> Json:
    return run_use_case(
        uow,
        caller,
        bookings.transition_in,
        booking_id,
        BookingAction.COMPLETE,
    )


@router.post("/{booking_id}/no-show", response_model=BookingOut)
def no_show(booking_id: str, caller: Marker, uow: UowDep) -> Json:
    return run_use_case(
        uow,
        caller,
        bookings.transition_in,
        booking_id,
        BookingAction.NO_SHOW,
    )


@router.post("/{booking_id}/correct-outcome", response_model=BookingOut)
def correct_outcome(
    booking_id: str, body: CorrectOutcomeIn, caller: Marker, uow: UowDep
) -> Json:
    """Correct a recorded outcome: completed to no-show or back (audited)."""
    return run_use_case(
        uow, caller, bookings.correct_outcome_in, booking_id, BookingStatus(body.status)
    )


@router.post("/{booking_id}/reschedule", response_model=BookingOut)
def reschedule(booking_id: str, body: RescheduleIn, caller: Mover, uow: UowDep) -> Json:
    return run_use_case(uow, caller, bookings.reschedule_in, booking_id, body.start)


@router.put("/{booking_id}/note", response_model=BookingOut)
def set_note(booking_id: str, body: NoteIn, caller: Noter, uow: UowDep) -> Json:
    return run_use_case(uow, caller, bookings.note_in, booking_id, body.note, body.base_note)
