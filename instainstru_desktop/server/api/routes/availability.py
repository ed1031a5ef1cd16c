"""Weekly templates and date overrides. Edits never cancel lessons; they record conflicts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from instainstru_desktop.server.api.deps import ContextDep, RequirePermission, UowDep, run_read
from instainstru_desktop.server.api.schemas import (
    AvailabilityOut,
    OverrideIn,
    OverrideOut,
    TemplateIn,
    TemplateOut,
)
from instainstru_desktop.server.core.permissions import Permission
from instainstru_desktop.server.core.wire import WireDate
from instainstru_desktop.server.services import availability
from instainstru_desktop.server.services.common import run_use_case
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.views import Json

router = APIRouter(prefix="/instructors/{instructor_id}", tags=["availability"])
Reader = Annotated[Caller, RequirePermission(Permission.AVAILABILITY_READ)]
Editor = Annotated[Caller, RequirePermission(Permission.AVAILABILITY_EDIT)]


@router.get("/weekly-template", response_model=TemplateOut)
async def get_template(instructor_id: str, caller: Reader, uow: UowDep) -> Json:
    return await run_read(uow, availability.get_template, uow, caller, instructor_id)


@router.put("/weekly-template", response_model=TemplateOut)
def set_template(instructor_id: str, body: TemplateIn, caller: Editor, uow: UowDep) -> Json:
    ranges = [(r.weekday, r.start, r.end) for r in body.ranges]
    return run_use_case(uow, caller, availability.set_template_in, instructor_id, ranges)


@router.get("/availability", response_model=None, responses={200: {"model": AvailabilityOut}})
async def get_availability(
    instructor_id: str,
    caller: Reader,
    context: ContextDep,
    first: Annotated[WireDate, Query(alias="from")],
    last: Annotated[WireDate, Query(alias="to")],
) -> Response:
    """Served from memory while the instructor's data is unchanged, else read and kept."""
    cache = context.answers
    body = availability.cached_availability(cache, caller, instructor_id, first, last)
    if body is None:
        uow = context.uow
        body = await run_read(
            uow, availability.availability_body, uow, cache, caller, instructor_id, first, last
        )
    return Response(body, media_type="application/json")


@router.put("/availability/{day}", response_model=OverrideOut)
def set_date(
    instructor_id: str, day: WireDate, body: OverrideIn, caller: Editor, uow: UowDep
) -> Json:
    ranges = [(r.start, r.end) for r in body.ranges]
    seen = None if body.base_ranges is None else [(r.start, r.end) for r in body.base_ranges]
    return run_use_case(uow, caller, availability.set_date_in, instructor_id, day, ranges, seen)


@router.delete("/availability/{day}", status_code=204, response_class=Response)
def clear_date(instructor_id: str, day: WireDate, caller: Editor, uow: UowDep) -> Response:
    run_use_case(uow, caller, availability.clear_date_in, instructor_id, day)
    return Response(status_code=204)
