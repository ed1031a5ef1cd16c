"""Booking from an instructor's page: check the chosen time, sign in if need be, confirm.

The booking itself is ``bookings.create_in`` -- the use case behind ``POST /bookings`` -- run
in its own transaction under the instructor's lock. Any refusal (someone else took the time a
moment ago, too late now, ...) comes back as a page that says so in words and offers the
nearest free times, never as an error page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from instainstru_desktop.domain.errors import DomainError
from instainstru_desktop.server.core.errors import NotFound, ServiceError
from instainstru_desktop.server.core.permissions import Permission, Role
from instainstru_desktop.server.services import bookings, public
from instainstru_desktop.server.services.free_week import WeekQuery, nearest_free
from instainstru_desktop.server.services.public import PublicLessonType, PublicProfile
from instainstru_desktop.server.services.slots import check_start
from instainstru_desktop.server.web.forms import read_form
from instainstru_desktop.server.web.pages import (
    context_of,
    message,
    not_genuine,
    pages_of,
    parse_instant,
    read,
    redirect,
    refusal_text,
)
from instainstru_desktop.server.web.render import iso
from instainstru_desktop.server.web.session import Visit, visit

router = APIRouter(include_in_schema=False)
VisitDep = Annotated[Visit, Depends(visit)]


async def _choice(
    request: Request, slug: str, type_id: str | None, start_text: str | None
) -> tuple[PublicProfile, PublicLessonType, datetime] | None:
    context = context_of(request)
    try:
        profile = await read(context, public.profile_by_slug, context.uow, context.profiles, slug)
    except NotFound:
        return None
    kind = profile.lesson_type(type_id) if type_id else None
    start = parse_instant(start_text)
    if kind is None or start is None:
        return None
    return profile, kind, start


def _lost(request: Request, me: Visit, slug: str) -> Response:
    return message(
        request,
        me,
        "Choose a time",
        "This booking link is incomplete or out of date. Pick a lesson and a time on the "
        "instructor's page.",
        404,
        back=f"/{quote(slug)}",
    )


async def _page(
    request: Request,
    me: Visit,
    profile: PublicProfile,
    kind: PublicLessonType,
    start: datetime,
    *,
    problem: str | None,
    status: int = 200,
) -> Response:
    context = context_of(request)
    viewer_zone = me.zone(profile.time_zone)
    alternatives: list[datetime] = []
    if problem is not None:
        query = WeekQuery(profile, kind, viewer_zone)
        alternatives = await read(
            context, nearest_free, context.uow, context.slots, me.caller, query, start
        )
    here = f"/{profile.slug}/book?type={kind.id}&start={iso(start)}"
    return pages_of(request).render(
        me,
        "book.html",
        status=status,
        p=profile,
        kind=kind,
        start=start,
        viewer_zone=viewer_zone,
        problem=problem,
        alternatives=alternatives,
        here=here,
        student=me.principal is not None and me.principal.role is Role.STUDENT,
    )


@router.get("/{slug}/book")
async def book_page(slug: str, request: Request, me: VisitDep) -> Response:
    params = request.query_params
    choice = await _choice(request, slug, params.get("type"), params.get("start"))
    if choice is None:
        return _lost(request, me, slug)
    profile, kind, start = choice
    # Still free for this person right now? The rules of the booking itself, without its locks.
    context = context_of(request)
    problem = None
    try:
        await read(context, check_start, context.uow, me.caller, profile.id, kind.id, start)
    except (DomainError, ServiceError) as refused:
        problem = refusal_text(refused, profile)
    return await _page(request, me, profile, kind, start, problem=problem)


@router.post("/{slug}/book")
async def book(slug: str, request: Request, me: VisitDep) -> Response:
    form = await read_form(request)
    if not me.genuine_post(form):
        return not_genuine(request, me)
    choice = await _choice(request, slug, form.get("type"), form.get("start"))
    if choice is None:
        return _lost(request, me, slug)
    profile, kind, start = choice
    if me.principal is None or me.principal.role is not Role.STUDENT:
        return await _page(request, me, profile, kind, start, problem=None, status=401)
    context = context_of(request)
    try:
        booked = await run_in_threadpool(
            bookings.run,
            context.uow,
            me.caller,
            Permission.BOOKINGS_CREATE,
            bookings.create_in,
            instructor_id=profile.id,
            lesson_type_id=kind.id,
            start=start,
            student_id=None,
        )
    except (DomainError, ServiceError) as refused:
        return await _page(
            request, me, profile, kind, start, problem=refusal_text(refused, profile), status=409
        )
    return redirect(me, f"/lessons/{booked['id']}?done=booked")
