"""Bookable slots, computed by the domain from availability and the bookings near the window."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from instainstru_desktop.server.api.deps import (
    ANONYMOUS_ALLOWED,
    AnyCaller,
    ContextDep,
    run_read,
)
from instainstru_desktop.server.api.schemas import SlotsOut
from instainstru_desktop.server.core.wire import Instant, TimeZone
from instainstru_desktop.server.services import slots

router = APIRouter(tags=["slots"])


@router.get(
    "/instructors/{instructor_id}/slots",
    response_model=None,
    responses={200: {"model": SlotsOut}},
    openapi_extra=ANONYMOUS_ALLOWED,
)
async def list_slots(
    instructor_id: str,
    caller: AnyCaller,
    context: ContextDep,
    lesson_type_id: Annotated[str, Query(max_length=36)],
    start: Annotated[Instant, Query(alias="from")],
    end: Annotated[Instant, Query(alias="to")],
    tz: Annotated[TimeZone, Query()] = "UTC",
) -> Response:
    """Bookable starts (anonymous allowed: students browse before signing in).

    A kept answer is served from memory on the event loop; otherwise the database is read.
    """
    request = slots.SlotRequest(instructor_id, lesson_type_id, start, end, tz)
    body = slots.cached_slots(context.slots, caller, request)
    if body is None:
        body = await run_read(
            context.uow, slots.list_slots, context.uow, context.slots, caller, request
        )
    return Response(body, media_type="application/json")
