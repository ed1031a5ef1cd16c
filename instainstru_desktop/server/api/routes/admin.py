"""All bookings with filters, the review flag, and statistics (admins only)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response

from instainstru_desktop.server.api.deps import (
    ContextDep,
    PageLimit,
    RequirePermission,
    UowDep,
    run_read,
)
from instainstru_desktop.server.api.schemas import (
    BookingOut,
    BookingPage,
    ReviewIn,
    StatsOut,
    Status,
)
from instainstru_desktop.server.core.permissions import Permission
from instainstru_desktop.server.core.wire import Instant, QueryFlag, WireDate
from instainstru_desktop.server.repositories import BookingFilter
from instainstru_desktop.server.services import admin, bookings
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.views import Json

router = APIRouter(prefix="/admin", tags=["admin"])
Admin = Annotated[Caller, RequirePermission(Permission.ADMIN_REVIEW)]


@router.get("/bookings", response_model=None, responses={200: {"model": BookingPage}})
async def all_bookings(
    caller: Admin,
    context: ContextDep,
    instructor_id: Annotated[str | None, Query(max_length=36)] = None,
    status: Status | None = None,
    start_from: Annotated[Instant | None, Query(alias="from")] = None,
    start_to: Annotated[Instant | None, Query(alias="to")] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    flagged: QueryFlag | None = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: PageLimit = 100,
) -> Response:
    """A page of all bookings; a page read since the last change in its scope is served from
    memory (see ``bookings.admin_page``)."""
    where = BookingFilter(
        instructor_id=instructor_id,
        status=status,
        start_from=start_from,
        start_to=start_to,
        text=q,
        flagged=flagged,
    )
    body = bookings.cached_admin_page(context.answers, caller, where, cursor, limit)
    if body is None:
        body = await run_read(
            context.uow,
            bookings.admin_page,
            context.uow,
            context.answers,
            caller,
            where,
            cursor,
            limit,
        )
    return Response(body, media_type="application/json")


@router.post("/bookings/{booking_id}/review", response_model=BookingOut)
def review(booking_id: str, body: ReviewIn, caller: Admin, uow: UowDep) -> Json:
    return bookings.run(
        uow,
        caller,
        Permission.ADMIN_REVIEW,
        bookings.review_in,
        booking_id,
        body.flagged,
        body.note,
    )


@router.get("/stats", response_model=StatsOut)
def stats(
    caller: Admin,
    uow: UowDep,
    group: Literal["week", "instructor"] = "week",
    first: Annotated[WireDate | None, Query(alias="from")] = None,
    last: Annotated[WireDate | None, Query(alias="to")] = None,
) -> Json:
    return admin.stats(uow, caller, group, first, last)
