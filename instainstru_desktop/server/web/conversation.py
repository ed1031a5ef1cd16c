"""A lesson's conversation on the student's lesson page: the messages, writing one, and live
updates while the page is open.

Writing is a plain form post (CSRF-checked like every form of the pages) carrying an id the
page made when it was rendered: sending the form twice -- a double click, a reload after a lost
answer -- posts the message once. The page's script, when there is one, posts the same form in
the background, swaps in the fresh list and takes the next id from it.

Live: ``/lessons/<id>/live`` is a stream for the signed-in student whose lesson it is, and says
nothing but ``changed`` after a commit that touched that student's lessons or conversations (a
new message, a read marker, the lesson itself); the script then fetches the list again. Showing
the conversation to its student is reading it: their read marker moves to the newest message.
"""

from __future__ import annotations

import uuid
from datetime import UTC
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from instainstru_desktop.domain.errors import DomainError
from instainstru_desktop.server.api.routes.events import event_stream
from instainstru_desktop.server.core.errors import NotFound, RateLimited, ServiceError
from instainstru_desktop.server.core.events import Audience
from instainstru_desktop.server.core.permissions import Role
from instainstru_desktop.server.services import messages
from instainstru_desktop.server.services.common import run_use_case
from instainstru_desktop.server.web.forms import read_form
from instainstru_desktop.server.web.pages import context_of, not_genuine, pages_of, read, redirect
from instainstru_desktop.server.web.session import Visit, visit

router = APIRouter(include_in_schema=False)
VisitDep = Annotated[Visit, Depends(visit)]
#: Pages of a conversation read for the lesson page at most (100 messages each).
MOST_PAGES = 5


def read_conversation(me: Visit, booking_id: str) -> dict[str, Any]:
    """The whole conversation for the page (as much as it shows), marked read up to its end.

    Runs in a worker thread: it may write the read marker.
    """
    context = me.context
    found: list[dict[str, Any]] = []
    page: dict[str, Any] = {}
    cursor: str | None = None
    for _ in range(MOST_PAGES):
        page = messages.conversation(context.uow, me.caller, booking_id, cursor=cursor)
        found.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    if page.get("unread") and found:
        run_use_case(context.uow, me.caller, messages.read_in, booking_id, found[-1]["number"])
    return {**page, "items": found}


def shown(me: Visit, conversation: dict[str, Any]) -> dict[str, Any]:
    """What the templates need: the messages with who wrote each and whether it was seen."""
    mine = me.principal.user_id if me.principal else ""
    seen_up_to = max(
        (m["last_read"] for m in conversation["read_markers"] if m["user_id"] != mine), default=0
    )
    items = [
        {
            **m,
            "mine": m["author_id"] == mine,
            "seen": m["author_id"] == mine and m["number"] <= seen_up_to,
            "at": m["created_at"].astimezone(UTC),
        }
        for m in conversation["items"]
    ]
    return {"items": items, "next_id": str(uuid.uuid4())}


async def conversation_of(me: Visit, booking_id: str) -> dict[str, Any] | None:
    """The conversation for the lesson page, or None when it cannot be read now."""
    try:
        found = await run_in_threadpool(read_conversation, me, booking_id)
    except (NotFound, ServiceError, DomainError):
        return None
    return shown(me, found)


@router.get("/lessons/{booking_id}/messages")
async def messages_fragment(booking_id: str, request: Request, me: VisitDep) -> Response:
    """Just the list of messages (what the page's script swaps in when something changed)."""
    if me.principal is None or len(booking_id) > 36:
        return Response(status_code=404)
    conversation = await conversation_of(me, booking_id)
    if conversation is None:
        return Response(status_code=404)
    html = pages_of(request).fragment(
        "_messages.html", conversation=conversation, viewer_zone=_zone(me), me=me.principal
    )
    return pages_of(request).respond(me, html)


@router.post("/lessons/{booking_id}/messages")
async def write(booking_id: str, request: Request, me: VisitDep) -> Response:
    form = await read_form(request)
    if not me.genuine_post(form):
        return not_genuine(request, me)
    if me.principal is None or me.principal.role is not Role.STUDENT:
        return redirect(me, f"/sign-in?next=/lessons/{booking_id}")
    from instainstru_desktop.server.web.lessons import lesson_with_problem  # one page, two files

    body, message_id = form.get("body", ""), form.get("message_id", "")
    try:
        message_id = str(uuid.UUID(message_id))
    except ValueError:
        return not_genuine(request, me)
    problem, status = messages.body_problem(body.strip()), 422
    context = context_of(request)
    if problem is None:
        try:
            await run_in_threadpool(
                run_use_case,
                context.uow,
                me.caller,
                messages.send_in,
                booking_id,
                message_id,
                body.strip(),
                context.messages,
            )
        except RateLimited as refused:
            problem, status = refused.detail, 429
        except (DomainError, ServiceError) as refused:
            problem, status = getattr(refused, "detail", str(refused)), 409
    if problem is not None:
        return await lesson_with_problem(request, me, booking_id, problem, status, body)
    return redirect(me, f"/lessons/{booking_id}#messages")


@router.get("/lessons/{booking_id}/live")
async def live(booking_id: str, request: Request, me: VisitDep) -> Response:
    """``event: changed`` whenever something of this student's changed (see the module)."""
    if me.principal is None or me.principal.role is not Role.STUDENT or len(booking_id) > 36:
        return Response(status_code=404)
    context = context_of(request)
    try:
        await read(context, messages.conversation, context.uow, me.caller, booking_id, limit=1)
    except (NotFound, ServiceError):
        return Response(status_code=404)
    streams = context.public_streams
    if not streams.try_open():
        return Response(status_code=503, headers={"Retry-After": "30"})
    hub = context.uow.hub
    subscription = hub.subscribe(Audience(student_id=me.principal.user_id))
    return me.apply(
        event_stream(
            hub,
            subscription,
            context.settings.events_keepalive_seconds,
            lambda _seq: b"event: changed\ndata: {}\n\n",
            streams.close,
        )
    )


def _zone(me: Visit) -> str:
    return me.zone(me.principal.time_zone if me.principal else "UTC")
