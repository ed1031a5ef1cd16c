"""A student's weekly lessons: the series page (also the confirmation), its calendar file, and
cancelling "this and all following".

Reading is ``series.get_series`` and cancelling ``series.cancel_in`` -- the use cases of
``GET /series/{id}`` and ``POST /series/{id}/cancel``: a student sees only their own series
(another's is "not found") and is held to the instructor's minimum notice for the first lesson
cancelled; every lesson cancelled gets its own entry in the audit history.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from instainstru_desktop.domain.bookings import student_change_deadline
from instainstru_desktop.domain.errors import DomainError
from instainstru_desktop.domain.series import parse_slot_key
from instainstru_desktop.domain.zones import zone
from instainstru_desktop.protocol.fields import REASON_MAX_CHARS
from instainstru_desktop.server.core.errors import NotFound, ServiceError
from instainstru_desktop.server.services import public, series
from instainstru_desktop.server.services.common import run_use_case
from instainstru_desktop.server.services.public import PublicProfile
from instainstru_desktop.server.web.forms import read_form
from instainstru_desktop.server.web.ics import series_calendar
from instainstru_desktop.server.web.pages import (
    context_of,
    message,
    not_genuine,
    pages_of,
    parse_day,
    read,
    redirect,
    refusal_text,
    sign_in_first,
)
from instainstru_desktop.server.web.session import Visit, visit
from instainstru_desktop.server.web.weekly_text import counts, rule_text, series_rows

router = APIRouter(include_in_schema=False)
VisitDep = Annotated[Visit, Depends(visit)]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def slot_day(lesson: dict[str, Any]) -> date | None:
    """The date a series lesson is on by its series' rule (its slot), which "this and all
    following" counts from -- a lesson moved on its own keeps its slot's date."""
    slot = lesson.get("series_slot")
    return parse_slot_key(slot)[1] if slot else None


async def series_of(
    request: Request, me: Visit, series_id: str
) -> tuple[dict[str, Any], PublicProfile] | None:
    """The caller's series and its instructor's profile; None when it is not theirs."""
    context = context_of(request)
    if len(series_id) > 36:
        return None
    try:
        found = await read(context, series.get_series, context.uow, me.caller, series_id)
        profile = await read(
            context, public.profile_by_id, context.uow, context.profiles, found["instructor_id"]
        )
    except (NotFound, ServiceError):
        return None
    for lesson in found["lessons"]:
        lesson["start"], lesson["end"] = _aware(lesson["start"]), _aware(lesson["end"])
    for entry in found["waiting"]:
        entry["start"] = _aware(entry["start"])
    return found, profile


def _missing(request: Request, me: Visit) -> Response:
    return message(
        request,
        me,
        "Weekly lessons not found",
        "There are no weekly lessons at this address among yours. See My lessons for all of them.",
        404,
        back="/lessons",
    )


def cancellable(
    found: dict[str, Any], profile: PublicProfile, now: datetime
) -> list[dict[str, Any]]:
    """The confirmed lessons "this and all following" may start from now (the instructor's
    minimum notice before each), in date order."""
    return [
        b
        for b in sorted(found["lessons"], key=lambda b: b["start"])
        if b["status"] == "confirmed"
        and slot_day(b) is not None
        and now <= student_change_deadline(b["start"], profile.policy.min_notice_minutes)
    ]


async def _series_page(
    request: Request,
    me: Visit,
    found: dict[str, Any],
    profile: PublicProfile,
    *,
    problem: str | None = None,
    status: int = 200,
    reason: str = "",
) -> Response:
    viewer_zone = me.zone(me.principal.time_zone if me.principal else profile.time_zone)
    viewer = zone(viewer_zone)
    stopped = found["cancelled_from"]  # dates refused from there on no longer matter
    skipped = [e for e in found["skipped"] if stopped is None or e["date"] < str(stopped)]
    rows = series_rows(found["lessons"], skipped, found["waiting"], profile, viewer)
    rule = found["rules"][-1]
    hours, _, minutes = rule["time"].partition(":")
    now = context_of(request).clock()
    described = rule_text(
        rule["weekdays"],
        int(hours) * 60 + int(minutes),
        rule["every_weeks"],
        max(date.fromisoformat(rule["from"]), now.astimezone(profile.tz).date()),
        profile,
        viewer,
    )
    done = request.query_params.get("done")
    cancelled_from = parse_day(request.query_params.get("from"))
    kind = profile.lesson_type(found["lesson_type_id"])
    return pages_of(request).render(
        me,
        "series.html",
        status=status,
        s=found,
        p=profile,
        kind_name=kind.name if kind else "Lesson",
        viewer_zone=viewer_zone,
        rule=described,
        rows=rows,
        tally=counts(rows),
        done=done,
        cancelled_from=cancelled_from,
        problem=problem,
        reason=reason,
        from_choices=cancellable(found, profile, now),
    )


@router.get("/lessons/series/{series_id}")
async def series_page(series_id: str, request: Request, me: VisitDep) -> Response:
    if me.principal is None:
        return sign_in_first(me, request)
    if series_id.endswith(".ics"):
        return await _calendar(series_id.removesuffix(".ics"), request, me)
    found = await series_of(request, me, series_id)
    if found is None:
        return _missing(request, me)
    return await _series_page(request, me, *found)


async def _calendar(series_id: str, request: Request, me: Visit) -> Response:
    found = await series_of(request, me, series_id)
    if found is None:
        return _missing(request, me)
    lessons, profile = found
    body = series_calendar(
        lessons["lessons"],
        profile,
        lambda booking_id: str(request.url_for("lesson_page", booking_id=booking_id)),
    )
    return me.apply(
        Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="weekly-{series_id[:8]}.ics"',
                "Cache-Control": "no-store",
            },
        )
    )


async def cancel_following(me: Visit, series_id: str, from_date: date, reason: str) -> str | None:
    """Cancel the series' lessons from ``from_date`` on; None when done, else why not."""
    context = context_of(me.request)
    try:
        await run_in_threadpool(
            run_use_case,
            context.uow,
            me.caller,
            series.cancel_in,
            series_id,
            from_date,
            reason.strip()[:REASON_MAX_CHARS],
        )
    except (DomainError, ServiceError) as refused:
        return refusal_text(refused)
    return None


@router.post("/lessons/series/{series_id}/cancel")
async def cancel(series_id: str, request: Request, me: VisitDep) -> Response:
    form = await read_form(request)
    if not me.genuine_post(form):
        return not_genuine(request, me)
    if me.principal is None:
        return sign_in_first(me, request)
    found = await series_of(request, me, series_id)
    if found is None:
        return _missing(request, me)
    reason = form.get("reason", "")
    from_date = parse_day(form.get("from"))
    if from_date is None:
        return await _series_page(
            request,
            me,
            *found,
            problem="Choose the first lesson to cancel.",
            status=422,
            reason=reason,
        )
    problem = await cancel_following(me, series_id, from_date, reason)
    if problem is not None:
        return await _series_page(request, me, *found, problem=problem, status=409, reason=reason)
    return redirect(me, f"/lessons/series/{series_id}?done=cancelled&from={from_date}")
