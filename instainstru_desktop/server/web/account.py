"""Signing in, creating a student account, and signing out -- keeping where the person was going.

The destination travels in ``next`` (a path of this site, see ``pages.local_path``): a booking
started before signing in is a link such as ``/maria-lopez/book?type=...&start=...``, so the
chosen instructor, lesson type and time survive signing in or up whatever else happens.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from instainstru_desktop.server.core.errors import (
    EmailTaken,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from instainstru_desktop.server.core.permissions import Role
from instainstru_desktop.server.services import auth, public
from instainstru_desktop.server.web.forms import read_form
from instainstru_desktop.server.web.pages import (
    context_of,
    local_path,
    not_genuine,
    pages_of,
    parse_instant,
    read,
    redirect,
)
from instainstru_desktop.server.web.session import Visit, visit

router = APIRouter(include_in_schema=False)
VisitDep = Annotated[Visit, Depends(visit)]
_NOT_A_STUDENT = (
    "This is an instructor's or an admin's account. These pages are for students: "
    "use the InstaInstru app, or sign in with a student account."
)


async def _pending(request: Request, next_path: str) -> dict[str, Any] | None:
    """The booking ``next`` leads to (instructor, lesson type, start), to show while signing in."""
    parts = urlsplit(next_path)
    segments = parts.path.strip("/").split("/")
    if len(segments) != 2 or segments[1] not in ("book", "weekly"):
        return None
    query = parse_qs(parts.query)
    start = parse_instant((query.get("start") or [""])[0])
    context = context_of(request)
    try:
        profile = await read(
            context, public.profile_by_slug, context.uow, context.profiles, segments[0]
        )
    except NotFound:
        return None
    kind = profile.lesson_type((query.get("type") or [""])[0])
    if kind is None or start is None:
        return None
    return {"p": profile, "kind": kind, "start": start, "weekly": segments[1] == "weekly"}


async def _form_page(
    request: Request, me: Visit, template: str, status: int = 200, **values: Any
) -> Response:
    next_path = local_path(values.pop("next_path", None) or request.query_params.get("next"))
    pending = await _pending(request, next_path)
    viewer_zone = me.zone(pending["p"].time_zone if pending else "UTC")
    return pages_of(request).render(
        me,
        template,
        status=status,
        next_path=next_path,
        pending=pending,
        viewer_zone=viewer_zone,
        **values,
    )


@router.get("/sign-in")
async def sign_in_page(request: Request, me: VisitDep) -> Response:
    return await _form_page(request, me, "sign_in.html", email="", errors={}, problem=None)


@router.post("/sign-in")
async def sign_in(request: Request, me: VisitDep) -> Response:
    form = await read_form(request)
    if not me.genuine_post(form):
        return not_genuine(request, me)
    context = context_of(request)
    email, next_path = form.get("email", "")[:254], local_path(form.get("next"), "/lessons")
    address = request.client.host if request.client else "unknown"
    try:
        user, _instructor = await run_in_threadpool(
            auth.check_credentials,
            context.uow,
            context.throttle,
            email=email,
            password=form.get("password", "")[:1024],
            address=address,
        )
    except (Unauthenticated, RateLimited) as refused:
        return await _form_page(
            request,
            me,
            "sign_in.html",
            status=429 if isinstance(refused, RateLimited) else 401,
            email=email,
            errors={},
            problem=refused.detail,
            next_path=next_path,
        )
    if user.role != Role.STUDENT:
        return await _form_page(
            request,
            me,
            "sign_in.html",
            status=403,
            email=email,
            errors={},
            problem=_NOT_A_STUDENT,
            next_path=next_path,
        )
    now = context.clock()
    token = await run_in_threadpool(
        auth.issue_token, context.uow, user.id, now=now, ttl=context.token_ttl
    )
    me.sign_in(token, context.token_ttl)
    me.remember_zone(me.zone(user.time_zone))
    return redirect(me, next_path)


@router.get("/sign-up")
async def sign_up_page(request: Request, me: VisitDep) -> Response:
    return await _form_page(
        request, me, "sign_up.html", values={}, errors={}, problem=None, chosen_zone=None
    )


@router.post("/sign-up")
async def sign_up(request: Request, me: VisitDep) -> Response:
    form = await read_form(request)
    if not me.genuine_post(form):
        return not_genuine(request, me)
    context = context_of(request)
    next_path = local_path(form.get("next"), "/lessons")
    values = {k: form.get(k, "")[:1024] for k in ("name", "email", "password", "time_zone")}
    address = request.client.host if request.client else "unknown"
    try:
        answer = await run_in_threadpool(
            lambda: auth.sign_up(
                context.uow,
                context.sign_ups,
                **values,
                address=address,
                now=context.clock(),
                ttl=context.token_ttl,
            )
        )
    except (InvalidInput, EmailTaken, RateLimited) as refused:
        status = {InvalidInput: 422, EmailTaken: 409, RateLimited: 429}[type(refused)]
        return await _form_page(
            request,
            me,
            "sign_up.html",
            status=status,
            values={k: v for k, v in values.items() if k != "password"},
            errors={e["field"]: e["message"] for e in refused.errors},
            problem=refused.detail,
            chosen_zone=values["time_zone"],
            next_path=next_path,
        )
    me.sign_in(answer["access_token"], context.token_ttl)
    me.remember_zone(values["time_zone"])
    return redirect(me, next_path)


@router.post("/sign-out")
async def sign_out(request: Request, me: VisitDep) -> Response:
    form = await read_form(request)
    if not me.genuine_post(form):
        return not_genuine(request, me)
    context = context_of(request)
    if me.token is not None:
        await run_in_threadpool(
            auth.sign_out, context.uow, me.token, context.clock(), context.tokens
        )
    me.sign_out()
    return redirect(me, "/")
