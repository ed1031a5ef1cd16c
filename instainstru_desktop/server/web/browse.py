"""The directory of instructors and each instructor's profile with a week of free times."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import HTMLResponse, Response

from instainstru_desktop.server.core.errors import NotFound
from instainstru_desktop.server.services import public
from instainstru_desktop.server.services.free_week import FreeWeek, WeekQuery, free_week
from instainstru_desktop.server.services.public import PublicLessonType, PublicProfile
from instainstru_desktop.server.web.pages import context_of, message, pages_of, parse_day, read
from instainstru_desktop.server.web.session import Visit, visit

router = APIRouter(include_in_schema=False)
VisitDep = Annotated[Visit, Depends(visit)]


@router.get("/")
async def directory(request: Request, me: VisitDep) -> Response:
    context = context_of(request)
    profiles = await read(context, public.directory, context.uow, context.profiles)
    return pages_of(request).render(me, "directory.html", profiles=profiles)


async def _week(
    request: Request, me: VisitDep, slug: str
) -> tuple[PublicProfile, PublicLessonType | None, FreeWeek | None, str]:
    context = context_of(request)
    profile = await read(context, public.profile_by_slug, context.uow, context.profiles, slug)
    viewer_zone = me.zone(profile.time_zone)
    kind = profile.lesson_type(request.query_params.get("type"))
    if kind is None:
        kind = profile.lesson_type(None)
    if kind is None:
        return profile, None, None, viewer_zone
    query = WeekQuery(profile, kind, viewer_zone, parse_day(request.query_params.get("from")))
    week = await read(context, free_week, context.uow, context.slots, me.caller, query)
    return profile, kind, week, viewer_zone


@router.get("/{slug}")
async def profile_page(slug: str, request: Request, me: VisitDep) -> Response:
    try:
        profile, kind, week, viewer_zone = await _week(request, me, slug)
    except NotFound:
        return message(
            request,
            me,
            "Page not found",
            "No instructor has this address. Find them in the list of instructors.",
            404,
        )
    return pages_of(request).render(
        me,
        "profile.html",
        p=profile,
        kind=kind,
        week=week,
        viewer_zone=viewer_zone,
    )


@router.get("/{slug}/times")
async def times_fragment(slug: str, request: Request, me: VisitDep) -> Response:
    """Just the week of free times (what the page's script swaps in when times change)."""
    try:
        profile, kind, week, viewer_zone = await _week(request, me, slug)
    except NotFound:
        return HTMLResponse("", status_code=404)
    html = pages_of(request).fragment(
        "_times.html", p=profile, kind=kind, week=week, viewer_zone=viewer_zone
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})
