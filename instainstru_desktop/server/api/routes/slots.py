"""Bookable slots, computed by the domain from availability and the bookings near the window."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from instainstru_desktop.server.api.deps import AnyCaller, UowDep
from instainstru_desktop.server.api.routes._json import json_response
from instainstru_desktop.server.api.schemas import SlotsOut
from instainstru_desktop.server.services import slots
from instainstru_desktop.server.wire import Instant

router = APIRouter(tags=["slots"])


@router.get(
    "/instructors/{instructor_id}/slots", response_model=None, responses={200: {"model": SlotsOut}}
)
def list_slots(
    instructor_id: str,
    caller: AnyCaller,
    uow: UowDep,
    lesson_type_id: Annotated[str, Query(max_length=36)],
    start: Annotated[Instant, Query(alias="from")],
    end: Annotated[Instant, Query(alias="to")],
    tz: Annotated[str, Query(max_length=64)] = "UTC",
) -> Response:
    """Bookable starts (anonymous allowed: students browse before signing in)."""
    body = slots.list_slots(uow, caller, instructor_id, lesson_type_id, start, end, tz)
    return json_response(body)
