"""Booking weekly lessons from an instructor's page: the same time every week, from a free time.

The student picks a free time (as for one lesson) and asks for it every week: its weekday and
wall time in the instructor's zone -- where the lesson happens, and where it keeps its time
across daylight-saving changes -- with an end: a number of lessons, a date, or the end of one of
the instructor's terms (students see terms; a term's breaks then show as weeks without a
lesson). The dates are previewed by ``series.preview`` and booked by ``series.create_in``, the
use cases of ``POST /series-preview`` and ``POST /series``: every rule is theirs, and a date a
rule refuses is listed with the reason a single booking at that time would get.

Only where the instructor allows students to book weekly (``students_book_weekly``): elsewhere
the page offers nothing, and a post is refused by the use case as well.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from instainstru_desktop.domain.errors import DomainError
from instainstru_desktop.domain.series import SERIES_MAX_EVERY_WEEKS, SERIES_MAX_SLOTS
from instainstru_desktop.domain.zones import zone
from instainstru_desktop.server.core.errors import Forbidden, NotFound, ServiceError
from instainstru_desktop.server.core.permissions import Role
from instainstru_desktop.server.services import public, series, terms
from instainstru_desktop.server.services.common import run_use_case
from instainstru_desktop.server.services.public import PublicLessonType, PublicProfile
from instainstru_desktop.server.web.forms import read_form
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
)
from instainstru_desktop.server.web.render import iso
from instainstru_desktop.server.web.session import Visit, visit
from instainstru_desktop.server.web.weekly_text import counts, planned_rows, rule_text

router = APIRouter(include_in_schema=False)
VisitDep = Annotated[Visit, Depends(visit)]
#: The fields of the weekly form, and what they are when the student has not chosen yet.
DEFAULTS = {"end": "count", "count": "10", "until": "", "term": "", "every": "1"}


@dataclass(frozen=True, slots=True)
class _Choice:
    profile: PublicProfile
    kind: PublicLessonType
    start: datetime  # the free time picked: the first lesson

    @property
    def wall(self) -> datetime:
        return self.start.astimezone(self.profile.tz)


def _values(source: Any) -> dict[str, str]:
    return {name: str(source.get(name, default))[:40].strip() for name, default in DEFAULTS.items()}


def _request_of(
    choice: _Choice, values: dict[str, str], term_ids: set[str]
) -> tuple[series.WeeklyRequest | None, dict[str, str]]:
    """The series the form asks for, or the fields it gets wrong, each with a sentence."""
    errors: dict[str, str] = {}
    wall = choice.wall
    count = until = term = None
    every = values["every"]
    if every not in {str(n) for n in range(1, SERIES_MAX_EVERY_WEEKS + 1)}:
        errors["every"] = "Choose how often: every week, or every 2, 3 or 4 weeks."
    if values["end"] == "count":
        text = values["count"]
        if not text.isdigit() or not 1 <= int(text) <= SERIES_MAX_SLOTS:
            errors["count"] = f"Write a number of lessons from 1 to {SERIES_MAX_SLOTS}."
        else:
            count = int(text)
    elif values["end"] == "until":
        until = parse_day(values["until"])
        if until is None:
            errors["until"] = "Choose the date of the last lesson (like 2026-06-30)."
        elif until < wall.date():
            errors["until"] = f"Choose a date on or after the first lesson ({wall:%-d %B %Y})."
    elif values["end"] == "term" and values["term"] in term_ids:
        term = values["term"]
    else:
        errors["end"] = "Choose how the weekly lessons end."
    if errors:
        return None, errors
    request = series.WeeklyRequest(
        instructor_id=choice.profile.id,
        lesson_type_id=choice.kind.id,
        weekdays=(wall.weekday(),),
        time=f"{wall:%H:%M}",
        start_date=wall.date(),
        every_weeks=int(every),
        count=count,
        until=until,
        term_id=term,
    )
    return request, {}


async def _choice(request: Request, slug: str, source: Any) -> _Choice | None:
    context = context_of(request)
    try:
        profile = await read(context, public.profile_by_slug, context.uow, context.profiles, slug)
    except NotFound:
        return None
    kind = profile.lesson_type(source.get("type")) if source.get("type") else None
    start = parse_instant(source.get("start"))
    if kind is None or start is None:
        return None
    return _Choice(profile, kind, start)


def _not_here(request: Request, me: Visit, slug: str, status: int) -> Response:
    if status == 403:
        return message(
            request,
            me,
            "Weekly lessons by arrangement",
            "This instructor takes weekly lessons by arrangement only, so nothing was booked. "
            "Book single lessons, or ask them to set up weekly lessons for you.",
            403,
            back=f"/{quote(slug)}",
        )
    return message(
        request,
        me,
        "Choose a time",
        "This link is incomplete or out of date. Pick a lesson and a time on the instructor's "
        "page, then choose to book it every week.",
        404,
        back=f"/{quote(slug)}",
    )


async def _terms(me: Visit, choice: _Choice) -> list[dict[str, Any]]:
    """The instructor's terms a series starting at the chosen time can end with."""
    if me.principal is None:
        return []
    context = context_of(me.request)
    found = await read(context, terms.list_terms, context.uow, me.caller, choice.profile.id)
    return [t for t in found["items"] if t["last"] >= choice.wall.date()]


async def _page(
    request: Request,
    me: Visit,
    choice: _Choice,
    values: dict[str, str],
    *,
    preview: bool,
    problem: str | None = None,
    status: int = 200,
) -> Response:
    context = context_of(request)
    viewer_zone = me.zone(choice.profile.time_zone)
    viewer = zone(viewer_zone)
    student = me.principal is not None and me.principal.role is Role.STUDENT
    term_list = await _terms(me, choice) if student else []
    wanted, errors = _request_of(choice, values, {t["id"] for t in term_list})
    rows: list[Any] = []
    if student and preview and wanted is not None:
        try:
            answer = await run_in_threadpool(series.preview, context.uow, me.caller, wanted)
        except (DomainError, ServiceError) as refused:
            problem = problem or refusal_text(refused, choice.profile)
            status = status if status != 200 else 422
        else:
            rows = planned_rows(answer["slots"], choice.profile, viewer)
    if errors and status == 200:
        status = 422 if preview else 200
    query = {"type": choice.kind.id, "start": iso(choice.start), **values}
    wall = choice.wall
    return pages_of(request).render(
        me,
        "weekly.html",
        status=status,
        p=choice.profile,
        kind=choice.kind,
        start=choice.start,
        viewer_zone=viewer_zone,
        rule=rule_text(
            (wall.weekday(),),
            wall.hour * 60 + wall.minute,
            wanted.every_weeks if wanted is not None else 1,
            wall.date(),
            choice.profile,
            viewer,
        ),
        values=values,
        errors=errors if preview else {},
        problem=problem,
        rows=rows,
        tally=counts(rows),
        terms=term_list,
        student=student,
        here=f"/{choice.profile.slug}/weekly?{urlencode(query, safe=':')}",
        max_count=SERIES_MAX_SLOTS,
        series_id=str(uuid.uuid4()),  # the booking's own id: a form sent twice books once
    )


@router.get("/{slug}/weekly")
async def weekly_page(slug: str, request: Request, me: VisitDep) -> Response:
    params = request.query_params
    choice = await _choice(request, slug, params)
    if choice is None:
        return _not_here(request, me, slug, 404)
    if not choice.profile.weekly:
        return _not_here(request, me, slug, 403)
    asked = "end" in params
    values = _values(params) if asked else dict(DEFAULTS)
    return await _page(request, me, choice, values, preview=True)


@router.post("/{slug}/weekly")
async def book_weekly(slug: str, request: Request, me: VisitDep) -> Response:
    form = await read_form(request)
    if not me.genuine_post(form):
        return not_genuine(request, me)
    choice = await _choice(request, slug, form)
    if choice is None:
        return _not_here(request, me, slug, 404)
    if not choice.profile.weekly:
        return _not_here(request, me, slug, 403)
    values = _values(form)
    if me.principal is None or me.principal.role is not Role.STUDENT:
        return await _page(request, me, choice, values, preview=False, status=401)
    term_ids = {t["id"] for t in await _terms(me, choice)}
    wanted, _ = _request_of(choice, values, term_ids)
    if wanted is None:
        return await _page(request, me, choice, values, preview=True, status=422)
    series_id = _series_id(form.get("series_id"))
    done = f"/lessons/series/{series_id}?done=booked"
    if series_id is not None and await _booked_already(me, series_id):
        return redirect(me, done)
    context = context_of(request)
    try:
        answer = await run_in_threadpool(
            run_use_case,
            context.uow,
            me.caller,
            series.create_in,
            replace(wanted, series_id=series_id),
        )
    except Forbidden:
        return _not_here(request, me, slug, 403)
    except (DomainError, ServiceError) as refused:
        if series_id is not None and await _booked_already(me, series_id):
            return redirect(me, done)  # the same form, sent twice at once
        problem = refusal_text(refused, choice.profile)
        return await _page(request, me, choice, values, preview=True, problem=problem, status=409)
    return redirect(me, f"/lessons/series/{answer['series']['id']}?done=booked")


def _series_id(text: str | None) -> str | None:
    try:
        return str(uuid.UUID(text)) if text and len(text) == 36 else None
    except ValueError:
        return None


async def _booked_already(me: Visit, series_id: str) -> bool:
    """Whether this student's series ``series_id`` exists (their form was sent before)."""
    context = context_of(me.request)
    try:
        await read(context, series.get_series, context.uow, me.caller, series_id)
    except (NotFound, ServiceError):
        return False
    return True
