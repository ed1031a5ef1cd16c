"""Server-Sent Events: "pull now" pokes for the caller's scope."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter
from starlette.responses import StreamingResponse

from instainstru_desktop.server.api.deps import ContextDep, RequirePermission
from instainstru_desktop.server.core.permissions import Permission, Role
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

    Also accepts ``?access_token=`` because browser EventSource cannot set headers.
    """
    principal = caller.signed_in
    hub = context.uow.hub
    subscription = hub.subscribe(None if principal.role is Role.ADMIN else principal.instructor_id)
    keepalive = context.settings.events_keepalive_seconds

    async def stream() -> AsyncIterator[bytes]:
        try:
            yield b"retry: 5000\n: connected\n\n"
            while not hub.closed and not subscription.closed:
                seq = await subscription.next(keepalive)
                if seq is not None:
                    yield b'event: poke\ndata: {"seq": %d}\n\n' % seq
                elif not subscription.closed:
                    yield b": keep-alive\n\n"
        finally:
            subscription.close()

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
