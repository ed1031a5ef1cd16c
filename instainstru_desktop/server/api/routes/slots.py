"""Bookable slots, computed by the domain from availability and the bookings near the window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from instainstru_desktop.server.api.deps import (
    ANONYMOUS_ALLOWED,
    AnyCaller,
    ServerContext,
    run_read,
)
from instainstru_desktop.server.api.query import QueryParameters
from instainstru_desktop.server.api.schemas import SlotsOut
from instainstru_desktop.server.core.wire import Instant, TimeZone
from instainstru_desktop.server.services import slots

router = APIRouter(tags=["slots"])


@dataclass(frozen=True)
class SlotWindow:
    """A window of slots, as asked for (the instructor is in the path)."""

    lesson_type_id: str
    start: datetime
    end: datetime
    viewer_zone: str


def slot_window(
    lesson_type_id: Annotated[str, Query(max_length=36)],
    start: Annotated[Instant, Query(alias="from")],
    end: Annotated[Instant, Query(alias="to")],
    tz: Annotated[TimeZone, Query()] = "UTC",
) -> SlotWindow:
    """The query parameters of ``GET .../slots`` (read in one pass: ``api.query``)."""
    return SlotWindow(lesson_type_id, start, end, tz)


SlotWindowAsked = Annotated[SlotWindow, QueryParameters(slot_window).dependency()]


@router.get(
    "/instructors/{instructor_id}/slots",
    response_model=None,
    responses={200: {"model": SlotsOut}},
    openapi_extra=ANONYMOUS_ALLOWED,
)
async def list_slots(
    instructor_id: str, caller: AnyCaller, asked: SlotWindowAsked, request: Request
) -> Response:
    """Bookable starts (anonymous allowed: students browse before signing in).

    A kept answer is served from memory on the event loop; otherwise the database is read.
    """
    context: ServerContext = request.app.state.context  # see deps.optional_caller
    window = slots.SlotRequest(
        instructor_id, asked.lesson_type_id, asked.start, asked.end, asked.viewer_zone
    )
    body = slots.cached_slots(context.slots, caller, window)
    if body is None:
        body = await run_read(
            context.uow, slots.list_slots, context.uow, context.slots, caller, window
        )
    return Response(body, media_type="application/json")
