"""A student's lessons: the list, one lesson (confirmation), its calendar file, cancel, move.

Reading, cancelling and moving go through the use cases of ``GET /bookings/{id}``,
``POST /bookings/{id}/cancel`` and ``.../reschedule``: a student sees only their own lessons
(another's is "not found"), never the instructor's private note, and is held to the
instructor's rules -- a refusal is shown with its reason on the lesson's page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from instainstru_desktop.domain.bookings import BookingAction, student_change_deadline
from instainstru_desktop.domain.errors import DomainError
from instainstru_desktop.protocol.fields import REASON_MAX_CHARS
from instainstru_desktop.server.core.errors import NotFound, ServiceError
from instainstru_desktop.server.core.permissions import Role
from instainstru_desktop.server.services import bookings, public, series
from instainstru_desktop.server.services.common import run_use_case
from instainstru_desktop.server.services.free_week import WeekQuery, free_week
from instainstru_desktop.server.services.public import PublicProfile
from instainstru_desktop.server.services.slots import check_start
from instainstru_desktop.server.web.conversation import conversation_of
from instainstru_desktop.server.web.forms import read_form
from instainstru_desktop.server.web.ics import lesson_calendar
from instainstru_desktop.server.web.pages import (
    context_of,
    message,
    not_genuine,
    pages_of,
    parse_day,
    parse_instant,
    read,
    redirect,
    refusal_text,
    sign_in_first,
)
from instainstru_desktop.server.web.session import Visit, visit
from instainstru_desktop.server.web.weekly_lessons import cancel_following, slot_day
from instainstru_desktop.server.web.weekly_text import weekly_groups

router = APIRouter(include_in_schema=False)
VisitDep = Annotated[Visit, Depends(visit)]
_DONE = {
    "booked": "Booked! Your lesson is confirmed.",
    "cancelled": "Your lesson is cancelled.",
    "moved": "Your lesson is moved to the new time.",
}


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _missing(request: Request, me: Visit) -> Response:
    return message(
        request,
        me,
        "Lesson not found",
        "There is no lesson at this address among yours. See My lessons for all of them.",
        404,
        back="/lessons",
    )


@router.get("/lessons")
async def my_lessons(request: Request, me: VisitDep) -> Response:
    if me.principal is None:
        return sign_in_first(me, request)
    context = context_of(request)
    now = context.clock()
    caller = me.caller
    upcoming = await read(
        context,
        bookings.list_bookings,
        context.uow,
        caller,
        bookings.BookingQuery(start_from=now, status="confirmed"),
        None,
        200,
    )
    past = await read(
        context,
        bookings.list_bookings,
        context.uow,
        caller,
        bookings.BookingQuery(start_to=now),
        None,
        500,
    )
    later_cancelled = await read(
        context,
        bookings.list_bookings,
        context.uow,
        caller,
        bookings.BookingQuery(start_from=now, status="cancelled"),
        None,
        200,
    )
    for item in (*upcoming["items"], *past["items"], *later_cancelled["items"]):
        item["start"], item["end"] = _aware(item["start"]), _aware(item["end"])
    names = await read(context, public.directory, context.uow, context.profiles)
    mine = await read(context, series.list_series, context.uow, caller)
    instructors = {p.id: p for p in names}
    viewer_zone = me.zone(me.principal.time_zone)
    return pages_of(request).render(
        me,
        "lessons.html",
        upcoming=upcoming["items"],
        past=list(reversed(past["items"] + later_cancelled["items"]))[:200],
        instructors=instructors,
        weekly=weekly_groups(mine["items"], upcoming["items"], instructors, viewer_zone, now),
        viewer_zone=viewer_zone,
    )


async def _lesson(
    request: Request, me: Visit, booking_id: str
) -> tuple[dict[str, Any], PublicProfile] | None:
    context = context_of(request)
    if len(booking_id) > 36:
        return None
    try:
        booking = await read(context, bookings.get_booking, context.uow, me.caller, booking_id)
        profile = await read(
            context, public.profile_by_id, context.uow, context.profiles, booking["instructor_id"]
        )
    except (NotFound, ServiceError):
        return None
    return booking, profile


def _changeable(booking: dict[str, Any], profile: PublicProfile, now: datetime) -> bool:
    deadline = student_change_deadline(booking["start"], profile.policy.min_notice_minutes)
    return booking["status"] == "confirmed" and now <= deadline


async def _lesson_page(
    request: Request,
    me: Visit,
    booking: dict[str, Any],
    profile: PublicProfile,
    *,
    problem: str | None = None,
    status: int = 200,
    message_problem: str | None = None,
    draft: str = "",
) -> Response:
    now = context_of(request).clock()
    conversation = await conversation_of(me, booking["id"])
    return pages_of(request).render(
        me,
        "lesson.html",
        status=status,
        b=booking,
        p=profile,
        viewer_zone=me.zone(booking["student_time_zone"]),
        changeable=_changeable(booking, profile, now),
        upcoming=booking["start"] > now,
        done=_DONE.get(request.query_params.get("done", "")),
        problem=problem,
        conversation=conversation,
        message_problem=message_problem,
        draft=draft,
    )


async def lesson_with_problem(
    request: Request, me: Visit, booking_id: str, problem: str, status: int, draft: str
) -> Response:
    """The lesson page again, saying why a message was not sent, with what was written."""
    found = await _lesson(request, me, booking_id)
    if found is None:
        return _missing(request, me)
    return await _lesson_page(
        request, me, *found, status=status, message_problem=problem, draft=draft
    )


@router.get("/lessons/{booking_id}")
async def lesson_page(booking_id: str, request: Request, me: VisitDep) -> Response:
    if me.principal is None:
        return sign_in_first(me, request)
    if booking_id.endswith(".ics"):
        return await _calendar(booking_id.removesuffix(".ics"), request, me)
    found = await _lesson(request, me, booking_id)
    if found is None:
        return _missing(request, me)
    return await _lesson_page(request, me, *found)


async def _calendar(booking_id: str, request: Request, me: Visit) -> Response:
    found = await _lesson(request, me, booking_id)
    if found is None:
        return _missing(request, me)
    booking, profile = found
    page_url = str(request.url_for("lesson_page", booking_id=booking_id))
    body = lesson_calendar(booking, profile, page_url)
    return me.apply(
        Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="lesson-{booking_id[:8]}.ics"',
                "Cache-Control": "no-store",
            },
        )
    )


@router.post("/lessons/{booking_id}/cancel")
async def cancel(booking_id: str, request: Request, me: VisitDep) -> Response:
    form = await read_form(request)
    if not me.genuine_post(form):
        return not_genuine(request, me)
    if me.principal is None:
        return sign_in_first(me, request)
    found = await _lesson(request, me, booking_id)
    if found is None:
        return _missing(request, me)
    booking = found[0]
    day = slot_day(booking)
    if form.get("scope") == "following" and booking["series_id"] and day is not None:
        problem = await cancel_following(me, booking["series_id"], day, form.get("reason", ""))
        if problem is not None:
            return await _lesson_page(request, me, *found, problem=problem, status=409)
        return redirect(me, f"/lessons/series/{booking['series_id']}?done=cancelled&from={day}")
    context = context_of(request)
    try:
        await run_in_threadpool(
            run_use_case,
            context.uow,
            me.caller,
            bookings.transition_in,
            booking_id,
            BookingAction.CANCEL,
            form.get("reason", "").strip()[:REASON_MAX_CHARS],
        )
    except (DomainError, ServiceError) as refused:
        return await _lesson_page(
            request, me, *found, problem=refusal_text(refused, found[1]), status=409
        )
    return redirect(me, f"/lessons/{booking_id}?done=cancelled")


@router.get("/lessons/{booking_id}/reschedule")
async def reschedule_page(booking_id: str, request: Request, me: VisitDep) -> Response:
    """The week of free times for this lesson's type; a chosen time asks for confirmation."""
    if me.principal is None:
        return sign_in_first(me, request)
    found = await _lesson(request, me, booking_id)
    if found is None:
        return _missing(request, me)
    booking, profile = found
    context = context_of(request)
    viewer_zone = me.zone(booking["student_time_zone"])
    kind = profile.lesson_type(booking["lesson_type_id"])
    start = parse_instant(request.query_params.get("start"))
    problem, week = None, None
    if kind is not None and start is not None:
        try:
            await read(
                context,
                check_start,
                context.uow,
                me.caller,
                profile.id,
                kind.id,
                start,
                exclude_booking=booking_id,
            )
        except (DomainError, ServiceError) as refused:
            problem, start = refusal_text(refused, profile), None
    if kind is not None and start is None:
        first = parse_day(request.query_params.get("from"))
        query = WeekQuery(profile, kind, viewer_zone, first, exclude_booking=booking_id)
        week = await read(context, free_week, context.uow, context.slots, me.caller, query)
    return pages_of(request).render(
        me,
        "reschedule.html",
        b=booking,
        p=profile,
        kind=kind,
        week=week,
        start=start,
        problem=problem,
        viewer_zone=viewer_zone,
        changeable=_changeable(booking, profile, context.clock()),
    )


@router.post("/lessons/{booking_id}/reschedule")
async def reschedule(booking_id: str, request: Request, me: VisitDep) -> Response:
    form = await read_form(request)
    if not me.genuine_post(form):
        return not_genuine(request, me)
    if me.principal is None or me.principal.role is not Role.STUDENT:
        return sign_in_first(me, request)
    found = await _lesson(request, me, booking_id)
    start = parse_instant(form.get("start"))
    if found is None or start is None:
        return _missing(request, me)
    context = context_of(request)
    try:
        await run_in_threadpool(
            run_use_case,
            context.uow,
            me.caller,
            bookings.reschedule_in,
            booking_id,
            start,
        )
    except (DomainError, ServiceError) as refused:
        return await _lesson_page(
            request, me, *found, problem=refusal_text(refused, found[1]), status=409
        )
    return redirect(me, f"/lessons/{booking_id}?done=moved")
