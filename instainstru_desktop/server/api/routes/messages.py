"""A lesson's conversation: its messages, writing one, read markers, and unread counts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from instainstru_desktop.server.api.deps import ContextDep, PageLimit, RequirePermission, run_read
from instainstru_desktop.server.api.routes._json import json_response
from instainstru_desktop.server.api.schemas import (
    MessageIn,
    MessageOut,
    MessagePage,
    ReadIn,
    ReadOut,
    UnreadOut,
)
from instainstru_desktop.server.core.permissions import Permission
from instainstru_desktop.server.core.wire import QUERY_WHOLE
from instainstru_desktop.server.services import messages
from instainstru_desktop.server.services.common import run_use_case
from instainstru_desktop.server.services.context import Caller

router = APIRouter(tags=["messages"])
Reader = Annotated[Caller, RequirePermission(Permission.MESSAGES_READ)]
Writer = Annotated[Caller, RequirePermission(Permission.MESSAGES_WRITE)]
After = Annotated[int, Query(ge=0, le=2**53), QUERY_WHOLE]


@router.get(
    "/bookings/{booking_id}/messages",
    response_model=None,
    responses={200: {"model": MessagePage}},
)
async def conversation(
    booking_id: str,
    caller: Reader,
    context: ContextDep,
    after: After = 0,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    limit: PageLimit = messages.PAGE,
) -> Response:
    """The lesson's messages, oldest first (``after``: only those numbered above it), with
    everyone's read markers and how many the caller has not read."""
    page = await run_read(
        context.uow, messages.conversation, context.uow, caller, booking_id, after, cursor, limit
    )
    return json_response(page)


@router.post(
    "/bookings/{booking_id}/messages",
    response_model=None,
    status_code=201,
    responses={201: {"model": MessageOut}},
)
async def send(booking_id: str, body: MessageIn, caller: Writer, context: ContextDep) -> Response:
    """Write in the lesson's conversation. Sending the same ``id`` again answers the message
    already posted (also ``201``): a retry never posts twice."""
    posted = await run_in_threadpool(
        run_use_case,
        context.uow,
        caller,
        messages.send_in,
        booking_id,
        body.id.lower(),
        body.body,
        context.messages,
    )
    return json_response(posted, status_code=201)


@router.put("/bookings/{booking_id}/messages/read", response_model=ReadOut)
async def mark_read(
    booking_id: str, body: ReadIn, caller: Reader, context: ContextDep
) -> Response:
    """The caller has read the conversation up to message ``up_to``."""
    marker = await run_in_threadpool(
        run_use_case, context.uow, caller, messages.read_in, booking_id, body.up_to
    )
    return json_response(marker)


@router.get("/messages/unread", response_model=UnreadOut)
async def unread(caller: Reader, context: ContextDep) -> Response:
    """Messages the caller has not read: per lesson (those with any) and in total."""
    return json_response(
        await run_read(context.uow, messages.unread_counts, context.uow, caller)
    )
