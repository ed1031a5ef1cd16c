"""The directory of instructors and each instructor's profile with a week of free times."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import HTMLResponse, Response

from instainstru_desktop.server.core.errors import NotFound
from instainstru_desktop.server.services import public
from instainstru_desktop.server.services.answer_cache import Generation
from instainstru_desktop.server.services.free_week import FreeWeek, WeekQuery, free_week
from instainstru_desktop.server.services.public import PublicLessonType, PublicProfile
from instainstru_desktop.server.web.pages import (
    context_of,
    kept_of,
    message,
    pages_of,
    parse_day,
    read,
)
from instainstru_desktop.server.web.session import Visit, visit

router = APIRouter(include_in_schema=False)
VisitDep = Annotated[Visit, Depends(visit)]


@router.get("/")
async def directory(request: Request, me: VisitDep) -> Response:
    context = context_of(request)
    profiles = await read(context, public.directory, context.uow, context.profiles)
    return pages_of(request).render(me, "directory.html", profiles=profiles)


@dataclass(frozen=True, slots=True)
class _Shown:
    """What an instructor's page shows one visitor: the profile, the chosen lesson type, the
    week of free times and the zone they are seen in."""

    profile: PublicProfile
    kind: PublicLessonType | None
    week: FreeWeek | None
    viewer_zone: str
    mark: Generation  # the commits heard before any of it was read (see ``kept``)

    def key(self, part: str) -> Hashable:
        kind_id = self.kind.id if self.kind else None
        return (part, self.profile.id, kind_id, self.viewer_zone, self.week)

    @property
    def values(self) -> dict[str, Any]:
        return {
            "p": self.profile,
            "kind": self.kind,
            "week": self.week,
            "viewer_zone": self.viewer_zone,
        }


async def _shown(request: Request, me: Visit, slug: str) -> _Shown:
    context = context_of(request)
    mark = kept_of(request).mark()
    profile = await read(context, public.profile_by_slug, context.uow, context.profiles, slug)
    viewer_zone = me.zone(profile.time_zone)
    kind = profile.lesson_type(request.query_params.get("type"))
    if kind is None:
        kind = profile.lesson_type(None)
    if kind is None:
        return _Shown(profile, None, None, viewer_zone, mark)
    query = WeekQuery(profile, kind, viewer_zone, parse_day(request.query_params.get("from")))
    week = await read(context, free_week, context.uow, context.slots, me.caller, query)
    return _Shown(profile, kind, week, viewer_zone, mark)


@router.get("/{slug}")
async def profile_page(slug: str, request: Request, me: VisitDep) -> Response:
    try:
        shown = await _shown(request, me, slug)
    except NotFound:
        return message(
            request,
            me,
            "Page not found",
            "No instructor has this address. Find them in the list of instructors.",
            404,
        )
    pages, kept, instructor_id = pages_of(request), kept_of(request), shown.profile.id

    def whole() -> str:
        main = kept.part(
            shown.key("profile"),
            instructor_id,
            shown.mark,
            lambda: pages.fragment("_profile.html", **shown.values),
        )
        return pages.framed(me, shown.profile.name, main, viewer_zone=shown.viewer_zone)

    if me.principal is not None:  # the frame names them and carries their CSRF value
        return pages.respond(me, whole())
    # Anyone not signed in sees the same page here: kept whole, as the bytes of the answer.
    key = (request.url.path, shown.key("profile"))
    return pages.respond(me, kept.page(key, instructor_id, shown.mark, whole))


@router.get("/{slug}/times")
async def times_fragment(slug: str, request: Request, me: VisitDep) -> Response:
    """Just the week of free times (what the page's script swaps in when times change)."""
    try:
        shown = await _shown(request, me, slug)
    except NotFound:
        return HTMLResponse("", status_code=404)
    pages = pages_of(request)
    html = kept_of(request).part(
        shown.key("times"),
        shown.profile.id,
        shown.mark,
        lambda: pages.fragment("_times.html", **shown.values),
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})
