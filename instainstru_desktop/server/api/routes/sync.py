"""Sync: pull changes after a cursor, push queued mutations, read a device's sync state."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response

from instainstru_desktop.server.api.deps import ContextDep, RequirePermission, UowDep
from instainstru_desktop.server.api.routes._json import json_response
from instainstru_desktop.server.api.schemas import PullOut, PushIn, PushOut, SyncStateOut
from instainstru_desktop.server.core.permissions import Permission
from instainstru_desktop.server.core.wire import QUERY_WHOLE
from instainstru_desktop.server.services import sync_pull, sync_push
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.views import Json

router = APIRouter(prefix="/sync", tags=["sync"])
Syncer = Annotated[Caller, RequirePermission(Permission.SYNC)]
ClientId = Annotated[str, Query(pattern=r"^[0-9a-fA-F-]{36}$")]


@router.get("/pull", response_model=None, responses={200: {"model": PullOut}})
def pull(
    caller: Syncer,
    uow: UowDep,
    context: ContextDep,
    cursor: Annotated[str, Query(max_length=100)] = "0",
    limit: Annotated[int | None, Query(ge=1, le=100_000), QUERY_WHOLE] = None,
    shape: Literal["objects", "table"] = "objects",
    counts: Literal["0", "1"] = "0",
) -> Response:
    """What changed after ``cursor`` (rows, not ORM objects, serialized by orjson: 100k fast).
    ``shape=table``: the bookings as column names and rows of values; ``counts=1``: the last
    page also counts the rows of each entity the caller may see (docs/api.md, "Sync")."""
    rows = limit or context.settings.pull_page_rows
    page = sync_pull.pull(uow, caller, cursor, rows, table=shape == "table", counts=counts == "1")
    return json_response(page)


@router.get("/state", response_model=SyncStateOut)
def state(caller: Syncer, uow: UowDep, client_id: ClientId) -> Json:
    return sync_pull.state(uow, caller, client_id.lower())


@router.post("/push", response_model=PushOut)
def push(body: PushIn, caller: Syncer, uow: UowDep, context: ContextDep) -> Json:
    return sync_push.push(
        uow, caller, body.client_id.lower(), body.mutations, message_pace=context.messages
    )
