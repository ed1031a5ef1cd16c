"""Weekly series (create, preview, read, cancel from a date, change from a date) and terms."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from starlette.responses import Response

from instainstru_desktop.server.api.deps import RequirePermission, UowDep, run_read
from instainstru_desktop.server.api.routes._json import json_response
from instainstru_desktop.server.api.schemas import (
    SeriesCancelIn,
    SeriesCancelledOut,
    SeriesChangedOut,
    SeriesChangeIn,
    SeriesCreatedOut,
    SeriesDetailOut,
    SeriesIn,
    SeriesPage,
    SeriesPreviewOut,
    TermIn,
    TermPage,
    TermSetOut,
)
from instainstru_desktop.server.core.permissions import Permission
from instainstru_desktop.server.services import series, terms
from instainstru_desktop.server.services.common import run_use_case
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.views import Json

router = APIRouter(tags=["series"])

Reader = Annotated[Caller, RequirePermission(Permission.BOOKINGS_READ)]
Creator = Annotated[Caller, RequirePermission(Permission.BOOKINGS_CREATE)]
Canceller = Annotated[Caller, RequirePermission(Permission.BOOKINGS_CANCEL)]
Changer = Annotated[Caller, RequirePermission(Permission.SERIES_EDIT)]
HoursReader = Annotated[Caller, RequirePermission(Permission.AVAILABILITY_READ)]
HoursEditor = Annotated[Caller, RequirePermission(Permission.AVAILABILITY_EDIT)]


def _request(body: SeriesIn) -> series.WeeklyRequest:
    return series.WeeklyRequest(
        instructor_id=body.instructor_id,
        lesson_type_id=body.lesson_type_id,
        weekdays=tuple(body.weekdays),
        time=body.time,
        start_date=body.start_date,
        student_id=body.student_id,
        every_weeks=body.every_weeks,
        count=body.count,
        until=body.until,
        term_id=body.term_id,
        series_id=body.series_id,
    )


@router.post(
    "/series", response_model=None, status_code=201, responses={201: {"model": SeriesCreatedOut}}
)
def create_series(body: SeriesIn, caller: Creator, uow: UowDep) -> Response:
    """Book weekly lessons: each one the booking window reaches is checked by every rule under
    the instructor's lock; the answer lists the ones refused (with why) and the ones waiting."""
    answer = run_use_case(uow, caller, series.create_in, _request(body))
    return json_response(answer, status_code=201)


@router.post("/series-preview", response_model=SeriesPreviewOut)
def preview_series(body: SeriesIn, caller: Creator, uow: UowDep) -> Json:
    """What creating this series would book and refuse now; nothing is booked."""
    return series.preview(uow, caller, _request(body))


@router.get("/series", response_model=SeriesPage)
async def list_series(caller: Reader, uow: UowDep) -> Json:
    return await run_read(uow, series.list_series, uow, caller)


@router.get("/series/{series_id}", response_model=SeriesDetailOut)
async def get_series(series_id: str, caller: Reader, uow: UowDep) -> Json:
    return await run_read(uow, series.get_series, uow, caller, series_id)


@router.post("/series/{series_id}/cancel", response_model=SeriesCancelledOut)
def cancel_series(series_id: str, body: SeriesCancelIn, caller: Canceller, uow: UowDep) -> Json:
    """Cancel this lesson and all following (from ``from_date``), with a reason."""
    return run_use_case(uow, caller, series.cancel_in, series_id, body.from_date, body.reason)


@router.post("/series/{series_id}/change", response_model=SeriesChangedOut)
def change_series(series_id: str, body: SeriesChangeIn, caller: Changer, uow: UowDep) -> Json:
    """New weekday(s) or time from ``from_date`` on; lessons that cannot move are listed."""
    return run_use_case(
        uow,
        caller,
        series.change_in,
        series_id,
        body.from_date,
        tuple(body.weekdays),
        body.time,
        body.every_weeks,
    )


@router.get("/instructors/{instructor_id}/terms", response_model=TermPage)
async def list_terms(instructor_id: str, caller: HoursReader, uow: UowDep) -> Json:
    return await run_read(uow, terms.list_terms, uow, caller, instructor_id)


@router.put("/instructors/{instructor_id}/terms/{term_id}", response_model=TermSetOut)
def set_term(
    instructor_id: str, term_id: str, body: TermIn, caller: HoursEditor, uow: UowDep
) -> Json:
    """Create or replace a term; lessons of its series now in a break are freed, and slots a
    removed break gives back are booked."""
    breaks = [(b.first, b.last, b.name) for b in body.breaks]
    return run_use_case(
        uow,
        caller,
        terms.set_term_in,
        term_id,
        instructor_id,
        body.name,
        body.first,
        body.last,
        breaks,
    )


@router.delete("/instructors/{instructor_id}/terms/{term_id}", response_model=None)
def delete_term(instructor_id: str, term_id: str, caller: HoursEditor, uow: UowDep) -> Response:
    run_use_case(uow, caller, terms.delete_term_in, term_id, instructor_id)
    return Response(status_code=204)

