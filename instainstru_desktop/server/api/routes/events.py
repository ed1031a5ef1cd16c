"""Server-Sent Events: "pull now" pokes for the caller's scope."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import APIRouter
from starlette.responses import StreamingResponse

from instainstru_desktop.server.api.deps import ContextDep, RequirePermission, run_read
from instainstru_desktop.server.core.errors import ServiceError
from instainstru_desktop.server.core.events import EVERYONE, Audience, EventHub, Subscription
from instainstru_desktop.server.core.permissions import Permission, Principal, Role
from instainstru_desktop.server.services import public
from instainstru_desktop.server.services.context import Caller

router = APIRouter(tags=["events"])
Listener = Annotated[Caller, RequirePermission(Permission.EVENTS, query_token=True)]


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}}},
)
async def events(caller: Listener, context: ContextDep) -> StreamingResponse:
    """Server-Sent Events: a ``poke`` after each commit in the caller's scope; pull on each.

    An instructor hears of their calendar, an admin of everything, a student of their own
    lessons and their conversations (then reads what changed through the API: students do not
    sync). Also accepts ``?access_token=`` because browser EventSource cannot set headers.
    """
    principal = caller.signed_in
    hub = context.uow.hub
    subscription = hub.subscribe(audience_of(principal.role, principal))
    keepalive = context.settings.events_keepalive_seconds
    return event_stream(
        hub, subscription, keepalive, lambda seq: b'event: poke\ndata: {"seq": %d}\n\n' % seq
    )


def audience_of(role: Role, principal: Principal) -> Audience:
    """What a signed-in person's stream hears of."""
    if role is Role.ADMIN:
        return EVERYONE
    if role is Role.STUDENT:
        return Audience(student_id=principal.user_id)
    return Audience(instructor_id=principal.instructor_id or "")


class _StreamsFull(ServiceError):  # noqa: N818 (named as the problem, like core.errors)
    code = "busy"


@router.get(
    "/instructors/{instructor_id}/live",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}}},
)
async def instructor_live(instructor_id: str, context: ContextDep) -> StreamingResponse:
    """Server-Sent Events for anyone looking at an instructor's free times: ``event: changed``
    (with an empty ``data``) after each commit that touched the instructor's data.

    Public, so it says nothing else: not what changed, not who, not the change sequence. A
    page re-reads the times it shows when it hears one.
    """
    await run_read(context.uow, public.profile_by_id, context.uow, context.profiles, instructor_id)
    streams = context.public_streams
    if not streams.try_open():
        raise _StreamsFull(
            "Too many people are watching live times right now; reload the page for the latest.",
            headers={"Retry-After": "30"},
        )
    hub = context.uow.hub
    subscription = hub.subscribe(instructor_id)
    keepalive = context.settings.events_keepalive_seconds
    return event_stream(
        hub, subscription, keepalive, lambda _seq: b"event: changed\ndata: {}\n\n", streams.close
    )


def event_stream(
    hub: EventHub,
    subscription: Subscription,
    keepalive: float,
    event: Callable[[int], bytes],
    on_close: Callable[[], None] | None = None,
) -> StreamingResponse:
    """An SSE response: ``event(seq)`` for each poke the subscription takes, keep-alive comments
    in between, until the client or the server goes (the student pages' streams use it too)."""

    async def stream() -> AsyncIterator[bytes]:
        try:
            yield b"retry: 5000\n: connected\n\n"
            while not hub.closed and not subscription.closed:
                seq = await subscription.next(keepalive)
                if seq is not None:
                    yield event(seq)
                elif not subscription.closed:
                    yield b": keep-alive\n\n"
        finally:
            subscription.close()
            if on_close is not None:
                on_close()

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
