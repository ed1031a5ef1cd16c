"""All bookings with filters, the review flag, and statistics (admins only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from instainstru_desktop.server.api.deps import (
    PageLimit,
    RequirePermission,
    ServerContext,
    UowDep,
    run_read,
)
from instainstru_desktop.server.api.query import QueryParameters
from instainstru_desktop.server.api.schemas import (
    BookingOut,
    BookingPage,
    ReviewIn,
    StatsOut,
    Status,
)
from instainstru_desktop.server.core.permissions import Permission
from instainstru_desktop.server.core.wire import Instant, QueryFlag, WireDate
from instainstru_desktop.server.services import admin, bookings
from instainstru_desktop.server.services.common import run_use_case
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.views import Json

router = APIRouter(prefix="/admin", tags=["admin"])
Admin = Annotated[Caller, RequirePermission(Permission.ADMIN_REVIEW)]


@dataclass(frozen=True)
class AdminPage:
    """A page of the admin's list, as asked for."""

    query: bookings.BookingQuery
    cursor: str | None
    limit: int


def admin_page(
    instructor_id: Annotated[str | None, Query(max_length=36)] = None,
    status: Status | None = None,
    start_from: Annotated[Instant | None, Query(alias="from")] = None,
    start_to: Annotated[Instant | None, Query(alias="to")] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    flagged: QueryFlag | None = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: PageLimit = 100,
) -> AdminPage:
    """The query parameters of ``GET /admin/bookings`` (read in one pass: ``api.query``)."""
    query = bookings.BookingQuery(
        instructor_id=instructor_id,
        status=status,
        start_from=start_from,
        start_to=start_to,
        text=q,
        flagged=flagged,
    )
    return AdminPage(query, cursor, limit)


AdminPageAsked = Annotated[AdminPage, QueryParameters(admin_page).dependency()]


@router.get("/bookings", response_model=None, responses={200: {"model": BookingPage}})
async def all_bookings(caller: Admin, asked: AdminPageAsked, request: Request) -> Response:
    """A page of all bookings; a page read since the last change in its scope is served from
    memory (see ``admin.bookings_page``)."""
    context: ServerContext = request.app.state.context  # see deps.optional_caller
    query, cursor, limit = asked.query, asked.cursor, asked.limit
    body = admin.cached_bookings_page(context.answers, caller, query, cursor, limit)
    if body is None:
        body = await run_read(
            context.uow,
            admin.bookings_page,
            context.uow,
            context.answers,
            caller,
            query,
            cursor,
            limit,
        )
    return Response(body, media_type="application/json")


@router.post("/bookings/{booking_id}/review", response_model=BookingOut)
def review(booking_id: str, body: ReviewIn, caller: Admin, uow: UowDep) -> Json:
    return run_use_case(
        uow,
        caller,
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
